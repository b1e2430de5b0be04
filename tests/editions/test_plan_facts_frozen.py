"""An edition keeps the plan's description and council decision (issue 12): its
page shows them as the live report does, and the decks' title page names the
decision. Bielefeld's plan file names none: its title page stays as it was."""

import datetime
import io

import pytest
from pptx import Presentation
from pypdf import PdfReader

from editions.decks import deck_pages, render_pdf, render_pptx
from editions.models import Edition
from editions.reports import build_snapshot, read_snapshot
from tests.factories import make_user

DAY = datetime.date(2025, 3, 1)


@pytest.fixture
def plan(bielefeld):
    bielefeld.description = "Wie die Schulen digital werden."
    bielefeld.decided_on = datetime.date(2023, 3, 16)
    bielefeld.decision_reference = "Drucksache 4420/2020-2025"
    bielefeld.save()
    return bielefeld


def test_the_snapshot_keeps_the_decision_and_the_decks_name_it(plan):
    snapshot = build_snapshot(plan, DAY)
    frozen, _fields, _measures = read_snapshot(snapshot)
    assert (frozen.description, frozen.decided_on, frozen.decision_reference) == (
        "Wie die Schulen digital werden.",
        datetime.date(2023, 3, 16),
        "Drucksache 4420/2020-2025",
    )
    decision = "Beschlossen am 16.03.2023 (Drucksache 4420/2020-2025)"
    assert deck_pages(snapshot, "Bericht", DAY)[0].cover.decision == decision
    pdf = PdfReader(io.BytesIO(render_pdf(snapshot, "Bericht", DAY)))
    assert "".join(decision.split()) in "".join(pdf.pages[0].extract_text().split())
    slide = next(iter(Presentation(io.BytesIO(render_pptx(snapshot, "Bericht", DAY))).slides))
    assert decision in " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)


def test_a_reference_without_a_date_and_none_at_all(plan, bielefeld):
    plan.decided_on = None
    plan.save()
    snapshot = build_snapshot(plan, DAY)
    assert (
        deck_pages(snapshot, "B", DAY)[0].cover.decision == "Beschluss: Drucksache 4420/2020-2025"
    )
    plan.decision_reference = ""
    plan.save()
    assert deck_pages(build_snapshot(plan, DAY), "B", DAY)[0].cover.decision == ""


def test_a_snapshot_from_before_has_no_decision(bielefeld):
    snapshot = build_snapshot(bielefeld, DAY)
    for key in ("description", "decided_on", "decision_reference"):
        del snapshot["plan"][key]
    frozen, _fields, _measures = read_snapshot(snapshot)
    assert (frozen.description, frozen.decided_on, frozen.decision_reference) == ("", None, "")


def test_the_edition_page_shows_what_the_plan_said_then(plan, client):
    today = datetime.date.today()
    Edition.publish(plan, user=make_user(), date=today, today=today, title="Bericht", slug="b")
    plan.description = "Später umgeschrieben."
    plan.save()
    page = client.get("/berichte/b/").content.decode()
    assert "Wie die Schulen digital werden." in page and "Später umgeschrieben." not in page
    assert 'Beschlossen am <time datetime="2023-03-16">16.03.2023</time>' in page
