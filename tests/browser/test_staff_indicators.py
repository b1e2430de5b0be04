"""Entering an indicator's value in the staff area in a real browser, with and
without JavaScript: the form says what is wrong, in German, and then saves
(issue 12)."""

import pytest

from measures.indicators import Reading, Unit
from measures.models import Measure
from tests.browser.axe import assert_accessible
from tests.browser.test_staff_input import forgive_422
from tests.factories import PASSWORD, make_indicator, make_user

SLUG = "1-1-ausstattung"


@pytest.mark.parametrize("javascript", [True, False])
def test_a_value_is_entered_after_a_mistake(new_page, bielefeld_live, javascript):
    tablets = make_indicator(Measure.objects.get(slug=SLUG), name="Tablets", unit=Unit.DEVICES)
    make_user("ada", permissions=["edit_all_measures"])
    page = new_page(java_script_enabled=javascript)
    page.goto(f"{bielefeld_live}/verwaltung/anmelden/")
    page.get_by_label("Benutzername").fill("ada")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.goto(f"{bielefeld_live}/verwaltung/massnahmen/{SLUG}/")
    page.get_by_role("link", name="Kennzahlen").click()
    section = page.get_by_role("region", name="Tablets")
    section.get_by_label("Stand (TT.MM.JJJJ)").fill("01.10.2024")
    section.get_by_label("Wert").fill("sechzehntausend")
    section.get_by_role("button", name="Wert speichern").click()
    assert page.get_by_role("alert").filter(has_text="Bitte eine Zahl eingeben").is_visible()
    if javascript:  # axe runs as a script in the page
        assert_accessible(page)
    assert not Reading.objects.filter(indicator=tablets).exists()
    section.get_by_label("Wert").fill("16.200")
    section.get_by_role("button", name="Wert speichern").click()
    assert page.get_by_text("Der neue Wert von „Tablets“ ist gespeichert.").is_visible()
    assert page.get_by_role("region", name="Tablets").get_by_text("16.200\u00a0Geräte").is_visible()
    assert Reading.objects.get(indicator=tablets).value == 16200
    forgive_422(page)  # the refused first try's answer, which Chromium may report late
