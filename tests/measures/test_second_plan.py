"""A second, realistic plan (tests/data/musterhausen.toml) uses every feature of the
plan file: it loads, loads again without a change, and every public page and deck
shows it (issue 12)."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from pypdf import PdfReader

from editions.decks import PageKind, deck_pages, render_pdf
from editions.reports import build_snapshot
from measures.importers import load_plan_file
from measures.indicators import Indicator, Reading, Unit
from measures.models import Measure, Plan, Scope, Stage, Status
from measures.money import BudgetLine, FundingSource
from measures.targets import TargetKind

PLAN_FILE = Path(settings.BASE_DIR) / "tests" / "data" / "musterhausen.toml"
EARLIER_FILE = PLAN_FILE.with_name("musterhausen-2012.toml")


@pytest.fixture
def plan(db) -> Plan:
    """As an authority starts: the earlier plan, then the current one, made current."""
    load_plan_file(EARLIER_FILE)
    load_plan_file(PLAN_FILE)
    plan = Plan.objects.get(slug="ab-2021")
    plan.make_current(user=None, reason="Vom Rat beschlossen")
    return plan


def test_it_uses_every_feature_of_the_format(plan):
    measures = list(Measure.objects.for_plan(plan))
    assert plan.period == "ab 2021" and plan.decision_reference and plan.description
    assert plan.total_budget is not None and plan.school_form_codes == ["02", "10", "15", "20"]
    assert {m.status for m in measures} == {*Status.values, ""}
    assert {m.target_kind for m in measures if m.target_kind} == set(TargetKind.values)
    assert {line.source for line in BudgetLine.objects.all()} == set(FundingSource.values)
    assert {i.unit for i in Indicator.objects.all()} == set(Unit.values)
    wlan = Measure.objects.get(plan=plan, slug="wlan")
    assert wlan.continues.plan.slug == "2012-2020" and wlan.continues.slug == "netzanbindung"
    assert Plan.objects.get(slug="2012-2020").stage == Stage.EARLIER
    berufskollegs = plan.fields.get(slug="berufskollegs")
    assert (berufskollegs.school_scope, berufskollegs.school_forms) == (Scope.FORMS, "30")
    coverage = Indicator.objects.get(name="WLAN-Abdeckung")
    assert len(coverage.segments) == 2
    assert Reading.objects.exclude(source="").exists()


def test_loading_it_again_with_reset_changes_nothing(plan):
    records = (Measure.history.count(), Reading.history.count(), BudgetLine.history.count())
    stats = load_plan_file(PLAN_FILE, reset=True)
    assert stats["changed"] == 0
    assert (Measure.history.count(), Reading.history.count(), BudgetLine.history.count()) == records


def test_its_pages_and_decks_show_it(plan, client):
    report = client.get("/")
    assert report.status_code == 200
    # Three entered rollouts and one indicator in Schulen of 31 each, nothing else;
    # the indicator's measure (WLAN) has a rollout too: three measures.
    assert "Umsetzung an Schulen (3 Maßnahmen)" in report.text
    assert "106 von 124 abgeschlossen" in report.text
    wlan = client.get("/massnahmen/wlan/")
    assert wlan.status_code == 200
    # Access Points, Schulen, and the coverage in two units: four charts.
    assert wlan.text.count('<svg class="chart__drawing"') == 4
    assert "Einheit geändert" in wlan.text
    assert 'href="/plaene/2012-2020/massnahmen/netzanbindung/"' in wlan.text
    earlier = client.get("/plaene/2012-2020/massnahmen/netzanbindung/")
    assert "Fortgesetzt durch" in earlier.text and 'href="/massnahmen/wlan/"' in earlier.text
    assert client.get("/massnahmen/medienecken/").status_code == 302  # the earlier plan's
    assert client.get("/massnahmen/medienkompetenz/").status_code == 200
    assert client.get("/praesentation/").status_code == 200

    snapshot = build_snapshot(plan, plan.as_of)
    pages = deck_pages(snapshot, "Bericht", plan.as_of)
    kinds = [page.kind for page in pages]
    # Nine indicators, one of them left off the slides: eight, four to a page.
    assert PageKind.BUDGET in kinds and kinds.count(PageKind.INDICATORS) == 2
    on_slides = [tile.indicator.name for page in pages for tile in page.indicators]
    assert len(on_slides) == 8 and "Ausgaben für den Support bisher" not in on_slides
    pdf = PdfReader(io.BytesIO(render_pdf(snapshot, "Bericht", plan.as_of)))
    assert len(pdf.pages) == len(pages)
    title = "".join(pdf.pages[0].extract_text().split())
    assert "BeschlossenamDrucksache" not in title and "Drucksache0815/2020-2025" in title
