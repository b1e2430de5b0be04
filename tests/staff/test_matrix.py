"""The staff matrix (issue 5): measures tracked per school x the plan's schools.

Bielefeld's real schools are loaded (76 in the plan's scope today).
"flaechendeckendes-wlan" is in Technische Infrastruktur (administrators only),
"1-1-ausstattung" in Hardwareausstattung (Team Hardware).
"""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from measures.models import Measure
from measures.rollout import RolloutState, SchoolRollout
from schools.models import School
from tests.factories import make_school, make_user
from tests.two_factor import client_for

URL = "/verwaltung/schulen/"
HEEPEN_GRUNDSCHULEN = 7  # in the plan's scope, per the city's district file


@pytest.fixture
def users(hardware_editor, all_measures_editor):
    # The administrator here edits every measure in /verwaltung/; no admin access,
    # so no second factor (whose device costs a verified session one query per request).
    for slug in ["flaechendeckendes-wlan", "1-1-ausstattung"]:
        measure = Measure.objects.get(slug=slug)
        SchoolRollout.objects.start_tracking(measure, user=all_measures_editor)
    return {"hardware": hardware_editor, "admin": all_measures_editor, "other": make_user("otto")}


def cell(measure_slug: str, school: School) -> str:
    return f"z-{Measure.objects.get(slug=measure_slug).pk}-{school.school_number}"


def state(measure_slug: str, school: School) -> str:
    row = SchoolRollout.objects.filter(measure__slug=measure_slug, school=school).first()
    return row.state if row else RolloutState.OPEN


def security_lines(caplog) -> list[str]:
    """The security log's warnings (its refusals)."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "portal.security" and r.levelname == "WARNING"
    ]


def a_school(name: str = "Grundschule") -> School:
    return School.objects.filter(name__startswith=name, authority_number="10261").first()


def test_anonymous_users_are_sent_to_the_login(bielefeld):
    response = Client().get(URL)
    assert response.status_code == 302 and "/verwaltung/anmelden/" in response["Location"]


def test_staff_see_every_tracked_measure_but_edit_only_their_own(users):
    html = client_for(users["hardware"]).get(URL).content.decode()
    school = School.objects.order_by("name").filter(pk__in=users_scope_pks()).first()
    assert f'name="{cell("1-1-ausstattung", school)}"' in html  # their field: a select
    assert (
        f'name="{cell("flaechendeckendes-wlan", school)}"' not in html
    )  # someone else's: text only
    assert "Flächendeckendes WLAN" in html and "von 76 abgeschlossen" in html
    assert "Seite 1 von 3" in html  # 76 schools, 30 per page
    assert html.count('class="kern-table__cell matrix__save"') == 30  # a row's "Speichern"
    nothing = client_for(users["other"]).get(URL).content.decode()
    assert "<select" not in nothing.split('id="matrix"')[1]
    assert "matrix__save" not in nothing  # nothing to save: no buttons in the rows


def users_scope_pks() -> list[int]:
    from measures.models import Plan

    return list(Plan.objects.get().schools(timezone.localdate()).values_list("pk", flat=True))


def test_a_cell_set_with_htmx_answers_with_the_new_count(users):
    school = a_school()
    name = cell("1-1-ausstattung", school)
    response = client_for(users["hardware"]).post(
        URL,
        {name: "done", "v" + name[1:]: "open"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<div id="matrix-status" hx-swap-oob="innerHTML">')
    assert "1 Eintrag gespeichert." in fragment and "1 von 76 abgeschlossen" in fragment
    row = SchoolRollout.objects.get(measure__slug="1-1-ausstattung", school=school)
    assert (row.state, row.date) == ("done", timezone.localdate())
    assert row.history.latest("history_date").history_user == users["hardware"]


def test_without_javascript_only_changed_cells_are_written_and_others_work_survives(users):
    first, second = School.objects.filter(pk__in=users_scope_pks()).order_by("name")[:2]
    a, b = cell("1-1-ausstattung", first), cell("1-1-ausstattung", second)
    page = {a: "open", "v" + a[1:]: "open", b: "open", "v" + b[1:]: "open"}
    # Meanwhile somebody else marks the first school "in Arbeit".
    SchoolRollout.objects.set_states(
        Measure.objects.get(slug="1-1-ausstattung"),
        {first: RolloutState.IN_PROGRESS},
        user=users["admin"],
    )
    # The editor, from the old page, sets both to "abgeschlossen".
    client = client_for(users["hardware"])
    response = client.post(URL, {**page, a: "done", b: "done"}, follow=True)
    assert response.status_code == 200
    assert state("1-1-ausstattung", first) == "in_progress"  # not overwritten ...
    assert state("1-1-ausstattung", second) == "done"
    text = response.content.decode()
    assert "1 Eintrag gespeichert." in text
    assert f"nicht überschrieben: 1:1-Ausstattung: {first.name}" in text  # ... and said so


def test_bulk_all_grundschulen_in_heepen_done(users):
    response = client_for(users["admin"]).post(
        URL,
        {
            "alle-massnahme": Measure.objects.get(slug="flaechendeckendes-wlan").pk,
            "alle-schulform": "02",
            "alle-bezirk": "Heepen",
            "alle-stand": "done",
            "alle-reason": "WLAN abgenommen",
        },
        follow=True,
    )
    assert response.status_code == 200
    done = SchoolRollout.objects.filter(measure__slug="flaechendeckendes-wlan", state="done")
    assert done.count() == HEEPEN_GRUNDSCHULEN
    assert {row.school.district for row in done} == {"Heepen"}
    assert {row.school.school_form for row in done} == {"02"}
    assert f"{HEEPEN_GRUNDSCHULEN} von {HEEPEN_GRUNDSCHULEN} Schulen" in response.content.decode()
    assert done.first().history.latest("history_date").history_change_reason == "WLAN abgenommen"
    # The derived count follows on the public page.
    public = Client().get("/massnahmen/flaechendeckendes-wlan/").content.decode()
    assert f"{HEEPEN_GRUNDSCHULEN} von 76 Schulen" in public


@pytest.mark.parametrize("who", ["hardware", "other"])
def test_staff_cannot_set_cells_or_bulk_of_measures_not_theirs(users, who, caplog):
    school = a_school()
    name = cell("flaechendeckendes-wlan", school)
    client = client_for(users[who])
    with caplog.at_level("WARNING", logger="portal.security"):
        assert client.post(URL, {name: "done", "v" + name[1:]: "open"}).status_code == 403
    # The whole line, as it read before the permission helpers (no method or path).
    assert security_lines(caplog) == [
        f"Zugriff verweigert: {users[who].username} wollte die Schulen der Maßnahme "
        "flaechendeckendes-wlan setzen"
    ]
    bulk = {
        "alle-massnahme": Measure.objects.get(slug="flaechendeckendes-wlan").pk,
        "alle-stand": "done",
    }
    assert client.post(URL, bulk).status_code == 403
    assert not SchoolRollout.objects.filter(state="done").exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"z-1-12345": "done"},  # not a six-digit school number
        {"z-999999-100192": "done"},  # no such measure
        {"z-abc": "done"},
        "unknown school",
        "unknown state",
        {"alle-massnahme": "1", "alle-stand": "fertig"},
    ],
)
def test_bad_input_is_refused_in_german_and_changes_nothing(users, bad):
    if bad == "unknown school":
        outside = make_school(name="Berufskolleg", school_form="30")
        bad = {cell("flaechendeckendes-wlan", outside): "done"}
    elif bad == "unknown state":
        bad = {cell("flaechendeckendes-wlan", a_school()): "fertig"}
    elif "alle-massnahme" in bad:
        bad["alle-massnahme"] = Measure.objects.get(slug="flaechendeckendes-wlan").pk
    response = client_for(users["admin"]).post(URL, bad)
    assert response.status_code == 422
    assert "unbekannte" in response.content.decode() or "Bitte prüfen" in response.content.decode()
    assert not SchoolRollout.objects.filter(state="done").exists()


def test_filters_search_and_pages(users):
    client = client_for(users["admin"])
    html = client.get(URL + "?schulform=02&bezirk=Heepen").content.decode()
    rows = re.findall(r'<th class="kern-table__cell" scope="row"', html)
    assert len(rows) == HEEPEN_GRUNDSCHULEN
    school = a_school("Gymnasium")
    found = client.get(URL, {"suche": school.school_number}).content.decode()
    assert school.name in found and "Seite 1 von 1" in found
    assert client.get(URL + "?seite=3").status_code == 200
    assert client.get(URL + "?seite=99").status_code == 200  # the last page
    assert client.get(URL + "?schulform=99").status_code == 422


# Session, user, plan, the tracked measures, which of them the user may edit
# (user permissions, group permissions, the measures), the filter form's school
# forms and districts (one query), the columns' counts, the page's count and schools,
# their rows.
MATRIX_QUERIES = 12


def test_query_count_does_not_grow_with_the_schools(users, django_assert_num_queries):
    client = client_for(users["admin"])
    with django_assert_num_queries(MATRIX_QUERIES):
        assert client.get(URL).status_code == 200
    for n in range(60):
        school = make_school(name=f"Aaa Schule {n}")  # sorts first: on page 1
        SchoolRollout.objects.create(
            measure=Measure.objects.get(slug="flaechendeckendes-wlan"),
            school=school,
            state="done",
            date=datetime.date(2026, 1, 1),
        )
    with django_assert_num_queries(MATRIX_QUERIES):
        assert "Aaa Schule 0" in client.get(URL).content.decode()
    with django_assert_num_queries(MATRIX_QUERIES):
        client.get(URL + "?seite=2")


def test_six_measures_as_columns_unless_staff_choose_others(users, django_assert_num_queries):
    admin = users["admin"]
    slugs = [m.slug for m in Measure.objects.exclude(slug__in=["flaechendeckendes-wlan"])[:6]]
    for slug in slugs:
        SchoolRollout.objects.start_tracking(Measure.objects.get(slug=slug), user=admin)
    client = client_for(admin)
    html = client.get(URL).content.decode()
    head = html.split("<thead")[1].split("</thead>")[0]
    # the school, six of eight measures and the rows' "Speichern"
    assert head.count('scope="col"') == 1 + 6 + 1
    assert "6 Maßnahmen als Spalten gezeigt: andere wählen" in html
    wlan = Measure.objects.get(slug="flaechendeckendes-wlan")
    with django_assert_num_queries(MATRIX_QUERIES):
        chosen = client.get(URL, {"massnahmen": [wlan.pk]}).content.decode()
    head = chosen.split("<thead")[1].split("</thead>")[0]
    assert head.count('scope="col"') == 3 and "Flächendeckendes WLAN" in head
    assert client.get(URL, {"massnahmen": ["999999"]}).status_code == 422


def test_the_public_timeline_sums_up_a_bulk_change_and_counts_new_rows(users):
    measure = Measure.objects.get(slug="flaechendeckendes-wlan")
    SchoolRollout.objects.filter(measure=measure).delete()  # no rows: every school open
    SchoolRollout.objects.set_states(
        measure, {a_school("Gymnasium"): RolloutState.IN_PROGRESS}, user=users["admin"]
    )
    client_for(users["admin"]).post(
        URL,
        {
            "alle-massnahme": measure.pk,
            "alle-schulform": "02",
            "alle-bezirk": "Heepen",
            "alle-stand": "done",
            "alle-reason": "WLAN abgenommen",
        },
    )
    page = Client().get("/massnahmen/flaechendeckendes-wlan/").content.decode()
    timeline = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page.split("Verlauf</h2>")[1]))
    assert f"{HEEPEN_GRUNDSCHULEN} Schulen: offen → abgeschlossen" in timeline
    assert "WLAN abgenommen" in timeline
    assert f"{a_school('Gymnasium').name}: offen → in Arbeit" in timeline


def test_the_checklist_of_one_measure_comes_a_hundred_schools_a_page(users):
    for n in range(30):
        make_school(name=f"Zusatzschule {n:02d}")  # 76 + 30 = 106 schools
    client = client_for(users["admin"])
    url = "/verwaltung/massnahmen/flaechendeckendes-wlan/schulen/"
    first = client.get(url).content.decode()
    assert first.count('type="checkbox"') == 100 and "Seite 1 von 2" in first
    second = client.get(url + "?seite=2").content.decode()
    assert second.count('type="checkbox"') == 6 and "Zusatzschule 29" in second


def test_htmx_answers_update_the_cell_so_the_next_change_is_not_a_conflict(users):
    school = a_school()
    name = cell("1-1-ausstattung", school)
    client = client_for(users["hardware"])

    def change(before: str, after: str) -> str:
        data = {name: after, "v" + name[1:]: before}
        return client.post(URL, data, headers={"HX-Request": "true"}).content.decode()

    first = change("open", "done")
    # The page's "before" value and the date come along, out of band.
    assert f'id="v{name[1:]}" value="done" hx-swap-oob="true"' in first
    assert f'id="d{name[1:]}" hx-swap-oob="true">{timezone.localdate():%d.%m.%Y}' in first
    second = change("done", "in_progress")
    assert "1 Eintrag gespeichert." in second and "nicht überschrieben" not in second
    assert state("1-1-ausstattung", school) == "in_progress"


def test_a_refused_htmx_change_puts_the_saved_state_back_into_the_select(users):
    school = a_school()
    name = cell("1-1-ausstattung", school)
    SchoolRollout.objects.set_states(
        Measure.objects.get(slug="1-1-ausstattung"),
        {school: RolloutState.DONE},
        user=users["admin"],
    )
    answer = client_for(users["hardware"]).post(
        URL,
        {name: "in_progress", "v" + name[1:]: "open"},
        headers={"HX-Request": "true"},
    )
    html = answer.content.decode()
    assert "nicht überschrieben" in html
    select = html.split(f'id="s{name[1:]}" hx-swap-oob="true"')[1].split("</select>")[0]
    assert '<option value="done" selected>' in select
    assert state("1-1-ausstattung", school) == "done"


def test_bulk_with_a_measure_that_is_no_number_is_refused(users):
    response = client_for(users["hardware"]).post(
        URL, {"alle-massnahme": "abc", "alle-stand": "done"}
    )
    assert response.status_code == 422
    assert "Bitte prüfen Sie die Angaben" in response.content.decode()


def test_filters_offer_each_school_form_and_district_once(users):
    html = client_for(users["admin"]).get(URL).content.decode()
    school_forms = html.split('name="schulform"')[1].split("</select>")[0]
    assert school_forms.count("<option") == 1 + 7  # "alle" and the plan's seven forms
    districts = html.split('name="bezirk"')[1].split("</select>")[0]
    # "alle", Bielefeld's ten districts, and "nicht bekannt" for six schools opened
    # after the city's district file (2022).
    assert districts.count("<option") == 1 + 10 + 1
    unknown = client_for(users["admin"]).get(URL, {"bezirk": "ohne"}).content.decode()
    assert "6 Schulen (Seite 1 von 1)" in unknown


def test_checklist_tick_with_htmx_while_other_boxes_are_ticked(users):
    url = "/verwaltung/massnahmen/1-1-ausstattung/schulen/"
    first, second = School.objects.filter(pk__in=users_scope_pks()).order_by("name")[:2]
    client = client_for(users["hardware"])
    htmx = {"HX-Request": "true"}
    one = first.school_number
    client.post(url, {"toggle": one, "done": [one]}, headers=htmx)
    # The whole form comes along: the first box is still ticked.
    two = second.school_number
    response = client.post(url, {"toggle": two, "done": [one, two]}, headers=htmx)
    assert response.status_code == 200
    assert state("1-1-ausstattung", first) == state("1-1-ausstattung", second) == "done"
    client.post(url, {"toggle": one, "done": [two]}, headers=htmx)  # untick the first
    assert state("1-1-ausstattung", first) == "open"
    assert state("1-1-ausstattung", second) == "done"


def test_a_measure_is_not_tracked_per_school_by_a_tick_but_by_its_own_step(users):
    url = "/verwaltung/massnahmen/voip/schulen/"
    number = a_school().school_number
    response = client_for(users["admin"]).post(url, {"toggle": number, "done": [number]})
    assert response.status_code == 422
    assert "noch nicht pro Schule erfasst" in response.content.decode()
    assert not SchoolRollout.objects.filter(measure__slug="voip").exists()


def test_bulk_for_every_school_needs_a_confirmation_and_may_name_an_earlier_date(users):
    measure = Measure.objects.get(slug="flaechendeckendes-wlan")
    client = client_for(users["admin"])
    data = {"alle-massnahme": measure.pk, "alle-stand": "done", "alle-datum": "15.09.2026"}
    response = client.post(URL, data)
    assert response.status_code == 422
    assert "Bitte bestätigen Sie das." in response.content.decode()
    assert not SchoolRollout.objects.filter(state="done").exists()

    assert (
        client.post(URL, {**data, "alle-datum": "01.01.2099", "alle-alle": "on"}).status_code == 422
    )
    assert client.post(URL, {**data, "alle-alle": "on"}).status_code == 302
    done = SchoolRollout.objects.filter(measure=measure, state="done")
    assert done.count() == 76
    assert set(done.values_list("date", flat=True)) == {datetime.date(2026, 9, 15)}


def test_a_checklist_tick_with_htmx_does_not_undo_a_change_made_meanwhile(users):
    url = "/verwaltung/massnahmen/1-1-ausstattung/schulen/"
    school = a_school()
    number = school.school_number
    measure = Measure.objects.get(slug="1-1-ausstattung")
    SchoolRollout.objects.set_states(measure, {school: RolloutState.DONE}, user=users["admin"])
    # The editor's page shows the school done; meanwhile somebody sets "in Arbeit".
    SchoolRollout.objects.set_states(
        measure, {school: RolloutState.IN_PROGRESS}, user=users["admin"]
    )
    response = client_for(users["hardware"]).post(
        url, {"toggle": number, f"v-{number}": "done"}, headers={"HX-Request": "true"}
    )  # unticked
    html = response.content.decode()
    assert state("1-1-ausstattung", school) == "in_progress"
    assert "nicht überschrieben" in html and school.name in html
    # The box and its "before" state come back as saved.
    assert f'id="v-{number}" value="in_progress" hx-swap-oob="true"' in html
    assert f'id="school-{number}"' in html.split("hx-swap-oob")[-2] + html.split("hx-swap-oob")[-1]


@pytest.mark.parametrize(
    "bad",
    [
        {"toggle": "12345\x00"},
        {"shown": ["１２３４５６"], "done": ["１２３４５６"]},  # full-width digits
        {"reason": "Grund\x00", "toggle": "100192", "done": ["100192"]},
    ],
)
def test_checklist_refuses_or_cleans_control_characters_and_foreign_digits(users, bad):
    url = "/verwaltung/massnahmen/1-1-ausstattung/schulen/"
    response = client_for(users["hardware"]).post(url, bad)
    assert response.status_code in (302, 422)


@pytest.mark.parametrize("page", ["²", "0", "abc", "99999"])
def test_odd_page_numbers_show_the_first_page(users, page):
    assert client_for(users["admin"]).get(URL, {"seite": page}).status_code == 200


def test_pager_links_keep_every_chosen_column(users):
    measures = Measure.objects.filter(slug__in=["flaechendeckendes-wlan", "1-1-ausstattung"])
    query = {"massnahmen": [m.pk for m in measures]}
    html = client_for(users["admin"]).get(URL, query).content.decode()
    link = re.search(r'href="(\?[^"]*seite=2[^"]*)"', html).group(1).replace("&amp;", "&")
    assert all(f"massnahmen={m.pk}" in link for m in measures)


def test_bulk_with_a_measure_in_foreign_digits_is_refused(users):
    response = client_for(users["hardware"]).post(
        URL, {"alle-massnahme": "²", "alle-stand": "done"}
    )
    assert response.status_code == 422


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "no-js"])
def test_saving_without_a_changed_cell_says_nothing_was_saved(users, htmx):
    """The page's "Speichern" with no state chosen: said so, not answered with silence."""
    school = a_school()
    name = cell("1-1-ausstattung", school)
    headers = {"HX-Request": "true"} if htmx else {}
    history = SchoolRollout.history.count()
    response = client_for(users["hardware"]).post(
        URL, {name: "open", "v" + name[1:]: "open"}, headers=headers, follow=not htmx
    )
    assert response.status_code == 200
    assert "Sie haben keinen Stand geändert; es wurde nichts gespeichert." in response.text
    assert SchoolRollout.history.count() == history


def untracked(field_slug: str) -> Measure:
    """A measure of the field that the `users` fixture does not track per school."""
    measures = Measure.objects.filter(field__slug=field_slug)
    return measures.exclude(slug__in=["flaechendeckendes-wlan", "1-1-ausstattung"]).first()


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("who", ["admin", "hardware"])
def test_bulk_for_an_own_measure_not_tracked_per_school_is_a_422_not_an_alarm(
    users, who, htmx, caplog
):
    """Issue 10, defect 7: the user's own mistake is no attempt on someone else's measure."""
    measure = untracked("hardwareausstattung")
    headers = {"HX-Request": "true"} if htmx else {}
    data = {"alle-massnahme": measure.pk, "alle-stand": "done", "alle-alle": "on"}
    with caplog.at_level("INFO", logger="portal.security"):
        response = client_for(users[who]).post(URL, data, headers=headers)
    assert response.status_code == 422
    html = response.content.decode()
    assert f"„{measure.title}“ wird nicht pro Schule erfasst" in html
    assert "Es wurde nichts geändert." in html
    assert "Zugriff verweigert" not in caplog.text
    assert not SchoolRollout.objects.filter(measure=measure).exists()


def test_bulk_for_another_groups_measure_not_tracked_per_school_is_refused_and_logged(
    users, caplog
):
    measure = untracked("technische-infrastruktur")
    data = {"alle-massnahme": measure.pk, "alle-stand": "done", "alle-alle": "on"}
    with caplog.at_level("WARNING", logger="portal.security"):
        response = client_for(users["hardware"]).post(URL, data)
    assert response.status_code == 403
    assert security_lines(caplog) == [
        f"Zugriff verweigert: hanna wollte die Schulen der Maßnahme {measure.slug} setzen"
    ]
    assert not SchoolRollout.objects.filter(measure=measure).exists()


def test_bulk_for_a_measure_of_its_own_scope_says_where_its_schools_are_set(users):
    """Issue 12: the matrix shows the measures of the plan's scope only."""
    measure = Measure.objects.get(slug="digitalstrategie-bks")  # the Berufskollegs' field
    SchoolRollout.objects.start_tracking(measure, user=None, reason="Start")
    data = {"alle-massnahme": measure.pk, "alle-stand": "done", "alle-alle": "on"}
    response = client_for(users["admin"]).post(URL, data)
    assert response.status_code == 422
    assert "betrifft eigene Schulen, nicht die des Plans" in response.content.decode()
    assert not SchoolRollout.objects.filter(measure=measure, state=RolloutState.DONE).exists()
