"""The school directory: schools as the NRW directory lists them, with their districts."""

import datetime
import re
import unicodedata
from typing import Self

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bielefeld_digital.text import SINGLE_LINE

# A school number is six ASCII digits (not \d: that takes any script's digits).
# One pattern for the field, the database's constraint, the importers and the
# staff forms.
SCHOOL_NUMBER_DIGITS = r"[0-9]{6}"
SCHOOL_NUMBER_PATTERN = rf"^{SCHOOL_NUMBER_DIGITS}$"
SCHOOL_NUMBER_MESSAGE = _("Die Schulnummer besteht aus sechs Ziffern.")
school_number_validator = RegexValidator(SCHOOL_NUMBER_PATTERN, SCHOOL_NUMBER_MESSAGE)


def is_school_number(text: str) -> bool:
    """Whether `text` is a school number, all of it (no trailing line break either)."""
    return re.fullmatch(SCHOOL_NUMBER_PATTERN, text) is not None


# The directory's school forms (key_schulformschluessel.csv of Schulgrunddaten NRW).
# A plain mapping, not choices: the codes are the ministry's, and a code it adds
# later must not make existing rows invalid before we learn its name.
SCHOOL_FORM_NAMES: dict[str, str] = {
    "02": "Grundschule",
    "04": "Hauptschule",
    "06": "Volksschule",
    "08": "Förderschule",
    "0A": "Schulaufsicht",
    "10": "Realschule",
    "13": "Primus (Schulversuch)",
    "14": "Sekundarschule",
    "15": "Gesamtschule",
    "16": "Gemeinschaftsschule (Schulversuch)",
    "17": "Waldorfschule",
    "18": "Hiberniaschule",
    "19": "Freie Waldorfförderschule",
    "20": "Gymnasium",
    "25": "Weiterbildungskolleg",
    "30": "Berufskolleg",
    "50": "ZfsL",
    "51": "Seminar Grundschule",
    "52": "Seminar sonderpädagogische Förderung",
    "53": "Seminar Haupt-, Real- und Gesamtschulen",
    "56": "Seminar Gymnasien und Gesamtschulen",
    "58": "Seminar Berufskolleg",
    "81": "Schulischer Lernort",
    "83": "Klinikschule",
    "85": "Förderschule im Bereich der Realschule",
    "87": "Förderschule im Bereich des Gymnasiums",
    "88": "Förderschule im Bereich des Berufskollegs",
}


class OperationKey(models.TextChoices):
    """The directory's Schulbetriebsschlüssel (key_schulbetriebsschluessel.csv)."""

    CLOSING = "0", _("wird zum Ende des laufenden Schuljahres aufgelöst")
    OPERATING = "1", _("hat Schulbetrieb")
    CLOSING_LATER = "2", _("wird zu einem späteren Zeitpunkt aufgelöst")
    OPENING = "3", _("nimmt den Schulbetrieb auf")
    SUSPENDED = "4", _("Schulbetrieb ruht")
    DELETED = "5", _("gelöscht (nur noch für die Stellendatei geführt)")
    OPERATING_SOME_SURVEYS = "6", _("hat Schulbetrieb (nimmt nur an bestimmten Erhebungen teil)")
    DISSOLVED = "9", _("aufgelöst (nur noch für die amtliche Schulstatistik geführt)")

    @classmethod
    def closing(cls) -> list[str]:
        """Keys whose Schulbetriebsdatum is the school's last day."""
        return [cls.CLOSING, cls.CLOSING_LATER]

    @classmethod
    def operating(cls) -> list[str]:
        """Keys of a school in operation without a date that limits it."""
        return [cls.OPERATING, cls.OPERATING_SOME_SURVEYS]


class LegalForm(models.TextChoices):
    """The directory's Rechtsform."""

    PUBLIC = "1", _("öffentlich")
    PRIVATE = "2", _("privat (Ersatzschule)")


class RegionalAuthority(models.TextChoices):
    """The directory's Bezirksregierung (key_bezreg.csv)."""

    DUESSELDORF = "1", _("Düsseldorf")
    KOELN = "3", _("Köln")
    MUENSTER = "5", _("Münster")
    DETMOLD = "7", _("Detmold")
    ARNSBERG = "9", _("Arnsberg")


# After accents are dropped "ü" reads "u"; "ue" must read the same, or
# "bueckardt" would miss the "Bückardtschule" that "buckardt" finds.
_UMLAUT_SPELLING = re.compile(r"([aou])e")


def searchable(text: str) -> str:
    """`text` as the school search compares it: without case and accents, and
    with ü/ue, ö/oe, ä/ae and ß/ss alike. "Bückardtschule" becomes
    "buckardtschule"; "bueckardt", "BÜCKARDT" and "buckardt" all become "buckardt".

    The names and the search words both pass through here, so the rule holds
    the same in every database.
    """
    text = unicodedata.normalize("NFKD", text.casefold())  # casefold: ß -> ss
    text = "".join(char for char in text if not unicodedata.combining(char))
    return _UMLAUT_SPELLING.sub(r"\1", " ".join(text.split()))


# What the school search looks in.
SEARCHED_FIELDS = ("name", "school_number", "street")


def search_text_of(school) -> str:
    """The `search_text` of `school` (a School, or a historical model in a migration)."""
    return searchable(" ".join(getattr(school, name) for name in SEARCHED_FIELDS))


class SchoolQuerySet(models.QuerySet):
    """Filters over the directory's data; database filters, so they work in aggregates."""

    # Bulk writes skip save(): these two keep `search_text` up to date for the
    # importers and the demo data. (QuerySet.update() does not; nothing uses it
    # on the searched fields.)
    def bulk_create(self, objs, *args, **kwargs) -> list["School"]:
        objs = list(objs)
        for school in objs:
            school.update_search_text()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs) -> int:
        objs, fields = list(objs), list(fields)
        if set(SEARCHED_FIELDS) & set(fields) and "search_text" not in fields:
            for school in objs:
                school.update_search_text()
            fields.append("search_text")
        return super().bulk_update(objs, fields, *args, **kwargs)

    def in_operation(self, on: datetime.date) -> Self:
        """Schools that hold lessons on `on`; the same rule as `School.is_in_operation`.

        A school that vanished from the directory is not counted: the directory
        no longer vouches for it, and a closed school must not stay in a
        denominator for ever.
        """
        return self.filter(
            Q(operation_key__in=OperationKey.operating())
            | Q(operation_key=OperationKey.OPENING, opens_on__lte=on)
            | Q(operation_key__in=OperationKey.closing(), closes_on__gte=on),
            listed=True,
        )

    def search(self, text: str) -> Self:
        """Schools whose name, number or street contain every word of `text`, in any
        case and spelling (see `searchable`): "heepen gymnasium" finds the
        "Gymnasium Heepen", "buckardt" the "Bückardtschule".

        One LIKE per word on `search_text`, without an index: a B-tree cannot
        serve "%word%", and scanning the column of all 5,600 NRW schools takes
        2 ms in PostgreSQL (ILIKE over the three columns took 12 ms).
        """
        schools = self
        for word in searchable(text).split():
            schools = schools.filter(search_text__contains=word)
        return schools

    def filter_choices(self) -> tuple[list[tuple[str, str]], list[str]]:
        """The school forms (code, name) and districts among these schools, sorted,
        for a filter form; "" (district not known) last, if any. One query."""
        rows = self.order_by().values_list("school_form", "school_form_name", "district").distinct()
        forms, districts = {}, set()
        for code, name, district in rows:
            forms[code] = name or forms.get(code) or code
            districts.add(district)
        return (
            sorted(forms.items(), key=lambda item: (item[1], item[0])),
            sorted(districts, key=lambda district: (not district, district.casefold())),
        )


class School(models.Model):
    """A school as listed in the NRW school directory (Schulgrunddaten NRW)."""

    school_number = models.CharField(
        _("Schulnummer"),
        max_length=6,
        unique=True,
        validators=[SINGLE_LINE, school_number_validator],
    )
    name = models.CharField(_("Name"), max_length=300, validators=[SINGLE_LINE])
    # The directory's two-character code ("02" Grundschule, "0A" ...): a string,
    # because leading zeros and letters matter.
    school_form = models.CharField(_("Schulform"), max_length=2, validators=[SINGLE_LINE])
    school_form_name = models.CharField(
        _("Schulform (Bezeichnung)"), max_length=100, blank=True, validators=[SINGLE_LINE]
    )
    short_name = models.CharField(
        _("Kurzbezeichnung"), max_length=100, blank=True, validators=[SINGLE_LINE]
    )
    # Not in the directory: set by `import_districts` or an administrator, and
    # never touched by a directory import.
    district = models.CharField(
        _("Stadtbezirk"), max_length=100, blank=True, validators=[SINGLE_LINE]
    )
    street = models.CharField(_("Straße"), max_length=100, blank=True, validators=[SINGLE_LINE])
    postcode = models.CharField(_("PLZ"), max_length=5, blank=True, validators=[SINGLE_LINE])
    city = models.CharField(_("Ort"), max_length=100, blank=True, validators=[SINGLE_LINE])
    # As published: many addresses lack a scheme or are not valid URLs, and the
    # directory is the authority on them, not our validator.
    homepage = models.CharField(_("Homepage"), max_length=200, blank=True, validators=[SINGLE_LINE])
    regional_authority = models.CharField(
        _("Bezirksregierung"), max_length=1, choices=RegionalAuthority.choices, blank=True
    )
    legal_form = models.CharField(
        _("Rechtsform"), max_length=1, choices=LegalForm.choices, blank=True
    )
    authority_number = models.CharField(
        _("Schulträgernummer"),
        max_length=10,
        blank=True,
        db_index=True,
        validators=[SINGLE_LINE],
    )
    municipality_key = models.CharField(
        _("Gemeindeschlüssel"), max_length=8, blank=True, validators=[SINGLE_LINE]
    )
    operation_key = models.CharField(
        _("Schulbetrieb"),
        max_length=1,
        choices=OperationKey.choices,
        default=OperationKey.OPERATING,
    )
    opens_on = models.DateField(
        _("nimmt den Betrieb auf am"),
        null=True,
        blank=True,
        help_text=_("Nur bei „nimmt den Schulbetrieb auf“: der erste Schultag."),
    )
    closes_on = models.DateField(
        _("letzter Tag des Schulbetriebs"),
        null=True,
        blank=True,
        help_text=_("Nur bei einer Schule, die aufgelöst wird: ihr letzter Tag (z. B. 31.07.)."),
    )
    # Where the school is, as the directory gives it: UTM zone 32N (EPSG:25832), in
    # metres; empty where the directory has none. Drawn on the measures' school maps.
    utm_east = models.PositiveIntegerField(_("UTM-Rechtswert"), null=True, blank=True)
    utm_north = models.PositiveIntegerField(_("UTM-Hochwert"), null=True, blank=True)
    listed = models.BooleanField(
        _("im Schulverzeichnis"),
        default=True,
        help_text=_(
            "Fehlt eine Schule beim Import des Schulverzeichnisses, bleibt sie mit ihren "
            "Daten erhalten und wird hier als nicht mehr verzeichnet markiert."
        ),
    )
    # Name, number and street as the search compares them (`searchable`); kept
    # up to date by save(), bulk_create() and bulk_update().
    search_text = models.TextField(editable=False, default="")

    objects = SchoolQuerySet.as_manager()

    class Meta:
        verbose_name = _("Schule")
        verbose_name_plural = _("Schulen")
        ordering = ["name", "school_number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(school_number__regex=SCHOOL_NUMBER_PATTERN),
                name="school_number_six_digits",
                violation_error_message=SCHOOL_NUMBER_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(operation_key=OperationKey.OPENING, opens_on__isnull=False)
                | (~Q(operation_key=OperationKey.OPENING) & Q(opens_on__isnull=True)),
                name="school_opens_on_iff_opening",
                violation_error_message=_(
                    "Ein Datum der Betriebsaufnahme gehört genau zu einer Schule, "
                    "die den Schulbetrieb aufnimmt."
                ),
            ),
            models.CheckConstraint(
                condition=Q(operation_key__in=OperationKey.closing(), closes_on__isnull=False)
                | (~Q(operation_key__in=OperationKey.closing()) & Q(closes_on__isnull=True)),
                name="school_closes_on_iff_closing",
                violation_error_message=_(
                    "Ein letzter Tag des Schulbetriebs gehört genau zu einer Schule, "
                    "die aufgelöst wird."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.school_number})"

    def save(self, *args, **kwargs) -> None:
        self.update_search_text()
        fields = kwargs.get("update_fields")
        if fields is not None and set(SEARCHED_FIELDS) & set(fields):
            kwargs["update_fields"] = {*fields, "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        # The public page ("Meine Schule") shows the measures at the school, so it
        # is the measures app's; the URL's name is all this app knows of it.
        return reverse("measures:school", args=[self.school_number])

    def update_search_text(self) -> None:
        """Fill `search_text` from the searched fields."""
        self.search_text = search_text_of(self)

    @property
    def email(self) -> str:
        """The directory's address; it is the same pattern for every school."""
        return f"{self.school_number}@schule.nrw.de"

    def is_in_operation(self, on: datetime.date) -> bool:
        """Whether the school holds lessons on `on`; agrees with
        `School.objects.in_operation(on)`."""
        if not self.listed:
            return False
        if self.operation_key in OperationKey.operating():
            return True
        if self.operation_key == OperationKey.OPENING:
            return self.opens_on is not None and self.opens_on <= on
        if self.operation_key in OperationKey.closing():
            return self.closes_on is not None and on <= self.closes_on
        return False

    @property
    def homepage_url(self) -> str:
        """The homepage as a link target, or "" if it is none.

        Only http(s): the directory's value is published text, and a "javascript:"
        address must never become a link. Many values lack the scheme
        ("www.schule.de"); those that look like a host name get "https://" here,
        for display only; the stored value stays as published.
        """
        value = self.homepage.strip()
        if _HTTP_URL.match(value):
            return value
        if _HOST_AND_PATH.match(value):
            return "https://" + value
        return ""

    @property
    def is_plainly_operating(self) -> bool:
        """Listed and in operation without a date that starts or ends it."""
        return self.listed and self.operation_key in OperationKey.operating()

    @property
    def status(self) -> str:
        """The directory's state in words, e.g. "schließt zum 31.07.2026"."""
        if not self.listed:
            return gettext("nicht mehr im Schulverzeichnis")
        key = self.operation_key
        if key in OperationKey.closing() and self.closes_on:
            return gettext("schließt zum %(date)s") % {"date": _date(self.closes_on)}
        if key == OperationKey.OPENING and self.opens_on:
            return gettext("nimmt den Betrieb am %(date)s auf") % {"date": _date(self.opens_on)}
        if key == OperationKey.SUSPENDED:
            return gettext("Schulbetrieb ruht")
        if key in (OperationKey.DELETED, OperationKey.DISSOLVED):
            return gettext("aufgelöst")
        return gettext("in Betrieb")


def _date(value: datetime.date) -> str:
    return value.strftime("%d.%m.%Y")


_HTTP_URL = re.compile(r"^https?://[^\s/?#]+\.[^\s/?#]+[^\s]*$", re.IGNORECASE)
# "www.schule.de", "schule-bielefeld.de/start": labels of letters, digits and
# hyphens, a top-level domain of letters, then an optional path without spaces.
_HOST_AND_PATH = re.compile(
    r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}(?:[/?#][^\s]*)?$", re.IGNORECASE
)


# How a link or filter names the schools whose district nobody recorded.
UNKNOWN_DISTRICT = "ohne"


class ImportRecordQuerySet(models.QuerySet):
    def shown_for(self, authority) -> list["ImportRecord"]:
        """The newest import of each source that concerns `authority`: its own and
        the installation's (no owner), newest first."""
        records = self.filter(Q(owner=authority) | Q(owner=None)).order_by("-imported_at", "-pk")
        newest: dict[str, ImportRecord] = {}
        for record in records:
            newest.setdefault(record.source, record)
        return list(newest.values())


class ImportRecord(models.Model):
    """What an import read, for which Schulträger (none: the whole installation):
    the Datenquellen page names each source with the attribution its licence asks
    for, the changes the import made marked."""

    owner = models.ForeignKey(
        "authorities.Authority",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="imports",
        verbose_name=_("Schulträger"),
    )
    # A key of schools.sources.SOURCES; the file's name, never its folder.
    source = models.CharField(_("Quelle"), max_length=40, validators=[SINGLE_LINE])
    file_name = models.CharField(_("Datei"), max_length=200, validators=[SINGLE_LINE])
    changes = models.CharField(
        _("Änderungen"), max_length=300, blank=True, validators=[SINGLE_LINE]
    )
    # The last import that changed something (importing the same file again does not).
    imported_at = models.DateTimeField(_("importiert am"), default=timezone.now)

    objects = ImportRecordQuerySet.as_manager()
    authority_path = "owner"  # authorities.models.in_staff_area

    class Meta:
        verbose_name = _("Import")
        verbose_name_plural = _("Importe")
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.imported_at:%d.%m.%Y})"
