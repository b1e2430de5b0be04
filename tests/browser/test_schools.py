"""The public school pages in a real browser: finding a school with and without
JavaScript, accessibility, and the phone layout."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from measures.models import Measure, Plan
from measures.rollout import RolloutState, SchoolRollout
from schools.models import School
from tests.browser.axe import assert_accessible
from tests.browser.test_report import OVERFLOWING, PHONE, expect_htmx_ready

SCHOOL = "Gymnasium Heepen Städt. Gymnasium"
SCHOOL_NUMBER = "168622"
LISTED = 82  # the plan's 76 schools and the six Berufskollegs of its excursus


def school_links(page):
    return page.locator("#results .school-card__title a")


def test_find_a_school_by_name_with_htmx_and_open_its_page(page, bielefeld_live):
    page.goto(bielefeld_live + "/schulen/")
    expect_htmx_ready(page)
    expect(page.get_by_role("status")).to_have_text(f"{LISTED} Schulen, Seite 1 von 2")
    expect(school_links(page)).to_have_count(50)
    assert_accessible(page)
    page.evaluate("() => { window.__marker = 1; }")

    # Typing is enough: the results follow after a pause, without a reload.
    page.get_by_label("Suche", exact=True).fill("gymnasium heepen")
    expect(page).to_have_url(re.compile(r"[?&]suche=gymnasium(\+|%20)heepen(&|$)"))
    expect(page.get_by_role("status")).to_have_text("1 Schule gefunden")
    expect(school_links(page)).to_have_count(1)
    assert page.evaluate("() => window.__marker") == 1, "the page was reloaded"
    assert_accessible(page)

    page.get_by_role("link", name=SCHOOL).click()
    expect(page).to_have_url(f"{bielefeld_live}/schulen/{SCHOOL_NUMBER}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(SCHOOL)
    expect(page.locator("main")).to_contain_text("Heepen")
    expect(page.get_by_role("heading", name="Maßnahmen mit gemeinsamem Stand")).to_be_visible()
    assert_accessible(page)

    # Back to the list: the search is still there.
    page.go_back()
    expect(page.get_by_label("Suche", exact=True)).to_have_value("gymnasium heepen")
    expect(school_links(page)).to_have_count(1)


def test_filter_by_district_with_htmx(page, bielefeld_live):
    in_heepen = Plan.objects.get().schools(timezone.localdate()).filter(district="Heepen").count()
    assert 1 < in_heepen < LISTED
    page.goto(bielefeld_live + "/schulen/")
    expect_htmx_ready(page)
    requests = []
    page.on("request", lambda request: "hx-request" in request.headers and requests.append(request))
    history = page.evaluate("() => history.length")
    # With the keyboard: each arrow press changes a closed select; none asks the server.
    page.get_by_label("Stadtbezirk").focus()
    for _ in range(10):
        if page.get_by_label("Stadtbezirk").input_value() == "Heepen":
            break
        page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Stadtbezirk")).to_have_value("Heepen")
    page.wait_for_timeout(500)  # time for a request that a change would have sent
    assert requests == [] and page.evaluate("() => history.length") == history

    page.get_by_role("button", name="Suchen").click()  # in place, one request, one entry
    expect(page).to_have_url(re.compile(r"[?&]bezirk=Heepen(&|$)"))
    expect(page.get_by_role("status")).to_have_text(f"{in_heepen} Schulen gefunden")
    expect(school_links(page)).to_have_count(in_heepen)
    assert len(requests) == 1 and page.evaluate("() => history.length") == history + 1


def test_find_a_school_without_javascript(new_page, bielefeld_live):
    page = new_page(java_script_enabled=False)
    page.goto(bielefeld_live + "/schulen/")
    page.get_by_label("Suche", exact=True).fill("gymnasium heepen")
    with page.expect_navigation():
        page.get_by_role("button", name="Suchen").click()
    expect(page).to_have_url(re.compile(r"/schulen/\?suche=gymnasium\+heepen"))
    expect(page.get_by_role("status")).to_have_text("1 Schule gefunden")
    expect(page.get_by_role("heading", level=1)).to_be_visible()  # a whole page

    page.get_by_role("link", name=SCHOOL).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SCHOOL)

    # The pager is made of plain links.
    page.goto(bielefeld_live + "/schulen/")
    page.get_by_role("link", name="Nächste Seite").click()
    expect(page).to_have_url(re.compile(r"/schulen/\?seite=2#ergebnis$"))
    expect(school_links(page)).to_have_count(LISTED - 50)


def test_measure_page_by_district_and_sources_are_accessible(page, bielefeld_live):
    measure = Measure.objects.get(slug="voip")
    heepen = School.objects.filter(district="Heepen").order_by("name")[:3]
    for school, state in zip(heepen, RolloutState, strict=True):
        SchoolRollout.objects.create(
            measure=measure,
            school=school,
            state=state,
            date=timezone.localdate() if state == RolloutState.DONE else None,
        )
    page.goto(f"{bielefeld_live}/massnahmen/voip/")
    expect(page.get_by_role("table", name="Stand nach Stadtbezirk")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Heepen", exact=True).click()
    expect(page).to_have_url(f"{bielefeld_live}/massnahmen/voip/?bezirk=Heepen#schulen")
    expect(page.get_by_role("heading", name="Schulen in Heepen")).to_be_visible()
    expect(page.get_by_role("table", name="Stand an den Schulen in Heepen")).to_contain_text(
        heepen[0].name
    )
    assert_accessible(page)

    page.goto(f"{bielefeld_live}/datenquellen/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Datenquellen")
    assert_accessible(page)


@pytest.mark.parametrize(
    "path", ["/schulen/", f"/schulen/{SCHOOL_NUMBER}/", "/datenquellen/", "/massnahmen/voip/"]
)
def test_school_pages_fit_a_phone(new_page, bielefeld_live, path):
    page = new_page(viewport=PHONE, device_scale_factor=3, is_mobile=True, has_touch=True)
    page.goto(bielefeld_live + path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    scroll_width, inner_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert max(scroll_width, inner_width) <= PHONE["width"], (
        f"{path} is {scroll_width}px wide on a {PHONE['width']}px phone; too wide: "
        + "; ".join(page.evaluate(OVERFLOWING, PHONE["width"]))
    )
