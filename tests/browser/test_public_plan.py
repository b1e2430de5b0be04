"""Making another plan public in the admin, in a real browser with and without
JavaScript (issue 9, point 2); the public report's Stand (point 3)."""

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from measures.models import Measure, Plan
from tests.browser.axe import assert_accessible
from tests.browser.session import log_in_as
from tests.factories import make_field, make_measure, make_plan
from tests.two_factor import add_app_device

PASSWORD = "admin-im-browser-2025"


@pytest.fixture
def two_plans(bielefeld_live) -> tuple[str, Plan]:
    add_app_device(User.objects.create_superuser("verwaltung", "verwaltung@example.org", PASSWORD))
    newer = make_plan(title="MEP 2028-2032", as_of=datetime.date(2028, 1, 1))
    make_measure(make_field(newer), title="Neue Maßnahme", slug="neue-massnahme")
    return bielefeld_live, newer


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_an_administrator_makes_another_plan_current(new_page, two_plans, javascript):
    base, newer = two_plans
    page = new_page(java_script_enabled=javascript)
    log_in_as(page, base, "verwaltung")
    page.goto(f"{base}/admin/measures/plan/{newer.pk}/change/")
    page.get_by_role("link", name="Als aktuellen Plan festlegen").click()
    expect(page).to_have_url(f"{base}/admin/measures/plan/{newer.pk}/aktuell/")
    expect(page.locator("dl.make-public")).to_contain_text("mit 20 Maßnahmen")
    expect(page.locator("dl.make-public")).to_contain_text(
        "„Stadt Bielefeld – Amt für Schule: MEP 2028-2032“"
    )
    if javascript:
        assert_accessible(page)
    page.get_by_label("Grund").fill("Vom Rat beschlossen")
    page.get_by_role("button", name="Als aktuellen Plan festlegen").click()
    expect(page).to_have_url(f"{base}/admin/measures/plan/")
    expect(page.locator(".messagelist")).to_contain_text("ist jetzt der aktuelle Plan")
    page.goto(base + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("MEP 2028-2032")


def test_the_report_says_its_stand(page, bielefeld_live):
    page.goto(bielefeld_live + "/")
    today = timezone.localdate()
    expect(page.locator(".report-header")).to_contain_text(
        re.compile(
            rf"Laufend aktualisiert, letzte Änderung am {today:%d.%m.%Y} · Plan vom 01.04.2023"
        )
    )
    assert_accessible(page)


@pytest.fixture
def earlier_plan(bielefeld_live) -> str:
    """Bielefeld's plan with an earlier plan of 2004 whose WLAN measure it continues."""
    earlier = make_plan(title="Medienentwicklungsplan 2004", period_start=2004, period_end=2008)
    earlier.publish_as_earlier(user=None, reason="Abgeschlossener Plan")
    old = make_measure(make_field(earlier), title="Netz für alle Schulen", slug="netz")
    wlan = Measure.objects.get(slug="flaechendeckendes-wlan")
    wlan.continues = old
    wlan.save()
    return bielefeld_live


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_reader_goes_from_a_measure_to_its_earlier_plan_and_back(
    new_page, earlier_plan, javascript
):
    page = new_page(java_script_enabled=javascript)
    page.goto(earlier_plan + "/massnahmen/flaechendeckendes-wlan/")
    page.get_by_role("link", name="Netz für alle Schulen").click()
    expect(page).to_have_url(earlier_plan + "/plaene/2004-2008/massnahmen/netz/")
    expect(page.get_by_role("note", name="Früherer Plan")).to_contain_text("2004-2008")
    if javascript:
        assert_accessible(page)
    page.get_by_role("link", name="Flächendeckendes WLAN").click()
    expect(page).to_have_url(earlier_plan + "/massnahmen/flaechendeckendes-wlan/")
    page.get_by_role("link", name="Pläne", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pläne")
    if javascript:
        assert_accessible(page)
    page.get_by_role("link", name="Medienentwicklungsplan 2004 2004-2008").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Medienentwicklungsplan 2004")
    if javascript:
        assert_accessible(page)
