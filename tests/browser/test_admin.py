"""The Django admin in a real browser, under the portal's strict Content-Security-Policy.

The `page` fixture fails a test on any console error, which includes Chromium's
reports of CSP violations (inline scripts or styles), and on failed requests.
So each test here also proves that the admin's pages and widgets (filter_horizontal,
inlines, autocomplete, the status action, the history) run without inline code.
"""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone
from playwright.sync_api import expect

from editions.models import Edition
from measures.models import Measure, Plan, Status
from measures.rollout import SchoolRollout
from schools.models import School
from tests.browser.axe import assert_accessible
from tests.browser.session import log_in_as
from tests.browser.test_staff_input import forgive_422
from tests.factories import make_school
from tests.two_factor import add_app_device, enter_code

PASSWORD = "admin-im-browser-2025"
MEASURES = 20
CLASSROOM = "bielefelder-klassenzimmerstandard"


@pytest.fixture
def admin_live(bielefeld_live) -> str:
    """The live server with the Bielefeld plan, a superuser, a group and two schools."""
    add_app_device(User.objects.create_superuser("verwaltung", "verwaltung@example.org", PASSWORD))
    Group.objects.create(name="Amt für Schule")
    measure = Measure.objects.get(slug=CLASSROOM)
    SchoolRollout.objects.create(measure=measure, school=make_school(name="Grundschule Mitte"))
    make_school(name="Gesamtschule Nord")
    return bielefeld_live


def log_in(page, base: str) -> None:
    response = page.goto(base + "/admin/login/?next=/admin/")
    assert response.status == 200
    csp = response.headers["content-security-policy"]
    assert "script-src 'self' 'nonce-" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    page.get_by_label("Benutzername").fill("verwaltung")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page).to_have_url(re.compile(r"/verwaltung/konto/code/\?next=%2Fadmin%2F$"))
    enter_code(page, "verwaltung")
    expect(page).to_have_url(base + "/admin/")


def test_login_and_index(page, admin_live):
    log_in(page, admin_live)  # the one test of the admin's login form; the others skip it
    expect(page).to_have_title(re.compile("Schuldigital-Monitor"))
    expect(page.locator("#measures-measure").get_by_role("link", name="Maßnahmen")).to_be_visible()
    expect(page.locator("#auth-group").get_by_role("link", name="Gruppen")).to_be_visible()


def test_measure_changelist_filters_and_search(page, admin_live):
    log_in_as(page, admin_live, "verwaltung")
    page.goto(admin_live + "/admin/measures/measure/")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(MEASURES)

    # The filter sidebar (filters.js) and the overdue filter.
    page.locator("#changelist-filter").get_by_role("link", name="Ja", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"[?&]ueberfaellig=ja"))
    expect(rows).to_have_count(Measure.objects.overdue(timezone.localdate()).count())

    page.goto(admin_live + "/admin/measures/measure/")
    page.locator("#searchbar").fill("Klassenzimmer")
    page.locator("#searchbar").press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]q=Klassenzimmer"))
    expect(rows).to_have_count(1)


def test_status_action_via_intermediate_page(page, admin_live):
    log_in_as(page, admin_live, "verwaltung")
    page.goto(admin_live + "/admin/measures/measure/?q=Klassenzimmer")
    page.locator("#result_list tbody input.action-select").first.check()
    page.locator("select[name=action]").select_option("set_status")
    page.locator("#changelist-form button[name=index]").click()

    expect(page.get_by_role("heading", name="Status setzen")).to_be_visible()
    page.get_by_label("Neuer Status").select_option(Status.DONE.value)
    page.get_by_role("button", name="Status setzen").click()

    expect(page.locator(".messagelist")).to_contain_text("Status von 1 Maßnahme gesetzt.")
    measure = Measure.objects.get(slug=CLASSROOM)
    assert measure.status == Status.DONE
    record = measure.history.order_by("-history_id").first()
    assert record.history_user.username == "verwaltung"
    assert record.history_change_reason == "Sammeländerung im Admin"


def test_measure_change_form_with_inlines_and_widgets(page, admin_live):
    measure = Measure.objects.get(slug=CLASSROOM)
    log_in_as(page, admin_live, "verwaltung")
    page.goto(f"{admin_live}/admin/measures/measure/{measure.pk}/change/")

    # filter_horizontal turned the select into the two-box widget (SelectFilter2.js).
    expect(page.locator("#id_responsible_groups_from")).to_be_visible()
    expect(page.locator("#id_responsible_groups_to")).to_be_visible()
    page.locator("#id_responsible_groups_from").select_option(label="Amt für Schule")
    page.locator("#id_responsible_groups_add").click()
    expect(page.locator("#id_responsible_groups_to option")).to_have_text(["Amt für Schule"])

    # The per-school rows are shown read only (the checklist writes them).
    inline = page.locator("#school_rollouts-group")
    expect(inline.locator("tbody tr.form-row:not(.empty-form)")).to_have_count(1)
    expect(inline.locator(".add-row a:visible")).to_have_count(0)

    # The target in the deck's notation.
    target = page.locator("#id_target")
    old_target = target.input_value()
    target.fill("Q4 2027")
    page.get_by_role("button", name="Sichern", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("erfolgreich geändert")
    measure.refresh_from_db()
    assert str(measure.target) == "Q4 2027"
    assert str(measure.original_target) == old_target
    assert measure.version == 2
    assert list(measure.responsible_groups.values_list("name", flat=True)) == ["Amt für Schule"]
    assert measure.school_rollouts.count() == 1


def test_stale_change_form_shows_the_conflict(page, admin_live):
    measure = Measure.objects.get(slug=CLASSROOM)
    log_in_as(page, admin_live, "verwaltung")
    page.goto(f"{admin_live}/admin/measures/measure/{measure.pk}/change/")
    Measure.objects.apply_change(
        measure.pk,
        expected_version=measure.version,
        user=User.objects.get(username="verwaltung"),
        reason="Anderswo geändert",
        status=Status.WAITING,
    )
    page.get_by_label("Titel").fill("Überschrieben")
    page.get_by_role("button", name="Sichern", exact=True).click()

    expect(page.locator(".errornote, .errorlist")).to_contain_text(
        ["Diese Maßnahme wurde inzwischen von jemand anderem geändert"]
    )
    assert Measure.objects.get(pk=measure.pk).title != "Überschrieben"
    forgive_422(page)  # a refused change form answers 422


def test_history_page(page, admin_live):
    measure = Measure.objects.get(slug=CLASSROOM)
    Measure.objects.apply_change(
        measure.pk,
        expected_version=measure.version,
        user=User.objects.get(username="verwaltung"),
        reason="Lieferung abgeschlossen",
        status=Status.DONE,
    )
    log_in_as(page, admin_live, "verwaltung")
    page.goto(f"{admin_live}/admin/measures/measure/{measure.pk}/change/")
    page.get_by_role("link", name="Geschichte").click()

    expect(page).to_have_url(f"{admin_live}/admin/measures/measure/{measure.pk}/history/")
    table = page.locator("#change-history")
    expect(table).to_contain_text("Lieferung abgeschlossen")
    expect(table).to_contain_text("verwaltung")
    expect(table.locator("tbody tr")).to_have_count(2)

    # A past version is shown, but cannot be restored over the current one.
    table.locator("tbody tr").last.get_by_role("link").click()
    expect(page.get_by_label("Titel")).to_have_value(measure.title)
    expect(page.get_by_role("button", name=re.compile("Wiederherstellen"))).to_have_count(0)


def test_group_form_with_responsibilities(page, admin_live):
    group = Group.objects.get(name="Amt für Schule")
    log_in_as(page, admin_live, "verwaltung")
    page.goto(f"{admin_live}/admin/auth/group/{group.pk}/change/")

    page.locator("#id_members_from").select_option(label="verwaltung")
    page.locator("#id_members_add").click()
    # Typing in the filter box narrows the choices (SelectFilter2.js).
    page.locator("#id_fields_of_action_input").press_sequentially("Hardware")
    expect(page.locator("#id_fields_of_action_from option:visible")).to_have_count(1)
    page.locator("#id_fields_of_action_from").select_option(label="Hardwareausstattung")
    page.locator("#id_fields_of_action_add").click()
    page.locator("#id_measures_from").select_option(
        label="Hardwareausstattung: Bielefelder Klassenzimmerstandard"
    )
    page.locator("#id_measures_add").click()
    page.get_by_role("button", name="Sichern", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("erfolgreich geändert")
    assert list(group.user_set.values_list("username", flat=True)) == ["verwaltung"]
    assert list(group.fields_of_action.values_list("slug", flat=True)) == ["hardwareausstattung"]
    assert list(group.measures.values_list("slug", flat=True)) == [CLASSROOM]


# --- Issue 9: axe on the admin's forms, the history at 390 px, the publishing preview


def _edition() -> Edition:
    today = timezone.localdate()
    return Edition.publish(
        Plan.objects.get(),
        user=User.objects.get(username="verwaltung"),
        date=today,
        today=today,
        title="Bericht Schulausschuss",
        slug="bericht-schulausschuss",
    )


def test_the_admin_change_forms_are_accessible(page, admin_live):
    """Measure, plan (with its inline rows), edition, school, group and user."""
    edition = _edition()
    measure = Measure.objects.get(slug=CLASSROOM)
    log_in_as(page, admin_live, "verwaltung")
    for address in [
        f"/admin/measures/measure/{measure.pk}/change/",
        f"/admin/measures/plan/{Plan.objects.get().pk}/change/",
        f"/admin/editions/edition/{edition.pk}/change/",
        f"/admin/schools/school/{School.objects.first().pk}/change/",
        f"/admin/auth/group/{Group.objects.get().pk}/change/",
        f"/admin/auth/user/{User.objects.get(username='verwaltung').pk}/change/",
        f"/admin/measures/measure/{measure.pk}/history/",
    ]:
        page.goto(admin_live + address)
        assert_accessible(page)
    # The filter boxes' help is text now, read as the name of the box.
    page.goto(f"{admin_live}/admin/auth/group/{Group.objects.get().pk}/change/")
    expect(
        page.get_by_label(
            "Durch Eingabe in diesem Feld lässt sich die Liste der verfügbaren "
            "Mitglieder eingrenzen."
        )
    ).to_be_visible()
    expect(page.locator("span.help-tooltip[aria-label]")).to_have_count(0)
    expect(page.locator("#content")).not_to_contain_text("by selecting them")


def test_the_status_action_page_is_accessible_and_needs_a_choice(page, admin_live):
    log_in_as(page, admin_live, "verwaltung")
    page.goto(admin_live + "/admin/measures/measure/?q=Klassenzimmer")
    page.locator("#result_list tbody input.action-select").first.check()
    page.locator("select[name=action]").select_option("set_status")
    page.locator("#changelist-form button[name=index]").click()
    expect(page.get_by_label("Neuer Status")).to_have_value("")
    assert_accessible(page)
    page.get_by_role("button", name="Status setzen").click()
    # The browser refuses the empty choice itself (the server would too: 422).
    assert page.get_by_label("Neuer Status").evaluate("select => select.validity.valueMissing")
    expect(page.get_by_role("heading", name="Status setzen")).to_be_visible()
    assert Measure.objects.get(slug=CLASSROOM).status == Status.IN_PROGRESS


def test_the_history_reflows_at_390_px(new_page, admin_live):
    page = new_page(viewport={"width": 390, "height": 844})
    measure = Measure.objects.get(slug=CLASSROOM)
    Measure.objects.apply_change(
        measure.pk,
        expected_version=measure.version,
        user=User.objects.get(username="verwaltung"),
        reason="Lieferung verzögert",
        status=Status.WAITING,
    )
    log_in_as(page, admin_live, "verwaltung")
    page.goto(f"{admin_live}/admin/measures/measure/{measure.pk}/history/")
    table = page.locator("#change-history")
    expect(table).to_contain_text("In Bearbeitung → Wartend")
    # The page does not scroll sideways; the table scrolls inside its own region.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    region = page.get_by_role("region", name="Änderungen")
    assert region.evaluate("element => element.scrollWidth > element.clientWidth")
    assert_accessible(page)


@pytest.mark.parametrize("javascript", [True, False])
def test_publishing_shows_a_preview_first(new_page, admin_live, javascript):
    page = new_page(java_script_enabled=javascript)
    log_in_as(page, admin_live, "verwaltung")
    page.goto(admin_live + "/verwaltung/berichte/neu/")
    page.get_by_label("Titel").fill("Bericht Schulausschuss")
    page.get_by_label("Stand").fill(timezone.localdate().strftime("%d.%m.%Y"))
    page.get_by_label("Vorwort").fill("Erster Absatz.\n\nZweiter Absatz.")
    page.get_by_role("button", name="Vorschau anzeigen").click()

    expect(page.get_by_text("Vorschau – noch nicht veröffentlicht")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bericht Schulausschuss")
    expect(page.locator("main")).to_contain_text("Zweiter Absatz.")
    assert not Edition.objects.exists()
    if javascript:  # axe runs in the page
        assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("button", name="Vorschau als PDF herunterladen").first.click()
    assert download.value.suggested_filename == (
        "stadt-bielefeld-amt-fuer-schule-vorschau-bericht-schulausschuss.pdf"
    )
    assert not Edition.objects.exists()

    page.get_by_role("button", name="Jetzt veröffentlichen").click()
    expect(page).to_have_url(admin_live + "/berichte/bericht-schulausschuss/")
    edition = Edition.objects.get()
    assert edition.preface.replace("\r\n", "\n") == "Erster Absatz.\n\nZweiter Absatz."
