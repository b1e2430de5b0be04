"""A measure's target ("Abschluss") as a structured value.

The deck writes targets in five notations: "Q3 2023", "2026", "2024 ff.",
"wird noch bekanntgegeben" and "Laufend". `Target` parses them, renders them
back identically, sorts them chronologically and knows the deadline that makes
a measure overdue. "wird noch bekannt gegeben" (today's spelling) is read as
the deck's notation and rendered in the deck's spelling.
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


_KINDS = frozenset(TargetKind.values)
MIN_YEAR = 2000
MAX_YEAR = 2100

_QUARTER = re.compile(r"^Q\s*([1-4])\s*/?\s*(\d{4})$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")
_ONWARDS = re.compile(r"^(\d{4})\s*ff\.?$", re.IGNORECASE)
# "bekannt gegeben" is today's spelling of the deck's "bekanntgegeben".
_TBD = {"wird noch bekanntgegeben", "wird noch bekannt gegeben", "tbd", "noch offen"}
_ONGOING = {"laufend", "fortlaufend"}

# The notations, for the help text of every field that takes a target.
TARGET_HELP = _("z. B. „Q3 2025“, „2026“, „2024 ff.“, „wird noch bekanntgegeben“, „Laufend“")

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
        needs_year = self.kind in (TargetKind.QUARTER, TargetKind.YEAR, TargetKind.YEAR_ONWARDS)
        if needs_year != (self.year is not None):
            raise ValueError(f"{self.kind} target needs a year: {needs_year}")
        if (self.kind == TargetKind.QUARTER) != (self.quarter is not None):
            raise ValueError("only a quarter target has a quarter")
        if self.year is not None and not MIN_YEAR <= self.year <= MAX_YEAR:
            raise ValueError(f"year {self.year} out of range")
        if self.quarter is not None and not 1 <= self.quarter <= 4:
            raise ValueError(f"quarter {self.quarter} out of range")

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
                "„2026“, „2024 ff.“, „wird noch bekanntgegeben“ oder „Laufend“."
            ),
            code="invalid_target",
            params={"value": value},
        )

    def __str__(self) -> str:
        """The deck's notation."""
        match self.kind:
            case TargetKind.QUARTER:
                return f"Q{self.quarter} {self.year}"
            case TargetKind.YEAR:
                return str(self.year)
            case TargetKind.YEAR_ONWARDS:
                return f"{self.year} ff."
            case TargetKind.TBD:
                return "wird noch bekanntgegeben"
            case _:
                return "Laufend"

    @property
    def is_dated(self) -> bool:
        """Names a time: a quarter, a year or "<year> ff."."""
        return self.year is not None

    @property
    def label(self) -> str:
        """For display: the deck's notation, with its words in the reader's language."""
        if self.kind == TargetKind.TBD:
            return gettext("wird noch bekanntgegeben")
        if self.kind == TargetKind.ONGOING:
            return gettext("Laufend")
        return str(self)

    @property
    def deadline(self) -> datetime.date | None:
        """The last day on which the target is still met; None if it never expires."""
        if self.kind == TargetKind.QUARTER:
            first_of_next = (
                datetime.date(self.year + 1, 1, 1)
                if self.quarter == 4
                else datetime.date(self.year, self.quarter * 3 + 1, 1)
            )
            return first_of_next - datetime.timedelta(days=1)
        if self.kind == TargetKind.YEAR:
            return datetime.date(self.year, 12, 31)
        return None

    def has_passed(self, today: datetime.date) -> bool:
        return self.deadline is not None and today > self.deadline

    @staticmethod
    def passed_in_sql(today: datetime.date) -> Q:
        """`has_passed` in SQL, over a measure's columns `target_kind/_year/_quarter`."""
        passed = Q(target_kind=TargetKind.QUARTER) & (
            Q(target_year__lt=today.year)
            | Q(target_year=today.year, target_quarter__lt=quarter_of(today))
        )
        return passed | Q(target_kind=TargetKind.YEAR, target_year__lt=today.year)

    @property
    def quarter_index(self) -> int | None:
        """The quarter the target names, counted from year 0: a quarter itself, a
        year or "<year> ff." its fourth quarter (so "2024 ff." counts as Q4 2024,
        though it never expires); None if it names no time."""
        if self.kind == TargetKind.QUARTER:
            return self.year * 4 + self.quarter - 1
        return self.year * 4 + 3 if self.is_dated else None

    def quarters_to(self, other: "Target") -> int | None:
        """How many quarters later `other` is (negative: earlier), by their
        `quarter_index`; None if either names no time."""
        start, end = self.quarter_index, other.quarter_index
        return end - start if start is not None and end is not None else None

    def sort_key(self) -> tuple:
        """Chronological order of the deck's targets.

        Dated targets by deadline; "2024 ff." right after "2024" (it starts then
        and its end is open); "Laufend" and "wird noch bekanntgegeben" last.
        """
        if self.kind == TargetKind.QUARTER:
            return (0, self.deadline, 0)
        if self.kind == TargetKind.YEAR:  # after "Q4 <year>", which ends the same day
            return (0, self.deadline, 1)
        if self.kind == TargetKind.YEAR_ONWARDS:
            return (0, datetime.date(self.year, 12, 31), 2)
        return (1, datetime.date.max, _OPEN_RANK[self.kind])

    def __lt__(self, other: "Target") -> bool:
        return self.sort_key() < other.sort_key()


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
