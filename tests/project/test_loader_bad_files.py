"""Loader files that are no TOML the loaders can read: a German CommandError, no traceback."""

import io

import pytest
from django.core.management import CommandError, call_command

# Nested lists deeper than Python's recursion limit: tomllib raised RecursionError.
DEEP = "x = " + "[" * 5000 + "]" * 5000 + "\n"


def test_load_plan_refuses_a_too_deeply_nested_file(db, tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(DEEP, encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("load_plan", path, stdout=io.StringIO())
    assert str(error.value) == (
        f"Die Plandatei {path} kann nicht gelesen werden: kein gültiges TOML "
        "(Listen oder Tabellen sind zu tief ineinander verschachtelt)."
    )


@pytest.mark.parametrize(
    "content, message",
    [
        (DEEP.encode(), "kein gültiges TOML (Listen oder Tabellen sind zu tief ineinander"),
        (b'x = "\xfc"\n', "nicht UTF-8-kodiert (ungültiges Byte 0xFC in Zeile 1)"),
    ],
    ids=["deep", "latin-1"],
)
def test_load_legal_drafts_refuses_a_file_it_cannot_read(db, tmp_path, content, message):
    (tmp_path / "pages.toml").write_bytes(content)
    with pytest.raises(CommandError) as error:
        call_command("load_legal_drafts", tmp_path, stdout=io.StringIO())
    assert message in str(error.value)
    assert str(error.value).startswith(f"{tmp_path / 'pages.toml'}: ")
