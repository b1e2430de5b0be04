"""The money on the public pages in a real browser: accessible, readable on a phone."""

from decimal import Decimal

from measures.models import Measure, Plan
from measures.money import BudgetLine, FundingSource
from tests.browser.axe import assert_accessible

WLAN = "flaechendeckendes-wlan"


def test_the_finances_of_the_report_and_a_measure_are_accessible(new_page, bielefeld_live):
    Plan.objects.update(total_budget=Decimal("22900000.00"))
    wlan = Measure.objects.get(slug=WLAN)
    BudgetLine.objects.create(
        measure=wlan, source=FundingSource.DIGITALPAKT, planned=Decimal("2520000.00")
    )
    BudgetLine.objects.create(
        measure=wlan, source=FundingSource.MUNICIPAL, year=2024, planned=Decimal("280000.00")
    )
    page = new_page(viewport={"width": 320, "height": 640})
    page.goto(bielefeld_live + "/")
    finances = page.get_by_role("region", name="Finanzen")
    assert "22.900.000,00\u00a0€" in finances.inner_text()
    assert_accessible(page)
    # Nothing wider than the phone: the tables scroll inside their own box.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    page.goto(f"{bielefeld_live}/massnahmen/{WLAN}/")
    table = page.get_by_role("table", name="Budget nach Finanzierung")
    assert "2.520.000,00\u00a0€" in table.inner_text()
    assert_accessible(page)
