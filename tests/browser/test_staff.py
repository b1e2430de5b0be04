"""Staff keep the plan current in a real browser, with the keyboard only.

A staff user logs in, changes a measure's status and ticks a school, using
nothing but Tab, typing, the arrow keys, Space and Enter; the public page then
shows the new state. Once with JavaScript (HTMX) and once without.
"""

import datetime
import re

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from measures.models import FieldOfAction, Measure
from measures.rollout import SchoolRollout
from schools.models import School
from tests.browser.axe import assert_accessible
from tests.browser.session import log_in_as
from tests.factories import make_school

PASSWORD = "geheim-und-lang-genug"
MEASURE = "digitale-schulplattform"


@pytest.fixture
def staff_live(bielefeld_live) -> str:
    team = Group.objects.create(name="Team Software")
    FieldOfAction.objects.get(slug="softwareausstattung").responsible_groups.add(team)
    user = User.objects.create_user("sven", password=PASSWORD, first_name="Sven")
    user.groups.add(team)
    # load_bielefeld also imports Bielefeld's real schools; these tests count on
    # exactly their own three schools in the plan's scope.
    School.objects.all().delete()
    for name in ["Grundschule Am Wald", "Gymnasium Mitte", "Realschule Nord"]:
        make_school(name=name, school_form="02", school_form_name="Grundschule", district="Mitte")
    # Without the count entered before (36/74): the figure is the ticks alone. A
    # count entered before stays the figure until the ticks reach it
    # (tests/browser/test_tracking_switch.py).
    Measure.objects.filter(slug=MEASURE).update(rollout_done=None, rollout_total=None)
    SchoolRollout.objects.start_tracking(Measure.objects.get(slug=MEASURE), user=user)
    return bielefeld_live


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus.

    Uses Playwright's own selector engine (`:focus`), which works with the
    page's JavaScript switched off too, unlike page.evaluate().
    """
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.locator(f"{selector}:focus").count():
            return
    raise AssertionError(f"Tab never reached {selector}")


def choose_with_arrow_keys(page, selector: str, value: str, limit: int = 10) -> None:
    """Move a focused, closed <select> to `value` with the down arrow, as keyboard users do."""
    for _ in range(limit):
        if page.locator(selector).input_value() == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{selector} never reached {value!r}")


def log_in(page, base: str) -> None:
    page.goto(base + "/verwaltung/anmelden/")
    tab_to(page, "#id_username")
    page.keyboard.type("sven")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(base + "/verwaltung/")


def open_the_staff_area(page, base: str) -> None:
    """Sven's staff area, logged in without the form (the keyboard tests use the form)."""
    log_in_as(page, base, "sven")
    page.goto(base + "/verwaltung/")


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_staff_member_updates_status_and_rollout_with_the_keyboard(
    new_page, staff_live, javascript
):
    page = new_page(java_script_enabled=javascript)

    def check_accessibility() -> None:
        if javascript:  # axe runs as page JavaScript; the markup is the same without
            assert_accessible(page)

    log_in(page, staff_live)
    check_accessibility()

    # The measure's editor: in place with HTMX, as its own page without.
    tab_to(page, f'#measure-{MEASURE} a[href$="/massnahmen/{MEASURE}/"]')
    page.keyboard.press("Enter")
    expect(page.locator("#id_status")).to_be_visible()
    if javascript:
        expect(page).to_have_url(staff_live + "/verwaltung/")  # edited in place
    tab_to(page, "#id_status")
    choose_with_arrow_keys(page, "#id_status", "done")
    tab_to(page, "#id_reason")
    page.keyboard.type("Rollout beendet")
    page.keyboard.press("Enter")
    expect(
        page.get_by_text("Die Änderungen an „Digitale Schulplattform“ sind gespeichert.")
    ).to_be_visible()
    check_accessibility()
    assert Measure.objects.get(slug=MEASURE).status == "done"

    # Tick a school on the checklist.
    page.goto(staff_live + f"/verwaltung/massnahmen/{MEASURE}/schulen/")
    expect(page.get_by_text("0 von 3 Schulen")).to_be_visible()
    check_accessibility()
    tab_to(page, "input[type=checkbox][name=done]")
    page.keyboard.press("Space")
    if not javascript:
        tab_to(page, "#checklist button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_text("1 von 3 Schulen")).to_be_visible()
    row = SchoolRollout.objects.get(measure__slug=MEASURE, school__name="Grundschule Am Wald")
    assert (row.state, row.date) == ("done", datetime.date.today())
    if javascript:  # another box while the first is ticked: each tick saves on its own
        tab_to(page, "input[type=checkbox][name=done]:not(:checked)")
        page.keyboard.press("Space")
        expect(page.get_by_text("2 von 3 Schulen")).to_be_visible()
        assert SchoolRollout.objects.filter(measure__slug=MEASURE, state="done").count() == 2

    # The public page shows the new state at once.
    page.goto(staff_live + f"/massnahmen/{MEASURE}/")
    expect(page.locator(".facts").get_by_text("Abgeschlossen")).to_be_visible()
    expect(page.get_by_text(f"{2 if javascript else 1} von 3 Schulen").first).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text("Status: In Bearbeitung → Abgeschlossen")
    # Ticks made together are one entry ("Grundschule Am Wald, Gymnasium Mitte: ...").
    expect(page.locator(".timeline")).to_contain_text(
        re.compile(r"Grundschule Am Wald(, [^:]+)?: offen → abgeschlossen")
    )
    check_accessibility()


def test_invalid_target_shows_the_error_summary_in_place(page, staff_live):
    open_the_staff_area(page, staff_live)
    page.locator(f'#measure-{MEASURE} a[href$="/massnahmen/{MEASURE}/"]').click()
    # Focus moves to the editor that HTMX brought in ...
    expect(page.locator(f"#editor-title-{MEASURE}")).to_be_focused()
    page.locator("#id_target").fill("Q5 2025")
    page.locator("#id_reason").fill("Test")
    page.get_by_role("button", name="Speichern").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("„Q5 2025“ ist kein gültiger Abschluss.")
    expect(summary).to_be_focused()  # ... and to the error summary after a failed save
    # The 422 is the expected answer to invalid input, not a problem of the page.
    problems = page.problems
    problems.console_errors[:] = [e for e in problems.console_errors if "422" not in e]
    problems.failed_requests[:] = [r for r in problems.failed_requests if not r.startswith("422")]
    expect(page.locator("#id_target_error")).to_be_visible()
    expect(page.locator("header")).to_be_visible()  # the page around the editor stays
    assert_accessible(page)
    summary.get_by_role("link").click()
    expect(page.locator("#id_target")).to_be_focused()
    assert Measure.objects.get(slug=MEASURE).target_year == 2023


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_staff_member_sets_a_school_in_the_matrix_with_the_keyboard(
    new_page, staff_live, javascript
):
    page = new_page(java_script_enabled=javascript)
    log_in(page, staff_live)
    tab_to(page, 'a[href="/verwaltung/schulen/"]')
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Umsetzung an den Schulen")).to_be_visible()
    if javascript:
        assert_accessible(page)
    posts = []
    page.on("request", lambda request: request.method == "POST" and posts.append(request.url))
    school = School.objects.get(name="Gymnasium Mitte")
    select = f"#z-{Measure.objects.get(slug=MEASURE).pk}-{school.school_number}"
    save = f"tr:has(#row-{school.school_number}) .matrix__save button"
    tab_to(page, select)
    # Two arrow presses pass "in Arbeit" on the way to "abgeschlossen": neither is a save.
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.locator(select)).to_have_value("done")
    page.wait_for_timeout(500)  # time for a request that a change would have sent
    assert posts == []
    row = SchoolRollout.objects.get(measure__slug=MEASURE, school=school)
    assert row.state == "open"

    tab_to(page, save)  # the row's own "Speichern", right after its cells
    page.keyboard.press("Enter")
    expect(page.get_by_text("1 Eintrag gespeichert.")).to_be_visible()
    assert len(posts) == 1
    row.refresh_from_db()
    assert (row.state, row.date) == ("done", datetime.date.today())
    expect(page.locator(select)).to_have_value("done")
    if javascript:  # a second change of the same cell, saved in place again
        expect(page.locator("#d" + select[2:])).to_have_text(f"{datetime.date.today():%d.%m.%Y}")
        page.keyboard.press("Shift+Tab")
        expect(page.locator(select)).to_be_focused()
        page.keyboard.press("ArrowUp")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        expect(page.locator(".matrix-counts")).to_contain_text("0 von 3 abgeschlossen")
        assert len(posts) == 2
        row.refresh_from_db()
        assert row.state == "in_progress"  # the page's before-value was updated: no conflict
        expect(page.get_by_text("nicht überschrieben")).to_have_count(0)

    # The public timeline has the one saved change, not the state passed on the way.
    page.goto(staff_live + f"/massnahmen/{MEASURE}/")
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text("Gymnasium Mitte: offen → abgeschlossen")
    expect(timeline).not_to_contain_text("offen → in Arbeit")


def test_leaving_the_matrix_with_an_unsaved_choice_asks_first(page, staff_live):
    open_the_staff_area(page, staff_live)
    page.goto(staff_live + "/verwaltung/schulen/")
    school = School.objects.get(name="Gymnasium Mitte")
    select = f"#z-{Measure.objects.get(slug=MEASURE).pk}-{school.school_number}"
    tab_to(page, select)
    page.keyboard.press("ArrowDown")  # chosen, not saved
    asked = []

    def stay(dialog) -> None:
        asked.append(dialog.type)
        dialog.dismiss()

    page.once("dialog", stay)
    page.get_by_role("link", name="Verwaltung", exact=True).last.click(no_wait_after=True)
    expect(page).to_have_url(staff_live + "/verwaltung/schulen/")
    page.wait_for_timeout(300)
    assert asked == ["beforeunload"]
    expect(page.locator(select)).to_have_value("in_progress")  # the choice is still there

    tab_to(page, f"tr:has(#row-{school.school_number}) .matrix__save button")
    page.keyboard.press("Enter")
    expect(page.get_by_text("1 Eintrag gespeichert.")).to_be_visible()
    page.on("dialog", lambda dialog: asked.append(dialog.type) or dialog.accept())
    page.get_by_role("link", name="Verwaltung", exact=True).last.click()
    expect(page).to_have_url(staff_live + "/verwaltung/")  # saved: no question
    assert asked == ["beforeunload"]
