"""The summing rule (issue 12): "Umsetzung an Schulen" adds schools only.

A measure's rollout ("59/74") and each indicator counted in Schulen of a total
add to it; devices, percentages, euros and own units never do, nor a Schulen
indicator without a total, nor one whose latest value was taken in another unit.
The live page, an edition's snapshot and the deck's overview use the same rule.
"""

import datetime
import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from editions import decks
from editions.reports import build_snapshot, frozen_report
from measures.indicators import Indicator, Reading, Unit
from measures.models import Measure, ProgressReport
from tests.factories import make_field, make_indicator, make_measure, make_plan

PUPILS = "der Schülerinnen und Schüler"


@pytest.fixture
def plan(db):
    plan = make_plan()
    field = make_field(plan)
    # 59 of 74 schools, entered as a count.
    make_measure(field, rollout_done=59, rollout_total=74)
    glasfaser = make_measure(field)
    make_indicator(
        glasfaser,
        [("2023-07-01", 4), ("2024-07-01", 10)],
        name="Schulen mit Glasfaser",
        unit=Unit.SCHOOLS,
        total=20,
    )
    # None of these is a count of schools of a total: none is added.
    tablets = make_measure(field)
    make_indicator(tablets, [("2023-12-31", 16000)], name="Tablets", unit=Unit.DEVICES, total=20000)
    make_indicator(
        tablets, [("2024-07-01", 93)], name="WLAN", unit=Unit.PERCENT, unit_detail=PUPILS
    )
    make_indicator(tablets, [("2024-07-01", 2800000)], name="Ausgaben", unit=Unit.EURO)
    make_indicator(tablets, [("2024-07-01", 30)], name="Schulen ohne Gesamtzahl", unit=Unit.SCHOOLS)
    make_indicator(tablets, name="Schulen ohne Wert", unit=Unit.SCHOOLS, total=74)
    changed = make_indicator(
        tablets, [("2023-07-01", 40)], name="Einheit geändert", unit=Unit.SCHOOLS, total=74
    )
    Reading.objects.create(
        indicator=changed, date="2024-07-01", value=60, unit=Unit.PERCENT, unit_detail=PUPILS
    )
    return plan


def live_report(plan) -> ProgressReport:
    measures = list(Measure.objects.for_plan(plan).for_report(plan).with_school_indicators())
    return ProgressReport.build(plan, list(plan.fields.all()), measures, timezone.localdate())


def test_only_schools_of_a_total_are_added(plan):
    report = live_report(plan)
    assert (report.rollout.done, report.rollout.total) == (59 + 10, 74 + 20)
    assert report.rollout_measure_count == 2


def test_the_report_page_says_the_sum(plan, client):
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get("/").text)))
    assert "Umsetzung an Schulen (2 Maßnahmen) 69 von 94 abgeschlossen (73\xa0%)" in text


def test_an_edition_sums_as_the_live_page_did(plan):
    snapshot = build_snapshot(plan, timezone.localdate())
    frozen = frozen_report(snapshot)
    live = live_report(plan)
    assert frozen.rollout == live.rollout
    assert frozen.rollout_measure_count == live.rollout_measure_count == 2
    # The deck's overview reads the same report.
    tiles = [label for row in decks.overview_tiles(frozen) for label, _, _ in row]
    assert "Umsetzung an Schulen (2 Maßnahmen)" in tiles
    # Editions never carry who entered a value.
    assert "entered_by" not in str(snapshot)


def test_an_edition_keeps_its_indicators_when_they_change_later(plan):
    snapshot = build_snapshot(plan, datetime.date(2024, 8, 1))
    Reading.objects.filter(indicator__name="Schulen mit Glasfaser").update(value=20)
    Indicator.objects.filter(name="Schulen mit Glasfaser").update(total=40)
    assert frozen_report(snapshot).rollout.done == 69
    assert live_report(plan).rollout.done == 59 + 20


def test_a_snapshot_from_before_indicators_still_reads(plan):
    snapshot = build_snapshot(plan, timezone.localdate())
    for field in snapshot["fields"]:
        for measure in field["measures"]:
            del measure["indicators"]
    assert (frozen_report(snapshot).rollout.done, frozen_report(snapshot).rollout.total) == (59, 74)


@pytest.mark.parametrize("field", ["baseline", "target_value", "total"])
def test_a_fraction_of_a_school_is_refused(plan, field):
    indicator = Indicator(
        measure=Measure.objects.first(), name="Schulen", unit=Unit.SCHOOLS, **{field: "12.5"}
    )
    with pytest.raises(ValidationError) as refused:
        indicator.full_clean()
    assert refused.value.message_dict[field] == [
        "Schulen werden ganz gezählt: bitte eine ganze Zahl."
    ]


def test_a_fractional_reading_of_schools_is_refused_but_not_of_posts(plan):
    schools = Indicator.objects.get(name="Schulen mit Glasfaser")
    with pytest.raises(ValidationError) as refused:
        Reading(indicator=schools, date=datetime.date(2025, 7, 1), value="10.5").full_clean()
    assert "value" in refused.value.message_dict
    posts = make_indicator(Measure.objects.first(), name="IT-Manager", unit=Unit.POSTS)
    Reading(indicator=posts, date=datetime.date(2025, 7, 1), value="12.5").full_clean()
