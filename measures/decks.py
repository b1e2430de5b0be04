"""The report as a slide deck: one page list, rendered as PDF, PPTX and presentation.

`deck_pages` lays a snapshot (see reports.py) out the way the Bielefeld deck
does: a title page, one page per field of action (split over several pages
when a field has more measures than fit on one), and a closing page. The PDF
(WeasyPrint), the PPTX (python-pptx) and the presentation mode in the browser
all render this list, so the three always show the same pages in the same order.
"""

import atexit
import dataclasses
import datetime
import enum
import functools
import io
import logging
import math
import textwrap
from dataclasses import dataclass

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Inches, Pt

from .models import NO_STATUS_LABEL, Status
from .reports import FrozenField, FrozenMeasure, FrozenPlan, read_snapshot

# At most this many measure boxes side by side on a 16:9 page. With three, and
# a field spread evenly over its pages, the Bielefeld plan gets exactly the
# deck's slides: Hardware 3 + 3, Software 2 + 2, every other field on one.
MAX_BOXES = 3

# Colours of the status markers (KERN badge colours), shared by PDF and PPTX
# through the CSS classes `status--<value>` and STATUS_COLOURS.
STATUS_COLOURS = {
    Status.PREPARING.value: "6b7280",
    Status.IN_PROGRESS.value: "1f5ea8",
    Status.WAITING.value: "a15c00",
    Status.DONE.value: "1e7a3c",
    "": "9ca3af",
}
OVERDUE_COLOUR = "b91c1c"

STYLESHEETS = ["css/deck-common.css", "css/deck-print.css"]

# WeasyPrint logs every layout step, fontTools every font it unpacks, at INFO;
# the server log needs none of them.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)


class PageKind(enum.StrEnum):
    TITLE = "title"
    PREFACE = "preface"
    FIELD = "field"
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

    @property
    def stand_lines(self) -> list[tuple[datetime.date, str]]:
        """The title page's Stand, line by line with the date each line states."""
        if not self.live:
            return [(self.date, _("Stand: %(date)s") % {"date": _short(self.date)})]
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
    text: str = ""  # a preface page's share of the preface

    @property
    def anchor(self) -> str:
        return f"folie-{self.number}"

    @property
    def is_continued(self) -> bool:
        return self.parts > 1

    @property
    def boxes(self) -> list["Box"]:
        return [Box(measure, len(self.measures)) for measure in self.measures]


@dataclass(frozen=True)
class Box:
    """A measure on a page, with what its box needs beyond the measure."""

    measure: FrozenMeasure
    columns: int = MAX_BOXES

    @property
    def bar_step(self) -> int:
        """The rollout share rounded to 5 %: the bar's CSS class (`bar__fill--60`)."""
        rollout = self.measure.rollout
        return 5 * round(rollout.percent / 5) if rollout else 0

    @functools.cached_property
    def items(self) -> list[str]:
        """The work items that fit in the box; the rest are counted in `hidden_items`."""
        return _fitting_items(self.measure, self.columns)

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
# the width of an average character. Estimates err towards fewer items, so
# "Status" and "Abschluss" always stay on the page.
_BOXES_WIDTH_MM = 306.0
_BOX_SPACING_MM = 6.0
_BOX_INNER_HEIGHT_MM = 105.0
_TITLE_CHAR_MM, _TITLE_LINE_MM = 3.3, 8.2
_ITEM_CHAR_MM, _ITEM_LINE_MM, _ITEM_GAP_MM = 2.55, 6.9, 1.5
_ROLLOUT_MM = 20.0
_FACTS_LINE_MM = 8.4


def _lines(text: str, width_mm: float, char_mm: float) -> int:
    return len(textwrap.wrap(text, max(int(width_mm / char_mm), 8), break_on_hyphens=False)) or 1


def _fitting_items(measure: FrozenMeasure, columns: int) -> list[str]:
    width = (_BOXES_WIDTH_MM - (columns + 1) * _BOX_SPACING_MM) / columns - 11
    space = _BOX_INNER_HEIGHT_MM - _lines(measure.title, width, _TITLE_CHAR_MM) * _TITLE_LINE_MM
    space -= _ROLLOUT_MM if measure.rollout else 0
    target = f"{_('Abschluss')}: {target_text(measure)} {_('überfällig')}"
    space -= (1 + _lines(target, width, _ITEM_CHAR_MM)) * _FACTS_LINE_MM
    items = measure.work_item_list
    heights = [
        _lines(item, width - 6, _ITEM_CHAR_MM) * _ITEM_LINE_MM + _ITEM_GAP_MM for item in items
    ]
    if sum(heights) <= space:
        return items
    space -= _ITEM_LINE_MM + _ITEM_GAP_MM  # for "… und 3 weitere Punkte"
    fitting = []
    for item, height in zip(items, heights, strict=True):
        if height > space:
            break
        fitting.append(item)
        space -= height
    return fitting


def _chunks(measures: list[FrozenMeasure], size: int) -> list[list[FrozenMeasure]]:
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
    *,
    live: bool = False,
) -> list[Page]:
    """The deck's pages for `snapshot`, in order: title, preface (if any), fields, closing.

    `live`: the live report, whose `date` is its last change (see Cover).
    """
    plan, fields, measures = read_snapshot(snapshot)
    cover = _cover(plan, title, date, reference, preface)
    if live:
        retrieved = datetime.date.fromisoformat(snapshot["date"])
        cover = dataclasses.replace(cover, live=True, retrieved=retrieved)
    by_field: dict[int, list[FrozenMeasure]] = {field_.pk: [] for field_ in fields}
    for measure in measures:
        by_field[measure.field.pk].append(measure)

    # (kind, heading, field, its measures or a preface page's text, part, parts)
    layout: list[tuple[PageKind, str, FrozenField | None, list[FrozenMeasure] | str, int, int]] = [
        (PageKind.TITLE, title, None, [], 1, 1)
    ]
    preface_parts = _preface_parts(preface)
    for part, text in enumerate(preface_parts, start=1):
        layout.append((PageKind.PREFACE, _("Vorwort"), None, text, part, len(preface_parts)))
    for field_ in fields:
        chunks = _chunks(by_field[field_.pk], MAX_BOXES)
        for part, chunk in enumerate(chunks, start=1):
            layout.append((PageKind.FIELD, field_.title, field_, chunk, part, len(chunks)))
    layout.append((PageKind.CLOSING, _("Vielen Dank für Ihre Aufmerksamkeit!"), None, [], 1, 1))

    total = len(layout)
    return [
        Page(kind, number, total, heading, cover, field_, (), part, parts, content)
        if isinstance(content, str)
        else Page(kind, number, total, heading, cover, field_, tuple(content), part, parts)
        for number, (kind, heading, field_, content, part, parts) in enumerate(layout, start=1)
    ]


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
    )


# --- Texts both renderers use ----------------------------------------------------


def rollout_text(measure: FrozenMeasure) -> str:
    rollout = measure.rollout
    return _("%(done)s von %(total)s Schulen abgeschlossen") % {
        "done": rollout.done,
        "total": rollout.total,
    }


def target_text(measure: FrozenMeasure) -> str:
    return measure.target.label if measure.target else _("nicht festgelegt")


def legend() -> list[tuple[str, str]]:
    """(status value, label) for the legend; "" is "no status"."""
    return [(status.value, str(status.label)) for status in Status] + [("", str(NO_STATUS_LABEL))]


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
    *,
    live: bool = False,
) -> bytes:
    """The deck as a tagged PDF (PDF/UA-1), one 16:9 page per deck page."""
    # Imported here: WeasyPrint needs Pango, and the rest of the site does not.
    from weasyprint import HTML

    pages = deck_pages(snapshot, title, date, reference, preface, live=live)
    html = render_to_string("measures/deck_pdf.html", context(pages))
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
    *,
    live: bool = False,
) -> bytes:
    """The deck as a PowerPoint file with real text boxes, one slide per deck page."""

    pages = deck_pages(snapshot, title, date, reference, preface, live=live)
    presentation = Presentation()
    presentation.slide_width = Inches(_SLIDE_WIDTH_IN)
    presentation.slide_height = Inches(_SLIDE_HEIGHT_IN)
    title_only = presentation.slide_layouts[5]  # the default template's "Title Only"
    builder = _SlideBuilder(translation.get_language() or "de")
    for page in pages:
        builder.build(presentation.slides.add_slide(title_only), page)
    cover = pages[0].cover
    properties = presentation.core_properties
    # The file's properties: python-pptx's template brings its own author, dates
    # and comment; PowerPoint limits the title to 255 characters.
    now = datetime.datetime.now(tz=datetime.UTC).replace(tzinfo=None)
    properties.title = f"{cover.title}: {cover.plan_title} {cover.period}"[:255]
    properties.author = properties.last_modified_by = cover.authority[:255]
    properties.created = properties.modified = now
    properties.revision = 1
    properties.comments = ""
    properties.keywords = ""
    properties.language = cover.language
    properties.subject = cover.plan_title
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


class _SlideBuilder:
    """Places text boxes and shapes on a blank slide, in inches."""

    MARGIN = 0.6
    GAP = 0.3
    BOX_TOP = 1.55
    BOX_BOTTOM = 6.55  # the legend and the page number sit below

    def __init__(self, ui_language: str) -> None:
        self.ui_language = self._language(ui_language)

    def build(self, slide, page: Page) -> None:
        content_language = self._language(page.cover.language)
        if page.kind == PageKind.TITLE:
            self._title_page(slide, page, content_language)
        elif page.kind == PageKind.CLOSING:
            self._text(
                slide, 0.9, 2.9, _SLIDE_WIDTH_IN - 1.8, 1.2, [(page.heading, 36, True)], title=True
            )
        elif page.kind == PageKind.PREFACE:
            width = _SLIDE_WIDTH_IN - 2 * self.MARGIN
            self._text(slide, self.MARGIN, 0.45, width, 0.9, [(page.heading, 30, True)], title=True)
            self._part(slide, page)
            paragraphs = [(text, 16, False) for text in page.text.splitlines() if text]
            text = self._text(slide, self.MARGIN, 1.55, width, 5.0, paragraphs, content_language)
            for paragraph in text.text_frame.paragraphs:
                paragraph.space_after = Pt(10)
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

    def _title_page(self, slide, page: Page, content_language) -> None:
        cover = page.cover
        width = _SLIDE_WIDTH_IN - 1.8
        self._text(slide, 0.9, 0.8, width, 0.6, [(cover.authority, 18, False)], content_language)
        size = {"short": 36, "long": 28, "very-long": 22}[cover.title_length]
        self._text(slide, 0.9, 1.6, width, 1.5, [(cover.title, size, True)], title=True)
        self._text(
            slide,
            0.9,
            3.2,
            width,
            1.4,
            [(f"{cover.plan_title} {cover.period}", 24, False)],
            content_language,
        )
        lines = [(text, 18, False) for _date, text in cover.stand_lines]
        if cover.reference:
            lines.append((cover.reference, 18, False))
        self._text(slide, 0.9, 5.0, width, 1.2, lines)

    def _field_page(self, slide, page: Page, content_language) -> None:
        heading = [(page.heading, 30, True)]
        self._text(slide, self.MARGIN, 0.45, 9.5, 0.9, heading, content_language, title=True)
        self._part(slide, page)
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

    def _part(self, slide, page: Page) -> None:
        """ "Teil 1 von 2" at the top right of a page that continues on another."""
        if page.is_continued:
            self._text(
                slide,
                _SLIDE_WIDTH_IN - self.MARGIN - 2.6,
                0.6,
                2.6,
                0.5,
                [(part_text(page), 14, False)],
                align_right=True,
            )

    def _box(self, slide, box: Box, left: float, width: float, lang) -> None:
        """Title and items flow from the top; rollout, status and target sit at the bottom."""
        measure = box.measure
        height = self.BOX_BOTTOM - self.BOX_TOP
        frame = slide.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, Inches(left), Inches(self.BOX_TOP), Inches(width), Inches(height)
        )
        frame.fill.solid()
        frame.fill.fore_color.rgb = RGBColor.from_string("F5F7FA")
        frame.line.color.rgb = RGBColor.from_string(
            OVERDUE_COLOUR if measure.is_overdue_today else "C9CED6"
        )
        frame.line.width = Pt(2.5 if measure.is_overdue_today else 1)
        frame.shadow.inherit = False
        frame.name = f"{_('Maßnahme')}: {measure.title}"

        inner = width - 0.4
        facts_top = self.BOX_BOTTOM - 1.25
        rollout_top = facts_top - 0.75
        text = [(measure.title, 16, True)]
        text += [(f"• {item}", 13, False) for item in box.items]
        if box.hidden_items:
            text.append((box.more_items, 11, False))
        bottom = rollout_top if measure.rollout else facts_top
        flow = self._text(
            slide, left + 0.2, self.BOX_TOP + 0.15, inner, bottom - self.BOX_TOP - 0.2, text, lang
        )
        for paragraph in flow.text_frame.paragraphs[1:]:
            paragraph.space_before = Pt(4)
        if measure.rollout:
            rollout = measure.rollout
            self._text(
                slide, left + 0.2, rollout_top, inner, 0.35, [(rollout_text(measure), 12, False)]
            )
            bar_top = rollout_top + 0.4
            self._rectangle(slide, left + 0.2, bar_top, inner, 0.18, "DDE2E8")
            if rollout.percent:
                self._rectangle(
                    slide, left + 0.2, bar_top, inner * rollout.percent / 100, 0.18, "1E7A3C"
                )
        status_colour = STATUS_COLOURS.get(measure.status, STATUS_COLOURS[""])
        self._rectangle(slide, left + 0.2, facts_top + 0.1, 0.18, 0.18, status_colour)
        target = f"{_('Abschluss')}: {target_text(measure)}"
        lines = [(f"{_('Status')}: {measure.status_label}", 14, False), (target, 14, False)]
        if measure.is_overdue_today:
            lines.append((_("überfällig"), 14, True, OVERDUE_COLOUR))
        self._text(slide, left + 0.45, facts_top, inner - 0.25, 1.2, lines)

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
                run.font.size = Pt(11)
                run.font.name = FONT
                run.font.language_id = self.ui_language
                run.font.color.rgb = RGBColor.from_string(rgb)

    def _rectangle(self, slide, left, top, width, height, colour: str) -> None:

        shape = slide.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, Inches(left), Inches(top), Inches(width), Inches(height)
        )
        shape.shadow.inherit = False
        shape.fill.solid()
        shape.fill.fore_color.rgb = RGBColor.from_string(colour)
        shape.line.fill.background()

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
            run.font.size = Pt(size)
            run.font.name = FONT
            run.font.bold = bold
            run.font.language_id = language or self.ui_language
            run.font.color.rgb = RGBColor.from_string(colour[0] if colour else "1A1F29")
        return box
