import pytest
from django.db import IntegrityError, transaction

from measures.models import Measure
from measures.rollout import SchoolRollout
from tests.factories import make_measure, make_school


@pytest.mark.parametrize(
    "values",
    [
        {"target_kind": "quarter", "target_year": 2024, "target_quarter": None},
        {"target_kind": "quarter", "target_year": 2024, "target_quarter": 5},
        {"target_kind": "year", "target_year": None},
        {"target_kind": "year", "target_year": 2024, "target_quarter": 2},
        {"target_kind": "tbd", "target_year": 2024},
        {"target_kind": "", "target_year": 2024},
        {"rollout_done": 75, "rollout_total": 74},
        {"rollout_done": 5, "rollout_total": None},
        {"rollout_done": None, "rollout_total": 74},
        {"rollout_done": 0, "rollout_total": 0},
        {"target_kind": "year", "target_year": 1999},
        {"target_kind": "quarter", "target_year": 0, "target_quarter": 1},
        {"target_kind": "onwards", "target_year": 2101},
        # A half year is stored by the quarter it ends with: Q2 or Q4.
        {"target_kind": "half", "target_year": 2025, "target_quarter": 3},
        {"target_kind": "half", "target_year": 2025, "target_quarter": None},
        {"target_kind": "half_short", "target_year": 2025, "target_quarter": 1},
        {"target_kind": "half_short", "target_year": None, "target_quarter": 2},
        {"target_kind": "schoolyear", "target_year": 2025, "target_quarter": 3},
        {"target_kind": "until", "target_year": None},
        {"target_kind": "year_end", "target_year": 2101},
        {"target_kind": "irgendwann", "target_year": 2025},
        {"original_target_kind": "quarter", "original_target_year": 2024},
        {"status": "fertig"},
    ],
)
def test_database_refuses_inconsistent_measures(db, values):
    measure = make_measure()
    with pytest.raises(IntegrityError), transaction.atomic():
        Measure.objects.filter(pk=measure.pk).update(**values)


def test_full_clean_names_the_violation_in_german(db):
    measure = make_measure()
    measure.rollout_done, measure.rollout_total = 80, 74
    with pytest.raises(Exception, match="Gesamtzahl nicht überschreiten"):
        measure.full_clean()


def test_one_rollout_row_per_school_and_done_needs_a_date(db):
    measure, school = make_measure(), make_school()
    SchoolRollout.objects.create(measure=measure, school=school)
    with pytest.raises(IntegrityError), transaction.atomic():
        SchoolRollout.objects.create(measure=measure, school=school)
    with pytest.raises(IntegrityError), transaction.atomic():
        SchoolRollout.objects.create(measure=measure, school=make_school(), state="done")


def test_school_number_has_six_digits(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_school(school_number="12345")


def test_full_clean_refuses_a_year_the_pages_could_not_show(db):
    measure = make_measure()
    measure.target_kind, measure.target_year = "year", 1999
    with pytest.raises(Exception, match="unvollständig oder widersprüchlich"):
        measure.full_clean()
