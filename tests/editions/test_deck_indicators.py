"""Indicators in the decks (issue 12): "Kennzahlen" pages after the fields of
action, four indicators to a page, each with its current value and a chart of
its readings in the current unit: an SVG in the PDF and the presentation, a
native line chart with the summary as its alternative text in the PowerPoint.
A plan without indicators (Bielefeld's) gets no such page."""

import datetime
import io

import pytest
from pptx import Presentation
from pypdf import PdfReader

from editions.decks import PageKind, deck_pages, render_pdf, render_pptx
from editions.reports import build_snapshot
from measures.indicators import Unit
from measures.models import Measure
from tests.factories import make_indicator

DAY = datetime.date(2025, 3, 1)
TITLE = "Bericht"


def squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def snapshot(bielefeld):
    wlan = Measure.objects.get(slug="flaechendeckendes-wlan")
    make_indicator(
        wlan,
        [("2022-07-01", 800), ("2023-07-01", 1500), ("2024-07-01", 2420)],
        name="Access Points",
        unit=Unit.OTHER,
        unit_detail="Access Points",
        total=2500,
        target_value=2500,
    )
    for n in range(3):
        make_indicator(wlan, [("2024-07-01", 10 + n)], name=f"Serverräume {n}", unit=Unit.ROOMS)
    make_indicator(wlan, name="IT-Stellen", unit=Unit.POSTS, target_value=13)
    return build_snapshot(bielefeld, DAY)


def test_five_indicators_get_two_pages_before_the_closing_one(snapshot):
    pages = deck_pages(snapshot, TITLE, DAY)
    kinds = [page.kind for page in pages]
    assert kinds[-3:] == [PageKind.INDICATORS, PageKind.INDICATORS, PageKind.CLOSING]
    first, second = pages[-3], pages[-2]
    assert first.title == "Kennzahlen (Teil 1 von 2)"
    assert [tile.indicator.name for tile in first.indicators + second.indicators] == [
        "Access Points",
        "Serverräume 0",
        "Serverräume 1",
        "Serverräume 2",
        "IT-Stellen",
    ]
    access_points = first.indicators[0]
    assert access_points.value == "2.420 von 2.500\u00a0Access Points (Stand 01.07.2024)"
    assert access_points.target == "Ziel: 2.500\u00a0Access Points."
    assert len(access_points.chart.points) == 3
    # A single value is a number, not a chart; no value yet says so.
    assert first.indicators[1].chart is None
    assert second.indicators[-1].value == "Noch kein Wert erfasst"


def test_bielefelds_deck_has_no_indicator_page(bielefeld):
    pages = deck_pages(build_snapshot(bielefeld, DAY), TITLE, DAY)
    assert PageKind.INDICATORS not in {page.kind for page in pages}


def test_the_pdf_draws_the_chart_and_says_its_values(snapshot):
    pages = deck_pages(snapshot, TITLE, DAY)
    pdf = PdfReader(io.BytesIO(render_pdf(snapshot, TITLE, DAY)))
    assert len(pdf.pages) == len(pages)
    text = squeeze(pdf.pages[len(pages) - 3].extract_text())
    for expected in ["Kennzahlen", "Access Points", "Flächendeckendes WLAN", "2.420 von 2.500"]:
        assert squeeze(expected) in text
    # The chart's labels are text in the PDF, not a picture of text.
    assert squeeze("Ziel 2.500") in text and "2022" in text


def test_the_powerpoint_has_a_native_chart_described_by_its_summary(snapshot):
    pages = deck_pages(snapshot, TITLE, DAY)
    data = render_pptx(snapshot, TITLE, DAY)
    assert data == render_pptx(snapshot, TITLE, DAY)  # the same bytes, whenever rendered
    slide = list(Presentation(io.BytesIO(data)).slides)[len(pages) - 3]
    [frame] = [shape for shape in slide.shapes if shape.has_chart]
    chart = frame.chart
    assert list(chart.plots[0].categories) == ["01.07.2022", "01.07.2023", "01.07.2024"]
    assert list(chart.plots[0].series[0].values) == [800.0, 1500.0, 2420.0]
    assert chart.value_axis.minimum_scale == 0 and chart.value_axis.maximum_scale == 3000
    description = frame._element.nvGraphicFramePr.cNvPr.get("descr")
    assert description.startswith("3 Werte vom 01.07.2022 bis 01.07.2024: von 800 auf 2.420")
    text = squeeze(" ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame))
    assert squeeze("2.420 von 2.500\u00a0Access Points (Stand 01.07.2024)") in text


def test_the_presentation_shows_the_charts(snapshot, client):
    page = client.get("/praesentation/").content.decode()
    assert page.count('<section class="slide slide--indicators"') == 2
    assert page.count('<svg class="chart__drawing"') == 1
    assert 'role="img"' in page and "Access Points, 01.07.2022 bis 01.07.2024</title>" in page
