"""A measure's indicators in a real browser: the charts are accessible images with
their tables, readable on a phone and in the dark colour scheme (issue 12)."""

from measures.indicators import Unit
from measures.models import Measure
from tests.browser.axe import assert_accessible
from tests.factories import make_indicator

WLAN = "flaechendeckendes-wlan"


def test_the_charts_of_a_measure_are_accessible_on_a_phone(new_page, bielefeld_live):
    wlan = Measure.objects.get(slug=WLAN)
    make_indicator(
        wlan,
        [("2021-07-01", 800), ("2022-07-01", 1500), ("2024-07-01", 2420)],
        name="Access Points",
        unit=Unit.OTHER,
        unit_detail="Access Points",
        total=2500,
        target_value=2500,
    )
    coverage = make_indicator(
        wlan,
        [("2023-07-01", 93), ("2024-07-01", 95)],
        name="WLAN-Abdeckung",
        unit=Unit.PERCENT,
        unit_detail="der Schülerinnen und Schüler",
    )
    coverage.unit_detail = "der Schulen"
    coverage.save()
    coverage.readings.create(date="2025-07-01", value=60)
    coverage.readings.create(date="2026-07-01", value=80)

    for scheme in ("light", "dark"):
        page = new_page(viewport={"width": 320, "height": 640}, color_scheme=scheme)
        page.goto(f"{bielefeld_live}/massnahmen/{WLAN}/")
        section = page.get_by_role("region", name="Access Points")
        chart = section.get_by_role("img", name="Access Points, 01.07.2021 bis 01.07.2024")
        assert chart.is_visible()
        assert chart.bounding_box()["width"] <= 320
        # Its description is the summary a screen reader reads.
        described = chart.evaluate(
            "svg => svg.getAttribute('aria-labelledby').split(' ').map("
            "id => document.getElementById(id).textContent).join(' | ')"
        )
        assert "3 Werte vom 01.07.2021 bis 01.07.2024" in described
        # The line is drawn in the stylesheet's colour, not the browser's black fill.
        line = section.locator(".chart__line")
        assert line.evaluate("path => getComputedStyle(path).fill") == "none"
        table = page.get_by_role("table", name="Alle Werte: WLAN-Abdeckung")
        assert "(Einheit geändert)" in table.inner_text()
        assert len(page.get_by_role("region", name="WLAN-Abdeckung").get_by_role("img").all()) == 2
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
        assert_accessible(page)


def test_the_presentations_indicator_slide_is_accessible(page, bielefeld_live):
    wlan = Measure.objects.get(slug=WLAN)
    make_indicator(
        wlan,
        [("2022-07-01", 800), ("2024-07-01", 2420)],
        name="Access Points",
        unit=Unit.OTHER,
        unit_detail="Access Points",
        total=2500,
    )
    page.goto(f"{bielefeld_live}/praesentation/")
    page.keyboard.press("End")
    page.keyboard.press("ArrowLeft")  # the slide before the closing one
    slide = page.locator("#deck > section.slide:visible")
    assert slide.get_by_role("heading", level=2).text_content() == "Kennzahlen"
    chart = slide.get_by_role("img", name="Access Points, 01.07.2022 bis 01.07.2024")
    assert chart.is_visible()
    assert_accessible(page)
