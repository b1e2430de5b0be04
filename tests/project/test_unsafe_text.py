"""Stored texts refuse bidi overrides and control characters (bielefeld_digital/text.py):
the rule, the check that every text field has it, and the forms and loaders that use it."""

import io
import time
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from bielefeld_digital.admin import RefusedChangeFormMixin
from bielefeld_digital.text import check_text_fields, unsafe_character
from editions.models import Edition
from legal.forms import form_token
from legal.models import Feedback, LegalPage
from measures.models import FieldOfAction, Measure, Plan
from schools.importers import BIELEFELD_DIRECTORY_FILE
from schools.models import School
from tests.factories import default_authority, make_field, make_measure, make_plan
from tests.measures.test_admin import form_data, url

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "Bericht \u202eFDP." reads "Bericht .PDF"
ESC = "\x1b"


CONTROL = "unsichtbares Steuerzeichen"


@pytest.mark.parametrize(
    ("text", "multiline", "problem"),
    [
        ("Hallo Welt " + RLO + "x", False, f"Zeichen 12: {CONTROL} U+202E ist nicht erlaubt."),
        ("a\u2066b", False, f"Zeichen 2: {CONTROL} U+2066 ist nicht erlaubt."),
        ("a\u202ab", True, f"Zeichen 2: {CONTROL} U+202A ist nicht erlaubt."),
        ("rot" + ESC + "[31m", True, f"Zeichen 4: {CONTROL} U+001B ist nicht erlaubt."),
        ("\x00", True, f"Zeichen 1: {CONTROL} U+0000 ist nicht erlaubt."),
        ("x\x7f", False, f"Zeichen 2: {CONTROL} U+007F ist nicht erlaubt."),
        ("x\x85", False, f"Zeichen 2: {CONTROL} U+0085 ist nicht erlaubt."),
        ("x\u200fy", False, f"Zeichen 2: {CONTROL} U+200F ist nicht erlaubt."),
        ("Biele\u200bfeld", False, f"Zeichen 6: {CONTROL} U+200B ist nicht erlaubt."),
        ("\ufeffTitel", False, f"Zeichen 1: {CONTROL} U+FEFF ist nicht erlaubt."),
        ("zwei\nZeilen", False, "Zeichen 5: Zeilenumbruch ist in diesem Feld nicht erlaubt."),
        ("a\tb", False, "Zeichen 2: Tabulator ist in diesem Feld nicht erlaubt."),
        ("eins\r\nzwei " + RLO, True, f"Zeile 2, Zeichen 6: {CONTROL} U+202E ist nicht erlaubt."),
    ],
)
def test_refused_characters_are_named_with_their_position(text, multiline, problem):
    assert unsafe_character(text, multiline=multiline) == problem


@pytest.mark.parametrize(
    "text",
    [
        "Schule am Rußheider Weg – „Medienlabor“ 50 % (2025/26) ✓ \u00a0",
        "Zeilen\r\nmit\tTabulator\n",
        "👩\u200d💻 und مهرداد\u200cی",  # joiners: emoji sequences, Persian names
    ],
)
def test_ordinary_text_passes(text):
    assert unsafe_character(text, multiline=True) is None


def test_every_text_field_of_our_apps_has_the_rule():
    assert check_text_fields() == []


@pytest.mark.parametrize(("model", "name"), [(Measure, "title"), (LegalPage, "body")])
def test_the_check_finds_a_text_field_without_the_rule(monkeypatch, model, name):
    field = model._meta.get_field(name)
    monkeypatch.setitem(field.__dict__, "validators", [])
    [error] = check_text_fields()
    assert error.id == "bielefeld_digital.E001"
    assert error.obj is field


def test_the_check_finds_a_one_line_field_that_allows_line_breaks(monkeypatch):
    from bielefeld_digital.text import MULTI_LINE

    field = Plan._meta.get_field("title")
    monkeypatch.setitem(field.__dict__, "validators", [MULTI_LINE])
    [error] = check_text_fields()
    assert "SINGLE_LINE" in error.hint


# --- Forms -------------------------------------------------------------------------


@pytest.fixture
def measure(db) -> Measure:
    return make_measure(make_field(make_plan()), description="Alt")


def _editor(measure: Measure) -> Client:
    user = User.objects.create_user("erika")
    user.user_permissions.add(Permission.objects.get(codename="edit_all_measures"))
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("description", "Neu " + RLO + "txt.exe", "Zeichen 5: unsichtbares Steuerzeichen U+202E"),
        ("work_items", "Eins\nZwei" + ESC, "Zeile 2, Zeichen 5: unsichtbares Steuerzeichen"),
        ("reason", "Grund\u2067", "Zeichen 6: unsichtbares Steuerzeichen U+2067"),
    ],
)
def test_the_staff_editor_refuses_and_saves_nothing(measure, field, value, message):
    data = {
        "status": "",
        "target": "",
        "description": "Neu",
        "work_items": "",
        "rollout_done": "",
        "rollout_total": "",
        "reason": "Dienstbesprechung",
        "version": measure.version,
        field: value,
    }
    response = _editor(measure).post(f"/verwaltung/massnahmen/{measure.slug}/", data)
    assert response.status_code == 422
    assert message in response.content.decode()
    measure.refresh_from_db()
    assert (measure.description, measure.work_items) == ("Alt", "")
    assert measure.history.count() == 1


def test_the_same_text_without_the_character_is_saved(measure):
    data = {"status": "", "target": "", "description": "Neu\r\n\tmit Einzug", "work_items": ""}
    data |= {"rollout_done": "", "rollout_total": "", "reason": "Dienstbesprechung"}
    response = _editor(measure).post(
        f"/verwaltung/massnahmen/{measure.slug}/", {**data, "version": measure.version}
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.description == "Neu\n\tmit Einzug"


def test_the_admin_refuses_a_measure_title_with_an_override(admin_client, measure):
    data = form_data(admin_client.get(url(Measure, "change", measure.pk)))
    data |= {"title": "Tablets " + RLO + "gepruft", "change_reason": "Titel"}
    response = admin_client.post(url(Measure, "change", measure.pk), data)
    assert response.status_code == 422
    assert "Zeichen 9: unsichtbares Steuerzeichen U+202E ist nicht erlaubt." in (
        response.content.decode()
    )
    measure.refresh_from_db()
    assert RLO not in measure.title


def test_the_admin_refuses_a_group_name_with_a_control_character(admin_client, db):
    response = admin_client.post(url(Group, "add"), {"name": "Team" + ESC + "WLAN"})
    assert response.status_code == 422
    assert "Zeichen 5: unsichtbares Steuerzeichen U+001B" in response.content.decode()
    assert not Group.objects.exists()


def test_the_admin_refuses_a_field_title_with_a_line_break(admin_client, measure):
    field = measure.field
    data = form_data(admin_client.get(url(FieldOfAction, "change", field.pk)))
    response = admin_client.post(url(FieldOfAction, "change", field.pk), data | {"title": "A\nB"})
    assert response.status_code == 422
    assert "Zeilenumbruch ist in diesem Feld nicht erlaubt" in response.content.decode()


def test_every_admin_of_our_models_answers_422_for_a_refused_form():
    project = {"measures", "schools", "legal"}
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in project or model in (User, Group):
            assert isinstance(model_admin, RefusedChangeFormMixin), model


def test_the_edition_publishing_form_refuses_an_override_in_the_title(measure):
    user = User.objects.create_user("petra")
    user.user_permissions.add(Permission.objects.get(codename="publish_edition"))
    client = Client()
    client.force_login(user)
    today = timezone.localdate().strftime("%d.%m.%Y")
    for step in ("vorschau", "veroeffentlichen"):
        response = client.post(
            "/verwaltung/berichte/neu/",
            {"title": "Bericht " + RLO + "FDP.exe", "date": today, "schritt": step},
        )
        assert response.status_code == 422
        assert "Zeichen 9: unsichtbares Steuerzeichen U+202E" in response.content.decode()
    assert not Edition.objects.exists()


def test_the_feedback_form_refuses_a_control_character(db):
    default_authority()
    call_command("load_legal_drafts", verbosity=0)
    data = {"message": "Die Tabelle " + ESC + "[2J ist leer.", "page": "/schulen/"}
    data |= {"name": "", "email": "", "website": "", "token": form_token(time.time() - 30)}
    response = Client().post("/barrierefreiheit/", data)
    assert response.status_code == 422
    assert "Zeichen 13: unsichtbares Steuerzeichen U+001B" in response.content.decode()
    assert not Feedback.objects.exists()


# --- Loaders -------------------------------------------------------------------------


def test_load_plan_refuses_an_override_and_loads_nothing(db, tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(
        '[plan]\nauthority = "Stadt A"\ntitle = "Plan"\nperiod_start = 2023\n'
        "period_end = 2027\nas_of = 2023-04-01\n"
        '[[fields]]\ntitle = "Feld"\n[[fields.measures]]\ntitle = "Gut"\n'
        '[[fields.measures]]\ntitle = "Bös\\u202Eartig"\ndescription = "Zwei\\nZeilen"\n',
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as error:
        call_command("load_plan", path, stdout=io.StringIO())
    # The plan file's check (measures.importers.check_plan) runs the model's validators.
    assert "Handlungsfeld 1, Maßnahme 2" in str(error.value)
    assert "Zeichen 4: unsichtbares Steuerzeichen U+202E ist nicht erlaubt." in str(error.value)
    assert not Plan.objects.exists()
    path.write_text(path.read_text().replace("\\u202E", ""), encoding="utf-8")
    call_command("load_plan", path, stdout=io.StringIO())  # the multi-line description is fine
    assert Measure.objects.get(title="Bösartig").description == "Zwei\nZeilen"


def test_import_schools_refuses_a_file_with_a_control_character(db, tmp_path):
    lines = BIELEFELD_DIRECTORY_FILE.read_text(encoding="utf-8").splitlines(keepends=True)
    values = lines[5].split(";")
    values[2] = '"Alte ' + ESC + "[8m" + values[2][1:]  # Schulbezeichnung_1
    lines[5] = ";".join(values)
    path = tmp_path / "schuldaten.csv"
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(
        CommandError, match=r"^Zeile 6, Spalte Schulbezeichnung_1: Zeichen 6: unsichtbares "
    ):
        call_command("import_schools", path, stdout=io.StringIO())
    assert not School.objects.exists()


def test_load_legal_drafts_refuses_an_override(db, tmp_path):
    Path(tmp_path / "pages.toml").write_text(
        '[impressum]\ntitle = "Impressum"\nbody = "impressum.md"\n', encoding="utf-8"
    )
    Path(tmp_path / "impressum.md").write_text("# Impressum\n\nStadt " + RLO, encoding="utf-8")
    with pytest.raises(CommandError, match="impressum.body: Zeile 3, Zeichen 7: unsichtbares"):
        call_command("load_legal_drafts", tmp_path, verbosity=0)
    assert not LegalPage.objects.exists()


def test_the_message_in_english(db):
    default_authority()
    call_command("load_legal_drafts", verbosity=0)
    client = Client()
    client.post("/i18n/setlang/", {"language": "en"})
    data = {"message": "Abc" + RLO, "page": "", "name": "", "email": "", "website": ""}
    response = client.post("/barrierefreiheit/", data | {"token": form_token(time.time() - 30)})
    assert response.status_code == 422
    assert "Character 4: invisible control character U+202E is not allowed." in (
        response.content.decode()
    )


@pytest.mark.parametrize("login", ["/verwaltung/anmelden/", "/admin/login/"])
def test_the_login_forms_refuse_a_control_character_before_looking_the_name_up(db, login, caplog):
    User.objects.create_user("erika", password="geheim-und-lang-genug", is_staff=True)
    response = Client().post(
        login, {"username": "erika\n" + ESC + "[2K Anmeldung: admin", "password": "x"}
    )
    assert response.status_code in (200, 422)  # the login forms answer 200 today
    assert "Zeichen 6: Zeilenumbruch ist in diesem Feld nicht erlaubt." in (
        response.content.decode()
    )
    assert "Fehlgeschlagene Anmeldung" not in caplog.text  # nothing forged into the log
    from axes.models import AccessAttempt

    assert not AccessAttempt.objects.exists()
