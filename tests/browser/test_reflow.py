"""Reflow (WCAG 1.4.10): at 320 px the pages scroll only up and down.

A wide data table may scroll inside its own focusable, labelled container; the
page itself must not. On a phone (390 px) a school's state is on screen without
sideways swiping. Bielefeld's real schools are loaded: their names have long
unbreakable parts ("Städt.Grundschulverb.nördlicheInnenstadt") and some homepages
are long addresses.
"""

import pytest
from django.contrib.auth.models import Permission, User
from django.db.models.functions import Length
from django.utils import timezone
from playwright.sync_api import expect

from measures.models import Measure, Plan
from measures.rollout import SchoolRollout
from schools.models import School
from tests.browser.axe import assert_accessible
from tests.browser.session import log_in_as

NARROW = {"width": 320, "height": 640}
PHONE = {"width": 390, "height": 844}
PASSWORD = "geheim-und-lang-genug"
MEASURE = "flaechendeckendes-wlan"


@pytest.fixture
def reflow_live(bielefeld_live) -> str:
    # Edits every measure in /verwaltung/; no admin access (and so no second factor).
    admin = User.objects.create_user("ada", password=PASSWORD)
    admin.user_permissions.add(*Permission.objects.filter(codename="edit_all_measures"))
    for slug in [MEASURE, "1-1-ausstattung"]:
        SchoolRollout.objects.start_tracking(Measure.objects.get(slug=slug), user=admin)
    return bielefeld_live


def page_width(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def long_named_school() -> School:
    return School.objects.get(name__contains="nördlicheInnenstadt")


def school_with_the_longest_homepage() -> School:
    scope = Plan.objects.get().schools(timezone.localdate())
    return scope.exclude(homepage="").order_by(Length("homepage").desc()).first()


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_public_school_pages_reflow_at_320_px(new_page, reflow_live, javascript):
    page = new_page(viewport=NARROW, java_script_enabled=javascript)
    paths = [
        "/schulen/",
        long_named_school().get_absolute_url(),
        school_with_the_longest_homepage().get_absolute_url(),
    ]
    for path in paths:
        page.goto(reflow_live + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert page_width(page) <= NARROW["width"], path
        if javascript:  # axe runs as page JavaScript
            assert_accessible(page)


def test_the_matrix_reflows_at_320_px_and_shows_every_state(new_page, reflow_live):
    page = new_page(viewport=NARROW)
    log_in_as(page, reflow_live, "ada")
    for number in [1, 2, 3]:  # the pages of 30 schools
        page.goto(f"{reflow_live}/verwaltung/schulen/?seite={number}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert page_width(page) <= NARROW["width"], number
        # Each school's states and its "Speichern" are on screen, one below the other.
        rights = page.locator("#matrix select, #matrix .matrix__save button").evaluate_all(
            "elements => elements.map(element => element.getBoundingClientRect().right)"
        )
        assert rights and max(rights) <= NARROW["width"], number
    assert_accessible(page)  # the stacked layout too


@pytest.mark.parametrize("viewport", [PHONE, NARROW], ids=["390", "320"])
def test_a_districts_schools_show_their_state_on_a_phone(new_page, reflow_live, viewport):
    page = new_page(viewport=viewport)
    page.goto(f"{reflow_live}/massnahmen/{MEASURE}/?bezirk=Mitte")
    states = page.locator("#schulen .kern-badge")
    expect(states.first).to_be_visible()
    rights = states.evaluate_all("badges => badges.map(b => b.getBoundingClientRect().right)")
    assert max(rights) <= viewport["width"]
    assert page_width(page) <= viewport["width"]


def test_the_checklist_shows_each_schools_state_on_a_phone(new_page, reflow_live):
    page = new_page(viewport=PHONE)
    log_in_as(page, reflow_live, "ada")
    page.goto(f"{reflow_live}/verwaltung/massnahmen/{MEASURE}/schulen/")
    boxes = page.locator("#checklist input[type=checkbox], #checklist .kern-form-check label")
    expect(boxes.first).to_be_visible()
    rights = boxes.evaluate_all("elements => elements.map(e => e.getBoundingClientRect().right)")
    assert len(rights) == 2 * 76 and max(rights) <= PHONE["width"]
    assert page_width(page) <= PHONE["width"]
