"""Measure.timeline: one change of the per-school rollout is one entry, by its one moment."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from measures.rollout import RolloutState, SchoolRollout
from tests.factories import make_measure, make_school

pytestmark = pytest.mark.django_db


def _schools_entries(measure) -> list[tuple[str, str, str]]:
    return [
        (field.label, field.new, change.reason)
        for change in measure.timeline()
        for field in change.fields
    ]


def _move_records(school, moment: datetime.datetime) -> None:
    SchoolRollout.history.filter(school=school).update(history_date=moment)


def test_one_change_of_several_schools_is_one_entry():
    measure = make_measure()
    anna = User.objects.create_user("anna")
    first, second = make_school(name="Astraschule"), make_school(name="Brückenschule")
    SchoolRollout.objects.set_states(
        measure, dict.fromkeys([first, second], RolloutState.DONE), user=anna, reason="Abnahme"
    )
    assert _schools_entries(measure) == [("Astraschule, Brückenschule", "abgeschlossen", "Abnahme")]


def test_two_changes_in_the_same_minute_stay_two_entries():
    measure = make_measure()
    anna = User.objects.create_user("anna")
    first, second = make_school(name="Astraschule"), make_school(name="Brückenschule")
    for school in (first, second):  # the same person, reason and step, one after the other
        SchoolRollout.objects.set_states(
            measure, {school: RolloutState.DONE}, user=anna, reason="Abnahme"
        )
    minute = timezone.now().replace(second=0, microsecond=0)
    _move_records(first, minute + datetime.timedelta(seconds=10))
    _move_records(second, minute + datetime.timedelta(seconds=40))
    assert _schools_entries(measure) == [
        ("Brückenschule", "abgeschlossen", "Abnahme"),
        ("Astraschule", "abgeschlossen", "Abnahme"),
    ]
    dates = [change.date for change in measure.timeline()]
    assert dates == [minute + datetime.timedelta(seconds=s) for s in (40, 10)]
