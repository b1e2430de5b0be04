import pathlib

import pytest
from django.conf import settings

TEMPLATES = pathlib.Path(settings.BASE_DIR) / "templates"


def test_no_template_comment_spans_lines():
    """`{# ... #}` ends on its own line; a longer one is printed on the page as text."""
    unclosed = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if line.count("{#") > line.count("#}")
    ]
    assert unclosed == []


@pytest.mark.parametrize("url", ["/", "/schulen/"])
def test_public_filter_pages_show_no_template_comment(client, bielefeld, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "{#" not in response.content.decode()
    assert "arrow press" not in response.content.decode()
