"""An edition's preface in Markdown: as HTML for the web page, the PDF and the
presentation, and as paragraphs of styled runs for the PowerPoint.

Only the Markdown a preface needs is on: paragraphs, line breaks, bold,
italic, bullet and numbered lists. Raw HTML is off, so whatever a staff member
types is escaped; anything else (headings, links, code) stays literal text.
"""

from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

# "breaks": a single line break stays a line break, as in the letter it was typed as.
_MARKDOWN = MarkdownIt("zero", {"breaks": True, "html": False}).enable(
    ["emphasis", "list", "newline", "escape"]
)


def to_html(text: str) -> SafeString:
    """`text` rendered as HTML; safe because the renderer escapes everything it does not make."""
    return mark_safe(_MARKDOWN.render(text))  # noqa: S308


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    line_break: bool = False  # a line break before this run's text


@dataclass(frozen=True)
class Block:
    """A paragraph, or one item of a list ("bullet": "•", "1.", ...; "" for a paragraph)."""

    runs: tuple[Run, ...]
    bullet: str = ""
    level: int = 0  # nesting depth of a list item

    @property
    def text(self) -> str:
        return "".join(("\n" if run.line_break else "") + run.text for run in self.runs)


def to_blocks(text: str) -> list[Block]:
    """`text` as paragraphs and list items, each a list of bold/italic runs."""
    blocks: list[Block] = []
    lists: list[list] = []  # per open list: [ordered, next number]
    bullet = ""
    for token in _MARKDOWN.parse(text):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrs.get("start", 1))
            lists.append([token.type == "ordered_list_open", start])
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "list_item_open":
            ordered, number = lists[-1]
            bullet = f"{number}." if ordered else "•"
            lists[-1][1] += 1
        elif token.type == "inline":
            blocks.append(Block(_runs(token.children or []), bullet, max(len(lists) - 1, 0)))
            bullet = ""  # a second paragraph of one item has no bullet of its own
    return blocks


def _runs(children) -> tuple[Run, ...]:
    runs, bold, italic, line_break = [], False, False, False
    for child in children:
        if child.type == "strong_open":
            bold = True
        elif child.type == "strong_close":
            bold = False
        elif child.type == "em_open":
            italic = True
        elif child.type == "em_close":
            italic = False
        elif child.type in ("softbreak", "hardbreak"):
            line_break = True
        elif child.content:
            runs.append(Run(child.content, bold, italic, line_break))
            line_break = False
    return tuple(runs)
