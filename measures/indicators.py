"""Indicators: what a measure counts, in its own unit, over time.

A measure has any number of indicators ("Access Points", "Tablets für
Schülerinnen und Schüler", "WLAN-Abdeckung"), each with a unit (Schulen,
Standorte, Räume, Geräte, Stellen, Prozent of a stated base, Euro or a unit of
its own), and optionally a baseline, a target value and a total ("2.420 von
2.500"). A count without a total is valid ("16.000 Geräte"), so is a target
without any reading yet.

Readings are dated values with a public source note; who entered one is kept
for the staff, never shown publicly. The current value is the latest reading.
A reading carries the unit it was taken in: when an indicator's unit changes
(percent of pupils one year, percent of schools the next), the series breaks
there and values are never compared across the break ("Einheit geändert").
Sums add like units only (`Quantity.unit_key`).

Defines models; imported by `measures.models`, so Django registers it there.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from bielefeld_digital.text import SINGLE_LINE

from .money import MAX_DIGITS, euros


class Unit(models.TextChoices):
    SCHOOLS = "schools", _("Schulen")
    SITES = "sites", _("Standorte")
    ROOMS = "rooms", _("Räume")
    DEVICES = "devices", _("Geräte")
    POSTS = "posts", _("Stellen")
    PERCENT = "percent", _("Prozent")
    EURO = "euro", _("Euro")
    OTHER = "other", _("Eigene Einheit")


# Units whose `detail` is required (the base of a percentage, the name of an own
# unit); every other unit has none.
DETAILED_UNITS = (Unit.PERCENT, Unit.OTHER)

UNIT_DETAIL_HELP = _(
    'Bei Prozent der Bezug (z. B. "der Schülerinnen und Schüler"), bei einer eigenen '
    'Einheit ihr Name (z. B. "Access Points"); sonst leer.'
)
UNIT_DETAIL_MISSING = _(
    "Bei Prozent gehört der Bezug dazu, bei einer eigenen Einheit ihr Name; "
    "andere Einheiten haben keinen Zusatz."
)
NOT_NEGATIVE = _("Werte dürfen nicht negativ sein.")
PERCENT_AT_MOST_100 = _("Ein Prozentwert liegt zwischen 0 und 100.")
PERCENT_INDICATOR = _(
    # No percent sign: Django formats a constraint's message with %-placeholders.
    "Ein Prozentwert liegt zwischen 0 und 100 und hat keine Gesamtzahl: wovon er ein Teil "
    "ist, sagt sein Bezug."
)
ONE_READING_A_DAY = _("Für diesen Tag gibt es schon einen Wert.")
WHOLE_SCHOOLS = _("Schulen werden ganz gezählt: bitte eine ganze Zahl.")
NOT_IN_THE_FUTURE = _("Ein Wert hat einen Stand von heute oder früher.")
VALUE_ABOVE_TOTAL = _("Der Wert ist größer als die Gesamtzahl der Kennzahl (%(total)s).")


def _whole_schools(unit: str, values: dict[str, Decimal | None]) -> None:
    """Refuse a fraction of a school ("12,5 Schulen") in any of `values`."""
    if unit != Unit.SCHOOLS:
        return
    errors = {
        name: WHOLE_SCHOOLS
        for name, value in values.items()
        if value is not None and value != value.to_integral_value()
    }
    if errors:
        raise ValidationError(errors)


def value_field(verbose_name, **kwargs) -> models.DecimalField:
    """A count, a percentage or an amount: up to two decimal places."""
    return models.DecimalField(verbose_name, max_digits=MAX_DIGITS, decimal_places=2, **kwargs)


def unit_detail_field() -> models.CharField:
    """The base of a percentage or the name of an own unit (see DETAILED_UNITS)."""
    return models.CharField(
        _("Bezug oder Name der Einheit"),
        max_length=120,
        blank=True,
        validators=[SINGLE_LINE],
        help_text=UNIT_DETAIL_HELP,
    )


def _unit_well_formed(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(unit__in=DETAILED_UNITS, unit_detail__gt="")
        | (~Q(unit__in=DETAILED_UNITS) & Q(unit_detail="")),
        name=name,
        violation_error_message=UNIT_DETAIL_MISSING,
    )


def _plain(value: Decimal) -> str:
    """16000.00 as "16.000", 93.50 as "93,5" (in English "16,000", "93.5")."""
    places = max(0, -value.normalize().as_tuple().exponent)
    return number_format(value, min(places, 2), use_l10n=True, force_grouping=True)


@dataclass(frozen=True)
class Quantity:
    """A unit as a reader reads it: the kind and, for percentages and own units, the
    words that make it precise. Two quantities can be compared or added only if
    their `unit_key`s are equal."""

    unit: str
    detail: str = ""

    @property
    def unit_key(self) -> tuple[str, str]:
        return (self.unit, self.detail)

    @property
    def label(self) -> str:
        """ "Schulen", "Prozent der Schülerinnen und Schüler", "Access Points"."""
        if self.unit == Unit.OTHER:
            return self.detail
        label = str(Unit(self.unit).label)
        return f"{label} {self.detail}" if self.detail else label

    def number(self, value: Decimal, cents: bool = True) -> str:
        """The value with its sign only: "16.000", "93 %", "1.880.000,00 €" (without
        `cents` as other numbers: "2.000.000 €", for a chart's axis)."""
        if self.unit == Unit.EURO:
            return euros(value) if cents else f"{_plain(value)}\u00a0€"
        if self.unit == Unit.PERCENT:
            return f"{_plain(value)}\u00a0%"
        return _plain(value)

    def format(self, value: Decimal) -> str:
        """ "16.000 Geräte", "93 % der Schülerinnen und Schüler", "1.880.000,00 €"."""
        if self.unit == Unit.EURO:
            return self.number(value)
        if self.unit == Unit.PERCENT:
            return f"{self.number(value)} {self.detail}"
        return f"{self.number(value)}\u00a0{self.label}"

    def format_of(self, value: Decimal, total: Decimal | None) -> str:
        """ "2.420 von 2.500 Access Points"; without a total as `format`."""
        if total is None or self.unit in (Unit.PERCENT, Unit.EURO):
            return self.format(value)
        return gettext("%(value)s von %(total)s") % {
            "value": _plain(value),
            "total": self.format(total),
        }


class IndicatorQuerySet(models.QuerySet):
    def with_series(self) -> "IndicatorQuerySet":
        """With their readings (`Indicator.series`): one query more, however many."""
        return self.prefetch_related("readings")


class Indicator(models.Model):
    measure = models.ForeignKey(
        "measures.Measure",
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("Maßnahme"),
    )
    name = models.CharField(_("Kennzahl"), max_length=200, validators=[SINGLE_LINE])
    position = models.PositiveSmallIntegerField(_("Position"), default=0)
    unit = models.CharField(_("Einheit"), max_length=20, choices=Unit.choices)
    unit_detail = unit_detail_field()
    baseline = value_field(
        _("Ausgangswert"), null=True, blank=True, help_text=_("Der Wert zu Beginn des Plans.")
    )
    target_value = value_field(_("Zielwert"), null=True, blank=True)
    total = value_field(
        _("Gesamtzahl"),
        null=True,
        blank=True,
        help_text=_('Wovon der Wert ein Teil ist ("2.420 von 2.500"); leer bei einer bloßen Zahl.'),
    )
    in_deck = models.BooleanField(
        _("Auf den Folien"),
        default=True,
        help_text=_(
            "Zeigt die Kennzahl auf den Folien „Kennzahlen“ (PDF, PowerPoint). Die Seiten "
            "im Portal zeigen jede Kennzahl."
        ),
    )

    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    objects = IndicatorQuerySet.as_manager()
    authority_path = "measure__plan__owner"  # its Schulträger (authorities.models.in_staff_area)

    # The language of `name` where it is not the plan's: a rollout's course is
    # named in the reader's (Measure.name_course). Pages set it as `lang`.
    name_language = ""

    class Meta:
        verbose_name = _("Kennzahl")
        verbose_name_plural = _("Kennzahlen")
        ordering = ["measure", "position", "pk"]
        constraints = [
            _unit_well_formed("indicator_unit_well_formed"),
            models.CheckConstraint(
                condition=(Q(baseline__isnull=True) | Q(baseline__gte=0))
                & (Q(target_value__isnull=True) | Q(target_value__gte=0))
                & (Q(total__isnull=True) | Q(total__gte=0)),
                name="indicator_values_not_negative",
                violation_error_message=NOT_NEGATIVE,
            ),
            models.CheckConstraint(
                condition=~Q(unit=Unit.PERCENT)
                | (
                    Q(total__isnull=True)
                    & (Q(baseline__isnull=True) | Q(baseline__lte=100))
                    & (Q(target_value__isnull=True) | Q(target_value__lte=100))
                ),
                name="indicator_percent_in_range",
                violation_error_message=PERCENT_INDICATOR,
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        _whole_schools(
            self.unit,
            {"baseline": self.baseline, "target_value": self.target_value, "total": self.total},
        )

    @property
    def quantity(self) -> Quantity:
        """The unit new readings are taken in."""
        return Quantity(self.unit, self.unit_detail)

    @property
    def baseline_text(self) -> str:
        return "" if self.baseline is None else self.quantity.format(self.baseline)

    @property
    def target_text(self) -> str:
        return "" if self.target_value is None else self.quantity.format(self.target_value)

    @cached_property
    def series(self) -> list["Reading"]:
        """The readings, oldest first (from a prefetch where there is one)."""
        return sorted(self.readings.all(), key=lambda reading: reading.date)

    def add_reading(self, reading: "Reading", *, user) -> "Reading":
        """Save a new `reading` of this indicator entered by `user` (kept for the
        staff only), checked by the model's rules, as a new version of the measure:
        an editor's form of the older version is refused, as for any change. The
        measure is locked first, so two people entering the same day get the
        message, not an error."""
        reading.indicator = self
        reading.entered_by = user
        with transaction.atomic():
            measure = type(self.measure).objects.select_for_update().get(pk=self.measure_id)
            reading.full_clean()
            reading._change_reason = reason = gettext("Neuer Wert: %(name)s") % {"name": self.name}
            try:
                with transaction.atomic():
                    reading.save()
            except IntegrityError:
                raise ValidationError({"date": ONE_READING_A_DAY}) from None
            measure.save_new_version(user=user, reason=reason, update_fields=[])
        return reading

    @property
    def has_sources(self) -> bool:
        """Whether any reading names its source (else a table needs no column for them)."""
        return any(reading.source for reading in self.series)

    @property
    def current(self) -> "Reading | None":
        """The latest reading: the indicator's current value."""
        return self.series[-1] if self.series else None

    @property
    def segments(self) -> list[list["Reading"]]:
        """The series split where the unit changes: values compare within a segment only."""
        segments: list[list[Reading]] = []
        for reading in self.series:
            if segments and segments[-1][-1].quantity == reading.quantity:
                segments[-1].append(reading)
            else:
                segments.append([reading])
        return segments

    @property
    def school_count(self) -> tuple[int, int] | None:
        """(done, total) if the indicator counts schools of a total and its current
        value is counted in schools: what it adds to "Umsetzung an Schulen". No other
        unit is ever added there, nor a value from before a change of unit."""
        current = self.current
        if (
            self.unit != Unit.SCHOOLS
            or self.total is None
            or current is None
            or current.quantity != self.quantity
        ):
            return None
        return int(current.value), int(self.total)

    @property
    def latest_change(self) -> "Comparison | None":
        """The latest reading against the one before it."""
        return Comparison(*self.series[-2:]) if len(self.series) > 1 else None

    def summary(self) -> str:
        """The series in one sentence, for the chart's text alternative."""
        current = self.current
        if current is None:
            text = gettext("Noch kein Wert erfasst.")
        else:
            text = gettext("Stand %(date)s: %(value)s.") % {
                "date": date_format(current.date, "SHORT_DATE_FORMAT"),
                "value": current.text,
            }
            if (change := self.latest_change) is not None:
                text += " " + change.text
        if self.target_value is not None:
            text += " " + gettext("Ziel: %(value)s.") % {"value": self.target_text}
        return text


class Reading(models.Model):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="readings", verbose_name=_("Kennzahl")
    )
    date = models.DateField(_("Stand"))
    value = value_field(_("Wert"))
    unit = models.CharField(
        _("Einheit"),
        max_length=20,
        choices=Unit.choices,
        blank=True,
        help_text=_("Leer: die Einheit der Kennzahl."),
    )
    unit_detail = unit_detail_field()
    source = models.CharField(
        _("Quelle"),
        max_length=300,
        blank=True,
        validators=[SINGLE_LINE],
        help_text=_('Öffentlich, z. B. "Schulstatistik 2023" oder "Inventur der IT".'),
    )
    # For the staff only: never on a public page, deck or download.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Erfasst von"),
    )
    entered_at = models.DateTimeField(_("Erfasst am"), auto_now_add=True)

    history = HistoricalRecords(
        excluded_fields=["entered_at"],
        history_change_reason_field=models.TextField(null=True),
    )

    class Meta:
        verbose_name = _("Wert")
        verbose_name_plural = _("Werte")
        ordering = ["indicator", "date"]
        constraints = [
            # The unit is filled from the indicator on saving (take_the_indicators_unit).
            models.CheckConstraint(condition=~Q(unit=""), name="reading_has_a_unit"),
            _unit_well_formed("reading_unit_well_formed"),
            models.UniqueConstraint(
                fields=["indicator", "date"],
                name="reading_one_per_day",
                violation_error_message=ONE_READING_A_DAY,
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="reading_value_not_negative",
                violation_error_message=NOT_NEGATIVE,
            ),
            models.CheckConstraint(
                condition=~Q(unit=Unit.PERCENT) | Q(value__lte=100),
                name="reading_percent_at_most_100",
                violation_error_message=PERCENT_AT_MOST_100,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.text} ({date_format(self.date, 'SHORT_DATE_FORMAT')})"

    def save(self, *args, **kwargs) -> None:
        self.take_the_indicators_unit()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.take_the_indicators_unit()  # before the constraints are validated
        _whole_schools(self.unit, {"value": self.value})
        if self.date is not None and self.date > timezone.localdate():
            # It would be the current value until that day, and nothing entered
            # meanwhile could replace it.
            raise ValidationError({"date": NOT_IN_THE_FUTURE})
        total = self.total
        if total is not None and self.value is not None and self.value > total:
            raise ValidationError(
                {"value": VALUE_ABOVE_TOTAL % {"total": self.indicator.quantity.format(total)}}
            )

    def take_the_indicators_unit(self) -> None:
        """A reading without a unit of its own is taken in its indicator's unit, and
        keeps it when the indicator's unit changes later."""
        if not self.unit:
            self.unit, self.unit_detail = self.indicator.unit, self.indicator.unit_detail

    @property
    def quantity(self) -> Quantity:
        return Quantity(self.unit, self.unit_detail)

    @staticmethod
    def same(one: "Reading | None", other: "Reading | None") -> bool:
        """Whether two readings (or their absence) say the same: day, value and unit."""
        if one is None or other is None:
            return one is other
        return (one.date, one.value, one.quantity) == (other.date, other.value, other.quantity)

    @property
    def total(self) -> Decimal | None:
        """The indicator's total, if this reading is in the indicator's unit: what the
        value is a part of ("2.420 von 2.500"). Across a change of unit, none."""
        return self.indicator.total if self.quantity == self.indicator.quantity else None

    @property
    def text(self) -> str:
        """The value in its unit, of the indicator's total where the units agree."""
        return self.quantity.format_of(self.value, self.total)


@dataclass(frozen=True)
class Comparison:
    """Two readings of one indicator, earlier and later: a difference only in one unit."""

    earlier: Reading
    later: Reading

    @property
    def unit_changed(self) -> bool:
        return self.earlier.quantity != self.later.quantity

    @property
    def difference(self) -> Decimal | None:
        return None if self.unit_changed else self.later.value - self.earlier.value

    @property
    def text(self) -> str:
        """ "93 % → 95 % der Schülerinnen und Schüler", or that the unit changed."""
        if self.unit_changed:
            return gettext("Einheit geändert: %(earlier)s, jetzt %(later)s.") % {
                "earlier": self.earlier.quantity.format(self.earlier.value),
                "later": self.later.quantity.format(self.later.value),
            }
        quantity = self.later.quantity
        return gettext("%(earlier)s am %(date)s → %(later)s.") % {
            "earlier": quantity.number(self.earlier.value),
            "date": date_format(self.earlier.date, "SHORT_DATE_FORMAT"),
            "later": quantity.format(self.later.value),
        }
