"""Money: what a measure is planned to cost and has spent, by funding source.

A measure has budget lines, each a funding source (DigitalPakt Schule and its
add-ons, Land, Bund, EU, the city's own budget, other) with its planned amount
and what was spent of it so far, optionally for one year. Amounts are euros
with cents (Decimal, never float). Sums are taken per field of action and per
source; a plan also states its total volume, which need not equal the sum of
its measures' lines (a council decides a volume before every measure is costed).

Defines models; imported by `measures.models`, so Django registers it there.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q, Sum
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .targets import MAX_YEAR, MIN_YEAR

if TYPE_CHECKING:
    from .models import Plan

MAX_DIGITS = 14  # up to 999,999,999,999.99 EUR
ZERO = Decimal("0.00")


def amount_field(verbose_name, **kwargs) -> models.DecimalField:
    """Euros and cents."""
    return models.DecimalField(verbose_name, max_digits=MAX_DIGITS, decimal_places=2, **kwargs)


def euros(amount: Decimal) -> str:
    """ "2.800.000,00 €" (in English "2,800,000.00 €")."""
    return f"{number_format(amount, 2, use_l10n=True, force_grouping=True)}\u00a0€"


class FundingSource(models.TextChoices):
    DIGITALPAKT = "digitalpakt", _("DigitalPakt Schule")
    DIGITALPAKT_ADMIN = "digitalpakt_admin", _("DigitalPakt Schule: IT-Administration")
    DIGITALPAKT_DEVICES = "digitalpakt_devices", _("DigitalPakt Schule: Sofortausstattung")
    DIGITALPAKT_TEACHERS = "digitalpakt_teachers", _("DigitalPakt Schule: Leihgeräte Lehrkräfte")
    LAND = "land", _("Land NRW")
    BUND = "bund", _("Bund")
    EU = "eu", _("EU")
    MUNICIPAL = "municipal", _("Städtischer Haushalt")
    OTHER = "other", _("Sonstige")


# The message Target.parse gives, in the reader's language when shown.
_YEAR_RANGE = lazy(
    lambda: (
        gettext("Das Jahr muss zwischen %(min)s und %(max)s liegen.")
        % {"min": MIN_YEAR, "max": MAX_YEAR}
    ),
    str,
)
DUPLICATE_LINE = _("Für diese Finanzierung und dieses Jahr gibt es schon einen Posten.")


class BudgetLine(models.Model):
    measure = models.ForeignKey(
        "measures.Measure",
        on_delete=models.CASCADE,
        related_name="budget_lines",
        verbose_name=_("Maßnahme"),
    )
    source = models.CharField(_("Finanzierung"), max_length=30, choices=FundingSource.choices)
    year = models.PositiveSmallIntegerField(
        _("Haushaltsjahr"), null=True, blank=True, help_text=_("Leer: für die ganze Laufzeit.")
    )
    planned = amount_field(_("Geplant (Euro)"))
    spent = amount_field(_("Ausgegeben (Euro)"), default=ZERO)

    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        verbose_name = _("Budgetposten")
        verbose_name_plural = _("Budget")
        ordering = ["measure", "source", "year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned__gte=0, spent__gte=0),
                name="budgetline_amounts_not_negative",
                violation_error_message=_("Beträge dürfen nicht negativ sein."),
            ),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=MIN_YEAR, year__lte=MAX_YEAR),
                name="budgetline_year_in_range",
                violation_error_message=_YEAR_RANGE(),
            ),
            # One line per source and year, and one for the whole period (NULL
            # year; two constraints, as SQLite knows no "NULLS NOT DISTINCT").
            models.UniqueConstraint(
                fields=["measure", "source", "year"],
                condition=Q(year__isnull=False),
                name="budgetline_one_per_source_and_year",
                violation_error_message=DUPLICATE_LINE,
            ),
            models.UniqueConstraint(
                fields=["measure", "source"],
                condition=Q(year__isnull=True),
                name="budgetline_one_per_source_for_the_period",
                violation_error_message=DUPLICATE_LINE,
            ),
        ]

    def __str__(self) -> str:
        year = f" {self.year}" if self.year else ""
        return f"{self.label}{year}: {self.planned} €"

    @property
    def label(self) -> str:
        """What the line is, as the sums (Sums.label) say it: its source."""
        return self.get_source_display()


@dataclass(frozen=True)
class Sums:
    """Planned and spent, summed."""

    label: str
    planned: Decimal
    spent: Decimal

    @classmethod
    def of(cls, lines: Iterable["BudgetLine"], label: str = "") -> "Sums":
        """A measure's lines added up."""
        lines = list(lines)
        return cls(
            label, sum((x.planned for x in lines), ZERO), sum((x.spent for x in lines), ZERO)
        )


@dataclass(frozen=True)
class PlanBudget:
    """A plan's money: its stated volume and its measures' lines, summed."""

    volume: Decimal | None
    total: Sums
    by_field: list[Sums]
    by_source: list[Sums]

    @classmethod
    def of(cls, plan: "Plan") -> "PlanBudget | None":
        """One query: the lines summed per field and source, added up here; None if
        the plan names no money at all."""
        field = "measure__field__"
        rows = (
            BudgetLine.objects.filter(measure__field__plan=plan)
            .values(f"{field}position", f"{field}pk", f"{field}title", "source")
            .annotate(planned=Sum("planned"), spent=Sum("spent"))
            .order_by(f"{field}position", f"{field}pk")
        )
        return cls.summed(
            plan.total_budget,
            (
                (
                    row[f"{field}pk"],
                    row[f"{field}title"],
                    row["source"],
                    row["planned"],
                    row["spent"],
                )
                for row in rows
            ),
        )

    @classmethod
    def summed(
        cls, volume: Decimal | None, rows: Iterable[tuple[object, str, str, Decimal, Decimal]]
    ) -> "PlanBudget | None":
        """The sums of `rows`, (field key, field title, source, planned, spent) in the
        fields' order, whole lines or sums of them; None without rows and volume.
        The one rule for the live report and an edition (editions.reports)."""
        by_field: dict[object, Sums] = {}
        by_source: dict[str, Sums] = {}
        for field_key, field_title, source, planned, spent in rows:
            for sums, key, label in [
                (by_field, field_key, field_title),
                (by_source, source, str(FundingSource(source).label)),
            ]:
                before = sums.get(key, Sums(label, ZERO, ZERO))
                sums[key] = Sums(label, before.planned + planned, before.spent + spent)
        if not by_field and volume is None:
            return None
        fields = list(by_field.values())
        total = Sums(
            "", sum((s.planned for s in fields), ZERO), sum((s.spent for s in fields), ZERO)
        )
        sources = [by_source[value] for value in FundingSource.values if value in by_source]
        return cls(volume, total, fields, sources)
