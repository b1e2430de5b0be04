"""An edition's preface in Markdown (editions/markup.py): HTML and PowerPoint blocks."""

from editions.markup import Block, Run, to_blocks, to_html


def test_html_keeps_paragraphs_and_line_breaks_and_escapes_html():
    html = to_html("Erste Zeile\nzweite Zeile\n\n**fett** <script>alert(1)</script>")

    assert html == (
        "<p>Erste Zeile<br>\nzweite Zeile</p>\n"
        "<p><strong>fett</strong> &lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
    )


def test_only_the_markdown_a_preface_needs_is_rendered():
    html = to_html("# Überschrift\n\n[Link](javascript:alert(1)) `Code`")

    assert "<h1>" not in html and "<a" not in html and "<code>" not in html
    assert "# Überschrift" in html and "[Link](javascript:alert(1))" in html


def test_blocks_for_the_powerpoint():
    blocks = to_blocks("Guten *Tag*,\nliebe **alle**\n\n1. eins\n2. zwei\n   - innen\n\nEnde")

    assert blocks == [
        Block(
            (
                Run("Guten "),
                Run("Tag", italic=True),
                Run(","),
                Run("liebe ", line_break=True),
                Run("alle", bold=True),
            )
        ),
        Block((Run("eins"),), "1."),
        Block((Run("zwei"),), "2."),
        Block((Run("innen"),), "•", level=1),
        Block((Run("Ende"),)),
    ]
    assert blocks[0].text == "Guten Tag,\nliebe alle"
