"""`manage.py import_schools`: the NRW school directory as published."""

import datetime
import io
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from authorities.models import Authority
from measures.models import Plan
from schools.importers import BIELEFELD_DIRECTORY_FILE, read_directory
from schools.models import ImportRecord, OperationKey, School
from tests.factories import BIELEFELD_AUTHORITY_NUMBER, BIELEFELD_SCHOOL_FORMS

FULL_DIRECTORY = Path(__file__).resolve().parent.parent / "data" / "schuldaten.csv"
BIELEFELD_ROWS = 117


def run(path: Path, *args, **options) -> str:
    out = io.StringIO()
    call_command("import_schools", path, *args, stdout=out, **options)
    return out.getvalue()


def in_scope(on: datetime.date):
    """The schools the Bielefeld plan covers on `on` (Plan.schools, the rule the app applies)."""
    plan = Plan(
        school_authority_number=BIELEFELD_AUTHORITY_NUMBER,
        school_forms=", ".join(BIELEFELD_SCHOOL_FORMS),
    )
    return plan.schools(on)


def snapshot() -> list[dict]:
    return list(School.objects.order_by("school_number").values())


def bielefeld_lines() -> list[str]:
    return BIELEFELD_DIRECTORY_FILE.read_text(encoding="utf-8").splitlines(keepends=True)


def write(tmp_path: Path, lines: list[str], name: str = "schuldaten.csv") -> Path:
    path = tmp_path / name
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def imported(db) -> list[dict]:
    run(BIELEFELD_DIRECTORY_FILE)
    return snapshot()


def test_every_row_of_the_full_directory_is_parsed():
    directory = read_directory(FULL_DIRECTORY)
    assert len(directory.records) == 5639
    assert directory.rejections == []


@pytest.mark.django_db
def test_full_directory_import_gives_bielefelds_74_and_the_2026_openings():
    output = run(FULL_DIRECTORY)
    assert output.startswith("5639 neu, 0 geändert, 0 unverändert, 0 abgelehnt")

    city = School.objects.filter(authority_number="10261")
    assert Counter(city.values_list("school_form", flat=True)) == {
        "02": 46,
        "10": 9,
        "20": 8,
        "30": 6,
        "08": 5,
        "15": 4,
        "14": 2,
        "25": 2,
    }
    before = in_scope(datetime.date(2026, 7, 31))
    assert before.count() == 74
    assert Counter(before.values_list("school_form", flat=True)) == {
        "02": 46,
        "10": 9,
        "20": 7,
        "15": 4,
        "08": 4,
        "14": 2,
        "25": 2,
    }
    after = in_scope(datetime.date(2026, 8, 1))
    assert after.count() == 76
    assert set(after.difference(before).values_list("school_number", flat=True)) == {
        "100257",
        "100260",
    }
    opening = School.objects.get(school_number="100257")
    assert (opening.operation_key, opening.opens_on) == ("3", datetime.date(2026, 8, 1))
    assert opening.name.startswith("Gymnasium am Seidensticker-Campus")

    closing = School.objects.get(school_number="143273")  # Hauptschule Welheim, Bottrop
    assert closing.operation_key == OperationKey.CLOSING
    assert closing.closes_on == datetime.date(2026, 7, 31)
    assert closing.status == "schließt zum 31.07.2026"
    assert School.objects.get(school_number="170343").closes_on == datetime.date(2030, 7, 31)
    assert School.objects.get(school_number="176254").status == "aufgelöst"


@pytest.mark.django_db
def test_a_school_gets_the_directorys_fields():
    run(BIELEFELD_DIRECTORY_FILE)
    school = School.objects.get(school_number="100045")
    assert school.name == (
        "Realschule am Schlehenweg Städt. Realschule Bielefeld - Sekundarstufe I -"
    )
    assert school.short_name == "Bielefeld, RS am Schlehenweg"
    assert (school.school_form, school.school_form_name) == ("10", "Realschule")
    assert (school.street, school.postcode, school.city) == ("Schlehenweg 24", "33609", "Bielefeld")
    assert school.homepage == "http://www.realschule-am-schlehenweg.de"
    assert (school.legal_form, school.authority_number) == ("1", "10261")
    assert (school.municipality_key, school.regional_authority) == ("05711000", "7")
    assert (school.operation_key, school.opens_on, school.closes_on) == ("1", None, None)
    assert school.listed and school.email == "100045@schule.nrw.de"
    school.full_clean()


@pytest.mark.django_db
def test_traeger_limits_the_import_to_one_authority():
    output = run(FULL_DIRECTORY, traeger="10261")
    assert School.objects.count() == 82
    assert set(School.objects.values_list("authority_number", flat=True)) == {"10261"}
    assert "82 neu" in output and "5557 Zeilen anderer Schulträger übersprungen" in output


def test_running_twice_changes_nothing_and_writes_nothing(imported):
    with CaptureQueriesContext(connection) as queries:
        output = run(BIELEFELD_DIRECTORY_FILE)
    assert output == f"0 neu, 0 geändert, {BIELEFELD_ROWS} unverändert, 0 abgelehnt\n"
    assert snapshot() == imported
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []
    # The savepoint pair, one SELECT however many rows, and the import record's.
    assert len(queries) <= 4


def test_a_changed_row_is_reported_with_its_fields(imported, tmp_path):
    lines = bielefeld_lines()
    assert lines[2].startswith('"100045"')
    lines[2] = (
        lines[2].replace('"Schlehenweg 24"', '"Schlehenweg 26"').replace('"33609"', '"33610"')
    )
    output = run(write(tmp_path, lines), verbosity=2)
    assert output.splitlines() == [
        f"0 neu, 1 geändert, {BIELEFELD_ROWS - 1} unverändert, 0 abgelehnt",
        "  geändert: 100045: PLZ, Straße",
    ]
    school = School.objects.get(school_number="100045")
    assert (school.street, school.postcode) == ("Schlehenweg 26", "33610")


def test_a_directory_import_keeps_districts(imported):
    School.objects.filter(school_number="100045").update(district="Heepen")
    School.objects.filter(school_number="100046").update(district="Von Hand")
    run(BIELEFELD_DIRECTORY_FILE)
    assert School.objects.get(school_number="100045").district == "Heepen"
    assert School.objects.get(school_number="100046").district == "Von Hand"


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ('"100045";"10"', '"10045";"10"', "Die Schulnummer „10045“ hat nicht sechs Ziffern."),
        ('"100045";"10"', '"100045";"XX"', "Die Schulform „XX“ ist unbekannt."),
        ('"100045";"10"', '"100045";""', "Die Schulform fehlt."),
        (
            '"Realschule am Schlehenweg";"Städt. Realschule Bielefeld";"- Sekundarstufe I -"',
            '"";"";""',
            "Der Name der Schule fehlt.",
        ),
        ('"1";"01.08.2018"', '"1";"1980-08-01"', "„1980-08-01“ ist kein Datum (TT.MM.JJJJ)."),
        (
            '"1";"01.08.2018"',
            '"3";""',
            "Zum Schulbetriebsschlüssel 3 fehlt das Schulbetriebsdatum.",
        ),
        ('"1";"01.08.2018"', '"7";"01.08.1980"', "Schulbetrieb:"),
        ('"33609";', '"33609";"extra";', "25 statt 24 Werte."),
    ],
)
def test_a_bad_row_is_rejected_with_its_line_and_the_rest_imported(tmp_path, db, old, new, reason):
    lines = bielefeld_lines()
    assert old in lines[2], old
    lines[2] = lines[2].replace(old, new)
    output = run(write(tmp_path, lines))
    assert output.startswith(f"{BIELEFELD_ROWS - 1} neu, 0 geändert, 0 unverändert, 1 abgelehnt")
    rejection = output.splitlines()[1]
    assert rejection.startswith("  abgelehnt: Zeile 3")
    assert reason in rejection
    assert School.objects.count() == BIELEFELD_ROWS - 1


def test_a_repeated_school_number_is_rejected(tmp_path, db):
    lines = bielefeld_lines()
    output = run(write(tmp_path, [*lines, lines[2]]))
    assert "Zeile 120 (Schulnummer 100045): Die Schulnummer steht schon in Zeile 3." in output
    assert School.objects.count() == BIELEFELD_ROWS


def test_a_school_missing_from_the_file_is_marked_not_deleted(imported, tmp_path):
    lines = bielefeld_lines()
    del lines[2]  # 100045
    output = run(write(tmp_path, lines))
    assert output.splitlines() == [
        f"0 neu, 0 geändert, {BIELEFELD_ROWS - 1} unverändert, 0 abgelehnt, "
        "1 nicht mehr im Schulverzeichnis",
        "  nicht mehr im Schulverzeichnis: Realschule am Schlehenweg Städt. Realschule "
        "Bielefeld - Sekundarstufe I - (100045)",
    ]
    school = School.objects.get(school_number="100045")
    assert not school.listed
    assert school.status == "nicht mehr im Schulverzeichnis"
    assert not in_scope(datetime.date(2026, 1, 1)).filter(pk=school.pk).exists()

    output = run(BIELEFELD_DIRECTORY_FILE, verbosity=2)
    assert "1 geändert" in output and "100045: im Schulverzeichnis" in output
    assert School.objects.get(school_number="100045").listed


def test_a_broken_row_does_not_count_as_missing(imported, tmp_path):
    lines = bielefeld_lines()
    lines[2] = lines[2].replace('"33609";', "")
    run(write(tmp_path, lines))
    assert School.objects.get(school_number="100045").listed


def test_a_file_filtered_to_another_traeger_marks_nothing(imported, tmp_path):
    lines = bielefeld_lines()
    land = [line for line in lines[2:] if ';"10017";' in line]
    path = write(tmp_path, lines[:2] + land)
    output = run(path, traeger="10017")
    assert output.startswith(f"0 neu, 0 geändert, {len(land)} unverändert, 0 abgelehnt")
    assert snapshot() == imported

    with pytest.raises(CommandError, match="keine Schule des Schulträgers 10261"):
        run(path, traeger="10261")
    assert snapshot() == imported


def test_schools_of_other_municipalities_are_not_marked(db, tmp_path):
    lines = FULL_DIRECTORY.read_text(encoding="utf-8").splitlines(keepends=True)
    run(write(tmp_path, lines[:2] + lines[2:40], "first.csv"))
    run(BIELEFELD_DIRECTORY_FILE)
    assert not School.objects.filter(listed=False).exists()


def test_the_older_format_without_bezirksregierung_is_accepted(db, tmp_path):
    def drop_column(line: str) -> str:
        values = line.rstrip("\n").split(";")
        return ";".join(values[:6] + values[7:]) + "\n"

    lines = bielefeld_lines()
    output = run(write(tmp_path, lines[:1] + [drop_column(line) for line in lines[1:]]))
    assert output.startswith(f"{BIELEFELD_ROWS} neu")
    assert School.objects.get(school_number="100045").regional_authority == ""


# --- Files that are refused as a whole --------------------------------------------


def _text() -> str:
    return BIELEFELD_DIRECTORY_FILE.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (lambda: _text().encode("cp1252"), r"nicht UTF-8-kodiert.*Zeile 3.*cp1252"),
        (lambda: _text().encode("cp850"), r"nicht UTF-8-kodiert.*Zeile 3.*CP850"),
        (lambda: _text().encode("utf-16"), "Null-Bytes"),
        (lambda: b"PK\x03\x04\x14\x00\x06\x00", "ZIP-Archiv"),
        (lambda: b"%PDF-1.7\n", "PDF"),
        (lambda: b"", "leer"),
        (lambda: b"sep=;\n", "leer"),
        (lambda: _text().splitlines(keepends=True)[0:2], "keine Datenzeilen"),
        (lambda: _text().replace(";", ",").replace("sep=,", "sep=;"), "Semikolon"),
        (lambda: _text().replace(";", ",")[len("sep=,\n") :], "Semikolon"),
        (lambda: _text().replace("sep=;", "sep=,"), "„sep=,“ als Trennzeichen"),
        (
            lambda: _text().replace("Schulform;", "Form;").replace(";Traegernummer;", ";Traeger;"),
            "fehlen die Spalten: Schulform, Traegernummer",
        ),
        (lambda: "<html><body>Not found</body></html>\n", "keine CSV-Datei"),
        (lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "Null-Bytes"),
        (
            lambda: _text().replace('"100045"', '"100045', 1),
            "Zeile 3: nach einem schließenden Anführungszeichen muss ein Semikolon folgen",
        ),
    ],
    ids=[
        "cp1252",
        "cp850",
        "utf16",
        "xlsx",
        "pdf",
        "empty",
        "only-sep",
        "only-header",
        "commas",
        "commas-without-sep",
        "sep-comma",
        "missing-columns",
        "html",
        "png",
        "stray-quote",
    ],
)
def test_a_broken_file_is_refused_and_changes_nothing(imported, tmp_path, content, message):
    data = content()
    if isinstance(data, list):
        data = "".join(data)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path = tmp_path / "schuldaten.csv"
    path.write_bytes(data)
    with pytest.raises(CommandError, match=message):
        run(path)
    assert snapshot() == imported


def test_a_missing_file_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="kann nicht gelesen werden"):
        run(tmp_path / "fehlt.csv")


# --- A file that lacks many schools, and the dry run ----------------------------------


def test_a_truncated_file_is_refused_and_changes_nothing(imported, tmp_path):
    path = write(tmp_path, bielefeld_lines()[:40])  # the sep line, the header, 38 schools
    with pytest.raises(CommandError) as refused:
        run(path)
    message = str(refused.value)
    assert "höchstens 5 % der bekannten Schulen eines Schulträgers" in message
    assert "Schulträger 10261: 44 von 82 bekannten Schulen (53,7 %)" in message
    assert "Schulträger 10017: 10 von 10 bekannten Schulen (100 %)" in message
    # A Schulträger losing its only school is no sign of a truncated file.
    assert "Schulträger 70350" not in message
    assert "--delisting-erlaubt" in message and "Es wurde nichts geändert." in message
    assert snapshot() == imported
    assert in_scope(datetime.date(2026, 8, 1)).count() == 76


def test_with_traeger_the_share_is_of_that_traegers_schools(imported, tmp_path):
    lines = bielefeld_lines()
    city = [line for line in lines[2:] if ';"10261";' in line]
    assert len(city) == 82
    # 4 of 82 (4.9 %) is a yearly file's loss; 5 (6.1 %) is refused.
    run(write(tmp_path, lines[:2] + city[4:]), traeger="10261")
    assert School.objects.filter(listed=False).count() == 4
    with pytest.raises(CommandError, match=r"Schulträger 10261: 5 von 78 bekannten Schulen"):
        run(write(tmp_path, lines[:2] + city[9:]), traeger="10261")
    assert School.objects.filter(listed=False).count() == 4


def test_a_file_cut_down_to_one_traeger_without_traeger_is_refused(imported, tmp_path):
    # Someone kept only the city's rows but forgot --traeger: the Land's and the
    # private schools in Bielefeld would all go, each Schulträger judged on its own.
    lines = bielefeld_lines()
    city = [line for line in lines[2:] if ';"10261";' in line]
    with pytest.raises(CommandError) as refused:
        run(write(tmp_path, lines[:2] + city))
    message = str(refused.value)
    assert "Schulträger 10017: 10 von 10 bekannten Schulen (100 %)" in message
    assert "Schulträger 10261" not in message
    assert snapshot() == imported


def test_the_flag_confirms_the_delisting(imported, tmp_path):
    output = run(write(tmp_path, bielefeld_lines()[:40]), delisting_erlaubt=True)
    assert output.startswith("0 neu, 0 geändert, 38 unverändert, 0 abgelehnt, 79 nicht mehr")
    assert School.objects.filter(listed=False).count() == 79
    assert in_scope(datetime.date(2026, 8, 1)).count() == 38


def test_the_flag_on_the_command_line(imported, tmp_path):
    path = write(tmp_path, bielefeld_lines()[:40])
    call_command("import_schools", str(path), "--delisting-erlaubt", stdout=io.StringIO())
    assert School.objects.filter(listed=False).count() == 79


@pytest.mark.parametrize("flag", [False, True])
def test_a_dry_run_prints_the_same_and_writes_nothing(imported, tmp_path, flag):
    lines = bielefeld_lines()
    lines[2] = lines[2].replace('"Schlehenweg 24"', '"Schlehenweg 26"')
    del lines[3]  # 100046
    added = lines[2].replace('"100045"', '"199999"', 1)
    path = write(tmp_path, [*lines, added])

    with CaptureQueriesContext(connection) as queries:
        dry = run(path, "--dry-run", verbosity=2, **({"delisting_erlaubt": True} if flag else {}))
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE")]
    assert writes  # the dry run runs the real code ...
    assert snapshot() == imported  # ... and rolls it back
    real = run(path, verbosity=2)
    assert dry.splitlines() == [
        "Probelauf (--dry-run): Es wird nichts gespeichert.",
        *real.splitlines(),
        "Probelauf beendet: Nichts wurde gespeichert.",
    ]
    assert real.startswith("1 neu, 1 geändert, 115 unverändert, 0 abgelehnt, 1 nicht mehr")


def test_a_dry_run_refuses_what_the_real_run_refuses(imported, tmp_path):
    with pytest.raises(CommandError, match="53,7 %"):
        run(write(tmp_path, bielefeld_lines()[:40]), dry_run=True)
    assert snapshot() == imported


def test_an_import_is_recorded_for_whom_it_is(db):
    """The Datenquellen page's records (issue 13): for the authority named, else for
    the one of --traeger, else for the whole installation; a dry run records nothing."""
    owner = Authority.objects.create(name="Stadt Bielefeld", school_authority_number="10261")
    call_command("import_schools", BIELEFELD_DIRECTORY_FILE, "--dry-run", stdout=io.StringIO())
    assert not ImportRecord.objects.exists()
    run(BIELEFELD_DIRECTORY_FILE)
    record = ImportRecord.objects.get()
    assert (record.owner, record.file_name) == (None, BIELEFELD_DIRECTORY_FILE.name)
    assert record.changes == "auf Bielefeld gefiltert, Namensteile verbunden"
    call_command(
        "import_schools", BIELEFELD_DIRECTORY_FILE, "--traeger", "10261", stdout=io.StringIO()
    )
    assert ImportRecord.objects.filter(owner=owner).count() == 1
    with pytest.raises(CommandError, match="„Kreis Nirgendwo“ gibt es nicht"):
        call_command("import_schools", BIELEFELD_DIRECTORY_FILE, "--authority", "Kreis Nirgendwo")
