"""Migrations 0024-0026 turn the one public plan into the current one, give every
plan its address and every measure its plan; 0027-0029 turn the excursus flag
into a school scope; 0031-0033 make each Schulträger a plan names an authority
owning its plans; all go back as they came."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from authorities.models import Authority
from measures.models import FieldOfAction, Measure, Plan, Scope, Stage

BEFORE = [("measures", "0023_percent_message")]
AFTER = None  # every app's latest, where the models of today read the tables


def _migrate(targets):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # see tests/project/test_model_moves.py
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=False)
def test_plans_become_generations_with_their_addresses():
    old = _migrate(BEFORE)
    OldPlan = old.get_model("measures", "Plan")
    OldField = old.get_model("measures", "FieldOfAction")
    OldMeasure = old.get_model("measures", "Measure")
    values = {"authority": "Stadt", "as_of": datetime.date(2024, 1, 1), "period_start": 2023}
    # Another Schulträger's plan first: the current plan's still gets the default address.
    other = OldPlan.objects.create(title="D", **{**values, "authority": "Kreis"})
    public = OldPlan.objects.create(title="A", period_end=2027, is_public=True, **values)
    twin = OldPlan.objects.create(title="B", period_end=2027, **values)
    open_end = OldPlan.objects.create(title="C", **values)
    measure = OldMeasure.objects.create(
        field=OldField.objects.create(plan=twin, title="F", slug="f"), title="M", slug="m"
    )
    # An excursus that concerned none of the plan's schools (migration 0028), with
    # a measure tracked per school at one school.
    excursus = OldField.objects.create(plan=twin, title="BK", slug="bk", for_plan_schools=False)
    tracked = OldMeasure.objects.create(field=excursus, title="T", slug="t")
    school = old.get_model("schools", "School").objects.create(
        school_number="812345", name="Schule", school_form="30"
    )
    old.get_model("measures", "SchoolRollout").objects.create(measure=tracked, school=school)

    _migrate(AFTER)

    plans = {plan.pk: plan for plan in Plan.objects.all()}
    assert (plans[public.pk].slug, plans[public.pk].stage) == ("2023-2027", Stage.CURRENT)
    assert (plans[twin.pk].slug, plans[twin.pk].stage) == ("2023-2027-2", Stage.DRAFT)
    assert (plans[open_end.pk].slug, plans[open_end.pk].stage) == ("ab-2023-2", Stage.DRAFT)
    assert Measure.objects.get(pk=measure.pk).plan_id == twin.pk
    excursus = FieldOfAction.objects.get(pk=excursus.pk)
    assert excursus.school_scope == Scope.LIST and not excursus.listed_schools.exists()
    tracked = Measure.objects.get(pk=tracked.pk)
    assert tracked.school_scope == Scope.LIST
    assert list(tracked.listed_schools.values_list("pk", flat=True)) == [school.pk]
    assert FieldOfAction.objects.get(slug="f").school_scope == Scope.PLAN
    # One authority per name, owning its plans.
    town, county = Authority.objects.get(name="Stadt"), Authority.objects.get(name="Kreis")
    assert {plan.pk for plan in town.plans.all()} == {public.pk, twin.pk, open_end.pk}
    assert [plan.pk for plan in county.plans.all()] == [other.pk]
    assert Authority.objects.serving("testserver").get() == town
    assert Plan.objects.of(town).current().pk == public.pk

    back = _migrate(BEFORE)
    assert not back.get_model("measures", "FieldOfAction").objects.get(slug="bk").for_plan_schools
    assert list(
        back.get_model("measures", "Plan")
        .objects.filter(is_public=True)
        .values_list("pk", flat=True)
    ) == [public.pk]
    assert back.get_model("measures", "Plan").objects.get(pk=other.pk).authority == "Kreis"
    _migrate(AFTER)
    assert Plan.objects.current().pk == public.pk
