"""Markdown for the legal texts: CommonMark without raw HTML, with KERN classes."""

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

# Raw HTML off: an administrator's text cannot carry scripts or inline styles (CSP).
# markdown-it also refuses javascript:, vbscript: and data: links.
_md = MarkdownIt("commonmark", {"html": False}).enable("table")
# Leichte Sprache puts each sentence on a line of its own: there a line break counts.
_md_lines = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable("table")

# The page's title is its h1, so the text's headings start at h2: a text that
# uses "#" has all its headings moved one level down.
_HEADING_CLASSES = {
    "h2": "kern-heading-medium",
    "h3": "kern-heading-small",
    "h4": "kern-heading-x-small",
    "h5": "kern-heading-x-small",
    "h6": "kern-heading-x-small",
}


def render_markdown(text: str, line_breaks: bool = False) -> SafeString:
    md = _md_lines if line_breaks else _md
    tokens = md.parse(text)
    shift = int(any(token.type == "heading_open" and token.tag == "h1" for token in tokens))
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + shift, 6)}"
            if token.type == "heading_open":
                token.attrSet("class", _HEADING_CLASSES[token.tag])
        elif token.type == "inline":
            for child in token.children or []:
                if child.type == "link_open":
                    child.attrSet("class", "kern-link")
    # Safe: with html off markdown-it escapes every character of the text it outputs.
    return mark_safe(md.renderer.render(tokens, md.options, {}))  # noqa: S308
