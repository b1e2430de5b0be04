"""A template comment never reaches the page.

Django's `{# ... #}` ends at the end of its line: one spread over two lines is
printed as text ("{# A ticked box filters at once; ...") at the top of the
public report and the school search. Longer comments need `{% comment %}`.
"""

import re
from pathlib import Path

from django.conf import settings

UNCLOSED = re.compile(r"\{#(?!.*#\})")


def test_no_template_comment_spans_lines():
    found = []
    for directory in settings.TEMPLATES[0]["DIRS"]:
        for template in Path(directory).rglob("*.html"):
            for number, line in enumerate(template.read_text().splitlines(), start=1):
                if UNCLOSED.search(line):
                    found.append(f"{template.relative_to(directory)}:{number}")
    assert found == []


def test_public_pages_show_no_template_comment(client, bielefeld):
    for path in ["/", "/?status=waiting", "/schulen/", "/schulen/?suche=buckardt"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert b"{#" not in response.content, path
        assert b"#}" not in response.content, path
