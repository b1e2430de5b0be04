"""`manage.py import_districts`: each school's district, from a Schulträger's file
"Schulnummer;Bezirk" (issue 13: any names) or from Bielefeld's pupil counts."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from schools.importers import (
    BIELEFELD_DIRECTORY_FILE,
    BIELEFELD_DISTRICTS,
    BIELEFELD_DISTRICTS_FILE,
)
from schools.models import School
from tests.factories import make_school

pytestmark = pytest.mark.django_db

HEADER = "Stichtag;Schulform;Stadtbezirk;Schulnummer;Schulname;Klasse;Anzahl_SuS\r\n"


def run(path: Path, *args) -> str:
    out = io.StringIO()
    call_command("import_districts", path, *args, stdout=out)
    return out.getvalue()


def district(number: str) -> str:
    return School.objects.get(school_number=number).district


@pytest.fixture
def schools(db) -> None:
    call_command("import_schools", BIELEFELD_DIRECTORY_FILE, verbosity=0)


def test_the_city_file_sets_the_official_district_names(schools):
    output = run(BIELEFELD_DISTRICTS_FILE)
    assert output.splitlines() == [
        "Bezirke: 70 gesetzt, 0 unverändert; unbekannte Schulen: 1; "
        "widersprüchliche Schulen: 0; abgelehnte Zeilen: 0",
        "  unbekannte Schule: 162000 Kuhloschule",
    ]
    assert district("162050") == "Jöllenbeck"  # spelt "Joellenbeck" in the file
    assert district("100045") == "Heepen"
    assert School.objects.filter(district="Jöllenbeck").count() == 5
    assert not School.objects.filter(district="Joellenbeck").exists()
    districts = set(School.objects.exclude(district="").values_list("district", flat=True))
    assert districts == set(BIELEFELD_DISTRICTS)  # all ten, in their official spelling


def test_running_twice_changes_nothing(schools):
    run(BIELEFELD_DISTRICTS_FILE)
    assert run(BIELEFELD_DISTRICTS_FILE).startswith("Bezirke: 0 gesetzt, 70 unverändert")


def test_a_directory_reimport_keeps_the_districts(schools):
    run(BIELEFELD_DISTRICTS_FILE)
    call_command("import_schools", BIELEFELD_DIRECTORY_FILE, verbosity=0)
    assert district("162050") == "Jöllenbeck"
    assert School.objects.exclude(district="").count() == 70


def test_a_school_in_two_districts_is_reported_and_left_alone(schools, tmp_path):
    School.objects.filter(school_number="100045").update(district="Mitte")
    path = tmp_path / "bezirke.csv"
    path.write_bytes(
        (
            HEADER
            + "01.10.2022;Realschule;Heepen;100045;Realschule_am_Schlehenweg;5a;29\r\n"
            + "01.10.2022;Realschule;Joellenbeck;100045;Realschule_am_Schlehenweg;5b;29\r\n"
            + "01.10.2022;Realschule;Jöllenbeck;162050;Realschule_Jöllenbeck;5a;29\r\n"
            + "01.10.2022;Realschule;Bielefeld-Ost;100046;X;5a;29\r\n"
        ).encode("cp1252")
    )
    output = run(path)
    assert "widersprüchlich: 100045 in Heepen, Jöllenbeck" in output
    assert "Zeile 5 (Schulnummer 100046): „Bielefeld-Ost“ ist kein Bielefelder Stadtbezirk." in (
        output
    )
    assert district("100045") == "Mitte"
    assert district("162050") == "Jöllenbeck"  # cp1252 "ö" read as such


def test_a_utf8_file_is_read_too(schools, tmp_path):
    path = tmp_path / "bezirke.csv"
    path.write_text(HEADER + "01.10.2022;RS;Jöllenbeck;162050;R;5a;29\r\n", encoding="utf-8")
    assert run(path).startswith("Bezirke: 1 gesetzt")
    assert district("162050") == "Jöllenbeck"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            (HEADER + "01.10.2022;RS;Heepen;100045;R;5a;29\r\n").encode("utf-16"),
            r"keine Textdatei in UTF-8 oder Windows-1252 \(cp1252\)",
        ),
        (HEADER.encode() + b"01.10.2022;RS;Heepen;100045;R\x81;5a;29\r\n", "cp1252"),
        (b"Stichtag,Schulform,Stadtbezirk,Schulnummer\r\n", "Semikolon"),
        (b"Stichtag;Schulform;Bezirk;Nummer\r\n", "fehlen die Spalten: Schulnummer."),
        (b"Schulnummer;Bezirksname\r\n", "fehlt die Spalte „Bezirk“ .die Datei der Stadt"),
        (
            "Schulnummer;Bezirk\r\n100045;Nord\r\n100046;Sü\u202ed\r\n".encode(),
            "Zeile 3, Spalte Bezirk: .* Nichts wurde importiert.",
        ),
        (  # in a row that is rejected anyway, and a control character strip() would eat
            "Schulnummer;Bezirk\r\n100045;Nord\r\n1\u202e;Süd;x\r\n".encode(),
            "Zeile 3, Spalte Schulnummer: .* Nichts wurde importiert.",
        ),
        (
            b"Schulnummer;Bezirk\r\n100045;Nord\x1f\r\n",
            "Zeile 2, Spalte Bezirk: .* Nichts wurde importiert.",
        ),
        (b"", "leer"),
        (HEADER.encode(), "keine Datenzeilen"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "Null-Bytes"),
        (b"\x1f\x8b\x08\x00" + bytes(20), "Null-Bytes"),
        (
            HEADER.encode() + b'01.10.2022;RS;Heepen;"100045;R;5a;29\r\n',
            r"Zeile 2: ein Anführungszeichen wird bis zum Ende der Datei nicht geschlossen",
        ),
        (
            HEADER.encode() + b'01.10.2022;RS;"Heepen"x;100045;R;5a;29\r\n',
            "Zeile 2: nach einem schließenden Anführungszeichen muss ein Semikolon folgen",
        ),
        (
            HEADER.encode() + b'01.10.2022;RS;Heepen;100045;"' + b"x" * 200_000 + b'";5a;29\r\n',
            "Zeile 2: ein Wert ist länger als 131072 Zeichen",
        ),
    ],
    ids=[
        "utf16",
        "undefined-cp1252-byte",
        "commas",
        "wrong-columns",
        "no-district-column",
        "bidi-override",
        "bidi-in-a-bad-row",
        "control-at-the-end",
        "empty",
        "only-header",
        "png",
        "gzip",
        "unclosed-quote",
        "after-quote",
        "huge-value",
    ],
)
def test_a_broken_file_is_refused_and_changes_nothing(schools, tmp_path, content, message):
    School.objects.filter(school_number="100045").update(district="Mitte")
    path = tmp_path / "bezirke.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run(path)
    assert district("100045") == "Mitte"
    assert School.objects.exclude(district="").count() == 1


def test_a_dry_run_prints_the_same_and_writes_nothing(schools):
    School.objects.filter(school_number="100045").update(district="Mitte")
    before = list(School.objects.order_by("pk").values_list("district", flat=True))
    dry = run(BIELEFELD_DISTRICTS_FILE, "--dry-run")
    assert list(School.objects.order_by("pk").values_list("district", flat=True)) == before
    real = run(BIELEFELD_DISTRICTS_FILE)
    assert dry.splitlines() == [
        "Probelauf (--dry-run): Es wird nichts gespeichert.",
        *real.splitlines(),
        "Probelauf beendet: Nichts wurde gespeichert.",
    ]
    assert real.startswith("Bezirke: 70 gesetzt")


def test_a_schultraegers_file_sets_its_own_district_names(schools, tmp_path):
    """Any names, as the Schulträger calls its parts (a county's towns, say);
    UTF-8 with a byte order mark as Excel saves it."""
    path = tmp_path / "bezirke.csv"
    path.write_text(
        "Schulnummer;Bezirk;Bemerkung\r\n"
        "100045;Gemeinde Nordheide;\r\n"
        "100046;Ortsteil Süd-Ost;ein Hinweis\r\n"
        "100047;;\r\n"
        f"100192;{'x' * 101};\r\n"
        "999999;Nirgendwo;\r\n",
        encoding="utf-8-sig",
    )
    out = run(path)
    assert out.startswith(
        "Bezirke: 2 gesetzt, 0 unverändert; unbekannte Schulen: 1; "
        "widersprüchliche Schulen: 0; abgelehnte Zeilen: 2"
    )
    assert (district("100045"), district("100046")) == ("Gemeinde Nordheide", "Ortsteil Süd-Ost")
    assert "Zeile 4 (Schulnummer 100047): Der Bezirk fehlt." in out
    assert "Zeile 5 (Schulnummer 100192): Der Bezirk ist 101 Zeichen lang, erlaubt sind 100." in out
    assert district("100047") == district("100192") == ""
    # Bielefeld's own spelling rule is not applied to another's names.
    assert "kein Bielefelder Stadtbezirk" not in out


def test_a_schultraegers_file_changes_only_its_own_schools(db, tmp_path):
    """The district names are each Schulträger's own (issue 13): a file read for
    one (--traeger) leaves another's schools as they are, and says so."""
    own = make_school(school_number="100001", authority_number="10261")
    other = make_school(school_number="100002", authority_number="10686", district="Rheda")
    path = tmp_path / "bezirke.csv"
    path.write_text("Schulnummer;Bezirk\n100001;Mitte\n100002;Heepen\n", encoding="utf-8")
    out = run(path, "--traeger", "10261")
    assert "1 gesetzt" in out and "Schulen anderer Schulträger (nicht geändert): 1" in out
    own.refresh_from_db()
    other.refresh_from_db()
    assert (own.district, other.district) == ("Mitte", "Rheda")
