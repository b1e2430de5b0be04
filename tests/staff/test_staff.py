import datetime
import re

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from measures.models import Measure
from measures.rollout import SchoolRollout
from schools.models import School
from tests.factories import PASSWORD, make_school, make_user
from tests.two_factor import client_for, log_in

# The switch to per-school tracking, as the staff page posts it (a reason is required).
SWITCH = {"action": "track", "reason": "Rückmeldungen kommen ab jetzt pro Schule"}


@pytest.fixture
def roles(hardware_editor, software_editor):
    """Staff of field A (Hardware), staff of field B (Software), an administrator."""
    admin = make_user("admin", first_name="Ada", last_name="Admin", is_staff=True)
    admin.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=["measures", "schools", "editions", "auth"]
        )
    )
    return {
        "anonymous": None,
        "hardware": hardware_editor,
        "software": software_editor,
        "admin": admin,
    }


def _client(user: User | None) -> Client:
    return client_for(user) if user else Client()


def _form(measure: Measure, **changes) -> dict:
    data = {
        "status": measure.status,
        "target": str(measure.target) if measure.target else "",
        "description": measure.description,
        "work_items": measure.work_items,
        "rollout_done": "" if measure.rollout_done is None else measure.rollout_done,
        "rollout_total": "" if measure.rollout_total is None else measure.rollout_total,
        "reason": "Stand aus der Dienstbesprechung",
        "version": measure.version,
    }
    data.update(changes)
    return data


HARDWARE = "innovationsfond"  # field A
SOFTWARE = "digitaler-stundenplan"  # field B

# role -> expected status for (GET edit A, GET edit B, GET rollout A, GET rollout B)
MATRIX = {
    "anonymous": (302, 302, 302, 302),
    "hardware": (200, 403, 200, 403),
    "software": (403, 200, 403, 200),
    "admin": (200, 200, 200, 200),
}


@pytest.mark.parametrize("role", MATRIX)
def test_permission_matrix_for_pages(roles, role):
    client = _client(roles[role])
    urls = [
        f"/verwaltung/massnahmen/{HARDWARE}/",
        f"/verwaltung/massnahmen/{SOFTWARE}/",
        f"/verwaltung/massnahmen/{HARDWARE}/schulen/",
        f"/verwaltung/massnahmen/{SOFTWARE}/schulen/",
    ]
    assert [client.get(url).status_code for url in urls] == list(MATRIX[role])
    dashboard = client.get("/verwaltung/")
    assert dashboard.status_code == (302 if role == "anonymous" else 200)
    if role == "anonymous":
        assert dashboard["Location"].startswith("/verwaltung/anmelden/")


@pytest.mark.parametrize("role", MATRIX)
@pytest.mark.parametrize("slug", [HARDWARE, SOFTWARE])
def test_permission_matrix_for_posts(roles, role, slug):
    measure = Measure.objects.get(slug=slug)
    before = Measure.objects.filter(pk=measure.pk).values().get()
    history = measure.history.count()
    response = _client(roles[role]).post(
        f"/verwaltung/massnahmen/{slug}/", _form(measure, status="done")
    )
    allowed = role == "admin" or (role == "hardware") == (slug == HARDWARE) and role != "anonymous"
    if allowed:
        assert response.status_code == 302
        assert Measure.objects.get(pk=measure.pk).status == "done"
    else:
        if role == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith("/verwaltung/anmelden/")
        else:
            assert response.status_code == 403
        # Nothing changed and nothing was recorded.
        assert Measure.objects.filter(pk=measure.pk).values().get() == before
        assert measure.history.count() == history


ADMIN_URLS = [
    "/admin/",
    "/admin/measures/measure/",
    "/admin/measures/measure/{pk}/change/",
    "/admin/measures/measure/{pk}/history/",
    "/admin/measures/fieldofaction/",
    "/admin/measures/schoolrollout/",
    "/admin/auth/group/",
    "/admin/auth/user/",
]


@pytest.mark.parametrize("role", MATRIX)
def test_permission_matrix_for_the_admin(roles, role):
    pk = Measure.objects.get(slug=HARDWARE).pk
    client = _client(roles[role])
    for url in ADMIN_URLS:
        response = client.get(url.format(pk=pk))
        if role == "admin":
            assert response.status_code == 200, url
        else:  # school office staff do not use the admin
            assert response.status_code == 302, url
            assert response["Location"].startswith("/admin/login/"), url


@pytest.mark.parametrize("role", ["anonymous", "hardware", "software"])
def test_admin_post_by_the_wrong_role_changes_nothing(roles, role):
    measure = Measure.objects.get(slug=HARDWARE)
    before = Measure.objects.filter(pk=measure.pk).values().get()
    response = _client(roles[role]).post(
        f"/admin/measures/measure/{measure.pk}/change/",
        {"title": "Übernommen", "status": "done", "target": "2030", "version": measure.version},
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert Measure.objects.filter(pk=measure.pk).values().get() == before


@pytest.mark.parametrize("role", MATRIX)
@pytest.mark.parametrize("slug", [HARDWARE, SOFTWARE])
def test_permission_matrix_for_checklist_posts(roles, schools, role, slug):
    url = f"/verwaltung/massnahmen/{slug}/schulen/"
    allowed = role == "admin" or (role == "hardware") == (slug == HARDWARE) and role != "anonymous"
    expected = 302 if allowed or role == "anonymous" else 403
    client = _client(roles[role])
    assert client.post(url, SWITCH).status_code == expected
    assert SchoolRollout.objects.filter(measure__slug=slug).count() == (3 if allowed else 0)
    if not allowed:
        SchoolRollout.objects.start_tracking(Measure.objects.get(slug=slug), user=roles["admin"])
    row = SchoolRollout.objects.filter(measure__slug=slug).first()
    number = row.school.school_number
    for data in [{"shown": [number], "done": [number]}, {"toggle": number, "done": [number]}]:
        response = client.post(url, data)
        assert response.status_code == expected
        row.refresh_from_db()
        assert (row.state == "done") is allowed
        row.state, row.date = "open", None
        row.save()


def test_password_change_needs_a_login(bielefeld):
    response = Client().post("/verwaltung/passwort/", {"old_password": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith("/verwaltung/anmelden/")


def test_unknown_measure_is_404_for_staff(roles):
    assert _client(roles["admin"]).get("/verwaltung/massnahmen/gibts-nicht/").status_code == 404


def test_dashboard_lists_my_measures_first(roles):
    html = _client(roles["hardware"]).get("/verwaltung/").content.decode()
    mine, others = html.split('id="others-heading"')
    assert "Innovationsfond" in mine and "Digitaler Stundenplan" not in mine
    assert "Digitaler Stundenplan" in others
    assert mine.count('href="/verwaltung/massnahmen/') == 6 * 2  # edit and schools links


def test_edit_saves_with_post_redirect_get_and_records_history(roles):
    client = _client(roles["hardware"])
    measure = Measure.objects.get(slug=HARDWARE)
    response = client.post(
        f"/verwaltung/massnahmen/{HARDWARE}/",
        _form(measure, status="done", work_items="Eins\n\n  Zwei  ", description="Neu"),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/verwaltung/massnahmen/{HARDWARE}/"
    measure.refresh_from_db()
    assert (measure.status, measure.work_items, measure.description) == (
        "done",
        "Eins\nZwei",
        "Neu",
    )
    assert measure.version == 2
    record = measure.history.latest("history_date")
    assert record.history_user == roles["hardware"]
    assert record.history_change_reason == "Stand aus der Dienstbesprechung"
    page = client.get(response["Location"]).content.decode()
    assert "sind gespeichert" in page


def test_saving_without_change_records_nothing(roles):
    measure = Measure.objects.get(slug=HARDWARE)
    count = measure.history.count()
    response = _client(roles["hardware"]).post(
        f"/verwaltung/massnahmen/{HARDWARE}/", _form(measure)
    )
    assert response.status_code == 302
    assert measure.history.count() == count
    measure.refresh_from_db()
    assert measure.version == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"target": "Q5 2025"}, "target", "„Q5 2025“ ist kein gültiger Abschluss."),
        ({"target": "irgendwann"}, "target", "„irgendwann“ ist kein gültiger Abschluss."),
        ({"reason": ""}, "reason", "Bitte geben Sie kurz an, warum Sie die Maßnahme ändern."),
        ({"rollout_done": "80", "rollout_total": "74"}, "rollout_done", "nicht mehr Schulen"),
        ({"rollout_done": "5", "rollout_total": ""}, "rollout_total", "beide Zahlen"),
        ({"status": "fertig"}, "status", "keine gültige Auswahl"),
        ({"rollout_done": "-1", "rollout_total": "74"}, "rollout_done", "größer oder gleich 0"),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_invalid_input_gets_german_messages_and_saves_nothing(roles, changes, field, message, htmx):
    measure = Measure.objects.get(slug="bielefelder-klassenzimmerstandard")
    before = Measure.objects.filter(pk=measure.pk).values().get()
    headers = {"HX-Request": "true"} if htmx else {}
    response = _client(roles["hardware"]).post(
        f"/verwaltung/massnahmen/{measure.slug}/", _form(measure, **changes), headers=headers
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    # GOV.UK pattern: summary linking to the field, message at the field.
    assert 'class="error-summary"' in html
    assert f'href="#id_{field}"' in html
    assert f'id="id_{field}_error"' in html
    assert f'aria-describedby="id_{field}_error' in html
    assert ("<html" in html) is not htmx  # HTMX gets the form fragment, with the errors
    assert Measure.objects.filter(pk=measure.pk).values().get() == before


@pytest.mark.parametrize("total", ["0", "-3"])
def test_a_refused_total_is_not_also_called_missing(roles, total):
    """Both numbers typed, the total out of range: one message, not "Geben Sie beide
    Zahlen an", which contradicts what the editor sees in the field."""
    measure = Measure.objects.get(slug="bielefelder-klassenzimmerstandard")
    response = _client(roles["hardware"]).post(
        f"/verwaltung/massnahmen/{measure.slug}/",
        _form(measure, rollout_done="5", rollout_total=total),
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Dieser Wert muss größer oder gleich 1 sein." in html
    assert "beide Zahlen" not in html


def test_htmx_save_returns_the_editor_with_a_confirmation(roles):
    measure = Measure.objects.get(slug=HARDWARE)
    response = _client(roles["hardware"]).post(
        f"/verwaltung/massnahmen/{HARDWARE}/",
        _form(measure, status="done"),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div class="editor"')
    assert "sind gespeichert" in html
    assert 'name="version" value="2"' in html


def test_htmx_post_without_csrf_token_is_refused(roles):
    client = Client(enforce_csrf_checks=True)
    log_in(client, roles["admin"])
    measure = Measure.objects.get(slug=HARDWARE)
    response = client.post(
        f"/verwaltung/massnahmen/{HARDWARE}/",
        _form(measure, status="done"),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 403
    measure.refresh_from_db()
    assert measure.status == "waiting"


def test_htmx_post_with_the_csrf_header_is_accepted(roles):
    client = Client(enforce_csrf_checks=True)
    log_in(client, roles["admin"])
    page = client.get(f"/verwaltung/massnahmen/{HARDWARE}/").content.decode()
    assert "X-CSRFToken" in page  # hx-headers on <body>
    token = client.cookies["csrftoken"].value
    measure = Measure.objects.get(slug=HARDWARE)
    response = client.post(
        f"/verwaltung/massnahmen/{HARDWARE}/",
        _form(measure, status="done"),
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert response.status_code == 200


def test_target_slip_is_shown_publicly(roles):
    client = _client(roles["hardware"])
    measure = Measure.objects.get(slug="bielefelder-klassenzimmerstandard")
    client.post(f"/verwaltung/massnahmen/{measure.slug}/", _form(measure, target="Q4 2023"))
    measure.refresh_from_db()
    client.post(f"/verwaltung/massnahmen/{measure.slug}/", _form(measure, target="Q2 2024"))
    measure.refresh_from_db()
    assert (str(measure.original_target), str(measure.target), measure.postponements) == (
        "Q3 2023",
        "Q2 2024",
        2,
    )
    public = Client()
    for url in ["/", f"/massnahmen/{measure.slug}/"]:
        html = public.get(url).content.decode()
        assert "verschoben von Q3 2023 auf Q2 2024 (zweimal verschoben)" in html


def test_a_school_year_target_is_kept_as_typed_and_shown_in_both_languages(roles):
    client = _client(roles["hardware"])
    measure = Measure.objects.get(slug="bielefelder-klassenzimmerstandard")  # Q3 2023
    response = client.post(
        f"/verwaltung/massnahmen/{measure.slug}/", _form(measure, target="schuljahr 2025/2026")
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert (str(measure.target), measure.postponements) == ("Schuljahr 2025/26", 1)
    public = Client()
    html = public.get(f"/massnahmen/{measure.slug}/").content.decode()
    assert "verschoben von Q3 2023 auf Schuljahr 2025/26 (einmal verschoben)" in html
    public.post("/i18n/setlang/", {"language": "en"})
    html = public.get(f"/massnahmen/{measure.slug}/").content.decode()
    assert "postponed from Q3 2023 to school year 2025/26 (postponed once)" in html


def test_moving_a_target_earlier_is_no_slip(roles):
    client = _client(roles["hardware"])
    measure = Measure.objects.get(slug="1-1-ausstattung")  # 2026
    client.post(f"/verwaltung/massnahmen/{measure.slug}/", _form(measure, target="Q2 2025"))
    measure.refresh_from_db()
    assert measure.postponements == 0
    assert "verschoben" not in Client().get(f"/massnahmen/{measure.slug}/").content.decode()


def test_public_timeline_shows_changes_without_names(roles):
    client = _client(roles["hardware"])
    measure = Measure.objects.get(slug=HARDWARE)
    client.post(
        f"/verwaltung/massnahmen/{HARDWARE}/",
        _form(measure, status="in_progress", target="2025", reason="Fördermittel bewilligt"),
    )
    public = Client().get(f"/massnahmen/{HARDWARE}/").content.decode()
    timeline = public.split("Verlauf</h2>")[1]
    assert "Status: Wartend → In Bearbeitung" in timeline
    assert "Abschluss: 2024 ff. → 2025" in timeline
    assert "Fördermittel bewilligt" in timeline
    assert "Hanna" not in timeline and "hanna" not in timeline
    staff = client.get(f"/massnahmen/{HARDWARE}/").content.decode()
    assert "Hanna Hardware" in staff.split("Verlauf</h2>")[1]


def test_public_pages_offer_edit_links_only_to_those_who_may_edit(roles):
    def edit_links(user):
        html = _client(user).get("/").content.decode()
        return html.count('href="/verwaltung/massnahmen/')

    assert edit_links(None) == 0
    assert edit_links(roles["hardware"]) == 6
    assert edit_links(roles["software"]) == 4
    assert edit_links(roles["admin"]) == 20
    assert "Anmelden" in Client().get("/").content.decode()


@pytest.fixture
def schools(bielefeld):
    # load_bielefeld also imports Bielefeld's real schools; these tests count on
    # exactly their own three schools in the plan's scope.
    School.objects.all().delete()
    return [
        make_school(
            name="Grundschule Heepen",
            school_form="02",
            school_form_name="Grundschule",
            district="Heepen",
        ),
        make_school(
            name="Grundschule Mitte",
            school_form="02",
            school_form_name="Grundschule",
            district="Mitte",
        ),
        make_school(
            name="Gymnasium Mitte", school_form="20", school_form_name="Gymnasium", district="Mitte"
        ),
        make_school(name="Privatschule", authority_number="20000"),
    ]


def test_switch_to_per_school_tracking_and_tick(roles, schools):
    client = _client(roles["software"])
    url = "/verwaltung/massnahmen/digitale-schulplattform/schulen/"
    assert "Ab jetzt pro Schule erfassen" in client.get(url).content.decode()
    assert client.post(url, SWITCH).status_code == 302
    measure = Measure.objects.get(slug="digitale-schulplattform")
    assert measure.school_rollouts.count() == 3  # in-scope schools only
    numbers = {school.name: school.school_number for school in schools[:3]}  # in scope
    shown = list(numbers.values())
    response = client.post(
        url, {"shown": shown, "done": [numbers["Gymnasium Mitte"], numbers["Grundschule Mitte"]]}
    )
    assert response.status_code == 302
    done = SchoolRollout.objects.filter(measure=measure, state="done")
    assert {row.school.name for row in done} == {"Gymnasium Mitte", "Grundschule Mitte"}
    assert all(row.date == datetime.date.today() for row in done)
    # The ticks follow at once, on the staff page and the public one; until they
    # reach the 36 schools reported before the switch, that count stays the figure.
    for page in [client.get(url), Client().get("/massnahmen/digitale-schulplattform/")]:
        text = " ".join(page.content.decode().split())
        assert "36 von 74 Schulen (gemeldet)" in text and "bisher sind es 2." in text
    card = Client().get("/").content.decode().split("/massnahmen/digitale-schulplattform/")[1]
    assert "36 von 74 Schulen (gemeldet)" in card.split("</article>")[0]


def test_checklist_filters_and_htmx_tick(roles, schools):
    client = _client(roles["admin"])
    url = "/verwaltung/massnahmen/voip/schulen/"
    client.post(url, SWITCH)
    html = client.get(url + "?schulform=02&bezirk=Heepen").content.decode()
    assert "Grundschule Heepen" in html and "Gymnasium Mitte" not in html
    row = SchoolRollout.objects.get(measure__slug="voip", school__name="Grundschule Heepen")
    number = row.school.school_number
    # HTMX sends each box as it is clicked, with the form's current state.
    response = client.post(
        url + "?schulform=02&bezirk=Heepen",
        {"toggle": number, "shown": [number], "done": [number]},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    # Only the count and the message come back (out of band); the boxes stay.
    assert fragment.lstrip().startswith('<div id="checklist-status" hx-swap-oob="innerHTML">')
    assert "1 von 3 Schulen" in fragment and "1 Schule aktualisiert." in fragment
    assert 'type="checkbox"' not in fragment
    # Unticking the same box on its own.
    client.post(url, {"toggle": number, "shown": [number]}, headers={"HX-Request": "true"})
    row.refresh_from_db()
    assert (row.state, row.date) == ("open", None)


def test_ticks_from_an_old_page_do_not_undo_others_work(roles, schools):
    client = _client(roles["admin"])
    url = "/verwaltung/massnahmen/voip/schulen/"
    client.post(url, SWITCH)
    rows = list(SchoolRollout.objects.filter(measure__slug="voip").select_related("school"))
    shown = [row.school.school_number for row in rows]
    # Both saw every school open. A ticks the first school ...
    client.post(url, {"shown": shown, "done": [shown[0]]})
    # ... B, from the old page, ticks only the second one.
    client.post(url, {"shown": shown, "done": [shown[1]]})
    states = dict(SchoolRollout.objects.filter(measure__slug="voip").values_list("pk", "state"))
    assert states[rows[0].pk] == "done" and states[rows[1].pk] == "done"
    # Unticking is a change only for the box the editor saw ticked.
    saw_done = {f"v-{number}": "done" for number in shown[:2]}
    client.post(url, {"shown": shown, **saw_done, "done": [shown[1]]})
    assert SchoolRollout.objects.get(pk=rows[0].pk).state == "open"
    assert SchoolRollout.objects.get(pk=rows[1].pk).state == "done"


def test_rollout_ticks_are_in_the_history_and_public_timeline(roles, schools):
    client = _client(roles["admin"])
    url = "/verwaltung/massnahmen/voip/schulen/"
    client.post(url, SWITCH)
    row = SchoolRollout.objects.get(measure__slug="voip", school__name="Gymnasium Mitte")
    number = row.school.school_number
    client.post(url, {"shown": [number], "done": [number], "reason": "WLAN abgenommen"})
    record = row.history.latest("history_date")
    assert (record.state, record.history_user) == ("done", roles["admin"])
    assert record.history_change_reason == "WLAN abgenommen"
    timeline = Client().get("/massnahmen/voip/").content.decode().split("Verlauf</h2>")[1]
    assert '<span lang="de">Gymnasium Mitte</span>: offen → abgeschlossen' in timeline
    assert "WLAN abgenommen" in timeline


@pytest.mark.parametrize(
    "bad",
    [
        {"shown": ["abc"]},
        {"shown": ["999999"], "done": ["999999"]},
        {"toggle": "abc"},
        {"toggle": "999999", "done": ["999999"]},
    ],
)
def test_checklist_refuses_unknown_rows(roles, schools, bad):
    client = _client(roles["admin"])
    url = "/verwaltung/massnahmen/voip/schulen/"
    client.post(url, SWITCH)
    response = client.post(url, bad)
    assert response.status_code == 422
    assert "unbekannte Schulen" in response.content.decode()
    assert not SchoolRollout.objects.filter(state="done").exists()


@pytest.mark.parametrize("extra", [{"shown": ["abc"]}, {"done": ["x"]}], ids=["shown", "done"])
def test_a_checklist_click_reads_only_the_clicked_schools_fields(roles, schools, extra):
    """A click names its school in "toggle"; the rest of the form comes along unread."""
    client = _client(roles["admin"])
    url = "/verwaltung/massnahmen/voip/schulen/"
    client.post(url, SWITCH)
    number = schools[0].school_number
    data = {"toggle": number, "shown": [number], "done": [number], f"v-{number}": "open"}
    for name, values in extra.items():
        data[name] = data.get(name, []) + values
    response = client.post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "1 Schule aktualisiert." in response.content.decode()
    assert SchoolRollout.objects.get(measure__slug="voip", school=schools[0]).state == "done"


# The checklist page of a measure not (yet) tracked per school, re-rendered after a
# refused post: the page's queries, none for looking up the posted schools.
REFUSED_CHECKLIST_QUERIES = 13


@pytest.mark.parametrize(
    "data",
    [{"done": []}, {"action": "track", "reason": ""}],
    ids=["ticks-before-the-switch", "switch-without-reason"],
)
def test_a_refused_checklist_post_costs_no_query_for_the_posted_schools(
    roles, schools, data, django_assert_num_queries
):
    client = _client(roles["hardware"])  # no admin access: no second factor's queries
    url = f"/verwaltung/massnahmen/{HARDWARE}/schulen/"
    numbers = [school.school_number for school in schools[:3]]
    client.get(url)  # the session and the user are cached as on any later request
    with django_assert_num_queries(REFUSED_CHECKLIST_QUERIES):
        response = client.post(url, {"shown": numbers, "done": numbers[:1], **data})
    assert response.status_code == 422
    assert not SchoolRollout.objects.filter(measure__slug=HARDWARE).exists()


def test_checklist_post_by_wrong_role_changes_nothing(roles, schools):
    _client(roles["admin"]).post("/verwaltung/massnahmen/voip/schulen/", SWITCH)
    row = SchoolRollout.objects.filter(measure__slug="voip").first()
    response = _client(roles["software"]).post(
        "/verwaltung/massnahmen/voip/schulen/",
        {"shown": [row.school.school_number], "done": [row.school.school_number]},
    )
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.state == "open"


def test_login_page_and_logout(roles):
    client = Client()
    page = client.get("/verwaltung/anmelden/")
    assert page.status_code == 200 and "Anmelden" in page.content.decode()
    wrong = client.post("/verwaltung/anmelden/", {"username": "hanna", "password": "falsch"})
    assert wrong.status_code == 200
    assert "error-summary" in wrong.content.decode()
    ok = client.post("/verwaltung/anmelden/", {"username": "hanna", "password": PASSWORD})
    assert ok.status_code == 302 and ok["Location"] == "/verwaltung/"
    assert client.get("/verwaltung/abmelden/").status_code == 405
    assert client.post("/verwaltung/abmelden/").status_code == 302
    assert client.get("/verwaltung/").status_code == 302


def test_password_change(roles):
    client = _client(roles["software"])
    assert client.get("/verwaltung/passwort/").status_code == 200
    response = client.post(
        "/verwaltung/passwort/",
        {
            "old_password": PASSWORD,
            "new_password1": "ein-neues-Passwort-7",
            "new_password2": "ein-neues-Passwort-7",
        },
    )
    assert response.status_code == 302
    roles["software"].refresh_from_db()
    assert roles["software"].check_password("ein-neues-Passwort-7")


def test_saving_again_after_a_conflict_keeps_the_other_persons_changes(roles):
    measure = Measure.objects.get(slug=HARDWARE)  # Wartend, 2024 ff.
    seen = _form(measure)
    anna, admin = _client(roles["hardware"]), _client(roles["admin"])
    # Anna changes status and description ...
    anna.post(
        f"/verwaltung/massnahmen/{HARDWARE}/",
        {**seen, "status": "in_progress", "description": "Von Anna", "reason": "A"},
    )
    # ... the administrator, from the same page state, only the target.
    response = admin.post(
        f"/verwaltung/massnahmen/{HARDWARE}/", {**seen, "target": "2026", "reason": "B"}
    )
    assert response.status_code == 409
    page = response.content.decode()
    # The form now holds Anna's values plus the administrator's own change.
    assert re.search(r'<option value="in_progress"[^>]*selected', page)
    assert "Von Anna</textarea>" in page
    assert 'value="2026"' in page
    assert "Beide haben geändert" not in page
    # Saving that form again keeps both.
    resubmit = {
        **seen,
        "status": "in_progress",
        "description": "Von Anna",
        "target": "2026",
        "reason": "B",
        "version": 2,
    }
    assert admin.post(f"/verwaltung/massnahmen/{HARDWARE}/", resubmit).status_code == 302
    measure.refresh_from_db()
    assert (measure.status, measure.description, str(measure.target)) == (
        "in_progress",
        "Von Anna",
        "2026",
    )


def test_conflict_names_fields_both_changed(roles):
    measure = Measure.objects.get(slug=HARDWARE)
    seen = _form(measure)
    _client(roles["hardware"]).post(
        f"/verwaltung/massnahmen/{HARDWARE}/", {**seen, "status": "done", "reason": "A"}
    )
    response = _client(roles["admin"]).post(
        f"/verwaltung/massnahmen/{HARDWARE}/", {**seen, "status": "preparing", "reason": "B"}
    )
    page = response.content.decode()
    assert "Beide haben geändert – bitte besonders prüfen: Status" in page
    assert re.search(r'<option value="preparing"[^>]*selected', page)


def test_long_reasons_are_kept_whole(roles):
    measure = Measure.objects.get(slug=HARDWARE)
    reason = "Begründung " * 27  # 297 characters
    response = _client(roles["hardware"]).post(
        f"/verwaltung/massnahmen/{HARDWARE}/", _form(measure, status="done", reason=reason)
    )
    assert response.status_code == 302
    assert measure.history.latest("history_date").history_change_reason == reason.strip()


def test_htmx_request_with_an_expired_session_reloads_to_the_login_page(bielefeld):
    response = Client().post(
        f"/verwaltung/massnahmen/{HARDWARE}/", {"status": "done"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/verwaltung/anmelden/?next=")


def test_htmx_errors_are_announced(roles):
    html = _client(roles["hardware"]).get("/verwaltung/").content.decode()
    assert 'id="htmx-error"' in html and 'role="alert" hidden' in html
    assert "htmx-errors.js" in html


def test_a_too_long_description_is_refused_and_kept_not_cut_by_the_browser(roles):
    """The browser cuts a pasted text at `maxlength` without a word; the form
    refuses it with the limit instead, and keeps what was typed."""
    measure = Measure.objects.get(slug=HARDWARE)
    client = _client(roles["hardware"])
    page = client.get(f"/verwaltung/massnahmen/{HARDWARE}/").content.decode()
    assert "maxlength" not in page
    text = "x" * 2000 + "Z"
    response = client.post(f"/verwaltung/massnahmen/{HARDWARE}/", _form(measure, description=text))
    assert response.status_code == 422
    html = response.content.decode()
    assert "höchstens 2000 Zeichen" in html
    assert text in html
    measure.refresh_from_db()
    assert measure.description != text and measure.version == 1


def test_the_editor_in_another_page_is_a_section_not_a_second_page_heading(roles):
    client = _client(roles["admin"])
    url = "/verwaltung/massnahmen/voip/"
    page = client.get(url).content.decode()
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert page.count("<h1") == 1 and 'class="kern-heading-medium editor__title"' in page
    assert "<h1" not in fragment
    assert '<h2 class="kern-heading-medium editor__title" id="editor-title-voip"' in fragment
