"""The report as a slide deck: one page list, rendered as PDF, PPTX and presentation.

`deck_pages` lays a snapshot (see reports.py) out the way the Bielefeld deck
does: a title page, an overview of the numbers, the preface, what changed
since the last edition, one page per field of action (split over several pages
when a field has more measures than fit on one), the measures' indicators with
a chart each (if there are any), and a closing page. The PDF
(WeasyPrint), the PPTX (python-pptx) and the presentation mode in the browser
all render this list, so the three always show the same pages in the same order.
"""

import atexit
import base64
import dataclasses
import datetime
import enum
import functools
import io
import logging
import math
import textwrap
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.chart.xlsx import CategoryWorkbookWriter
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Inches, Pt
from xlsxwriter import Workbook

from authorities.logos import CONTENT_TYPES, Logo
from measures.charts import STATUS_FILLS, Chart, charts_of
from measures.indicators import Indicator
from measures.models import ProgressReport, Status
from measures.money import PlanBudget, euros

from . import markup
from .reports import (
    Frozen,
    FrozenField,
    FrozenMeasure,
    FrozenPlan,
    MeasureDiff,
    compare,
    recorded_later,
)

# At most this many measure boxes side by side on a 16:9 page. With three, and
# a field spread evenly over its pages, the Bielefeld plan gets exactly the
# deck's slides: Hardware 3 + 3, Software 2 + 2, every other field on one.
MAX_BOXES = 3
# Indicators on a "Kennzahlen" page, two by two, each with its chart.
INDICATORS_PER_PAGE = 4

# Colours of the status markers (KERN badge colours), shared by PDF and PPTX
# through the CSS classes `status--<value>` and STATUS_COLOURS, and by the
# status chart of the editions (measures.charts.STATUS_FILLS, their one home).
STATUS_COLOURS = {status: fill.lstrip("#") for status, (fill, _text) in STATUS_FILLS.items()}
OVERDUE_COLOUR = "b91c1c"

STYLESHEETS = ["css/deck-common.css", "css/deck-print.css"]

# WeasyPrint logs every layout step, fontTools every font it unpacks, at INFO;
# the server log needs none of them.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)


class PageKind(enum.StrEnum):
    TITLE = "title"
    OVERVIEW = "overview"
    BUDGET = "budget"
    PREFACE = "preface"
    CHANGES = "changes"
    FIELD = "field"
    INDICATORS = "indicators"
    CLOSING = "closing"


@dataclass(frozen=True)
class Cover:
    """What the title page says."""

    authority: str
    title: str
    plan_title: str
    period: str
    date: datetime.date
    reference: str
    language: str
    preface: str = ""
    # The live report: `date` is its last change, `retrieved` the day the deck
    # was made, as of which overdue measures are judged. An edition: its Stand.
    live: bool = False
    retrieved: datetime.date | None = None
    # An edition recorded later: the day, and "Nachträglich erfasst am … nach …".
    recorded: tuple[datetime.date, str] | None = None
    # The council's decision on the plan: "Beschlossen am 16.03.2017 (Drucksache …)".
    decision: str = ""

    @property
    def stand_lines(self) -> list[tuple[datetime.date, str]]:
        """The title page's Stand, line by line with the date each line states."""
        if not self.live:
            lines = [(self.date, _("Stand: %(date)s") % {"date": _short(self.date)})]
            return [*lines, self.recorded] if self.recorded else lines
        changed = _("Laufend aktualisiert, letzte Änderung am %(date)s")
        lines = [(self.date, changed % {"date": _short(self.date)})]
        if self.retrieved:
            retrieved = _("Abgerufen am %(date)s") % {"date": _short(self.retrieved)}
            lines.append((self.retrieved, retrieved))
        return lines

    @property
    def title_length(self) -> str:
        """ "short", "long" or "very-long": long titles get smaller type to fit the page."""
        length = len(self.title)
        return "short" if length <= 60 else "long" if length <= 120 else "very-long"


@dataclass(frozen=True)
class Baseline:
    """The edition a deck is compared with: "Änderungen seit dem letzten Bericht"."""

    title: str
    date: datetime.date
    snapshot: dict

    @classmethod
    def of(cls, edition) -> "Baseline | None":
        """The baseline for a published `edition` (None: nothing to compare with)."""
        return cls(edition.title, edition.date, edition.snapshot) if edition else None


@dataclass(frozen=True)
class ChangeEntry:
    """A measure on a changes page: its title and what changed, shown on one line."""

    title: str
    details: tuple[str, ...] = ()

    @property
    def changes(self) -> str:
        return "; ".join(self.details)

    @property
    def text(self) -> str:
        return f"{self.title}: {self.changes}" if self.details else self.title


@dataclass(frozen=True)
class ChangeGroup:
    heading: str
    entries: tuple[ChangeEntry, ...]


@dataclass(frozen=True)
class Page:
    kind: PageKind
    number: int
    total: int
    heading: str
    cover: Cover
    field: FrozenField | None = None
    measures: tuple[FrozenMeasure, ...] = ()
    part: int = 1
    parts: int = 1
    text: str = ""  # a preface page's share of the preface (Markdown)
    overview: ProgressReport | None = None
    changes: tuple[ChangeGroup, ...] = ()
    baseline: Baseline | None = None
    type_size: str = ""  # "", "larger" or "largest": a field page with room to spare
    indicators: tuple["IndicatorTile", ...] = ()
    budget: PlanBudget | None = None

    @property
    def anchor(self) -> str:
        return f"folie-{self.number}"

    @property
    def is_continued(self) -> bool:
        return self.parts > 1

    @property
    def title(self) -> str:
        """The heading with its part ("Hardwareausstattung (Teil 1 von 2)"): unique per page."""
        return f"{self.heading} ({part_text(self)})" if self.is_continued else self.heading

    @property
    def boxes(self) -> list["Box"]:
        scale = TYPE_SIZES[self.type_size]
        return [Box(measure, len(self.measures), scale) for measure in self.measures]

    @property
    def tiles(self) -> list[list[tuple[str, str, bool]]]:
        return overview_tiles(self.overview)

    @property
    def preface_html(self) -> str:
        return markup.to_html(self.text)

    @property
    def since(self) -> str:
        """Which edition a changes page compares with."""
        baseline = self.baseline
        return _("Verglichen mit „%(title)s“ (Stand: %(date)s)") % {
            "title": baseline.title,
            "date": date_format(baseline.date, "SHORT_DATE_FORMAT"),
        }


@dataclass(frozen=True)
class IndicatorTile:
    """An indicator on a "Kennzahlen" page: its measure, its current value and the
    chart of its readings in the current unit (none for a single value)."""

    measure_title: str
    indicator: Indicator

    @functools.cached_property
    def chart(self) -> Chart | None:
        charts = charts_of(self.indicator)
        current = self.indicator.current
        if charts and current is not None and charts[-1].last == current.date:
            return charts[-1]
        return None

    @property
    def value(self) -> str:
        current = self.indicator.current
        if current is None:
            return _("Noch kein Wert erfasst")
        return _("%(value)s (Stand %(date)s)") % {
            "value": current.text,
            "date": _short(current.date),
        }

    @property
    def target(self) -> str:
        text = self.indicator.target_text
        return _("Ziel: %(value)s.") % {"value": text} if text else ""


# A field page whose boxes would stay mostly empty sets them in larger type:
# the largest of these scales at which every box shows all it has.
TYPE_SIZES = {"largest": 1.4, "larger": 1.2, "": 1.0}


@dataclass(frozen=True)
class Box:
    """A measure on a page, with what its box needs beyond the measure."""

    measure: FrozenMeasure
    columns: int = MAX_BOXES
    scale: float = 1.0

    @property
    def bar_step(self) -> int:
        """The rollout share rounded to 5 %: the bar's CSS class (`bar__fill--60`)."""
        rollout = self.measure.rollout
        return 5 * round(rollout.percent / 5) if rollout else 0

    @functools.cached_property
    def _fit(self) -> "_Fit":
        return _fit(self.measure, self.columns, self.scale)

    @property
    def description(self) -> str:
        """The measure's description, shortened with "…" where it would crowd the box."""
        return self._fit.description

    @property
    def items(self) -> list[str]:
        """The work items that fit in the box; the rest are counted in `hidden_items`."""
        return self._fit.items

    @property
    def slip(self) -> str:
        return self.measure.slip_label

    @property
    def hidden_items(self) -> int:
        return len(self.measure.work_item_list) - len(self.items)

    @property
    def more_items(self) -> str:
        return ngettext(
            "… und %(count)s weiterer Punkt im Portal",
            "… und %(count)s weitere Punkte im Portal",
            self.hidden_items,
        ) % {"count": self.hidden_items}


# How much text a box holds, measured off the PDF (Fira Sans; the PowerPoint
# uses smaller type): millimetres of a 306 mm wide, 105 mm high box area, and
# the width of an average character at normal type size. Estimates err
# towards fewer items, so "Status" and "Abschluss" always stay on the page.
_BOXES_WIDTH_MM = 306.0
_BOX_SPACING_MM = 6.0
_BOX_INNER_HEIGHT_MM = 105.0
_TITLE_CHAR_MM, _TITLE_LINE_MM = 3.3, 8.2
_ITEM_CHAR_MM, _ITEM_LINE_MM, _ITEM_GAP_MM = 2.55, 6.9, 1.5
_DESCRIPTION_CHAR_MM, _DESCRIPTION_LINE_MM = 2.3, 6.2
_ROLLOUT_MM = 20.0
_FACTS_LINE_MM = 8.4


@dataclass(frozen=True)
class _Fit:
    description: str
    items: list[str]
    complete: bool  # nothing shortened, nothing left out


def _lines(text: str, width_mm: float, char_mm: float) -> int:
    return len(_wrap(text, width_mm, char_mm)) or 1


def _wrap(text: str, width_mm: float, char_mm: float) -> list[str]:
    return textwrap.wrap(text, max(int(width_mm / char_mm), 8), break_on_hyphens=False)


def _has_long_word(texts: list[str], width_mm: float, char_mm: float) -> bool:
    """Whether a word of `texts` is wider than a line: it would stick out of its box."""
    return any(len(word) * char_mm > width_mm for text in texts for word in text.split())


def _fit(measure: FrozenMeasure, columns: int, scale: float = 1.0) -> _Fit:
    """What of `measure` fits in a box of a page with `columns` boxes, type scaled by `scale`."""
    width = (_BOXES_WIDTH_MM - (columns + 1) * _BOX_SPACING_MM) / columns - 11
    space = _BOX_INNER_HEIGHT_MM
    space -= _lines(measure.title, width, _TITLE_CHAR_MM * scale) * _TITLE_LINE_MM * scale
    space -= _ROLLOUT_MM * scale if measure.rollout else 0
    target = f"{_('Abschluss')}: {target_text(measure)} {_('überfällig')}"
    facts = 1 + _lines(target, width, _ITEM_CHAR_MM * scale)
    slip = measure.slip_label
    facts += _lines(slip, width, _ITEM_CHAR_MM * scale) if slip else 0
    space -= facts * _FACTS_LINE_MM * scale

    items = measure.work_item_list
    char, line, gap = _ITEM_CHAR_MM * scale, _ITEM_LINE_MM * scale, _ITEM_GAP_MM
    heights = [_lines(item, width - 6, char) * line + gap for item in items]
    complete = not _has_long_word([measure.title], width, _TITLE_CHAR_MM * scale)
    complete = complete and not _has_long_word(items, width - 6, char)

    # The description in full if all fits, else in at most a third of the space.
    description = measure.description.strip()
    if description:
        rows = _wrap(description, width, _DESCRIPTION_CHAR_MM * scale)
        row = _DESCRIPTION_LINE_MM * scale
        at_most = max(int(space / 3 / row), 1)
        if len(rows) * row + gap + sum(heights) > space and len(rows) > at_most:
            rows, complete = rows[:at_most], False
            description = " ".join(rows) + " …"
        space -= len(rows) * row + gap

    if sum(heights) <= space:
        return _Fit(description, items, complete)
    space -= line + gap  # for "… und 3 weitere Punkte"
    fitting = []
    for item, height in zip(items, heights, strict=True):
        if height > space:
            break
        fitting.append(item)
        space -= height
    return _Fit(description, fitting, False)


def _type_size(measures: list[FrozenMeasure]) -> str:
    """The largest type at which every box of a page shows all it has."""
    if not measures:
        return ""
    for name, scale in TYPE_SIZES.items():
        if all(_fit(measure, len(measures), scale).complete for measure in measures):
            return name
    return ""


def _chunks(measures: list, size: int) -> list[list]:
    """`measures` over as few pages as fit, spread evenly (6 -> 3 + 3, 4 -> 2 + 2)."""
    if not measures:
        return [[]]
    pages = math.ceil(len(measures) / size)
    base, extra = divmod(len(measures), pages)
    chunks, start = [], 0
    for index in range(pages):
        end = start + base + (1 if index < extra else 0)
        chunks.append(measures[start:end])
        start = end
    return chunks


def _short(date: datetime.date) -> str:
    return date_format(date, "SHORT_DATE_FORMAT")


def deck_pages(
    snapshot: dict,
    title: str,
    date: datetime.date,
    reference: str = "",
    preface: str = "",
    baseline: Baseline | None = None,
    *,
    live: bool = False,
) -> list[Page]:
    """The deck's pages for `snapshot`, in order: title, overview, money (if any), preface (if any),
    changes since `baseline` (if any), fields, indicators (if any), closing.

    `live`: the live report, whose `date` is its last change (see Cover).
    """
    frozen = Frozen.of(snapshot)
    plan, fields, measures = frozen.plan, frozen.fields, frozen.measures
    cover = _cover(plan, title, date, reference, preface)
    if recorded := recorded_later(snapshot):
        cover = dataclasses.replace(cover, recorded=recorded)
    if live:
        retrieved = datetime.date.fromisoformat(snapshot["date"])
        cover = dataclasses.replace(cover, live=True, retrieved=retrieved)
    by_field: dict[int, list[FrozenMeasure]] = {field_.pk: [] for field_ in fields}
    for measure in measures:
        by_field[measure.field.pk].append(measure)

    # Each page's values but its number and the total, known only at the end.
    layout: list[dict] = [
        {"kind": PageKind.TITLE, "heading": title},
        # The same numbers as the web page's summary: the same ProgressReport.
        {"kind": PageKind.OVERVIEW, "heading": _("Überblick"), "overview": frozen.report()},
    ]
    # The money, as the web page shows it above the measures (none in Bielefeld's plan).
    if (budget := frozen.budget()) is not None:
        layout.append({"kind": PageKind.BUDGET, "heading": _("Finanzen"), "budget": budget})
    preface_parts = _preface_parts(preface)
    for part, text in enumerate(preface_parts, start=1):
        layout.append(
            {
                "kind": PageKind.PREFACE,
                "heading": _("Vorwort"),
                "text": text,
                "part": part,
                "parts": len(preface_parts),
            }
        )
    if baseline is not None:
        change_parts = _change_parts(change_groups(compare(baseline.snapshot, snapshot)))
        for part, groups in enumerate(change_parts, start=1):
            layout.append(
                {
                    "kind": PageKind.CHANGES,
                    "heading": _("Änderungen seit dem letzten Bericht"),
                    "changes": tuple(groups),
                    "baseline": baseline,
                    "part": part,
                    "parts": len(change_parts),
                }
            )
    for field_ in fields:
        chunks = _chunks(by_field[field_.pk], MAX_BOXES)
        for part, chunk in enumerate(chunks, start=1):
            layout.append(
                {
                    "kind": PageKind.FIELD,
                    "heading": field_.title,
                    "field": field_,
                    "measures": tuple(chunk),
                    "part": part,
                    "parts": len(chunks),
                    "type_size": _type_size(chunk),
                }
            )
    tiles = [IndicatorTile(m.title, i) for m in measures for i in m.deck_indicators]
    chunks = _chunks(tiles, INDICATORS_PER_PAGE) if tiles else []
    for part, chunk in enumerate(chunks, start=1):
        layout.append(
            {
                "kind": PageKind.INDICATORS,
                "heading": _("Kennzahlen"),
                "indicators": tuple(chunk),
                "part": part,
                "parts": len(chunks),
            }
        )
    layout.append({"kind": PageKind.CLOSING, "heading": _("Vielen Dank für Ihre Aufmerksamkeit!")})

    total = len(layout)
    return [
        Page(number=number, total=total, cover=cover, **values)
        for number, values in enumerate(layout, start=1)
    ]


# --- Changes since the last edition ----------------------------------------------

# One function per kind of change: the line a changes page shows for a changed
# measure, or None. A new kind of change in MeasureDiff is one more function.


def _renamed(diff: MeasureDiff) -> str | None:
    return _("bisher „%(title)s“") % {"title": diff.old_title} if diff.renamed else None


def _status(diff: MeasureDiff) -> str | None:
    if not diff.status_changed:
        return None
    return f"{_('Status')}: {diff.old_status} → {diff.new_status}"


def _target(diff: MeasureDiff) -> str | None:
    if not diff.target_moved:
        return None
    text = f"{_('Abschluss')}: {diff.old_target} → {diff.new_target}"
    if diff.quarters_later:
        counter = diff.quarters_later
        moved = ngettext("%(counter)s Quartal später", "%(counter)s Quartale später", counter)
        text += f" ({moved % {'counter': counter}})"
    elif diff.quarters_earlier:
        counter = diff.quarters_earlier
        moved = ngettext("%(counter)s Quartal früher", "%(counter)s Quartale früher", counter)
        text += f" ({moved % {'counter': counter}})"
    return text


def _schools(diff: MeasureDiff) -> str | None:
    gained = diff.schools_gained
    if gained is None:
        return None
    change = ngettext("%(change)s Schule", "%(change)s Schulen", gained) % {
        "change": diff.schools_gained_signed
    }
    return f"{_('Schulen')}: {diff.old_rollout} → {diff.new_rollout} ({change})"


def _tracking(diff: MeasureDiff) -> str | None:
    if not diff.tracking_started:
        return None
    if diff.old_rollout:
        return _("Erfassung pro Schule begonnen (vorher %(count)s gemeldet)") % {
            "count": diff.old_rollout
        }
    return _("Erfassung pro Schule begonnen")


def _description(diff: MeasureDiff) -> str | None:
    if not diff.description_changed:
        return None
    if not diff.new_description:
        return _("Beschreibung entfernt")
    label = _("Beschreibung ergänzt") if not diff.old_description else _("Beschreibung geändert")
    return f"{label}: {_quote(diff.new_description)}"


def _quote(text: str) -> str:
    # The page's language sets the quotation marks: „…“ in German, “…” in English.
    return _("„%(text)s“") % {"text": text}


def _quoted(items: tuple[str, ...]) -> str:
    return ", ".join(_quote(item) for item in items)


def _work_items(diff: MeasureDiff) -> str | None:
    texts = []
    if diff.work_items_added:
        label = ngettext("Neues Arbeitspaket", "Neue Arbeitspakete", len(diff.work_items_added))
        texts.append(f"{label}: {_quoted(diff.work_items_added)}")
    if diff.work_items_removed:
        label = ngettext(
            "Entfallenes Arbeitspaket", "Entfallene Arbeitspakete", len(diff.work_items_removed)
        )
        texts.append(f"{label}: {_quoted(diff.work_items_removed)}")
    return "; ".join(texts) or None


def _budget(diff: MeasureDiff) -> str | None:
    return f"{_('Budget')}: {diff.budget_text}" if diff.budget_changed else None


def _indicators(diff: MeasureDiff) -> str | None:
    return "; ".join(f"{change.name}: {change.text}" for change in diff.indicators) or None


def _overdue(diff: MeasureDiff) -> str | None:
    return _("neu überfällig") if diff.newly_overdue else None


CHANGE_TEXTS = [
    _renamed,
    _status,
    _target,
    _tracking,
    _schools,
    _description,
    _work_items,
    _budget,
    _indicators,
    _overdue,
]


def change_groups(comparison) -> list[ChangeGroup]:
    """A comparison (reports.compare) as headed lists of measures with their changes."""
    groups = []
    if comparison.changed:
        entries = [
            ChangeEntry(diff.title, tuple(t for t in (text(diff) for text in CHANGE_TEXTS) if t))
            for diff in comparison.changed
        ]
        groups.append(ChangeGroup(_("Geänderte Maßnahmen"), tuple(entries)))
    for heading, measures in [
        (_("Neue Maßnahmen"), comparison.added),
        (_("Entfallene Maßnahmen"), comparison.removed),
    ]:
        if measures:
            entries = [ChangeEntry(m.title, (m.field.title,)) for m in measures]
            groups.append(ChangeGroup(heading, tuple(entries)))
    return groups


# A changes page holds about this many lines of this many characters (13 pt
# type on 306 mm in the PDF, 13 pt on 12 inches in the PowerPoint); a measure
# is one line, its title and its changes, a group's heading takes two.
_CHANGE_LINES, _CHANGE_CHARS = 16, 120


def _change_parts(groups: list[ChangeGroup]) -> list[list[ChangeGroup]]:
    """`groups` in page-sized parts; one empty part ("no changes") if there are none."""
    parts: list[list[ChangeGroup]] = []
    current: list[ChangeGroup] = []
    used = 0
    for group in groups:
        entries: list[ChangeEntry] = []
        for entry in group.entries:
            cost = len(textwrap.wrap(entry.text, _CHANGE_CHARS)) or 1
            heading = 0 if entries else 2  # a group's heading, repeated on a new page
            if used and used + heading + cost > _CHANGE_LINES:
                if entries:
                    current.append(ChangeGroup(group.heading, tuple(entries)))
                parts.append(current)
                current, entries, used, heading = [], [], 0, 2
            entries.append(entry)
            used += heading + cost
        current.append(ChangeGroup(group.heading, tuple(entries)))
    if current or not parts:
        parts.append(current)
    return parts


# A preface page holds about this many lines of this many characters (the PDF
# sets 14 pt type on 250 mm, the PowerPoint 16 pt on 12 inches); longer
# prefaces continue on further pages, split between paragraphs where possible.
_PREFACE_LINES, _PREFACE_CHARS = 18, 95


def _preface_parts(preface: str) -> list[str]:
    """`preface` in page-sized parts; none for an empty preface."""
    paragraphs = [p.strip() for p in preface.replace("\r\n", "\n").split("\n\n") if p.strip()]
    parts, current, used = [], [], 0
    for paragraph in paragraphs:
        wrapped = [row for line in paragraph.splitlines() for row in _wrap_preface(line)]
        while len(wrapped) > _PREFACE_LINES:  # a paragraph longer than a page
            if current:
                parts.append("\n\n".join(current))
                current, used = [], 0
            parts.append(" ".join(wrapped[:_PREFACE_LINES]))
            wrapped = wrapped[_PREFACE_LINES:]
            paragraph = " ".join(wrapped)
        if current and used + len(wrapped) > _PREFACE_LINES:
            parts.append("\n\n".join(current))
            current, used = [], 0
        current.append(paragraph)
        used += len(wrapped) + 1  # and the space after a paragraph
    if current:
        parts.append("\n\n".join(current))
    return parts


def _wrap_preface(line: str) -> list[str]:
    return textwrap.wrap(line, _PREFACE_CHARS, break_on_hyphens=False) or [""]


def _cover(
    plan: FrozenPlan, title: str, date: datetime.date, reference: str, preface: str
) -> Cover:
    return Cover(
        authority=plan.authority,
        title=title,
        plan_title=plan.title,
        period=plan.period,
        date=date,
        reference=reference,
        language=plan.language,
        preface=preface.strip(),
        decision=_decision(plan),
    )


def _decision(plan: FrozenPlan) -> str:
    """The plan's decision as the web page's header says it, in plain text."""
    reference = plan.decision_reference
    if plan.decided_on:
        text = _("Beschlossen am %(date)s") % {"date": _short(plan.decided_on)}
        return f"{text} ({reference})" if reference else text
    return f"{_('Beschluss')}: {reference}" if reference else ""


# --- Texts both renderers use ----------------------------------------------------


def rollout_text(measure: FrozenMeasure) -> str:
    rollout = measure.rollout
    text = _("%(done)s von %(total)s Schulen abgeschlossen") % {
        "done": rollout.done,
        "total": rollout.total,
    }
    return f"{text} {_('(gemeldet)')}" if rollout.is_reported else text


def target_text(measure: FrozenMeasure) -> str:
    return measure.target.label if measure.target else _("nicht festgelegt")


def legend() -> list[tuple[str, str]]:
    """(status value, label) for the legend; "" is "no status"."""
    return [(value, Status.label_of(value)) for value in [*Status.values, ""]]


def overview_tiles(report: ProgressReport) -> list[list[tuple[str, str, bool]]]:
    """The overview page's two rows of (label, number, is overdue) tiles: the totals, then
    the count per status. The same numbers as the web page's summary."""
    totals = [(str(_("Maßnahmen")), str(report.measure_count), False)]
    totals.append((str(_("Überfällig")), str(report.overdue_count), bool(report.overdue_count)))
    if report.rollout:
        label = ngettext(
            "Umsetzung an Schulen (%(counter)s Maßnahme)",
            "Umsetzung an Schulen (%(counter)s Maßnahmen)",
            report.rollout_measure_count,
        ) % {"counter": report.rollout_measure_count}
        if report.rollout_reported_count:  # as the web page's summary says it
            label += ", " + ngettext(
                "davon %(counter)s Maßnahme mit gemeldeter Zahl",
                "davon %(counter)s Maßnahmen mit gemeldeter Zahl",
                report.rollout_reported_count,
            ) % {"counter": report.rollout_reported_count}
        rollout = report.rollout
        value = _("%(done)s von %(total)s") % {"done": rollout.done, "total": rollout.total}
        percent = _("%(percent)s\xa0%%") % {"percent": rollout.percent}  # "64 %", "64%"
        totals.append((label, f"{value} ({percent})", False))
    statuses = [(str(item.label), str(item.count), False) for item in report.status_counts]
    return [totals, statuses]


def part_text(page: Page) -> str:
    return _("Teil %(part)s von %(parts)s") % {"part": page.part, "parts": page.parts}


def context(pages: list[Page]) -> dict:
    """The template context for the deck templates (PDF and presentation)."""
    cover = pages[0].cover
    return {
        "pages": pages,
        "cover": cover,
        "content_lang": cover.language,
        "legend": legend(),
    }


# --- PDF -------------------------------------------------------------------------


def render_pdf(
    snapshot: dict,
    title: str,
    date: datetime.date,
    reference: str = "",
    preface: str = "",
    baseline: Baseline | None = None,
    *,
    live: bool = False,
    modified: datetime.datetime | None = None,
    logo: Logo | None = None,
) -> bytes:
    """The deck as a tagged PDF (PDF/UA-1), one 16:9 page per deck page, with the
    Schulträger's `logo` on its title page.

    The same arguments give the same bytes: WeasyPrint writes no file identifier
    and no clock time, only the dates of the document's metadata (`date`, and
    `modified` if given: an edition's publishing time, the live plan's last change).
    """
    # Imported here: WeasyPrint needs Pango, and the rest of the site does not.
    from weasyprint import HTML

    pages = deck_pages(snapshot, title, date, reference, preface, baseline, live=live)
    values = context(pages)
    if modified is not None:
        values["modified"] = _utc(modified)
    if logo is not None:  # in the file itself: WeasyPrint fetches nothing
        data = base64.b64encode(logo.content).decode("ascii")
        values["logo_src"] = f"data:{CONTENT_TYPES[logo.extension]};base64,{data}"
    html = render_to_string("editions/deck_pdf.html", values)
    stylesheets, fonts = _stylesheets()
    return HTML(string=html).write_pdf(
        stylesheets=stylesheets, font_config=fonts, pdf_variant="pdf/ua-1"
    )


@functools.cache
def _stylesheets():
    """The parsed stylesheets and their fonts, once per process.

    Unpacking the three WOFF2 fonts alone takes about two seconds.
    """
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    stylesheets = []
    for name in STYLESHEETS:
        path = finders.find(name)
        if path is None:
            raise FileNotFoundError(f"static file {name} not found")
        stylesheets.append(CSS(filename=path, font_config=fonts))
    # Let go of the fonts' temporary files while the interpreter can still do so.
    atexit.register(_stylesheets.cache_clear)
    return stylesheets, fonts


# --- PPTX ------------------------------------------------------------------------

_SLIDE_WIDTH_IN = 13.333
# Fira Sans is KERN's font, but not an office suite's; Arial is everywhere (and
# LibreOffice shows it with the same metrics), so text fits as laid out here.
FONT = "Arial"
_SLIDE_HEIGHT_IN = 7.5


def render_pptx(
    snapshot: dict,
    title: str,
    date: datetime.date,
    reference: str = "",
    preface: str = "",
    baseline: Baseline | None = None,
    *,
    live: bool = False,
    modified: datetime.datetime | None = None,
    logo: Logo | None = None,
) -> bytes:
    """The deck as a PowerPoint file with real text boxes, one slide per deck page;
    the Schulträger's `logo` on the title slide if it is a PNG (PowerPoint shows
    no SVG without a PNG beside it).

    The same arguments give the same bytes, whenever and wherever it is rendered:
    the file's dates are `modified` (an edition's publishing time, the live plan's
    last change; midnight of `date` if None), never the clock.
    """

    pages = deck_pages(snapshot, title, date, reference, preface, baseline, live=live)
    presentation = Presentation()
    presentation.slide_width = Inches(_SLIDE_WIDTH_IN)
    presentation.slide_height = Inches(_SLIDE_HEIGHT_IN)
    title_only = presentation.slide_layouts[5]  # the default template's "Title Only"
    when = _utc(modified or datetime.datetime.combine(date, datetime.time()))
    builder = _SlideBuilder(translation.get_language() or "de", when, logo)
    for page in pages:
        builder.build(presentation.slides.add_slide(title_only), page)
    cover = pages[0].cover
    properties = presentation.core_properties
    # The file's properties: python-pptx's template brings its own author, dates
    # and comment; PowerPoint limits the title to 255 characters.
    properties.title = f"{cover.title}: {cover.plan_title} {cover.period}"[:255]
    properties.author = properties.last_modified_by = cover.authority[:255]
    properties.created = properties.modified = when
    properties.revision = 1
    properties.comments = ""
    properties.keywords = ""
    properties.language = cover.language
    properties.subject = cover.plan_title
    out = io.BytesIO()
    presentation.save(out)
    return _dated_zip(out.getvalue(), when)


def _utc(moment: datetime.datetime) -> datetime.datetime:
    """`moment` as naive UTC, as the file formats store it (a naive one is taken as UTC)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(datetime.UTC).replace(tzinfo=None)


def _dated_zip(data: bytes, when: datetime.datetime) -> bytes:
    """The zip file `data` with every entry dated `when`: python-pptx (through zipfile)
    dates them with the clock. Entries, order and compression stay as they are."""
    date_time = max(when, datetime.datetime(1980, 1, 1)).timetuple()[:6]  # zip's epoch
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w") as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.compress_type = info.compress_type
            entry.external_attr = info.external_attr
            target.writestr(entry, source.read(info))
    return out.getvalue()


class _DatedWorkbookWriter(CategoryWorkbookWriter):
    """python-pptx's writer of the workbook a chart carries its data in, dated
    `when` rather than by the clock (XlsxWriter's default), so that the same
    deck gives the same bytes."""

    def __init__(self, chart_data, when: datetime.datetime) -> None:
        super().__init__(chart_data)
        self._when = when

    @contextmanager
    def _open_worksheet(self, xlsx_file):
        workbook = Workbook(xlsx_file, {"in_memory": True})
        workbook.set_properties({"created": self._when})
        yield workbook, workbook.add_worksheet()
        workbook.close()


class _DatedChartData(CategoryChartData):
    def __init__(self, when: datetime.datetime) -> None:
        super().__init__()
        self._when = when

    @functools.cached_property
    def _workbook_writer(self) -> _DatedWorkbookWriter:
        return _DatedWorkbookWriter(self, self._when)


class _SlideBuilder:
    """Places text boxes and shapes on a blank slide, in inches."""

    MARGIN = 0.6
    GAP = 0.3
    BOX_TOP = 1.55
    BOX_BOTTOM = 6.55  # the legend and the page number sit below

    def __init__(self, ui_language: str, when: datetime.datetime, logo: Logo | None) -> None:
        self.ui_language = self._language(ui_language)
        self.when = when  # the date of the charts' workbooks
        self.logo = logo if logo is not None and logo.extension == "png" else None

    def build(self, slide, page: Page) -> None:
        content_language = self._language(page.cover.language)
        if page.kind == PageKind.TITLE:
            self._title_page(slide, page, content_language)
        elif page.kind == PageKind.CLOSING:
            self._text(
                slide, 0.9, 2.9, _SLIDE_WIDTH_IN - 1.8, 1.2, [(page.heading, 36, True)], title=True
            )
        elif page.kind == PageKind.OVERVIEW:
            self._heading(slide, page)
            self._overview(slide, page.overview)
        elif page.kind == PageKind.PREFACE:
            self._heading(slide, page)
            self._preface(slide, page, content_language)
        elif page.kind == PageKind.CHANGES:
            self._heading(slide, page)
            self._changes(slide, page, content_language)
        elif page.kind == PageKind.INDICATORS:
            self._heading(slide, page)
            self._indicators(slide, page, content_language)
        elif page.kind == PageKind.BUDGET:
            self._heading(slide, page)
            self._budget(slide, page.budget, content_language)
        else:
            self._field_page(slide, page, content_language)
        if page.kind != PageKind.TITLE:
            self._text(
                slide,
                _SLIDE_WIDTH_IN - 2.6,
                _SLIDE_HEIGHT_IN - 0.6,
                2.0,
                0.4,
                [(f"{page.number} / {page.total}", 11, False)],
                align_right=True,
            )

    @staticmethod
    def _language(code: str) -> MSO_LANGUAGE_ID:
        return MSO_LANGUAGE_ID.ENGLISH_UK if code.startswith("en") else MSO_LANGUAGE_ID.GERMAN

    def _heading(self, slide, page: Page, language=None) -> None:
        """The slide's title, with its part: PowerPoint's accessibility check wants each unique."""
        width = _SLIDE_WIDTH_IN - 2 * self.MARGIN
        self._text(
            slide, self.MARGIN, 0.45, width, 0.9, [(page.title, 30, True)], language, title=True
        )

    def _title_page(self, slide, page: Page, content_language) -> None:
        cover = page.cover
        width = _SLIDE_WIDTH_IN - 1.8
        if self.logo is not None:  # top right, its alt text the authority's name
            picture = slide.shapes.add_picture(
                io.BytesIO(self.logo.content),
                Inches(_SLIDE_WIDTH_IN - 2.1),
                Inches(0.5),
                height=Inches(0.9),
            )
            picture._element.nvPicPr.cNvPr.set("descr", cover.authority)
            width -= 1.4
        self._text(slide, 0.9, 0.8, width, 0.6, [(cover.authority, 18, False)], content_language)
        size = {"short": 36, "long": 28, "very-long": 22}[cover.title_length]
        self._text(slide, 0.9, 1.6, width, 1.5, [(cover.title, size, True)], title=True)
        lines = [(f"{cover.plan_title} {cover.period}", 24, False)]
        if cover.decision:
            lines.append((cover.decision, 16, False))
        self._text(slide, 0.9, 3.2, width, 1.4, lines, content_language)
        lines = [(text, 18, False) for _date, text in cover.stand_lines]
        if cover.reference:
            lines.append((cover.reference, 18, False))
        self._text(slide, 0.9, 5.0, width, 1.2, lines)

    def _overview(self, slide, report: ProgressReport) -> None:
        """Tiles like the web page's summary and the PDF's: a label over its number."""
        width = _SLIDE_WIDTH_IN - 2 * self.MARGIN
        for row_index, row in enumerate(overview_tiles(report)):
            tile_width = (width - (len(row) - 1) * self.GAP) / max(len(row), 1)
            top = self.BOX_TOP + row_index * 2.5
            for index, (label, value, overdue) in enumerate(row):
                left = self.MARGIN + index * (tile_width + self.GAP)
                self._rectangle(slide, left, top, tile_width, 2.1, "F5F7FA", line="C9CED6")
                colour = OVERDUE_COLOUR if overdue else "1A1F29"
                lines = [(label, 16, False), (value, 36, True, colour)]
                self._text(slide, left + 0.2, top + 0.2, tile_width - 0.4, 1.8, lines)

    def _preface(self, slide, page: Page, language) -> None:
        """The preface's Markdown as paragraphs and list items with bold and italic runs."""
        width = _SLIDE_WIDTH_IN - 2 * self.MARGIN
        box = slide.shapes.add_textbox(
            Inches(self.MARGIN), Inches(self.BOX_TOP), Inches(width), Inches(5.0)
        )
        frame = box.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE
        for index, block in enumerate(markup.to_blocks(page.text)):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            paragraph.space_after = Pt(4 if block.bullet else 10)
            runs = list(block.runs)
            if block.bullet:
                indent = "    " * block.level
                runs.insert(0, markup.Run(f"{indent}{block.bullet} "))
            for run_data in runs:
                if run_data.line_break:
                    paragraph.add_line_break()
                run = paragraph.add_run()
                run.text = run_data.text
                self._font(run, 16, run_data.bold, language, italic=run_data.italic)

    def _changes(self, slide, page: Page, language) -> None:
        width = _SLIDE_WIDTH_IN - 2 * self.MARGIN
        self._text(slide, self.MARGIN, 1.35, width, 0.4, [(page.since, 14, False)])
        box = slide.shapes.add_textbox(
            Inches(self.MARGIN), Inches(1.75), Inches(width), Inches(4.9)
        )
        frame = box.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE
        paragraphs = []
        for group in page.changes:
            paragraphs.append((group.heading, None))
            paragraphs += [(entry.title, entry) for entry in group.entries]
        if not page.changes:
            paragraphs.append((_("Seit dem letzten Bericht hat sich nichts geändert."), None))
        for index, (text, entry) in enumerate(paragraphs):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            run = paragraph.add_run()
            run.text = text
            if entry is None:  # a group's heading
                paragraph.space_before = Pt(0 if index == 0 else 10)
                self._font(run, 16, True, self.ui_language)
                continue
            self._font(run, 13, True, language)
            if entry.details:
                run = paragraph.add_run()
                run.text = f": {entry.changes}"
                self._font(run, 13, False, self.ui_language)

    def _budget(self, slide, budget: PlanBudget, language) -> None:
        """The plan's volume, then two native tables like the web page's: the sums
        per field of action and per funding source, each with its total."""
        width = (_SLIDE_WIDTH_IN - 2 * self.MARGIN - self.GAP) / 2
        top = self.BOX_TOP
        if budget.volume is not None:
            volume = f"{_('Gesamtvolumen des Plans')}: {euros(budget.volume)}"
            self._text(slide, self.MARGIN, top, width * 2, 0.4, [(volume, 16, True)])
            top += 0.6
        tables = [
            (_("Nach Handlungsfeld"), _("Handlungsfeld"), budget.by_field, language),
            (_("Nach Finanzierung"), _("Finanzierung"), budget.by_source, self.ui_language),
        ]
        for index, (caption, header, rows, row_language) in enumerate(tables):
            if not rows:
                continue
            left = self.MARGIN + index * (width + self.GAP)
            self._text(slide, left, top, width, 0.4, [(caption, 14, True)])
            body = [(row.label, euros(row.planned), euros(row.spent), row_language) for row in rows]
            body.append((_("Summe"), euros(budget.total.planned), euros(budget.total.spent), None))
            shape = slide.shapes.add_table(
                len(body) + 1, 3, Inches(left), Inches(top + 0.45), Inches(width), Inches(0.3)
            )
            shape.name = caption
            table = shape.table
            table.columns[0].width = Inches(width - 3.2)
            table.columns[1].width = table.columns[2].width = Inches(1.6)
            lines = [(header, _("Geplant"), _("Ausgegeben"), None), *body]
            for row_index, (*cells, cell_language) in enumerate(lines):
                for column, text in enumerate(cells):
                    cell = table.cell(row_index, column)
                    cell.text = ""
                    paragraph = cell.text_frame.paragraphs[0]
                    if column:
                        paragraph.alignment = PP_ALIGN.RIGHT
                    run = paragraph.add_run()
                    run.text = text
                    bold = row_index == 0 or row_index == len(lines) - 1
                    self._font(run, 11, bold, cell_language if column == 0 else None)

    def _indicators(self, slide, page: Page, language) -> None:
        """Two by two: each indicator's name, measure and value beside a native line
        chart of its readings in the current unit, described by the chart's summary."""
        width = (_SLIDE_WIDTH_IN - 2 * self.MARGIN - self.GAP) / 2
        height = (_SLIDE_HEIGHT_IN - 0.7 - self.BOX_TOP - self.GAP) / 2
        text_width = 2.3
        for index, tile in enumerate(page.indicators):
            left = self.MARGIN + (index % 2) * (width + self.GAP)
            top = self.BOX_TOP + (index // 2) * (height + self.GAP)
            self._rectangle(slide, left, top, width, height, "F5F7FA", line="C9CED6")
            lines = [(tile.value, 12, False)]
            if tile.target:
                lines.append((tile.target, 12, False))
            names = [(tile.indicator.name, 15, True), (tile.measure_title, 11, False)]
            self._text(slide, left + 0.15, top + 0.1, text_width, 1.0, names, language)
            self._text(slide, left + 0.15, top + 1.1, text_width, height - 1.2, lines)
            if tile.chart is not None:
                self._chart(
                    slide,
                    tile,
                    left + text_width + 0.2,
                    top + 0.1,
                    width - text_width - 0.3,
                    height - 0.2,
                )

    def _chart(self, slide, tile: "IndicatorTile", left, top, width, height) -> None:
        chart = tile.chart
        data = _DatedChartData(self.when)
        data.categories = [_short(point.reading.date) for point in chart.points]
        data.add_series(
            chart.quantity.label, [float(point.reading.value) for point in chart.points]
        )
        frame = slide.shapes.add_chart(
            XL_CHART_TYPE.LINE_MARKERS,
            Inches(left),
            Inches(top),
            Inches(width),
            Inches(height),
            data,
        )
        frame.name = chart.title
        # The alternative text screen readers and PowerPoint's check read.
        frame._element.nvGraphicFramePr.cNvPr.set("descr", chart.summary)
        drawing = frame.chart
        drawing.has_legend = False
        drawing.font.size = Pt(10)
        drawing.font.name = FONT
        axis = drawing.value_axis
        axis.minimum_scale = 0
        axis.maximum_scale = float(chart.axis_top)
        axis.has_major_gridlines = True
        series = drawing.plots[0].series[0]
        series.smooth = False
        series.format.line.color.rgb = RGBColor.from_string("1F5EA8")
        series.format.line.width = Pt(2.5)
        series.marker.format.fill.solid()
        series.marker.format.fill.fore_color.rgb = RGBColor.from_string("1F5EA8")

    def _field_page(self, slide, page: Page, content_language) -> None:
        self._heading(slide, page, content_language)
        if not page.measures:
            self._text(
                slide,
                self.MARGIN,
                self.BOX_TOP,
                8,
                0.6,
                [(_("Dieses Handlungsfeld enthält noch keine Maßnahmen."), 16, False)],
            )
        # Like the PDF: the boxes share the width (one box spans it all).
        columns = max(len(page.measures), 1)
        width = (_SLIDE_WIDTH_IN - 2 * self.MARGIN - (columns - 1) * self.GAP) / columns
        for index, box in enumerate(page.boxes):
            left = self.MARGIN + index * (width + self.GAP)
            self._box(slide, box, left, width, content_language)
        self._legend(slide)

    def _box(self, slide, box: Box, left: float, width: float, lang) -> None:
        """Title and items flow from the top; rollout, status and target sit at the bottom."""
        measure, scale = box.measure, box.scale
        height = self.BOX_BOTTOM - self.BOX_TOP
        frame = self._rectangle(
            slide,
            left,
            self.BOX_TOP,
            width,
            height,
            "F5F7FA",
            line=OVERDUE_COLOUR if measure.is_overdue_today else "C9CED6",
            line_width=2.5 if measure.is_overdue_today else 1,
        )
        frame.name = f"{_('Maßnahme')}: {measure.title}"

        inner = width - 0.4
        facts_size = 14 * scale
        facts = [(f"{_('Status')}: {measure.status_label}", facts_size, False)]
        facts.append((f"{_('Abschluss')}: {target_text(measure)}", facts_size, False))
        if measure.is_overdue_today:
            facts.append((_("überfällig"), facts_size, True, OVERDUE_COLOUR))
        if box.slip:
            facts.append((box.slip, 12 * scale, False))
        # Lines of about half an em per character, 1.2 em high.
        facts_height = sum(
            len(textwrap.wrap(text, max(int((inner - 0.25) * 144 / size), 8)) or [""])
            * size
            * 1.2
            / 72
            for text, size, *_rest in facts
        )
        facts_top = self.BOX_BOTTOM - facts_height - 0.25
        rollout_top = facts_top - 0.75 * scale
        text = [(measure.title, 16 * scale, True)]
        if box.description:
            text.append((box.description, 12 * scale, False))
        text += [(f"• {item}", 13 * scale, False) for item in box.items]
        if box.hidden_items:
            text.append((box.more_items, 11 * scale, False))
        bottom = rollout_top if measure.rollout else facts_top
        flow = self._text(
            slide, left + 0.2, self.BOX_TOP + 0.15, inner, bottom - self.BOX_TOP - 0.2, text, lang
        )
        for paragraph in flow.text_frame.paragraphs[1:]:
            paragraph.space_before = Pt(4)
        if measure.rollout:
            rollout = measure.rollout
            self._text(
                slide,
                left + 0.2,
                rollout_top,
                inner,
                0.35,
                [(rollout_text(measure), 12 * scale, False)],
            )
            bar_top = rollout_top + 0.4 * scale
            self._rectangle(slide, left + 0.2, bar_top, inner, 0.18, "DDE2E8")
            if rollout.percent:
                self._rectangle(
                    slide, left + 0.2, bar_top, inner * rollout.percent / 100, 0.18, "1E7A3C"
                )
        status_colour = STATUS_COLOURS.get(measure.status, STATUS_COLOURS[""])
        self._rectangle(slide, left + 0.2, facts_top + 0.1, 0.18, 0.18, status_colour)
        self._text(slide, left + 0.45, facts_top, inner - 0.25, facts_height + 0.2, facts)

    def _legend(self, slide) -> None:
        """One text box: a coloured square and the label per status, then "überfällig"."""

        box = self._text(
            slide, self.MARGIN, _SLIDE_HEIGHT_IN - 0.6, 10.5, 0.4, [(f"{_('Legende')}:", 11, False)]
        )
        paragraph = box.text_frame.paragraphs[0]
        entries = [(STATUS_COLOURS[value], label) for value, label in legend()]
        entries.append((OVERDUE_COLOUR, _("überfällig")))
        for colour, label in entries:
            for text, rgb in (("   ■ ", colour), (label, "1A1F29")):
                run = paragraph.add_run()
                run.text = text
                self._font(run, 11, False, self.ui_language, colour=rgb)

    def _rectangle(
        self, slide, left, top, width, height, colour: str, line: str = "", line_width: float = 1
    ):
        """A decorative rectangle (bars, markers, backgrounds): what it shows is also text."""
        shape = slide.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, Inches(left), Inches(top), Inches(width), Inches(height)
        )
        shape.shadow.inherit = False
        shape.fill.solid()
        shape.fill.fore_color.rgb = RGBColor.from_string(colour)
        if line:
            shape.line.color.rgb = RGBColor.from_string(line)
            shape.line.width = Pt(line_width)
        else:
            shape.line.fill.background()
        mark_decorative(shape)
        return shape

    def _font(self, run, size, bold, language, italic=False, colour="1A1F29") -> None:
        run.font.size = Pt(size)
        run.font.name = FONT
        run.font.bold = bold
        run.font.italic = italic
        run.font.language_id = language or self.ui_language
        run.font.color.rgb = RGBColor.from_string(colour)

    def _text(
        self, slide, left, top, width, height, lines, language=None, align_right=False, title=False
    ):
        """A text box with one paragraph per (text, size, bold[, colour]) line.

        With `title` it is the slide's title placeholder: screen readers, the
        outline view and PowerPoint's accessibility check know each slide by it.
        """
        if title:
            box = slide.shapes.title
            box.left, box.top = Inches(left), Inches(top)
            box.width, box.height = Inches(width), Inches(height)
            box.text_frame.vertical_anchor = MSO_ANCHOR.TOP
        else:
            box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
        frame = box.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE
        for index, (text, size, bold, *colour) in enumerate(lines):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            if align_right:
                paragraph.alignment = PP_ALIGN.RIGHT
            elif title:
                paragraph.alignment = PP_ALIGN.LEFT
            run = paragraph.add_run()
            run.text = text
            self._font(run, size, bold, language, colour=colour[0] if colour else "1A1F29")
        return box


# PowerPoint's "Mark as decorative": screen readers and the accessibility check
# skip the shape. Written as PowerPoint writes it, in the shape's cNvPr.
_DECORATIVE_URI = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"
_ADEC = "http://schemas.microsoft.com/office/drawing/2017/decorative"


def mark_decorative(shape) -> None:
    properties = shape._element.nvSpPr.cNvPr
    extensions = properties.find(qn("a:extLst"))
    if extensions is None:
        extensions = etree.SubElement(properties, qn("a:extLst"))
    extension = etree.SubElement(extensions, qn("a:ext"), uri=_DECORATIVE_URI)
    etree.SubElement(extension, f"{{{_ADEC}}}decorative", nsmap={"adec": _ADEC}, val="1")
