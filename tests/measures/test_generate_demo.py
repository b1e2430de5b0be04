"""`manage.py generate_demo`: a large synthetic plan for benchmarks and query counts."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F
from django.utils import timezone

from measures.indicators import Indicator, Reading, Unit
from measures.models import FieldOfAction, Measure, Plan, Stage, Status
from measures.money import BudgetLine
from measures.rollout import RolloutState, SchoolRollout
from measures.targets import TargetKind
from schools.models import OperationKey, School
from tests.factories import make_school

pytestmark = pytest.mark.django_db


def generate(*args, **options) -> str:
    out = io.StringIO()
    call_command("generate_demo", *args, stdout=out, **options)
    return out.getvalue()


def snapshot(plan: Plan) -> list[tuple]:
    """What the seed decides, without primary keys and the slug prefix."""
    return [
        (
            m.field.title,
            m.position,
            m.title,
            m.slug.removeprefix(f"demo-{plan.pk}-"),
            m.status,
            m.target_kind,
            m.target_year,
            m.target_quarter,
            m.work_items,
            m.rollout_done,
            m.rollout_total,
            m.schools_done,
            m.schools_in_scope,
        )
        for m in Measure.objects.for_plan(plan).for_report(plan)
    ]


def test_creates_the_requested_numbers():
    output = generate(fields=3, measures=40, schools=12, seed=1)

    plan = Plan.objects.get()
    assert Plan.objects.current() == plan
    assert plan.authority == "Demo-Schulträger"
    assert plan.title.startswith("Demo-Medienentwicklungsplan")
    assert plan.as_of == timezone.localdate()
    assert plan.fields.count() == 3
    assert Measure.objects.for_plan(plan).count() == 40
    assert School.objects.count() == 12
    # Every tenth measure (1st, 11th, 21st, 31st) is tracked at every school.
    assert SchoolRollout.objects.count() == 4 * 12
    assert "3 Handlungsfelder, 40 Maßnahmen, 12 Schulen, 48 Umsetzungsstände" in output


def test_every_field_gets_measures_and_positions_run_per_field():
    generate(fields=8, measures=50, schools=3)
    for field in FieldOfAction.objects.all():
        positions = list(field.measures.values_list("position", flat=True))
        assert positions, field
        assert positions == list(range(1, len(positions) + 1))


def test_data_is_varied():
    generate(fields=4, measures=60, schools=30, seed=3)
    measures = list(Measure.objects.for_report(Plan.objects.get()))
    today = timezone.localdate()

    assert {m.status for m in measures} == {*Status.values, ""}
    assert {m.target_kind for m in measures} == {*TargetKind.values, ""}
    lines = BudgetLine.objects.filter(measure__in=measures)
    assert lines.values("measure").distinct().count() == 20  # every third of 60
    assert lines.filter(spent__lt=F("planned")).exists()
    assert not lines.filter(spent__gt=F("planned")).exists()
    dated = [m for m in measures if m.target and m.target.deadline]
    assert any(m.target.has_passed(today) for m in dated)
    assert any(not m.target.has_passed(today) for m in dated)
    assert any(m.is_overdue(today) for m in measures)
    assert any(m.work_item_list for m in measures)
    assert any(not m.work_item_list for m in measures)
    entered = [m for m in measures if m.rollout_total is not None]
    assert entered
    assert not any(m.tracks_schools for m in entered)
    assert {r.state for r in SchoolRollout.objects.all()} == set(RolloutState.values)
    assert School.objects.exclude(authority_number=Plan.objects.get().school_authority_number)
    assert {s.school_form for s in School.objects.all()} <= {"02", "04", "10", "15", "20"}
    assert len({s.district for s in School.objects.all()}) > 1


def test_objects_pass_full_clean():
    generate(fields=3, measures=40, schools=15, seed=5)
    plan = Plan.objects.get()
    plan.full_clean()
    for field in FieldOfAction.objects.all():
        field.full_clean()
    for measure in Measure.objects.all():
        measure.full_clean()
    for school in School.objects.all():
        school.full_clean()
    for rollout in SchoolRollout.objects.all()[:100]:
        rollout.full_clean()


def test_invariants_hold():
    generate(fields=5, measures=100, schools=40, seed=7)
    plan = Plan.objects.get()
    numbers = list(School.objects.values_list("school_number", flat=True))
    assert len(set(numbers)) == len(numbers)
    assert all(len(n) == 6 and n.isdigit() and int(n) >= 900000 for n in numbers)
    assert not SchoolRollout.objects.filter(state=RolloutState.DONE, date__isnull=True).exists()
    assert not SchoolRollout.objects.filter(date__gt=timezone.localdate()).exists()
    for measure in Measure.objects.for_report(plan):
        assert measure.slug.startswith(f"demo-{plan.pk}-")
        assert len(measure.slug) <= 120
        rollout = measure.rollout
        if rollout:
            assert 0 <= rollout.done <= rollout.total
        if measure.tracks_schools:
            # Per-school rows win over the entered numbers; the demo never has both.
            assert measure.rollout_total is None


def test_same_seed_same_plan_and_a_second_run_does_not_collide():
    generate(fields=3, measures=30, schools=10, seed=42)
    generate(fields=3, measures=30, schools=10, seed=42)
    first, second = Plan.objects.order_by("pk")
    # The first demo plan of an installation is public; a second does not replace it.
    assert Plan.objects.current() == first
    assert second.stage == Stage.DRAFT
    assert snapshot(first) == snapshot(second)
    # Globally unique measure slugs and school numbers, new schools for the second plan.
    assert Measure.objects.values("slug").distinct().count() == 60
    assert School.objects.count() == 20
    assert (
        School.objects.filter(rollouts__measure__field__plan=second)
        .filter(rollouts__measure__field__plan=first)
        .count()
        == 0
    )


def test_other_seed_other_plan():
    generate(fields=3, measures=30, schools=10, seed=1)
    generate(fields=3, measures=30, schools=10, seed=2)
    first, second = Plan.objects.order_by("pk")
    assert snapshot(first) != snapshot(second)


def test_leaves_real_schools_alone():
    real = make_school(school_number="123456")
    generate(fields=1, measures=10, schools=5)
    assert School.objects.count() == 6
    assert not real.rollouts.exists()
    assert School.objects.filter(school_number__gte="900000").count() == 5


def test_every_measure_has_indicators_of_rising_half_yearly_readings():
    generate(fields=2, measures=50, schools=20, seed=1)
    plan = Plan.objects.get()
    measures = list(Measure.objects.for_plan(plan).with_indicators())
    assert all(len(measure.indicator_list) == 3 for measure in measures)
    assert Reading.objects.count() == 50 * 3 * 10
    units = {i.unit for m in measures for i in m.indicator_list}
    assert units == set(Unit.values)
    today = timezone.localdate()
    for indicator in measures[1].indicator_list:
        values = [reading.value for reading in indicator.series]
        assert values == sorted(values)
        assert indicator.series[-1].date == today.replace(day=1)
        assert indicator.series[0].date.year in (today.year - 5, today.year - 4)
    # Schools are counted of the plan's schools, whole, and add to the report's sum.
    schools = Indicator.objects.filter(unit=Unit.SCHOOLS)
    assert schools.exists() and {i.total for i in schools} == {20}
    counting = [m for m in measures if any(i.unit == Unit.SCHOOLS for i in m.indicator_list)]
    assert counting and all(m.school_figures for m in counting)
    # Every 25th measure's percentage changes its base halfway.
    broken = [i for m in measures for i in m.indicator_list if len(i.segments) > 1]
    assert broken and all(i.unit == Unit.PERCENT for i in broken)


def test_a_demo_without_indicators():
    output = generate(fields=2, measures=5, schools=2, indicators=0)
    assert not Indicator.objects.exists()
    assert "0 Kennzahlen mit 0 Werten" in output


def test_command_line_arguments():
    generate("--fields", "2", "--measures", "12", "--schools", "3", "--seed", "9")
    assert FieldOfAction.objects.count() == 2
    assert Measure.objects.count() == 12
    assert School.objects.count() == 3


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"fields": 0}, "--fields muss eine positive ganze Zahl sein"),
        ({"measures": -5}, "--measures muss eine positive ganze Zahl sein"),
        ({"schools": "viele"}, "--schools muss eine positive ganze Zahl sein"),
        ({"schools": "1.5"}, "--schools muss eine positive ganze Zahl sein"),
        ({"fields": True}, "--fields muss eine positive ganze Zahl sein"),
        ({"seed": "x"}, "--seed muss eine ganze Zahl sein"),
        ({"fields": 1001}, "--fields darf höchstens 1000 sein"),
        ({"measures": "30001"}, "--measures darf höchstens 30000 sein"),
        ({"schools": 100001}, "--schools darf höchstens 100000 sein"),
        ({"indicators": -1}, "--indicators muss eine ganze Zahl ab 0 sein"),
        ({"indicators": 21}, "--indicators darf höchstens 20 sein"),
        ({"readings": 0}, "--readings muss eine positive ganze Zahl sein"),
    ],
)
def test_bad_arguments(options, message):
    with pytest.raises(CommandError, match=message):
        generate(**{"fields": 2, "measures": 5, "schools": 2, **options})
    assert not Plan.objects.exists()


def test_bad_argument_on_the_command_line():
    with pytest.raises(CommandError, match="--measures muss eine positive ganze Zahl sein"):
        generate("--measures", "0")
    assert not Plan.objects.exists()


def test_too_few_free_school_numbers_creates_nothing():
    make_school(school_number="999990")
    with pytest.raises(CommandError, match="nicht genug Schulnummern frei"):
        generate(fields=1, measures=5, schools=20)
    assert not Plan.objects.exists()
    assert School.objects.count() == 1


def test_tracked_spreads_that_many_measures_over_the_plan():
    generate(fields=4, measures=60, schools=5, tracked=50, seed=4)
    plan = Plan.objects.get()
    measures = list(Measure.objects.for_report(plan))
    tracked = [m for m in measures if m.tracks_schools]
    assert len(tracked) == 50
    assert SchoolRollout.objects.count() == 50 * 5
    # The others keep entered counts or none, never both kinds.
    assert all(m.rollout_total is None for m in tracked)
    assert any(m.rollout_total is not None for m in measures if not m.tracks_schools)


def test_tracked_every_measure():
    generate(fields=2, measures=7, schools=3, tracked=7)
    assert SchoolRollout.objects.count() == 7 * 3


def test_existing_schools_covers_every_school_in_operation():
    today = timezone.localdate()
    bielefeld = make_school(school_form="20")
    elsewhere = make_school(school_form="02", authority_number="10100")
    opening_later = make_school(
        operation_key=OperationKey.OPENING, opens_on=today + datetime.timedelta(days=30)
    )
    delisted = make_school(listed=False)

    output = generate("--existing-schools", "--measures", "20", "--tracked", "4")

    plan = Plan.objects.get()
    assert plan.school_authority_number == ""
    assert plan.school_forms == ""
    assert set(plan.schools(today)) == {bielefeld, elsewhere}
    assert School.objects.count() == 4  # no demo schools
    assert SchoolRollout.objects.count() == 4 * 2
    assert not opening_later.rollouts.exists()
    assert not delisted.rollouts.exists()
    for measure in Measure.objects.for_report(plan):
        if measure.tracks_schools:
            assert measure.rollout.total == 2
    assert "20 Maßnahmen, 2 Schulen, 8 Umsetzungsstände" in output


def test_existing_schools_needs_schools():
    with pytest.raises(CommandError, match="keine Schule in Betrieb"):
        generate(existing_schools=True, measures=5)
    assert not Plan.objects.exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"tracked": 0}, "--tracked muss eine positive ganze Zahl sein"),
        ({"tracked": 6}, "--tracked darf höchstens 5 sein"),
        ({"existing_schools": True}, "--schools und --existing-schools schließen sich aus"),
    ],
)
def test_bad_tracked_and_existing_schools_arguments(options, message):
    make_school()
    with pytest.raises(CommandError, match=message):
        generate(**{"fields": 2, "measures": 5, "schools": 2, **options})
    assert not Plan.objects.exists()


def test_a_demo_authority_at_its_own_host_stands_beside_bielefeld(bielefeld, client, settings):
    """issue 13: a newcomer sees two authorities side by side (runserver allows
    every *.localhost in debug)."""
    settings.ALLOWED_HOSTS = ["testserver", "demo.localhost"]
    out = io.StringIO()
    call_command(
        "generate_demo", "--measures=3", "--schools=2", "--host=demo.localhost", stdout=out
    )
    assert "Er ist der aktuelle Plan. Seine Seiten: http://demo.localhost:8000/" in out.getvalue()
    assert "Demo-Schulträger" in client.get("/", HTTP_HOST="demo.localhost").text
    assert bielefeld.authority in client.get("/").text
    with pytest.raises(CommandError, match="--host: Ein Hostname in Kleinbuchstaben"):
        call_command("generate_demo", "--measures=1", "--host=http://x", stdout=io.StringIO())
