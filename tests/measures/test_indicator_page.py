"""A measure's indicators on its public page: the current value, the change, a
chart per unit with its text alternative, every value in a table (issue 12)."""

import re

import pytest

from measures.indicators import Reading, Unit
from tests.factories import make_field, make_indicator, make_measure, make_plan, make_user

PUPILS = "der Schülerinnen und Schüler"


@pytest.fixture
def measure(db):
    return make_measure(make_field(make_plan()))


def section(page: str) -> str:
    return page.partition('id="kennzahlen"')[2].partition("<h2")[0]


def test_an_indicator_shows_its_value_change_target_chart_and_table(measure, client):
    points = make_indicator(
        measure,
        [("2022-07-01", 1500), ("2024-07-01", 2420)],
        name="Access Points im Netz",
        unit=Unit.OTHER,
        unit_detail="Access Points",
        total=2500,
        target_value=2500,
        baseline=300,
    )
    points.readings.filter(date="2024-07-01").update(source="Inventur der IT")
    page = client.get(measure.get_absolute_url()).text
    shown = section(page)
    assert "Access Points im Netz</h3>" in shown
    assert "2.420 von 2.500\u00a0Access Points" in shown
    assert "1.500 am 01.07.2022 → 2.420\u00a0Access Points." in shown
    assert "<dt>Ausgangswert</dt><dd>300\u00a0Access Points</dd>" in shown
    assert "<dt>Ziel</dt><dd>2.500\u00a0Access Points</dd>" in shown
    # The chart: an image named by its title, described by its summary.
    [svg] = re.findall(r"<svg [^>]*>", shown)
    assert 'role="img"' in svg and 'aria-labelledby="chart-' in svg
    assert "<title id=" in shown and "Access Points im Netz, 01.07.2022 bis 01.07.2024" in shown
    assert "2 Werte vom 01.07.2022 bis 01.07.2024: von 1.500 auf 2.420" in shown
    # Coordinates are numbers an SVG reads, not German decimals ("64,0").
    assert not re.search(r'(?:x|y|cx|cy)="[0-9]+,[0-9]', shown)
    # The table of all values, with the public source.
    assert shown.count('<tr class="kern-table__row">') == 1 + 2
    assert "Inventur der IT" in shown


def test_a_unit_break_is_said_and_not_compared_across(measure, client):
    wlan = make_indicator(
        measure, [("2023-07-01", 93), ("2024-07-01", 95)], unit=Unit.PERCENT, unit_detail=PUPILS
    )
    wlan.unit_detail = "der Schulen"
    wlan.save()
    Reading.objects.create(indicator=wlan, date="2025-07-01", value=60)
    Reading.objects.create(indicator=wlan, date="2026-07-01", value=80)
    shown = section(client.get(measure.get_absolute_url()).text)
    assert shown.count("<svg ") == 2
    assert (
        "Einheit geändert: ab 01.07.2025 Prozent der Schulen, vorher Prozent der Schülerinnen"
        in shown
    )
    assert "60\u00a0% der Schulen <strong>(Einheit geändert)</strong>" in shown
    assert "60\u00a0% am 01.07.2025 → 80\u00a0% der Schulen." in shown
    assert "95" not in shown.partition("Veränderung")[2].partition("</dd>")[0]


def test_an_indicator_without_readings_shows_its_target_and_no_chart(measure, client):
    make_indicator(measure, name="Schul-IT-Manager", unit=Unit.POSTS, target_value=13)
    shown = section(client.get(measure.get_absolute_url()).text)
    assert "Noch kein Wert erfasst" in shown
    assert "<dt>Ziel</dt><dd>13\u00a0Stellen</dd>" in shown
    assert "<svg" not in shown and "<table" not in shown


def test_a_table_without_any_source_has_no_source_column(measure, client):
    make_indicator(measure, [("2022-12-31", 15000), ("2023-12-31", 16000)], name="Tablets")
    shown = section(client.get(measure.get_absolute_url()).text)
    assert ">Wert</th>" in shown and "Quelle" not in shown


def test_a_measure_without_indicators_has_no_such_section(measure, client):
    assert 'id="kennzahlen"' not in client.get(measure.get_absolute_url()).text


def test_who_entered_a_value_is_not_shown(measure, client):
    clerk = make_user(username="sachbearbeiterin.meier", first_name="Erika")
    tablets = make_indicator(measure, [("2023-12-31", 16000)], name="Tablets")
    Reading.objects.filter(indicator=tablets).update(entered_by=clerk)
    page = client.get(measure.get_absolute_url()).text
    assert "16.000\u00a0Geräte" in section(page)
    assert "meier" not in page.lower() and "Erika" not in page


def test_the_english_page_reads_numbers_in_english(measure, client):
    make_indicator(measure, [("2022-12-31", 15000), ("2023-12-31", 16000)], name="Tablets")
    client.post("/i18n/setlang/", {"language": "en"})
    page = client.get(measure.get_absolute_url()).text
    assert '<html lang="en">' in page
    shown = section(page)
    assert '<h2 class="kern-heading-medium" id="kennzahlen">Indicators</h2>' in page
    assert "<dt>Current value</dt><dd>16,000\u00a0Devices" in shown
    assert "<dt>Change</dt><dd>15,000 on 31 Dec 2022 → 16,000\u00a0Devices.</dd>" in shown
    assert "2 values from 31 Dec 2022 to 31 Dec 2023: from 15,000 to 16,000\u00a0Devices." in shown
    assert not re.search(r'(?:x|y|cx|cy)="[0-9]+,[0-9]', shown)
