"""`manage.py load_plan FILE`: every problem of a plan file is a German message naming
the value and its place, and nothing is written."""

import copy
import datetime
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from measures.importers import BIELEFELD_PLAN, PlanFileError, load_plan
from measures.models import FieldOfAction, Measure, Plan

LONG = "x" * 400

PLAN = {
    "plan": {
        "authority": "Kreis Musterland",
        "title": "MEP",
        "period_start": 2024,
        "period_end": 2028,
        "as_of": datetime.date(2024, 6, 1),
        "school_authority_number": "10261",
        "school_forms": "02, 10",
    },
    "fields": [
        {"title": "Technik", "slug": "technik", "school_forms": "02", "measures": []},
        {
            "title": "Fortbildung",
            "measures": [
                {"title": "Schulungen", "status": "In Bearbeitung", "target": "Q1 2025"},
                {"title": "Medienlabor", "slug": "labor", "work_items": ["Raum", "Geräte"]},
                {
                    "title": "Tablets",
                    "description": "Für alle",
                    "responsible": "Amt",
                    "rollout": "3/12",
                },
            ],
        },
    ],
}

M3 = "Handlungsfeld 2, Maßnahme 3 („Tablets“)"
M2 = "Handlungsfeld 2, Maßnahme 2 (slug „labor“)"


def changed(path: tuple, value: object) -> dict:
    """PLAN with the value at `path` (keys and list indexes) replaced; `...` deletes it."""
    data = copy.deepcopy(PLAN)
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is ...:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


P = "Plan ([plan])"
F2 = ("fields", 1)
MEASURE_3 = (*F2, "measures", 2)


BAD = [
    # [plan]: required keys, types, ranges, lengths, order, scope
    (
        ("plan", "period_start"),
        99999,
        f"{P}, „period_start“: ist 99999, erlaubt sind 2000 bis 2100.",
    ),
    (("plan", "period_start"), 1999, "„period_start“: ist 1999, erlaubt sind 2000 bis 2100."),
    (
        ("plan", "period_end"),
        2023,
        "Die Laufzeit endet (period_end = 2023) vor ihrem Beginn (period_start = 2024).",
    ),
    (
        ("plan", "period_start"),
        "2024",
        "„period_start“: muss eine ganze Zahl sein, ist aber Text („2024“).",
    ),
    (
        ("plan", "period_start"),
        True,
        "„period_start“: muss eine ganze Zahl sein, ist aber ein Wahrheitswert",
    ),
    (
        ("plan", "period_end"),
        2027.5,
        "„period_end“: muss eine ganze Zahl sein, ist aber eine Kommazahl (2027.5).",
    ),
    (("plan", "period_end"), ..., None),  # no end: "ab 2024" (tests/measures/test_plan_facts.py)
    (("plan", "period_start"), ..., f"{P}, „period_start“: fehlt."),
    (("plan", "title"), LONG, f"{P}, „title“: ist 400 Zeichen lang, erlaubt sind 300"),
    (("plan", "title"), "  ", f"{P}, „title“: ist leer."),
    (("plan", "title"), ..., f"{P}, „title“: fehlt."),
    (("plan", "authority"), LONG, "„authority“: ist 400 Zeichen lang, erlaubt sind 200"),
    (
        ("plan", "authority"),
        ["A"],
        "„authority“: muss Text in Anführungszeichen sein, ist aber eine Liste",
    ),
    (
        ("plan", "as_of"),
        "2024-06-01",
        "„as_of“: muss ein Datum (z. B. 2024-06-01) sein, ist aber Text",
    ),
    (
        ("plan", "as_of"),
        datetime.datetime(2024, 6, 1, 12),
        "„as_of“: muss ein Datum (z. B. 2024-06-01) sein, ist aber ein Zeitpunkt",
    ),
    (
        ("plan", "as_of"),
        datetime.date(1, 1, 1),
        "„as_of“: ist 0001-01-01, erlaubt sind Daten der Jahre 2000 bis 2100.",
    ),
    (("plan", "as_of"), ..., "„as_of“: fehlt."),
    (
        ("plan", "school_authority_number"),
        10261,
        "„school_authority_number“: muss Text in Anführungszeichen sein, "
        "ist aber eine ganze Zahl (10261).",
    ),
    (
        ("plan", "school_authority_number"),
        "12345678901",
        "„school_authority_number“: ist 11 Zeichen lang, erlaubt sind 10",
    ),
    (
        ("plan", "school_forms"),
        "02; 10",
        "„school_forms“: „02; 10“: Schulformen als zweistellige Schlüssel",
    ),
    (
        ("plan", "school_forms"),
        "02, 99",
        "„school_forms“: unbekannte Schulform 99; bekannt sind: 02, 04",
    ),
    (("plan", "school_forms"), "02, 10, 02", "„school_forms“: Schulform 02 steht mehrfach."),
    (
        ("plan", "language"),
        "de",
        f"{P}: Unbekannter Schlüssel „language“; erlaubt sind: authority, title",
    ),
    (("plan",), "Musterland", "Plan ([plan]): ist Text statt einer Tabelle."),
    (("plan",), ..., "Datei: Die Tabelle [plan] fehlt."),
    # the file's top level
    (("fields",), [], "Datei: Der Plan hat kein Handlungsfeld ([[fields]])."),
    (("fields",), ..., "Datei, „fields“: fehlt."),
    (
        ("fields",),
        {"title": "X"},
        "Datei, „fields“: muss eine Liste von Tabellen ([[fields]]) sein, ist aber eine Tabelle",
    ),
    (("felder",), [], "Datei: Unbekannter Schlüssel „felder“; erlaubt sind: plan, fields."),
    # [[fields]]
    ((*F2, "title"), LONG, "Handlungsfeld 2, „title“: ist 400 Zeichen lang, erlaubt sind 200"),
    ((*F2, "title"), ..., "Handlungsfeld 2, „title“: fehlt."),
    (
        (*F2, "title"),
        "???",
        "Handlungsfeld 2 („???“): Aus dem Titel lässt sich kein Kurzname bilden; "
        "bitte „slug“ angeben.",
    ),
    (
        (*F2, "slug"),
        "Fort bildung",
        "Handlungsfeld 2 (slug „Fort bildung“), „slug“: „Fort bildung“: ",
    ),
    (
        (*F2, "slug"),
        "technik",
        "Handlungsfeld 2 (slug „technik“): Der Kurzname „technik“ hat schon Handlungsfeld 1.",
    ),
    ((*F2, "slug"), "x" * 101, "„slug“: ist 101 Zeichen lang, erlaubt sind 100"),
    ((*F2, "school_forms"), "99", "„school_forms“: unbekannte Schulform 99"),
    ((*F2, "schools"), ["12345"], "„schools“: „12345“ ist keine Schulnummer (sechs Ziffern)."),
    (
        (*F2, "measures"),
        {"title": "M"},
        "„measures“: muss eine Liste von Tabellen ([[measures]]) sein",
    ),
    (
        (*F2, "massnahmen"),
        [],
        "Handlungsfeld 2 („Fortbildung“): Unbekannter Schlüssel „massnahmen“",
    ),
    (("fields", 0), "Technik", "Handlungsfeld 1: ist Text statt einer Tabelle."),
    # [[fields.measures]]
    (
        (*MEASURE_3, "title"),
        LONG,
        f"{M3.split(' (')[0]}, „title“: ist 400 Zeichen lang, erlaubt sind 200",
    ),
    (
        (*MEASURE_3, "title"),
        "x" * 150,
        "Der aus dem Titel gebildete Kurzname ist 150 Zeichen lang, erlaubt sind 120",
    ),
    (
        (*MEASURE_3, "title"),
        42,
        "„title“: muss Text in Anführungszeichen sein, ist aber eine ganze Zahl (42).",
    ),
    (
        (*MEASURE_3, "slug"),
        "labor",
        "Handlungsfeld 2, Maßnahme 3 (slug „labor“): Der Kurzname „labor“ hat schon "
        "Handlungsfeld 2, Maßnahme 2.",
    ),
    ((*MEASURE_3, "title"), "Medienlabor", None),  # another title, another slug: fine
    (
        (*MEASURE_3, "title"),
        "Schulungen",
        "Handlungsfeld 2, Maßnahme 3 („Schulungen“): Der Kurzname „schulungen“ hat schon "
        "Handlungsfeld 2, Maßnahme 1.",
    ),
    (
        (*MEASURE_3, "status"),
        "Fertig",
        f"{M3}, „status“: Unbekannter Status „Fertig“; erlaubt sind: „In Vorbereitung“, "
        "„In Bearbeitung“, „Wartend“, „Abgeschlossen“.",
    ),
    (
        (*MEASURE_3, "status"),
        1,
        "„status“: muss Text in Anführungszeichen sein, ist aber eine ganze Zahl (1).",
    ),
    (
        (*MEASURE_3, "rollout_in_deck"),
        "ja",
        f"{M3}, „rollout_in_deck“: muss true oder false sein, ist aber Text („ja“).",
    ),
    ((*MEASURE_3, "target"), "Q5 2025", f"{M3}, „target“: „Q5 2025“ ist kein gültiger Abschluss."),
    ((*MEASURE_3, "target"), "Q3 2150", "„target“: Das Jahr muss zwischen 2000 und 2100 liegen."),
    (
        (*MEASURE_3, "target"),
        "Schuljahr 2025/27",
        f"{M3}, „target“: „Schuljahr 2025/27“ ist kein Schuljahr: Auf 2025 folgt 2026",
    ),
    ((*MEASURE_3, "target"), "H3 2025", f"{M3}, „target“: „H3 2025“ ist kein gültiger Abschluss."),
    (
        (*MEASURE_3, "target"),
        2026,
        "„target“: muss Text in Anführungszeichen sein, ist aber eine ganze Zahl (2026).",
    ),
    (
        (*MEASURE_3, "rollout"),
        "3 von 12",
        f"{M3}, „rollout“: „3 von 12“ ist keine Angabe „erledigt/gesamt“ wie „59/74“.",
    ),
    (
        (*MEASURE_3, "rollout"),
        "13/12",
        "„rollout“: „13/12“: erledigt darf nicht mehr als gesamt sein, gesamt muss "
        "zwischen 1 und 100000 liegen.",
    ),
    ((*MEASURE_3, "rollout"), "0/0", "„rollout“: „0/0“: erledigt darf nicht mehr als gesamt sein"),
    (
        (*MEASURE_3, "rollout"),
        "1/99999999999",
        "„rollout“: „1/99999999999“: erledigt darf nicht mehr als gesamt sein",
    ),
    (
        (*MEASURE_3, "description"),
        "x" * 2001,
        "„description“: ist 2001 Zeichen lang, erlaubt sind 2000",
    ),
    ((*MEASURE_3, "responsible"), LONG, "„responsible“: ist 400 Zeichen lang, erlaubt sind 200"),
    (
        (*MEASURE_3, "work_items"),
        "Raum",
        "„work_items“: muss eine Liste von Texten sein, ist aber Text („Raum“).",
    ),
    (
        (*MEASURE_3, "work_items"),
        ["Raum", 3],
        "„work_items“: Eintrag 2 muss Text sein, ist aber eine ganze Zahl (3).",
    ),
    ((*MEASURE_3, "work_items"), ["Raum", " "], "„work_items“: Eintrag 2 ist leer."),
    (
        (*MEASURE_3, "work_items"),
        ["Raum\nGeräte"],
        "„work_items“: Eintrag 1 enthält einen Zeilenumbruch",
    ),
    (
        (*MEASURE_3, "work_items"),
        ["x" * 3000, "y" * 3000],
        "„work_items“: ist zusammen 6001 Zeichen lang, erlaubt sind 4000.",
    ),
    (
        (*MEASURE_3, "rolout"),
        "3/12",
        f"{M3}: Unbekannter Schlüssel „rolout“; erlaubt sind: title, slug",
    ),
    ((*F2, "measures", 0), [], "Handlungsfeld 2, Maßnahme 1: ist eine Liste statt einer Tabelle."),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "value", "message"),
    BAD,
    ids=[f"{'.'.join(map(str, p))}={str(v)[:20]!r}" for p, v, _m in BAD],
)
def test_each_bad_value_is_named_and_nothing_is_written(path, value, message):
    data = changed(path, value)
    if message is None:
        load_plan(data)
        assert Measure.objects.count() == 3
        return
    with pytest.raises(PlanFileError) as refused:
        load_plan(data)
    text = str(refused.value)
    assert text.startswith("Die Plandatei ist fehlerhaft (1 Fehler); nichts wurde geladen:\n- ")
    assert message in text
    assert "Traceback" not in text
    assert not Plan.objects.exists() and not FieldOfAction.objects.exists()


@pytest.mark.django_db
def test_the_valid_plan_loads():
    load_plan(copy.deepcopy(PLAN))
    plan = Plan.objects.get()
    assert (plan.period, plan.school_form_codes) == ("2024-2028", ["02", "10"])
    assert list(Measure.objects.values_list("slug", flat=True)) == [
        "schulungen",
        "labor",
        "tablets",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target", ["1. Halbjahr 2025", "H2 2025", "bis 2029", "Ende 2024", "Schuljahr 2025/26"]
)
def test_other_plans_target_notations_load_as_written(target):
    load_plan(changed((*MEASURE_3, "target"), target))
    assert str(Measure.objects.get(slug="tablets").target) == target


@pytest.mark.django_db
def test_every_problem_is_listed_at_once():
    data = changed(("plan", "period_start"), 99999)
    data["fields"][1]["measures"][2]["title"] = LONG
    data["fields"][1]["measures"][2]["status"] = "Fertig"
    with pytest.raises(PlanFileError, match=r"\(3 Fehler\)") as refused:
        load_plan(data)
    assert len(str(refused.value).splitlines()) == 4


# --- The file as the command reads it ------------------------------------------------


def run(path: Path, *args) -> str:
    out = io.StringIO()
    call_command("load_plan", str(path), *args, stdout=out)
    return out.getvalue()


def bielefeld_with(tmp_path: Path, old: str, new: str) -> Path:
    text = BIELEFELD_PLAN.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "plan.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "period_start = 2023",
            "period_start = 99999",
            "„period_start“: ist 99999, erlaubt sind 2000 bis 2100.",
        ),
        (
            "period_end = 2027",
            "period_end = 2020",
            "Die Laufzeit endet (period_end = 2020) vor ihrem Beginn (period_start = 2023).",
        ),
        (
            'title = "Netzwerknachverkabelung"',
            f'title = "{LONG}"',
            "Handlungsfeld 1, Maßnahme 2, „title“: ist 400 Zeichen lang, erlaubt sind 200 („xxxx",
        ),
        (
            'target = "Q4 2024"',
            'target = "Q4 2024"\n  target = "2025"',
            "kein gültiges TOML (Zeile 41, Spalte 18): Ein Schlüssel steht doppelt.",
        ),
        (
            "[[fields]]",
            "[plan]\n[[fields]]",
            "kein gültiges TOML (Zeile 26, Spalte 6): Eine Tabelle steht doppelt.",
        ),
        ('status = "Wartend"', "status = Wartend", "kein gültiges TOML (Zeile "),
    ],
    ids=[
        "period_start",
        "period_order",
        "long-title",
        "duplicate-key",
        "duplicate-table",
        "bare-word",
    ],
)
def test_the_issues_examples_are_command_errors(bielefeld, tmp_path, old, new, message):
    before = list(Measure.objects.values())
    with pytest.raises(CommandError) as refused:
        run(bielefeld_with(tmp_path, old, new), "--reset")
    assert message in str(refused.value)
    assert list(Measure.objects.values()) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Maßnahmen".encode("cp1252"), r"nicht UTF-8-kodiert \(ungültiges Byte 0xDF in Zeile 1\)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "nicht UTF-8-kodiert"),
        (b"a = 1\x00", "kein gültiges TOML"),
        (b"", r"Die Tabelle \[plan\] fehlt"),
        ('[plan]\ntitle = "A"\n'.encode("utf-16"), "nicht UTF-8-kodiert"),
    ],
    ids=["cp1252", "binary", "nul", "empty", "utf16"],
)
def test_a_file_that_is_no_plan_is_refused(db, tmp_path, content, message):
    path = tmp_path / "plan.toml"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run(path)
    assert not Plan.objects.exists()


def test_a_missing_file_or_a_folder_is_refused_in_german(db, tmp_path):
    with pytest.raises(CommandError, match="kann nicht gelesen werden: Die Datei gibt es nicht."):
        run(tmp_path / "fehlt.toml")
    with pytest.raises(CommandError, match="Das ist ein Ordner, keine Datei."):
        run(tmp_path)


def test_a_dry_run_prints_the_same_and_writes_nothing(db, tmp_path):
    dry = run(BIELEFELD_PLAN, "--dry-run")
    assert not Plan.objects.exists() and not Measure.objects.exists()
    real = run(BIELEFELD_PLAN)
    assert dry.splitlines() == [
        "Probelauf (--dry-run): Es wird nichts gespeichert.",
        *real.splitlines(),
        "Probelauf beendet: Nichts wurde gespeichert.",
    ]
    assert real.splitlines()[0] == "7 Handlungsfelder, 20 Maßnahmen; 28 Änderungen."


def test_the_old_excursus_flag_is_refused_with_what_replaces_it(db):
    data = {
        "plan": {
            "authority": "Stadt",
            "title": "Alt",
            "period_start": 2023,
            "as_of": datetime.date(2024, 1, 1),
        },
        "fields": [{"title": "Exkurs", "for_plan_schools": False}],
    }
    with pytest.raises(PlanFileError) as error:
        load_plan(data)
    message = str(error.value)
    assert "Handlungsfeld 1 („Exkurs“), „for_plan_schools“: gibt es nicht mehr." in message
    assert "„school_forms“ (z. B. „30“ für die Berufskollegs)" in message
