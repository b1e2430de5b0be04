"""A plan's period (an end is optional: "ab 2017"), its description and the
council's decision that adopted it, from the plan file to the public report."""

import copy
import datetime
import re
import tomllib
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from editions.reports import build_snapshot, read_snapshot
from measures.importers import PlanFileError, load_plan
from measures.models import Measure, Plan
from measures.money import BudgetLine
from tests.factories import make_plan
from tests.measures.test_load_plan import PLAN


def test_a_plan_without_end_runs_from_its_first_year_in_its_own_language(db):
    plan = make_plan(period_start=2017, period_end=None)
    assert plan.period == "ab 2017"
    plan.language = "en"
    assert plan.period == "from 2017"
    assert make_plan(period_start=2023, period_end=2027).period == "2023-2027"


def test_the_database_refuses_an_end_before_the_start_but_not_an_open_end(db):
    plan = make_plan()
    Plan.objects.filter(pk=plan.pk).update(period_end=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.filter(pk=plan.pk).update(period_start=2025, period_end=2024)


def test_an_open_period_is_frozen_into_editions(db):
    plan = make_plan(period_start=2017, period_end=None)
    frozen_plan, _fields, _measures = read_snapshot(build_snapshot(plan, datetime.date.today()))
    assert frozen_plan.period == "ab 2017"


def _plan_file(**plan_keys) -> dict:
    data = copy.deepcopy(PLAN)
    data["plan"].update(plan_keys)
    return {**data, "plan": {k: v for k, v in data["plan"].items() if v is not ...}}


@pytest.mark.django_db
def test_the_plan_file_names_the_decision_and_may_leave_the_end_open():
    load_plan(
        _plan_file(
            period_start=2017,
            period_end=...,
            description="Wie die Schulen digital werden.\nUnd was es kostet.\n",
            decided_on=datetime.date(2017, 3, 16),
            decision_reference="Drucksache 4420/2014-2020",
        )
    )
    plan = Plan.objects.get()
    assert (plan.period, plan.decided_on, plan.decision_reference) == (
        "ab 2017",
        datetime.date(2017, 3, 16),
        "Drucksache 4420/2014-2020",
    )
    assert plan.description == "Wie die Schulen digital werden.\nUnd was es kostet."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("keys", "message"),
    [
        (
            {"decided_on": "16.03.2017"},
            "„decided_on“: muss ein Datum (z. B. 2024-06-01) sein, ist aber Text",
        ),
        ({"decision_reference": "x" * 201}, "„decision_reference“: ist 201 Zeichen lang"),
        (
            {"decision_reference": "Drucksache\n4420"},
            "„decision_reference“: „Drucksache<U+000A>4420“: Zeichen 11: Zeilenumbruch ist "
            "in diesem Feld nicht erlaubt.",
        ),
        ({"description": 7}, "„description“: muss Text in Anführungszeichen sein"),
        ({"period_start": 2025, "period_end": 2024}, "Die Laufzeit endet (period_end = 2024)"),
    ],
)
def test_bad_plan_facts_are_named_and_nothing_is_loaded(keys, message):
    with pytest.raises(PlanFileError) as refused:
        load_plan(_plan_file(**keys))
    assert message in str(refused.value)
    assert not Plan.objects.exists()


def test_the_report_shows_the_decision_and_the_description(db):
    make_plan(
        period_start=2017,
        period_end=None,
        description="Wie die Schulen digital werden.\nUnd was es kostet.",
        decided_on=datetime.date(2017, 3, 16),
        decision_reference="Drucksache 4420/2014-2020",
    )
    html = Client().get("/").content.decode()
    assert '<span lang="de">Medienentwicklungsplan ab 2017</span></h1>' in html
    assert (
        'Beschlossen am <time datetime="2017-03-16">16.03.2017</time> '
        '(<span lang="de">Drucksache 4420/2014-2020</span>)'
    ) in html
    assert "Wie die Schulen digital werden.<br>Und was es kostet." in html
    english = Client(headers={"accept-language": "en"})
    english.post("/i18n/setlang/", {"language": "en"})
    html = english.get("/").content.decode()
    assert "Adopted on" in html
    assert "Medienentwicklungsplan ab 2017" in html  # the plan's words, in its language


def test_a_reference_without_a_date_and_a_plan_without_either(db):
    plan = make_plan(decision_reference="Ratsbeschluss vom Frühjahr")
    html = Client().get("/").content.decode()
    assert 'Beschluss: <span lang="de">Ratsbeschluss vom Frühjahr</span>' in html
    Plan.objects.filter(pk=plan.pk).update(decision_reference="")
    html = Client().get("/").content.decode()
    assert "Beschluss" not in html and "report-header__description" not in html


def test_the_documented_example_loads_as_the_documentation_says(db, settings):
    """docs/plan-format.md's examples, together, are a plan file that loads."""
    text = (settings.BASE_DIR / "docs" / "plan-format.md").read_text(encoding="utf-8")
    example = "\n".join(re.findall(r"```toml\n(.*?)```", text, re.DOTALL))
    load_plan(tomllib.loads(example))
    plan = Plan.objects.get()
    assert (plan.period, plan.decision_reference) == ("ab 2017", "Drucksache 4420/2014-2020")
    measure = Measure.objects.get(slug="tablets-fuer-die-sekundarstufe")
    assert (str(measure.target), measure.status, str(measure.rollout)) == (
        "Schuljahr 2025/26",
        "in_progress",
        "12/74",
    )
    assert plan.total_budget == Decimal("22900000.00")
    assert [str(line) for line in measure.budget_lines.all()] == [
        "DigitalPakt Schule: 1200000.00 €",
        "Städtischer Haushalt 2025: 150000.00 €",
    ]
    wlan = Measure.objects.get(slug="flaechendeckendes-wlan")
    points, coverage = wlan.indicator_list
    assert points.current.text == "2.420 von 2.500\xa0Access Points"
    assert points.current.source == "Inventur der IT"
    assert coverage.latest_change.unit_changed
    assert [reading.text for reading in coverage.series] == [
        "93\xa0% der Schülerinnen und Schüler",
        "95\xa0% der Schulen",
    ]


BUDGET = [
    {"source": "DigitalPakt Schule", "planned": 2520000},
    {"source": "Städtischer Haushalt", "year": 2024, "planned": 280000.5, "spent": 99999.99},
]


def _with_budget(budget: list, **plan_keys) -> dict:
    data = _plan_file(**plan_keys)
    data["fields"][1]["measures"][2]["budget"] = budget
    return data


@pytest.mark.django_db
def test_the_plan_file_gives_a_volume_and_budget_lines_and_a_reset_makes_them_match():
    load_plan(_with_budget(BUDGET, total_budget=22900000))
    tablets = Measure.objects.get(slug="tablets")
    assert Plan.objects.get().total_budget == Decimal("22900000.00")
    assert list(tablets.budget_lines.values_list("source", "year", "planned", "spent")) == [
        ("digitalpakt", None, Decimal("2520000.00"), Decimal("0.00")),
        ("municipal", 2024, Decimal("280000.50"), Decimal("99999.99")),
    ]
    version = tablets.version
    load_plan(_with_budget(BUDGET, total_budget=22900000), reset=True)  # unchanged
    tablets.refresh_from_db()
    assert tablets.version == version
    assert BudgetLine.history.count() == 2
    load_plan(_with_budget([{**BUDGET[0], "spent": 1000}], total_budget=22900000), reset=True)
    tablets.refresh_from_db()
    assert tablets.version == version + 1  # an editor's older form is refused
    assert list(tablets.budget_lines.values_list("source", "spent")) == [
        ("digitalpakt", Decimal("1000.00"))
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("budget", "message"),
    [
        (
            [{"source": "Bundesmittel", "planned": 1}],
            "Budgetposten 1, „source“: Unbekannte Finanzierung „Bundesmittel“; "
            "erlaubt sind: „DigitalPakt Schule“",
        ),
        ([{"source": "EU"}], "Budgetposten 1, „planned“: fehlt."),
        ([{"source": "EU", "planned": -1}], "„planned“: ist -1; erlaubt sind Beträge von 0 bis"),
        ([{"source": "EU", "planned": 1.005}], "„planned“: ist 1.005; erlaubt sind Beträge"),
        ([{"source": "EU", "planned": float("nan")}], "„planned“: ist nan;"),
        (
            [{"source": "EU", "planned": "1.000,00"}],
            "„planned“: muss ein Betrag in Euro (z. B. 2520000.50) sein, ist aber Text",
        ),
        ([{"source": "EU", "planned": 1, "year": 1999}], "Budgetposten 1, „year“: ist 1999"),
        (
            [{"source": "EU", "planned": 1, "betrag": 2}],
            "Budgetposten 1: Unbekannter Schlüssel „betrag“",
        ),
        (
            [{"source": "EU", "planned": 1}, {"source": "EU", "planned": 2}],
            "Budgetposten 2: „EU“ steht für dieses Jahr schon in Budgetposten 1.",
        ),
        ("viel", "„budget“: muss eine Liste von Tabellen ([[budget]]) sein"),
    ],
)
def test_bad_budget_lines_are_named_and_nothing_is_loaded(budget, message):
    with pytest.raises(PlanFileError) as refused:
        load_plan(_with_budget(budget))
    assert message in str(refused.value)
    assert not Plan.objects.exists() and not BudgetLine.objects.exists()
