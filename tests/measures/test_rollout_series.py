"""A measure's rollout over time (issue 12): the entered counts ("59/74") and,
once tracked per school, the ticks are a series in Schulen, read from the
history, with a chart and a table on the measure page."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from measures.models import Measure
from measures.rollout import RolloutState, SchoolRollout

SLUG = "digitale-schulplattform"


def _on(measure: Measure, day: datetime.date) -> None:
    """Date the measure's and its rows' newest records `day` (as if made then)."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    latest = measure.history.latest("history_date")
    measure.history.filter(history_id=latest.history_id).update(history_date=moment)


def _enter(measure: Measure, done: int, total: int, day: datetime.date) -> Measure:
    measure = Measure.objects.get(pk=measure.pk)
    measure.rollout_done, measure.rollout_total = done, total
    measure.save_new_version(user=None, reason="Gemeldet")
    _on(measure, day)
    return Measure.objects.get(pk=measure.pk)


def _points(measure: Measure) -> list[tuple[datetime.date, Decimal]]:
    measure = Measure.objects.get(pk=measure.pk)
    return [(reading.date, reading.value) for reading in measure.rollout_series().series]


@pytest.fixture
def measure(bielefeld) -> Measure:
    measure = Measure.objects.get(slug=SLUG)
    measure.history.update(history_date=timezone.make_aware(datetime.datetime(2024, 1, 10)))
    return measure


def test_entered_counts_become_a_series_by_day(measure, client):
    first = _points(measure)
    assert first and first[0][0] == datetime.date(2024, 1, 10)
    _enter(measure, 30, 76, datetime.date(2024, 6, 1))
    _enter(measure, 31, 76, datetime.date(2024, 6, 1))  # the day's last counts
    _enter(measure, 31, 76, datetime.date(2024, 9, 1))  # no change: no point
    measure = _enter(measure, 40, 76, datetime.date(2025, 2, 1))
    assert _points(measure)[1:] == [
        (datetime.date(2024, 6, 1), Decimal(31)),
        (datetime.date(2025, 2, 1), Decimal(40)),
    ]
    series = measure.rollout_series()
    assert series.target_value == 76 and series.current.text == "40\xa0Schulen"
    page = client.get(f"/massnahmen/{SLUG}/").content.decode()
    assert "Schulen mit abgeschlossener Umsetzung" in page
    assert 'id="chart-rollout-1-title"' in page
    assert "01.02.2025" in page and "40\xa0Schulen" in page


def test_after_the_switch_the_ticks_follow_the_entered_count_once_they_reach_it(measure):
    measure = _enter(measure, 2, 76, datetime.date(2024, 6, 1))
    user = User.objects.create_user("ada")
    SchoolRollout.objects.start_tracking(measure, user=user, reason="Pro Schule")
    _on(Measure.objects.get(pk=measure.pk), datetime.date(2024, 7, 1))
    schools = list(measure.schools(timezone.localdate()).order_by("pk")[:3])
    SchoolRollout.objects.set_states(
        measure, {schools[0]: RolloutState.DONE}, user=user, reason="eine"
    )
    # One tick, below the two reported: the reported count stands.
    assert [value for _day, value in _points(measure)][-1] == 2
    SchoolRollout.objects.set_states(
        measure, dict.fromkeys(schools, RolloutState.DONE), user=user, reason="drei"
    )
    assert [value for _day, value in _points(measure)][-1] == 3
    assert Measure.objects.for_report(measure.field.plan).get(pk=measure.pk).rollout.done == 3


def test_a_measure_without_rollout_has_no_series(bielefeld, client):
    measure = Measure.objects.filter(rollout_total__isnull=True).first()
    assert measure.rollout_series() is None
    page = client.get(measure.get_absolute_url()).content.decode()
    assert "Schulen mit abgeschlossener Umsetzung" not in page
