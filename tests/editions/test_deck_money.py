"""Money in editions, decks and the comparison (issue 12): an edition freezes the
plan's volume and every budget line, sums them as the live report does, shows
them on its page and on a "Finanzen" page of its decks, and the comparison says
how a measure's budget changed. Bielefeld's plan names no money: no such page."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone
from pptx import Presentation
from pypdf import PdfReader

from editions.decks import PageKind, change_groups, deck_pages, render_pdf, render_pptx
from editions.models import Edition
from editions.reports import build_snapshot, compare, frozen_budget
from measures.models import Measure
from measures.money import BudgetLine, FundingSource, PlanBudget

DAY = datetime.date(2025, 3, 1)
TITLE = "Bericht"
WLAN = "flaechendeckendes-wlan"


def squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def plan(bielefeld):
    bielefeld.total_budget = Decimal("22900000")
    bielefeld.save()
    wlan = Measure.objects.get(slug=WLAN)
    BudgetLine.objects.create(
        measure=wlan, source=FundingSource.DIGITALPAKT, planned=2520000, spent=2000000
    )
    BudgetLine.objects.create(
        measure=wlan, source=FundingSource.MUNICIPAL, year=2024, planned=280000, spent="99999.99"
    )
    return bielefeld


def test_an_edition_sums_its_money_as_the_live_report_does(plan):
    snapshot = build_snapshot(plan, DAY)
    assert frozen_budget(snapshot) == PlanBudget.of(plan)
    BudgetLine.objects.filter(source=FundingSource.DIGITALPAKT).update(spent=2520000)
    assert frozen_budget(snapshot).total.spent == Decimal("2099999.99")
    assert "entered_by" not in str(snapshot)


def test_a_snapshot_from_before_money_has_none(bielefeld):
    snapshot = build_snapshot(bielefeld, DAY)
    del snapshot["plan"]["total_budget"]
    for field in snapshot["fields"]:
        for measure in field["measures"]:
            del measure["budget"]
    assert frozen_budget(snapshot) is None
    assert PageKind.BUDGET not in {p.kind for p in deck_pages(snapshot, TITLE, DAY)}


def test_the_decks_have_a_money_page_after_the_overview(plan):
    snapshot = build_snapshot(plan, DAY)
    pages = deck_pages(snapshot, TITLE, DAY)
    assert [p.kind for p in pages[:3]] == [PageKind.TITLE, PageKind.OVERVIEW, PageKind.BUDGET]
    pdf = PdfReader(io.BytesIO(render_pdf(snapshot, TITLE, DAY)))
    assert len(pdf.pages) == len(pages)
    text = squeeze(pdf.pages[2].extract_text())
    for expected in [
        "Finanzen",
        "Gesamtvolumen des Plans",
        "22.900.000,00 €",
        "Technische Infrastruktur",
        "DigitalPakt Schule",
        "2.800.000,00 €",
        "2.099.999,99 €",
    ]:
        assert squeeze(expected) in text, expected

    slide = list(Presentation(io.BytesIO(render_pptx(snapshot, TITLE, DAY))).slides)[2]
    assert slide.shapes.title.text_frame.text == "Finanzen"
    by_field, by_source = [shape.table for shape in slide.shapes if shape.has_table]
    rows = [[cell.text for cell in row.cells] for row in by_source.rows]
    assert rows == [
        ["Finanzierung", "Geplant", "Ausgegeben"],
        ["DigitalPakt Schule", "2.520.000,00\u00a0€", "2.000.000,00\u00a0€"],
        ["Städtischer Haushalt", "280.000,00\u00a0€", "99.999,99\u00a0€"],
        ["Summe", "2.800.000,00\u00a0€", "2.099.999,99\u00a0€"],
    ]
    assert [cell.text for cell in by_field.rows[1].cells][0] == "Technische Infrastruktur"


def test_bielefelds_deck_has_no_money_page(bielefeld):
    pages = deck_pages(build_snapshot(bielefeld, DAY), TITLE, DAY)
    assert PageKind.BUDGET not in {page.kind for page in pages}


def test_the_comparison_says_how_a_budget_changed(plan, client):
    publisher = User.objects.create_user("petra")
    publisher.user_permissions.add(Permission.objects.get(codename="publish_edition"))
    today = timezone.localdate()
    Edition.publish(plan, user=publisher, date=today, today=today, title="Bericht", slug="b")
    old = Edition.objects.get().snapshot
    BudgetLine.objects.filter(source=FundingSource.MUNICIPAL).update(planned=480000, spent=120000)

    [diff] = compare(old, build_snapshot(plan, today)).changed
    expected = (
        "Budget: geplant 2.800.000,00\u00a0€ → 3.000.000,00\u00a0€, "
        "ausgegeben 2.099.999,99\u00a0€ → 2.120.000,00\u00a0€"
    )
    assert "Budget: " + diff.budget_text == expected
    [group] = change_groups(compare(old, build_snapshot(plan, today)))
    assert group.entries[0].changes == expected

    page = client.get("/berichte/vergleich/").content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"</?span[^>]*>", "", page)))
    assert expected.replace("\u00a0", " ") in text
    # The edition's own page shows the money as it was.
    edition_page = client.get("/berichte/b/").content.decode()
    assert "Finanzen</h2>" in edition_page and "2.800.000,00\u00a0€" in edition_page
    assert "3.000.000,00" not in edition_page
