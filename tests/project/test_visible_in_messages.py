"""A command's message never echoes an invisible character raw into the terminal.

A refused value is quoted so the operator can find it; a bidi override in it would
reorder the rest of the line, an ESC would start a terminal escape sequence (colour,
cursor moves). Such characters are shown by their code point instead
(`bielefeld_digital.text.visible`)."""

import io

import pytest
from django.core.management import CommandError, call_command

from bielefeld_digital.text import visible
from schools.importers import BIELEFELD_DIRECTORY_FILE

RLO = "\u202e"
ESC = "\x1b"

PLAN = (
    '[plan]\nauthority = "Stadt A"\ntitle = "Plan"\nperiod_start = 2023\n'
    "period_end = 2027\nas_of = 2023-04-01\n"
    '[[fields]]\ntitle = "Feld"\n[[fields.measures]]\ntitle = "Gut"\n'
)


def test_visible_names_each_refused_character_and_keeps_the_rest():
    assert visible("Bös" + RLO + "artig " + ESC + "[31m") == "Bös<U+202E>artig <U+001B>[31m"
    assert visible("Zwei\nZeilen\tund ‍") == "Zwei<U+000A>Zeilen<U+0009>und ‍"
    assert visible("Straße 1") == "Straße 1"


@pytest.mark.parametrize(
    "extra, shown",
    [
        ('[[fields.measures]]\ntitle = "Bös\\u202Eartig"\n', "„Bös<U+202E>artig“"),
        ('[[fields.measures]]\ntitle = "rot \\u001B[31m"\n', "„rot <U+001B>[31m“"),
        ('[[fields.measures]]\ntitle = "x"\n"ti\\u202Etle" = "y"\n', "„ti<U+202E>tle“"),
    ],
    ids=["override in a value", "escape sequence in a value", "override in a key"],
)
def test_load_plan_shows_a_refused_character_by_its_code_point(db, tmp_path, extra, shown):
    path = tmp_path / "plan.toml"
    path.write_text(PLAN + extra, encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("load_plan", path, stdout=io.StringIO())
    message = str(error.value)
    assert shown in message
    assert RLO not in message and ESC not in message


def test_import_districts_shows_a_refused_character_by_its_code_point(db, tmp_path):
    """An ESC anywhere in a district file refuses it (as in the directory), the
    message naming the character by its code point."""
    path = tmp_path / "bezirke.csv"
    path.write_bytes(
        "Stichtag;Schulform;Stadtbezirk;Schulnummer;Schulname;Klasse;Anzahl_SuS\r\n"
        "01.10.2022;GS;Mitte;100045;Schule;1;20\r\n"
        f"01.10.2022;GS;Mitte;999999;Neue{ESC}[2J_Schule;1;20\r\n".encode("cp1252")
    )
    with pytest.raises(CommandError) as error:
        call_command("import_districts", path, stdout=io.StringIO())
    message = str(error.value)
    assert message.startswith("Zeile 3, Spalte Schulname: ") and "U+001B" in message
    assert "Nichts wurde importiert." in message and ESC not in message


def test_load_legal_drafts_shows_a_refused_character_by_its_code_point(db, tmp_path):
    (tmp_path / "pages.toml").write_text('["impressum\\u202E"]\ntitle = "x"\n', encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("load_legal_drafts", tmp_path, stdout=io.StringIO())
    assert "Unbekannte Seite „impressum<U+202E>“ in pages.toml" in str(error.value)
    assert RLO not in str(error.value)


def test_import_schools_shows_a_refused_character_of_traeger_by_its_code_point(db):
    with pytest.raises(CommandError) as error:
        call_command(
            "import_schools", BIELEFELD_DIRECTORY_FILE, traeger="10261" + RLO, stdout=io.StringIO()
        )
    assert "keine Schule des Schulträgers 10261<U+202E>." in str(error.value)
    assert RLO not in str(error.value)
