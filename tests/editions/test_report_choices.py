"""What the reports show of a measure, by an administrator's choice (issue 12):
an indicator can be left off the decks' "Kennzahlen" slides (a large plan need
not have one for every count), and a measure's rollout over time can go into
every new edition and onto the slides. Neither is chosen in Bielefeld's plan, so
its snapshot and deck stay exactly as they were."""

import datetime

import pytest
from django.utils import timezone, translation

from editions.decks import PageKind, deck_pages
from editions.models import Edition
from editions.reports import Frozen, build_snapshot
from measures.indicators import Unit
from measures.models import Measure, Plan
from tests.factories import make_indicator, make_user

SLUG = "digitale-schulplattform"
NAME = "Schulen mit abgeschlossener Umsetzung"


def _moved_to(measure: Measure, day: datetime.date) -> None:
    """Date the measure's newest history record `day` (as if changed then)."""
    latest = measure.history.latest("history_date")
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    measure.history.filter(history_id=latest.history_id).update(history_date=moment)


def _report(measure: Measure, done: int, day: datetime.date) -> None:
    measure = Measure.objects.get(pk=measure.pk)
    measure.rollout_done = done
    measure.save_new_version(user=None, reason="Gemeldet")
    _moved_to(measure, day)


@pytest.fixture
def course(bielefeld) -> Measure:
    """The platform's rollout reported three times, its course chosen for the reports."""
    measure = Measure.objects.get(slug=SLUG)
    measure.rollout_in_deck = True
    measure.save()
    measure.history.update(history_date=timezone.make_aware(datetime.datetime(2024, 1, 10)))
    _report(measure, measure.rollout_done + 5, datetime.date(2024, 6, 1))
    _report(measure, measure.rollout_done + 9, datetime.date(2025, 2, 1))
    return Measure.objects.get(pk=measure.pk)


@pytest.fixture
def editor(db):
    return make_user(permissions=["publish_edition"])


def _frozen(snapshot: dict):
    return {measure.slug: measure for measure in Frozen.of(snapshot).measures}


# What a snapshot held of each measure before these choices: Bielefeld's still
# holds exactly this (it has no indicator, and no course is chosen).
MEASURE_KEYS = {
    *("id", "title", "slug", "description", "work_items", "status", "target"),
    *("original_target", "postponements", "overdue", "responsible", "rollout"),
    *("rollout_ticked", "tracked", "schools", "indicators", "budget"),
}


def test_bielefelds_snapshot_holds_what_it_held(bielefeld):
    snapshot = build_snapshot(bielefeld, timezone.localdate())
    rows = [m for f in snapshot["fields"] for m in f["measures"]]
    assert rows and all(set(row) == MEASURE_KEYS and not row["indicators"] for row in rows)


def test_the_course_is_frozen_up_to_the_editions_day(course):
    plan = course.field.plan
    now = _frozen(build_snapshot(plan, timezone.localdate()))[SLUG].rollout_series
    assert now.name == NAME and now.unit == Unit.SCHOOLS
    assert [reading.date for reading in now.series] == [
        datetime.date(2024, 1, 10),
        datetime.date(2024, 6, 1),
        datetime.date(2025, 2, 1),
    ]
    assert now.current.value == course.rollout_done
    # A Stand before the last report: the course up to then, its last point the
    # snapshot's own figure (a snapshot has the data of the day it is taken).
    then = _frozen(build_snapshot(plan, datetime.date(2024, 7, 1)))[SLUG].rollout_series
    assert [(reading.date, reading.value) for reading in then.series[1:]] == [
        (datetime.date(2024, 6, 1), now.series[1].value),
        (datetime.date(2024, 7, 1), course.rollout_done),
    ]


def test_the_course_is_on_the_edition_page_and_a_slide(course, editor, client):
    plan = course.field.plan
    today = timezone.localdate()
    edition = Edition.publish(plan, user=editor, date=today, today=today, title="B", slug="b")
    page = client.get("/berichte/b/").content.decode()
    assert 'id="kennzahlen"' in page and NAME in page
    assert f"{course.rollout_done}\xa0Schulen" in page
    pages = deck_pages(edition.snapshot, "B", today)
    [slide] = [page for page in pages if page.kind == PageKind.INDICATORS]
    [tile] = slide.indicators
    assert tile.indicator.name == NAME and tile.measure_title == course.title
    assert len(tile.chart.points) == 3
    # Read in English, a frozen course is named in English.
    with translation.override("en"):
        assert _frozen(edition.snapshot)[SLUG].rollout_series.name != NAME
    client.cookies["django_language"] = "en"
    # In the reader's language, and marked so for screen readers.
    assert 'lang="en">Schools where it is done</h4>' in client.get("/berichte/b/").content.decode()


def test_an_indicator_left_off_the_slides_stays_on_the_pages(bielefeld, editor, client):
    measure = Measure.objects.get(slug=SLUG)
    make_indicator(measure, [("2024-07-01", 10), ("2025-07-01", 12)], name="Lizenzen gezählt")
    make_indicator(measure, [("2024-07-01", 3)], name="Serverräume", unit=Unit.ROOMS, in_deck=False)
    today = timezone.localdate()
    edition = Edition.publish(bielefeld, user=editor, date=today, today=today, title="B", slug="b")
    pages = deck_pages(edition.snapshot, "B", today)
    names = [tile.indicator.name for page in pages for tile in page.indicators]
    assert names == ["Lizenzen gezählt"]
    assert "Serverräume" in client.get("/berichte/b/").content.decode()
    assert "Serverräume" in client.get(f"/massnahmen/{SLUG}/").content.decode()


def test_an_older_snapshot_shows_every_indicator_on_the_slides(bielefeld):
    measure = Measure.objects.get(slug=SLUG)
    make_indicator(measure, [("2024-07-01", 3)], name="Serverräume", unit=Unit.ROOMS)
    snapshot = build_snapshot(bielefeld, timezone.localdate())
    for field in snapshot["fields"]:
        for row in field["measures"]:
            for indicator in row["indicators"]:
                del indicator["in_deck"]  # as written before the choice
    pages = deck_pages(snapshot, "B", timezone.localdate())
    assert [tile.indicator.name for page in pages for tile in page.indicators] == ["Serverräume"]


def test_the_courses_of_many_measures_cost_two_queries(course, django_assert_num_queries):
    plan_id, today = course.field.plan_id, timezone.localdate()
    plan = Plan.objects.select_related("owner").get(pk=plan_id)  # as the pages have it
    # The snapshot's own seven (no indicator, so no readings) and two for the courses.
    with django_assert_num_queries(9):
        build_snapshot(plan, today)
    Measure.objects.filter(plan_id=plan_id).update(rollout_in_deck=True)
    other = Measure.objects.filter(plan_id=plan_id, rollout_done__gt=0).exclude(pk=course.pk)[0]
    other.history.update(history_date=timezone.make_aware(datetime.datetime(2024, 1, 10)))
    _report(other, other.rollout_done - 1, today)
    plan = Plan.objects.select_related("owner").get(pk=plan_id)
    with django_assert_num_queries(9):
        snapshot = build_snapshot(plan, today)
    assert {slug for slug, m in _frozen(snapshot).items() if m.rollout_series} == {
        course.slug,
        other.slug,
    }
