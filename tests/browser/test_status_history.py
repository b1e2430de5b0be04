"""The statuses across editions in a real browser: the chart is an image with a
name and a description, its table holds every number, on a phone and in the
dark colour scheme alike (issue 12)."""

from django.contrib.auth.models import User
from django.utils import timezone

from editions.models import Edition
from measures.indicators import Unit
from measures.models import Measure, Plan
from tests.browser.axe import assert_accessible
from tests.factories import make_indicator


def _publish_today() -> Edition:
    today = timezone.localdate()
    return Edition.publish(
        Plan.objects.current(),
        user=User.objects.create_user("petra"),
        date=today,
        today=today,
        title="Bericht",
        slug="bericht",
    )


def test_the_status_history_is_accessible_on_a_phone(new_page, bielefeld_live):
    _publish_today()
    for scheme in ("light", "dark"):
        page = new_page(viewport={"width": 320, "height": 640}, color_scheme=scheme)
        page.goto(f"{bielefeld_live}/berichte/")
        chart = page.get_by_role("img", name="Maßnahmen je Status in jedem Bericht und heute")
        assert chart.is_visible() and chart.bounding_box()["width"] <= 320
        table = page.get_by_role("table", name="Maßnahmen je Status")
        assert table.locator("tbody tr").count() == 2  # the edition and today
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        assert_accessible(page)


def test_an_editions_indicators_are_accessible_on_a_phone(new_page, bielefeld_live):
    wlan = Measure.objects.get(slug="flaechendeckendes-wlan")
    make_indicator(
        wlan,
        [("2023-07-01", 1500), ("2024-07-01", 2100)],
        name="Access Points",
        unit=Unit.OTHER,
        unit_detail="Access Points",
        total=2500,
    )
    _publish_today()
    page = new_page(viewport={"width": 320, "height": 640})
    page.goto(f"{bielefeld_live}/berichte/bericht/")
    section = page.locator("section", has=page.locator("#kennzahlen"))
    assert section.get_by_role("heading", name="Access Points").is_visible()
    assert section.get_by_role("img").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)
