"""A reason typed with a change (issue 9): at most 300 characters wherever it is
typed. A longer one is refused with a German message that names the limit and
the length typed, with status 422 in the staff area; nothing is saved, the text
stays in the form, and it is never cut.

Bielefeld's real plan and schools; "1-1-ausstattung" (Hardwareausstattung) is
tracked per school and edited by Team Hardware.
"""

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from bielefeld_digital.forms import REASON_MAX_LENGTH, ReasonField
from editions.models import Edition
from measures.models import Measure, Status
from measures.rollout import SchoolRollout
from schools.models import School
from tests.factories import make_field, make_measure, make_plan
from tests.measures.test_admin import form_data
from tests.two_factor import client_for

# 301 characters; the last one tells whether anything was cut.
TOO_LONG = "a" * REASON_MAX_LENGTH + "Z"
LONGEST = "b" * (REASON_MAX_LENGTH - 1) + "Z"
MESSAGE = (
    "Der Grund darf höchstens 300 Zeichen lang sein; eingegeben sind 301 Zeichen. "
    "Bitte kürzen Sie ihn."
)
CHECKLIST = "/verwaltung/massnahmen/1-1-ausstattung/schulen/"
MATRIX = "/verwaltung/schulen/"


@pytest.fixture
def hanna(hardware_editor) -> User:
    """Team Hardware; "1-1-ausstattung" is tracked per school."""
    measure = Measure.objects.get(slug="1-1-ausstattung")
    SchoolRollout.objects.start_tracking(measure, user=hardware_editor)
    return hardware_editor


def a_school() -> School:
    plan = Measure.objects.get(slug="1-1-ausstattung").field.plan
    return plan.schools(timezone.localdate()).order_by("name").first()


def rows_written() -> int:
    return SchoolRollout.history.filter(measure__slug="1-1-ausstattung").count()


def test_the_field_refuses_a_long_reason_and_never_cuts_one():
    field = ReasonField(required=False)
    with pytest.raises(Exception, match="höchstens 300 Zeichen.*eingegeben sind 301 Zeichen"):
        field.clean(TOO_LONG)
    assert field.clean(LONGEST) == LONGEST
    # No maxlength: browsers cut a longer pasted text without a word.
    assert "maxlength" not in field.widget.attrs and not field.widget_attrs(field.widget)


def test_the_editor_refuses_a_long_reason_and_keeps_it(bielefeld, all_measures_editor):
    measure = Measure.objects.get(slug="innovationsfond")
    data = {"status": Status.DONE, "reason": TOO_LONG, "version": measure.version}
    url = f"/verwaltung/massnahmen/{measure.slug}/"

    response = client_for(all_measures_editor).post(url, data)

    assert response.status_code == 422
    html = response.content.decode()
    assert MESSAGE in html and f'value="{TOO_LONG}"' in html
    saved = Measure.objects.get(pk=measure.pk)
    assert (saved.status, saved.version) == (measure.status, measure.version)

    client_for(all_measures_editor).post(url, {**data, "reason": LONGEST})
    assert measure.history.latest("history_date").history_change_reason == LONGEST


def test_the_checklist_without_javascript_refuses_and_keeps_text_and_ticks(hanna):
    school, before = a_school(), rows_written()
    number = school.school_number
    response = client_for(hanna).post(
        CHECKLIST, {"shown": [number], f"v-{number}": "open", "done": [number], "reason": TOO_LONG}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert MESSAGE in html and f'value="{TOO_LONG}"' in html
    box = html.split(f'id="school-{number}"')[1].split(">")[0]
    assert "checked" in box  # the tick the editor made is still there to save again
    assert rows_written() == before
    assert SchoolRollout.objects.get(measure__slug="1-1-ausstattung", school=school).state == "open"


def test_a_checklist_click_with_a_long_reason_is_refused_and_the_box_reset(hanna):
    school, before = a_school(), rows_written()
    number = school.school_number
    response = client_for(hanna).post(
        CHECKLIST,
        {"toggle": number, f"v-{number}": "open", "done": [number], "reason": TOO_LONG},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert MESSAGE in html
    box = html.split(f'id="school-{number}"')[1].split(">")[0]
    assert "hx-swap-oob" in box and "checked" not in box
    assert rows_written() == before


def test_a_checklist_click_with_the_longest_reason_keeps_all_of_it(hanna):
    number = a_school().school_number
    client_for(hanna).post(
        CHECKLIST,
        {"toggle": number, f"v-{number}": "open", "done": [number], "reason": LONGEST},
        headers={"HX-Request": "true"},
    )
    row = SchoolRollout.objects.get(measure__slug="1-1-ausstattung", school__school_number=number)
    assert row.history.latest("history_date").history_change_reason == LONGEST


def _cell(school: School) -> str:
    return f"z-{Measure.objects.get(slug='1-1-ausstattung').pk}-{school.school_number}"


def test_a_matrix_cell_with_a_long_reason_is_refused_and_keeps_the_choice(hanna):
    school, before = a_school(), rows_written()
    name = _cell(school)
    response = client_for(hanna).post(
        MATRIX,
        {name: "done", "v" + name[1:]: "open", "reason": TOO_LONG},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert MESSAGE in html
    # The select is left as the editor chose (saving is an explicit step: a reset
    # would leave nothing to save once the reason is shortened); "before" stays saved.
    assert f'id="s{name[1:]}"' not in html
    assert f'id="v{name[1:]}" value="open" hx-swap-oob="true"' in html
    assert rows_written() == before


def test_the_matrix_without_javascript_refuses_and_keeps_the_text(hanna):
    school, before = a_school(), rows_written()
    name = _cell(school)
    response = client_for(hanna).post(
        MATRIX, {name: "done", "v" + name[1:]: "open", "reason": TOO_LONG}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert MESSAGE in html and f'value="{TOO_LONG}"' in html
    # The page shows the editor's choice again, with the saved state as "before".
    select = html.split(f'id="s{name[1:]}"')[1].split("</select>")[0]
    assert 'value="done" selected' in select
    assert f'name="v{name[1:]}" id="v{name[1:]}" value="open"' in html
    assert rows_written() == before

    client_for(hanna).post(MATRIX, {name: "done", "v" + name[1:]: "open", "reason": LONGEST})
    row = SchoolRollout.objects.get(measure__slug="1-1-ausstattung", school=school)
    assert row.history.latest("history_date").history_change_reason == LONGEST


def test_the_bulk_form_refuses_a_long_reason_and_keeps_it(hanna):
    before = rows_written()
    response = client_for(hanna).post(
        MATRIX,
        {
            "alle-massnahme": Measure.objects.get(slug="1-1-ausstattung").pk,
            "alle-schulform": "02",
            "alle-bezirk": "Heepen",
            "alle-stand": "done",
            "alle-reason": TOO_LONG,
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert MESSAGE in html and f'value="{TOO_LONG}"' in html
    assert rows_written() == before


# --- A long reason together with other mistakes: the messages as before --------


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_a_matrix_save_with_an_unknown_cell_and_a_long_reason_names_the_unknown_cell(hanna, htmx):
    """Unknown cells are checked first; the reason's error is not a second message."""
    name, before = _cell(a_school()), rows_written()
    response = client_for(hanna).post(
        MATRIX,
        {name: "done", "v" + name[1:]: "open", "z-999999-100192": "done", "reason": TOO_LONG},
        headers={"HX-Request": "true"} if htmx else {},
    )
    assert response.status_code == 422
    assert _messages(response) == ["Die Auswahl enthält unbekannte Maßnahmen, Schulen oder Stände."]
    assert rows_written() == before


def test_a_checklist_save_with_a_long_reason_and_a_bad_tick_says_only_the_reason(hanna):
    """The reason is refused first, and the page keeps the ticks as posted."""
    number, before = a_school().school_number, rows_written()
    response = client_for(hanna).post(
        CHECKLIST,
        {"shown": [number], f"v-{number}": "open", "done": [number, "x"], "reason": TOO_LONG},
    )
    assert response.status_code == 422
    assert _messages(response) == [MESSAGE]
    html = response.content.decode()
    assert "unbekannte Schulen" not in html
    box = html.split(f'id="school-{number}"')[1].split(">")[0]
    assert "checked" in box
    assert rows_written() == before


# --- The admin (Django's admin answers an invalid form with 200) ---------------


@pytest.fixture
def measure(db) -> Measure:
    return make_measure(make_field(make_plan()), status=Status.IN_PROGRESS)


def test_the_admin_change_form_refuses_a_long_reason(admin_client, measure):
    url = reverse("admin:measures_measure_change", args=[measure.pk])
    data = form_data(admin_client.get(url))
    data.update(status=Status.DONE, change_reason=TOO_LONG)
    response = admin_client.post(url, data)
    assert response.status_code == 422
    assert response.context["adminform"].form.errors["change_reason"] == [MESSAGE]
    assert f'value="{TOO_LONG}"' in response.content.decode()
    measure.refresh_from_db()
    assert measure.status == Status.IN_PROGRESS

    assert admin_client.post(url, {**data, "change_reason": LONGEST}).status_code == 302
    assert measure.history.latest("history_date").history_change_reason == LONGEST


def test_the_admin_status_action_refuses_a_long_reason(admin_client, measure):
    response = admin_client.post(
        reverse("admin:measures_measure_changelist"),
        {
            "action": "set_status",
            "_selected_action": [measure.pk],
            "apply": "1",
            "status": Status.DONE,
            "reason": TOO_LONG,
        },
    )
    assert response.status_code == 422
    assert MESSAGE in response.content.decode()
    measure.refresh_from_db()
    assert measure.status == Status.IN_PROGRESS


def test_withdrawing_refuses_a_long_reason(admin_client, admin_user, measure):
    today = timezone.localdate()
    edition = Edition.publish(
        measure.field.plan, user=admin_user, date=today, today=today, title="Bericht", slug="b"
    )
    response = admin_client.post(
        reverse("admin:editions_edition_changelist"),
        {"action": "withdraw", "_selected_action": [edition.pk], "reason": TOO_LONG},
    )
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    edition.refresh_from_db()
    assert edition.withdrawn_at is None


# --- Without JavaScript a refusal is a new page: its title says so first ------


def test_without_javascript_the_refusing_checklist_and_matrix_pages_say_fehler(hanna):
    client = client_for(hanna)
    number = a_school().school_number
    name = _cell(a_school())
    refused = [
        client.post(CHECKLIST, {"shown": [number], f"v-{number}": "open", "reason": TOO_LONG}),
        client.post(MATRIX, {name: "done", "v" + name[1:]: "open", "reason": TOO_LONG}),
        client.post("/verwaltung/massnahmen/voip/schulen/", {"action": "track", "reason": ""}),
        client.get(CHECKLIST, {"bezirk": "Atlantis"}),
        client.get(MATRIX, {"schulform": "zz"}),
    ]
    for response in refused:
        assert response.status_code == 422
        assert "<title>Fehler: Umsetzung an den Schulen" in response.content.decode()
    assert "<title>Umsetzung an den Schulen" in client.get(MATRIX).content.decode()
    assert "<title>Umsetzung an den Schulen" in client.get(CHECKLIST).content.decode()
