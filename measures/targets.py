"""A measure's target ("Abschluss") as a structured value.

The deck writes targets in five notations: "Q3 2023", "2026", "2024 ff.",
"wird noch bekanntgegeben" and "Laufend". Other plans also write "bis 2029",
"Ende 2024", "1. Halbjahr 2025" or "H1 2025" and "Schuljahr 2025/26". `Target`
parses them, renders them back as typed, sorts them chronologically and knows
the deadline that makes a measure overdue. "wird noch bekannt gegeben" (today's
spelling) is read as the deck's notation and rendered in the deck's spelling.

Stored as kind, year and quarter: a half year by the quarter it ends with
(the first half by Q2, the second by Q4), so that it expires exactly as that
quarter does; a school year by the year it starts in.
"""

import datetime
import functools
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class TargetKind(models.TextChoices):
    QUARTER = "quarter", _("Quartal")
    YEAR = "year", _("Jahr")
    YEAR_ONWARDS = "onwards", _("Ab Jahr (ff.)")
    TBD = "tbd", _("Wird noch bekanntgegeben")
    ONGOING = "ongoing", _("Laufend")
    HALF = "half", _("Halbjahr („1. Halbjahr 2025“)")
    HALF_SHORT = "half_short", _("Halbjahr („H1 2025“)")
    UNTIL = "until", _("Bis Jahr („bis 2029“)")
    YEAR_END = "year_end", _("Ende Jahr („Ende 2024“)")
    SCHOOL_YEAR = "schoolyear", _("Schuljahr („Schuljahr 2025/26“)")


# Kinds that end with a quarter (stored in `quarter`), and kinds that end with
# their year's last day. The database constraint and the SQL twin of
# `has_passed` use the same groups.
QUARTER_KINDS = (TargetKind.QUARTER, TargetKind.HALF, TargetKind.HALF_SHORT)
HALF_KINDS = (TargetKind.HALF, TargetKind.HALF_SHORT)
YEAR_END_KINDS = (TargetKind.YEAR, TargetKind.UNTIL, TargetKind.YEAR_END)
YEAR_ONLY_KINDS = (*YEAR_END_KINDS, TargetKind.YEAR_ONWARDS, TargetKind.SCHOOL_YEAR)
UNDATED_KINDS = (TargetKind.TBD, TargetKind.ONGOING)
# A school year ends on 31 July of the year after the one it starts in.
SCHOOL_YEAR_LAST_MONTH = 7


_KINDS = frozenset(TargetKind.values)
MIN_YEAR = 2000
MAX_YEAR = 2100

_QUARTER = re.compile(r"^Q\s*([1-4])\s*/?\s*(\d{4})$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")
_ONWARDS = re.compile(r"^(\d{4})\s*ff\.?$", re.IGNORECASE)
_HALF = re.compile(r"^([12])\.\s*Halbjahr\s*(\d{4})$", re.IGNORECASE)
_HALF_SHORT = re.compile(r"^H\s*([12])\s*/?\s*(\d{4})$", re.IGNORECASE)
_UNTIL = re.compile(r"^bis\s*(\d{4})$", re.IGNORECASE)
_YEAR_END = re.compile(r"^Ende\s*(\d{4})$", re.IGNORECASE)
# "Schuljahr 2025/26"; "2025/2026" is read too and rendered the short way.
_SCHOOL_YEAR = re.compile(r"^Schuljahr\s*(\d{4})\s*/\s*(\d{2}|\d{4})$", re.IGNORECASE)
# "bekannt gegeben" is today's spelling of the deck's "bekanntgegeben".
_TBD = {"wird noch bekanntgegeben", "wird noch bekannt gegeben", "tbd", "noch offen"}
_ONGOING = {"laufend", "fortlaufend"}

# The notations, for the help text of every field that takes a target.
TARGET_HELP = _(
    "z. B. „Q3 2025“, „1. Halbjahr 2025“, „H1 2025“, „2026“, „bis 2029“, „Ende 2024“, "
    "„Schuljahr 2025/26“, „2024 ff.“, „wird noch bekanntgegeben“, „Laufend“"
)

# Among targets that end on the same day: the quarter first, the year last.
_SAME_DAY_RANK = {
    TargetKind.QUARTER: 0,
    TargetKind.HALF: 1,
    TargetKind.HALF_SHORT: 2,
    TargetKind.SCHOOL_YEAR: 3,
    TargetKind.YEAR: 4,
    TargetKind.YEAR_END: 5,
    TargetKind.UNTIL: 6,
    TargetKind.YEAR_ONWARDS: 7,  # starts with its year; its end is open
}
# Sort rank of the undated kinds, after every dated target.
_OPEN_RANK = {TargetKind.ONGOING: 0, TargetKind.TBD: 1}


@functools.total_ordering
@dataclass(frozen=True, order=False)
class Target:
    kind: str
    year: int | None = None
    quarter: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"unknown target kind {self.kind!r}")
        needs_year = self.kind not in UNDATED_KINDS
        if needs_year != (self.year is not None):
            raise ValueError(f"{self.kind} target needs a year: {needs_year}")
        if (self.kind in QUARTER_KINDS) != (self.quarter is not None):
            raise ValueError("only a quarter or half-year target has a quarter")
        if self.year is not None and not MIN_YEAR <= self.year <= MAX_YEAR:
            raise ValueError(f"year {self.year} out of range")
        if self.quarter is not None and not 1 <= self.quarter <= 4:
            raise ValueError(f"quarter {self.quarter} out of range")
        if self.kind in HALF_KINDS and self.quarter not in (2, 4):
            raise ValueError("a half year ends with Q2 or Q4")

    @classmethod
    def parse(cls, text: str) -> "Target":
        """Parse the deck's notation; raise ValidationError with a German message."""
        value = " ".join(text.split())
        try:
            if match := _QUARTER.match(value):
                return cls(TargetKind.QUARTER, int(match[2]), int(match[1]))
            if match := _YEAR.match(value):
                return cls(TargetKind.YEAR, int(match[1]))
            if match := _ONWARDS.match(value):
                return cls(TargetKind.YEAR_ONWARDS, int(match[1]))
            if match := _HALF.match(value):
                return cls(TargetKind.HALF, int(match[2]), int(match[1]) * 2)
            if match := _HALF_SHORT.match(value):
                return cls(TargetKind.HALF_SHORT, int(match[2]), int(match[1]) * 2)
            if match := _UNTIL.match(value):
                return cls(TargetKind.UNTIL, int(match[1]))
            if match := _YEAR_END.match(value):
                return cls(TargetKind.YEAR_END, int(match[1]))
            if match := _SCHOOL_YEAR.match(value):
                return cls._school_year(value, int(match[1]), match[2])
        except ValueError:
            raise ValidationError(
                _("Das Jahr muss zwischen %(min)s und %(max)s liegen."),
                code="year_range",
                params={"min": MIN_YEAR, "max": MAX_YEAR},
            ) from None
        if value.lower() in _TBD:
            return cls(TargetKind.TBD)
        if value.lower() in _ONGOING:
            return cls(TargetKind.ONGOING)
        raise ValidationError(
            _(
                "„%(value)s“ ist kein gültiger Abschluss. Erlaubt sind z. B. „Q3 2023“, "
                "„1. Halbjahr 2025“, „H1 2025“, „2026“, „bis 2029“, „Ende 2024“, "
                "„Schuljahr 2025/26“, „2024 ff.“, „wird noch bekanntgegeben“ oder „Laufend“."
            ),
            code="invalid_target",
            params={"value": value},
        )

    @classmethod
    def _school_year(cls, value: str, start: int, end: str) -> "Target":
        """ "Schuljahr 2025/26" (or "/2026"): the second year must follow the first."""
        following = start + 1
        if int(end) != (following % 100 if len(end) == 2 else following):
            raise ValidationError(
                _(
                    "„%(value)s“ ist kein Schuljahr: Auf %(start)s folgt %(following)s, "
                    "z. B. „Schuljahr %(start)s/%(short)s“."
                ),
                code="invalid_school_year",
                params={
                    "value": value,
                    "start": start,
                    "following": following,
                    "short": _two_digits(following),
                },
            )
        return cls(TargetKind.SCHOOL_YEAR, start)

    def __str__(self) -> str:
        """The notation, as typed (normalised: "q3  2023" is "Q3 2023")."""
        match self.kind:
            case TargetKind.QUARTER:
                return f"Q{self.quarter} {self.year}"
            case TargetKind.YEAR:
                return str(self.year)
            case TargetKind.YEAR_ONWARDS:
                return f"{self.year} ff."
            case TargetKind.HALF:
                return f"{self.half}. Halbjahr {self.year}"
            case TargetKind.HALF_SHORT:
                return f"H{self.half} {self.year}"
            case TargetKind.UNTIL:
                return f"bis {self.year}"
            case TargetKind.YEAR_END:
                return f"Ende {self.year}"
            case TargetKind.SCHOOL_YEAR:
                return f"Schuljahr {self.year}/{_two_digits(self.year + 1)}"
            case TargetKind.TBD:
                return "wird noch bekanntgegeben"
            case _:
                return "Laufend"

    @property
    def half(self) -> int | None:
        """1 or 2 for a half-year target, else None."""
        return self.quarter // 2 if self.kind in HALF_KINDS else None

    @property
    def is_dated(self) -> bool:
        """Names a time: a quarter, a year or "<year> ff."."""
        return self.year is not None

    @property
    def label(self) -> str:
        """For display: the deck's notation, with its words in the reader's language."""
        match self.kind:
            case TargetKind.TBD:
                return gettext("wird noch bekanntgegeben")
            case TargetKind.ONGOING:
                return gettext("Laufend")
            case TargetKind.HALF:
                return gettext("%(half)s. Halbjahr %(year)s") % {
                    "half": self.half,
                    "year": self.year,
                }
            case TargetKind.UNTIL:
                return gettext("bis %(year)s") % {"year": self.year}
            case TargetKind.YEAR_END:
                return gettext("Ende %(year)s") % {"year": self.year}
            case TargetKind.SCHOOL_YEAR:
                return gettext("Schuljahr %(start)s/%(end)s") % {
                    "start": self.year,
                    "end": _two_digits(self.year + 1),
                }
        return str(self)

    @property
    def deadline(self) -> datetime.date | None:
        """The last day on which the target is still met; None if it never expires."""
        if self.kind in QUARTER_KINDS:
            first_of_next = (
                datetime.date(self.year + 1, 1, 1)
                if self.quarter == 4
                else datetime.date(self.year, self.quarter * 3 + 1, 1)
            )
            return first_of_next - datetime.timedelta(days=1)
        if self.kind in YEAR_END_KINDS:
            return datetime.date(self.year, 12, 31)
        if self.kind == TargetKind.SCHOOL_YEAR:
            return datetime.date(self.year + 1, SCHOOL_YEAR_LAST_MONTH, 31)
        return None

    def has_passed(self, today: datetime.date) -> bool:
        return self.deadline is not None and today > self.deadline

    @staticmethod
    def passed_in_sql(today: datetime.date) -> Q:
        """`has_passed` in SQL, over a measure's columns `target_kind/_year/_quarter`."""
        by_quarter = Q(target_kind__in=QUARTER_KINDS) & (
            Q(target_year__lt=today.year)
            | Q(target_year=today.year, target_quarter__lt=quarter_of(today))
        )
        by_year = Q(target_kind__in=YEAR_END_KINDS, target_year__lt=today.year)
        # Ended on 31 July of the year after its first: the school year that
        # started two years ago has ended, last year's once July is over.
        last_ended = today.year - (1 if today.month > SCHOOL_YEAR_LAST_MONTH else 2)
        by_school_year = Q(target_kind=TargetKind.SCHOOL_YEAR, target_year__lte=last_ended)
        return by_quarter | by_year | by_school_year

    @property
    def quarter_index(self) -> int | None:
        """The quarter the target names, counted from year 0: a quarter itself, a
        half year the quarter it ends with, a school year the quarter its last
        day lies in, a year or "<year> ff." its fourth quarter (so "2024 ff."
        counts as Q4 2024, though it never expires); None if it names no time."""
        if self.kind in QUARTER_KINDS:
            return self.year * 4 + self.quarter - 1
        if self.kind == TargetKind.SCHOOL_YEAR:
            return (self.year + 1) * 4 + quarter_of(self.deadline) - 1
        return self.year * 4 + 3 if self.is_dated else None

    def quarters_to(self, other: "Target") -> int | None:
        """How many quarters later `other` is (negative: earlier), by their
        `quarter_index`; None if either names no time."""
        start, end = self.quarter_index, other.quarter_index
        return end - start if start is not None and end is not None else None

    def sort_key(self) -> tuple:
        """Chronological order of targets.

        Dated targets by deadline, those ending on the same day from the
        quarter to the year; "2024 ff." right after "2024" (it starts then and
        its end is open); "Laufend" and "wird noch bekanntgegeben" last.
        """
        if self.kind == TargetKind.YEAR_ONWARDS:
            return (0, datetime.date(self.year, 12, 31), _SAME_DAY_RANK[self.kind])
        if self.is_dated:
            return (0, self.deadline, _SAME_DAY_RANK[self.kind])
        return (1, datetime.date.max, _OPEN_RANK[self.kind])

    def is_later_than(self, other: "Target") -> bool:
        """Whether moving from `other` to this target is a postponement: it is due
        later, or it is due the same day but open-ended ("2024" to "2024 ff.").
        Writing the same deadline another way ("2024" to "Ende 2024", "Q4 2024" to
        "2. Halbjahr 2024") is none, though the two sort one after the other."""

        def due(target: "Target") -> tuple:
            group, day, _rank = target.sort_key()
            return (group, day, target.kind == TargetKind.YEAR_ONWARDS)

        return due(self) > due(other)

    def __lt__(self, other: "Target") -> bool:
        return self.sort_key() < other.sort_key()


def _two_digits(year: int) -> str:
    """ "26" for 2026, as a school year's second year is written."""
    return f"{year % 100:02d}"


def quarter_of(day: datetime.date) -> int:
    """The quarter (1 to 4) that `day` lies in."""
    return (day.month - 1) // 3 + 1


# How often a measure moved, in words up to twelve as German writes them
# ("zweimal verschoben"), in digits beyond ("13-mal verschoben").
_TIMES_POSTPONED = {
    1: _("einmal verschoben"),
    2: _("zweimal verschoben"),
    3: _("dreimal verschoben"),
    4: _("viermal verschoben"),
    5: _("fünfmal verschoben"),
    6: _("sechsmal verschoben"),
    7: _("siebenmal verschoben"),
    8: _("achtmal verschoben"),
    9: _("neunmal verschoben"),
    10: _("zehnmal verschoben"),
    11: _("elfmal verschoben"),
    12: _("zwölfmal verschoben"),
}


def times_postponed(count: int) -> str:
    """ "zweimal verschoben", in the reader's language."""
    if count in _TIMES_POSTPONED:
        return str(_TIMES_POSTPONED[count])
    return gettext("%(count)s-mal verschoben") % {"count": count}
