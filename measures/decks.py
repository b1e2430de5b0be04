"""The report as a slide deck: one page list, rendered as PDF, PPTX and presentation.

`deck_pages` lays a snapshot (see reports.py) out the way the Bielefeld deck
does: a title page, one page per field of action (split over several pages
when a field has more measures than fit on one), and a closing page. The PDF
(WeasyPrint), the PPTX (python-pptx) and the presentation mode in the browser
all render this list, so the three always show the same pages in the same order.
"""

import atexit
import datetime
import enum
import functools
import io
import logging
import math
from dataclasses import dataclass

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN
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

    @property
    def anchor(self) -> str:
        return f"folie-{self.number}"

    @property
    def is_continued(self) -> bool:
        return self.parts > 1

    @property
    def boxes(self) -> list["Box"]:
        return [Box(measure) for measure in self.measures]


@dataclass(frozen=True)
class Box:
    """A measure on a page, with what its box needs beyond the measure."""

    measure: FrozenMeasure

    @property
    def bar_step(self) -> int:
        """The rollout share rounded to 5 %: the bar's CSS class (`bar__fill--60`)."""
        rollout = self.measure.rollout
        return 5 * round(rollout.percent / 5) if rollout else 0


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


def deck_pages(
    snapshot: dict, title: str, date: datetime.date, reference: str = "", preface: str = ""
) -> list[Page]:
    """The deck's pages for `snapshot`, in order: title, preface (if any), fields, closing."""
    plan, fields, measures = read_snapshot(snapshot)
    cover = _cover(plan, title, date, reference, preface)
    by_field: dict[int, list[FrozenMeasure]] = {field_.pk: [] for field_ in fields}
    for measure in measures:
        by_field[measure.field.pk].append(measure)

    layout: list[tuple[PageKind, str, FrozenField | None, list[FrozenMeasure], int, int]] = [
        (PageKind.TITLE, title, None, [], 1, 1)
    ]
    if preface.strip():
        layout.append((PageKind.PREFACE, _("Vorwort"), None, [], 1, 1))
    for field_ in fields:
        chunks = _chunks(by_field[field_.pk], MAX_BOXES)
        for part, chunk in enumerate(chunks, start=1):
            layout.append((PageKind.FIELD, field_.title, field_, chunk, part, len(chunks)))
    layout.append((PageKind.CLOSING, _("Vielen Dank für Ihre Aufmerksamkeit!"), None, [], 1, 1))

    total = len(layout)
    return [
        Page(kind, number, total, heading, cover, field_, tuple(chunk), part, parts)
        for number, (kind, heading, field_, chunk, part, parts) in enumerate(layout, start=1)
    ]


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
    snapshot: dict, title: str, date: datetime.date, reference: str = "", preface: str = ""
) -> bytes:
    """The deck as a tagged PDF (PDF/UA-1), one 16:9 page per deck page."""
    # Imported here: WeasyPrint needs Pango, and the rest of the site does not.
    from weasyprint import HTML

    pages = deck_pages(snapshot, title, date, reference, preface)
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
_SLIDE_HEIGHT_IN = 7.5


def render_pptx(
    snapshot: dict, title: str, date: datetime.date, reference: str = "", preface: str = ""
) -> bytes:
    """The deck as a PowerPoint file with real text boxes, one slide per deck page."""

    pages = deck_pages(snapshot, title, date, reference, preface)
    presentation = Presentation()
    presentation.slide_width = Inches(_SLIDE_WIDTH_IN)
    presentation.slide_height = Inches(_SLIDE_HEIGHT_IN)
    blank = presentation.slide_layouts[6]
    builder = _SlideBuilder(translation.get_language() or "de")
    for page in pages:
        builder.build(presentation.slides.add_slide(blank), page)
    cover = pages[0].cover
    properties = presentation.core_properties
    properties.title = f"{cover.title}: {cover.plan_title} {cover.period}"
    properties.author = cover.authority
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
            self._text(slide, 0.9, 2.9, _SLIDE_WIDTH_IN - 1.8, 1.2, [(page.heading, 36, True)])
        elif page.kind == PageKind.PREFACE:
            width = _SLIDE_WIDTH_IN - 2 * self.MARGIN
            self._text(slide, self.MARGIN, 0.45, width, 0.9, [(page.heading, 30, True)])
            paragraphs = [(text, 16, False) for text in page.cover.preface.splitlines() if text]
            self._text(slide, self.MARGIN, 1.55, width, 5.0, paragraphs)
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
        self._text(slide, 0.9, 1.8, width, 1.2, [(cover.title, 36, True)])
        self._text(
            slide,
            0.9,
            3.2,
            width,
            1.4,
            [(f"{cover.plan_title} {cover.period}", 24, False)],
            content_language,
        )
        lines = [(f"{_('Stand')}: {date_format(cover.date, 'SHORT_DATE_FORMAT')}", 18, False)]
        if cover.reference:
            lines.append((cover.reference, 18, False))
        self._text(slide, 0.9, 5.0, width, 1.2, lines)

    def _field_page(self, slide, page: Page, content_language) -> None:
        heading = [(page.heading, 30, True)]
        self._text(slide, self.MARGIN, 0.45, 9.5, 0.9, heading, content_language)
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
        for index, measure in enumerate(page.measures):
            left = self.MARGIN + index * (width + self.GAP)
            self._box(slide, measure, left, width, content_language)
        self._legend(slide)

    def _box(self, slide, measure: FrozenMeasure, left: float, width: float, lang) -> None:

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
        self._text(
            slide, left + 0.2, self.BOX_TOP + 0.15, inner, 0.9, [(measure.title, 18, True)], lang
        )
        bullets = [(f"• {item}", 13, False) for item in measure.work_item_list]
        top = self.BOX_TOP + 1.1
        if bullets:
            self._text(slide, left + 0.2, top, inner, 1.6, bullets, lang)
        top = self.BOX_TOP + 2.75
        if measure.rollout:
            rollout = measure.rollout
            self._text(slide, left + 0.2, top, inner, 0.35, [(rollout_text(measure), 12, False)])
            bar_top = top + 0.4
            self._rectangle(slide, left + 0.2, bar_top, inner, 0.18, "DDE2E8")
            if rollout.percent:
                self._rectangle(
                    slide, left + 0.2, bar_top, inner * rollout.percent / 100, 0.18, "1E7A3C"
                )
        status_colour = STATUS_COLOURS.get(measure.status, STATUS_COLOURS[""])
        self._rectangle(slide, left + 0.2, self.BOX_TOP + 3.55, 0.18, 0.18, status_colour)
        target = f"{_('Abschluss')}: {target_text(measure)}"
        lines = [(f"{_('Status')}: {measure.status_label}", 14, False), (target, 14, False)]
        if measure.is_overdue_today:
            lines.append((_("überfällig"), 14, True, OVERDUE_COLOUR))
        self._text(slide, left + 0.45, self.BOX_TOP + 3.45, inner - 0.25, 1.3, lines)

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

    def _text(self, slide, left, top, width, height, lines, language=None, align_right=False):
        """A text box with one paragraph per (text, size, bold[, colour]) line."""

        box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
        frame = box.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE
        for index, (text, size, bold, *colour) in enumerate(lines):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            if align_right:
                paragraph.alignment = PP_ALIGN.RIGHT
            run = paragraph.add_run()
            run.text = text
            run.font.size = Pt(size)
            run.font.bold = bold
            run.font.language_id = language or self.ui_language
            run.font.color.rgb = RGBColor.from_string(colour[0] if colour else "1A1F29")
        return box
