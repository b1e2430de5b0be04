"""The public pages cost a fixed number of SQL queries, however large the plan.

The same tests run against the Bielefeld plan (13 measures, no schools) and a
`generate_demo` plan (500 measures, 400 schools, 20 000 per-school rows, 1 500
indicators of 10 readings each): the report needs the plan, its fields, its
measures with their per-school counts and the indicators counting schools, with
their readings (one query each); the detail page the measure with its counts and
its indicators with their readings, plus, for a measure tracked per school, its
counts per district and a page of the chosen district's schools.
"""

import html
import io
import re

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from measures.models import Measure, Plan, Status
from measures.rollout import RolloutState, SchoolRollout
from schools.models import School
from tests.factories import make_indicator, make_school

# Plan.objects.current(), plan.fields, Measure.objects...for_report() and the
# indicators counting schools (for "Umsetzung an Schulen"); the whole page also
# the budget lines summed per field and source (PlanBudget.of).
REPORT_HTMX_QUERIES = 4
REPORT_QUERIES = REPORT_HTMX_QUERIES + 1
# ... plus the readings of those indicators, however many, where there are any.
REPORT_WITH_SCHOOL_INDICATORS_QUERIES = REPORT_QUERIES + 1
# The current plan; the measure with field and per-school counts; its budget
# lines; its indicators; its history and its per-school rows' history for the
# timeline. A measure with an entered count ("59/74") needs no more.
DETAIL_QUERIES = 6
# ... plus the readings of all its indicators, however many.
DETAIL_WITH_INDICATORS_QUERIES = DETAIL_QUERIES + 1
# ... plus the counts per district and the placed schools for its map, for a
# measure tracked per school.
DETAIL_WITH_ROLLOUT_QUERIES = DETAIL_QUERIES + 2
# ... plus the paginator's count and a page of the schools of the district
# chosen with ?bezirk=.
DETAIL_WITH_DISTRICT_QUERIES = DETAIL_WITH_ROLLOUT_QUERIES + 2

DEMO = {"fields": 8, "measures": 500, "schools": 400, "seed": 1}

CARD = '<article class="measure-card'
TABLE_ROW = '<tr class="kern-table__row">'


def rollout_rows(html: str) -> int:
    """Table rows of a measure page but those of its indicators and its budget (the
    demo costs some measures and gives every one indicators)."""
    indicators = html.partition('id="kennzahlen"')[2].partition("<h2")[0]
    budget = html.partition("Budget nach Finanzierung</caption>")[2].partition("</table>")[0]
    return html.count(TABLE_ROW) - indicators.count(TABLE_ROW) - budget.count(TABLE_ROW)


def filters(plan: Plan) -> dict:
    return {"feld": plan.fields.first().slug, "status": "in_progress", "ueberfaellig": "on"}


def expected_titles(plan: Plan, **criteria) -> list[str]:
    criteria = {"statuses": set(), "field_slug": "", "overdue_only": False, **criteria}
    today = timezone.localdate()
    return [
        m.title
        for m in Measure.objects.for_plan(plan).for_report(plan)
        if m.matches(**criteria, today=today)
    ]


def shown_titles(page: str) -> list[str]:
    titles = re.findall(r'<h3 class="measure-card__title"[^>]*><a [^>]*>([^<]*)</a>', page)
    return [html.unescape(title) for title in titles]


class ReportQueries:
    """The query counts of `/`; subclasses provide the `plan` fixture and say in
    `readings` whether its measures have indicators (1: their readings' query)."""

    readings = 0

    def test_report(self, plan, client, django_assert_num_queries):
        with django_assert_num_queries(REPORT_QUERIES + self.readings):
            response = client.get("/")
        assert response.status_code == 200
        assert shown_titles(response.text) == expected_titles(plan)

    def test_report_filtered(self, plan, client, django_assert_num_queries):
        query = filters(plan)
        with django_assert_num_queries(REPORT_QUERIES + self.readings):
            response = client.get("/", query)
        assert response.status_code == 200
        assert response.context["form"].is_filtering
        assert shown_titles(response.text) == expected_titles(
            plan, statuses={Status.IN_PROGRESS}, field_slug=query["feld"], overdue_only=True
        )

    def test_report_htmx(self, plan, client, django_assert_num_queries):
        query = filters(plan)
        with django_assert_num_queries(REPORT_HTMX_QUERIES + self.readings):
            response = client.get("/", query, headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert "<html" not in response.text
        assert 'id="results"' in response.text

    def test_report_htmx_unfiltered(self, plan, client, django_assert_num_queries):
        with django_assert_num_queries(REPORT_HTMX_QUERIES + self.readings):
            response = client.get("/", headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert shown_titles(response.text) == expected_titles(plan)

    def test_detail_without_rollout(self, plan, client, django_assert_num_queries):
        measure = Measure.objects.for_plan(plan).filter(
            rollout_total__isnull=True, school_rollouts__isnull=True
        )[0]
        url = measure.get_absolute_url()
        with django_assert_num_queries(DETAIL_QUERIES + self.readings):
            response = client.get(url)
        assert response.status_code == 200
        assert measure.title in response.text
        assert rollout_rows(response.text) == 0

    def test_detail_with_entered_counts(self, plan, client, django_assert_num_queries):
        measure = Measure.objects.for_plan(plan).filter(
            rollout_total__isnull=False, school_rollouts__isnull=True
        )[0]
        url = measure.get_absolute_url()
        with django_assert_num_queries(DETAIL_QUERIES + self.readings):
            response = client.get(url)
        assert response.status_code == 200
        assert f"{measure.rollout_done} von {measure.rollout_total} Schulen" in response.text
        assert rollout_rows(response.text) == 0


@pytest.mark.django_db
class TestBielefeld(ReportQueries):
    @pytest.fixture
    def plan(self, bielefeld):
        return bielefeld

    def test_detail_with_school_rows(self, plan, client, django_assert_num_queries):
        measure = Measure.objects.for_plan(plan).filter(rollout_total__isnull=True)[0]
        School.objects.all().delete()  # the plan's scope: just these three schools
        for n, state in enumerate(RolloutState):
            SchoolRollout.objects.create(
                measure=measure,
                school=make_school(district=f"Bezirk {n}"),
                state=state,
                date=timezone.localdate() if state == RolloutState.DONE else None,
            )
        url = measure.get_absolute_url()
        with django_assert_num_queries(DETAIL_WITH_ROLLOUT_QUERIES + self.readings):
            response = client.get(url)
        assert response.status_code == 200
        assert "1 von 3 Schulen" in response.text
        assert response.text.count(TABLE_ROW) == 1 + 3

    def test_detail_with_indicators(self, plan, client, django_assert_num_queries):
        measure = Measure.objects.for_plan(plan)[0]
        for n in range(3):
            readings = [(f"{2017 + year}-07-01", 100 * n + year) for year in range(10)]
            make_indicator(measure, readings, name=f"Kennzahl {n}")
        url = measure.get_absolute_url()
        with django_assert_num_queries(DETAIL_WITH_INDICATORS_QUERIES):
            response = client.get(url)
        assert response.status_code == 200
        assert response.text.count('<svg class="chart__drawing"') == 3
        assert response.text.count('<circle class="chart__point"') == 30

    def test_report_with_school_indicators(self, plan, client, django_assert_num_queries):
        for n, measure in enumerate(Measure.objects.for_plan(plan)[:3]):
            readings = [(f"{2017 + year}-07-01", year) for year in range(10)]
            make_indicator(measure, readings, unit="schools", total=74, name=f"Schulen {n}")
            make_indicator(measure, readings, name=f"Geräte {n}")  # not read for the sum
        with django_assert_num_queries(REPORT_WITH_SCHOOL_INDICATORS_QUERIES):
            response = client.get("/")
        assert response.status_code == 200
        assert shown_titles(response.text) == expected_titles(plan)


@pytest.fixture(scope="class")
def demo_plan(django_db_setup, django_db_blocker):
    """The 500 x 400 demo plan, made once for the class and rolled back after it.

    The tests' own transactions (pytest-django's `db`) nest inside as savepoints.
    """
    atomic = transaction.atomic()
    with django_db_blocker.unblock():
        atomic.__enter__()
    try:
        with django_db_blocker.unblock():
            call_command("generate_demo", **DEMO, stdout=io.StringIO())
            plan = Plan.objects.current()
        yield plan
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.mark.django_db
class TestDemo(ReportQueries):
    # 3 indicators of 10 readings for each of the 500 measures: one query more.
    readings = 1

    @pytest.fixture
    def plan(self, demo_plan):
        return demo_plan

    def test_report_renders_every_measure(self, plan, client):
        response = client.get("/")
        assert response.status_code == 200
        assert response.context["report"].plan == plan
        assert "Demo-Schulträger" in response.text
        assert response.text.count(CARD) == DEMO["measures"]
        assert "500 von 500 Maßnahmen angezeigt" in response.text
        measures = list(Measure.objects.for_plan(plan)[:3])
        assert all(m.title in response.text for m in measures)

    def test_filters_leave_some_but_not_all(self, plan, client):
        response = client.get("/", filters(plan))
        shown = response.text.count(CARD)
        assert 0 < shown < DEMO["measures"]
        assert f"{shown} von 500 Maßnahmen angezeigt" in response.text

    def test_detail_with_school_rows(self, plan, client, django_assert_num_queries):
        measure = Measure.objects.for_plan(plan).for_report(plan).filter(schools_done__gt=0)[0]
        url = measure.get_absolute_url()
        with django_assert_num_queries(DETAIL_WITH_ROLLOUT_QUERIES + self.readings):
            response = client.get(url)
        assert response.status_code == 200
        rollout = measure.rollout
        assert f"{rollout.done} von {rollout.total} Schulen" in response.text
        # One row per district, not per school: the schools come district by district.
        scope = plan.schools(timezone.localdate())
        districts = scope.order_by().values("district").distinct().count()
        assert 1 < districts < 20
        by_district = response.text.split('id="bezirke"')[1].split("</table>")[0]
        assert by_district.count(TABLE_ROW) == 1 + districts
        assert "/schulen/" not in by_district

        district = scope.order_by("district").first().district
        url = measure.get_absolute_url()
        with django_assert_num_queries(DETAIL_WITH_DISTRICT_QUERIES + self.readings):
            response = client.get(url, {"bezirk": district})
        assert response.status_code == 200
        shown = min(50, scope.filter(district=district).count())
        assert rollout_rows(response.text) == 1 + districts + 1 + shown
