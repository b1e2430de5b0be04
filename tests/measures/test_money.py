"""Money: a measure's budget lines by funding source, a plan's volume, their sums
on the public pages in euros and cents, and their editing in the admin."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from measures.models import Measure
from measures.money import BudgetLine, FundingSource, PlanBudget
from tests.factories import make_field, make_measure, make_plan
from tests.two_factor import client_for

WLAN = Decimal("2800000.00")


@pytest.fixture
def plan(db):
    plan = make_plan(total_budget=Decimal("22900000.00"))
    infrastructure = make_field(plan, title="Technische Infrastruktur")
    support = make_field(plan, title="Support")
    wlan = make_measure(infrastructure, title="Flächendeckendes WLAN", slug="wlan")
    BudgetLine.objects.create(
        measure=wlan, source=FundingSource.DIGITALPAKT, planned=Decimal("2520000.00")
    )
    BudgetLine.objects.create(
        measure=wlan,
        source=FundingSource.MUNICIPAL,
        planned=Decimal("280000.00"),
        spent=Decimal("99999.99"),
        year=2024,
    )
    admins = make_measure(support, title="Schul-IT-Manager", slug="it-manager")
    BudgetLine.objects.create(
        measure=admins,
        source=FundingSource.DIGITALPAKT_ADMIN,
        planned=Decimal("1880000.00"),
        spent=Decimal("1000000.50"),
    )
    return plan


def test_sums_per_field_and_per_source_in_the_sources_order(plan):
    budget = PlanBudget.of(plan)
    assert budget.volume == Decimal("22900000.00")
    assert [(s.label, s.planned, s.spent) for s in budget.by_field] == [
        ("Technische Infrastruktur", WLAN, Decimal("99999.99")),
        ("Support", Decimal("1880000.00"), Decimal("1000000.50")),
    ]
    assert [(s.label, s.planned) for s in budget.by_source] == [
        ("DigitalPakt Schule", Decimal("2520000.00")),
        ("DigitalPakt Schule: IT-Administration", Decimal("1880000.00")),
        ("Städtischer Haushalt", Decimal("280000.00")),
    ]
    assert (budget.total.planned, budget.total.spent) == (
        Decimal("4680000.00"),
        Decimal("1100000.49"),
    )


def test_a_plan_without_money_has_no_budget_and_one_with_a_volume_only_has_no_sums(db):
    plan = make_plan()
    make_measure(make_field(plan))
    assert PlanBudget.of(plan) is None
    plan.total_budget = Decimal("1000.00")
    budget = PlanBudget.of(plan)
    assert (budget.volume, budget.by_field, budget.by_source) == (Decimal("1000.00"), [], [])


@pytest.mark.parametrize(
    "values",
    [
        {"planned": Decimal("-1.00")},
        {"spent": Decimal("-0.01")},
        {"year": 1999},
        {"source": FundingSource.DIGITALPAKT},  # a second DigitalPakt line for the whole period
    ],
)
def test_the_database_refuses_negative_amounts_bad_years_and_duplicate_lines(plan, values):
    line = BudgetLine.objects.get(source=FundingSource.MUNICIPAL)
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.filter(pk=line.pk).update(
            year=values.get("year", None if "source" in values else line.year),
            **{key: value for key, value in values.items() if key != "year"},
        )


def test_the_report_shows_the_money_in_german_and_english(plan):
    html = Client().get("/").content.decode()
    finances = html.split('id="money-heading"')[1].split("</section>")[0]
    assert "Gesamtvolumen des Plans</dt><dd>22.900.000,00\u00a0€" in finances
    assert "Geplant in den Maßnahmen</dt><dd>4.680.000,00\u00a0€" in finances
    assert 'id="budget-by-field-caption">Nach Handlungsfeld</caption>' in finances
    assert 'aria-labelledby="budget-by-source-caption"' in finances
    assert "DigitalPakt Schule: IT-Administration" in finances
    assert "1.100.000,49\u00a0€" in finances
    english = Client()
    english.post("/i18n/setlang/", {"language": "en"})
    html = english.get("/").content.decode()
    assert "Total volume of the plan</dt><dd>22,900,000.00\u00a0€" in html


def test_the_measure_page_lists_its_lines(plan):
    html = Client().get("/massnahmen/wlan/").content.decode()
    table = html.split("Budget nach Finanzierung</caption>")[1].split("</table>")[0]
    assert "DigitalPakt Schule</th>" in table and "ganze Laufzeit" in table
    assert "Städtischer Haushalt</th>" in table and ">2024<" in table
    assert "2.520.000,00\u00a0€" in table and "99.999,99\u00a0€" in table


def test_a_plan_without_money_shows_no_finances(db):
    make_measure(make_field(make_plan()), slug="ohne-geld")
    assert 'id="money-heading"' not in Client().get("/").content.decode()
    assert "Budget nach Finanzierung" not in Client().get("/massnahmen/ohne-geld/").content.decode()


def _change_form(client: Client, measure: Measure) -> dict:
    from tests.measures.test_admin import form_data

    return form_data(client.get(f"/admin/measures/measure/{measure.pk}/change/"))


def test_lines_edited_in_the_admin_make_a_version_and_an_older_form_is_refused(plan, admin_user):
    measure = Measure.objects.get(slug="it-manager")
    first, second = client_for(admin_user), client_for(admin_user)
    seen_by_first, seen_by_second = _change_form(first, measure), _change_form(second, measure)
    url = f"/admin/measures/measure/{measure.pk}/change/"

    seen_by_first |= {
        "budget_lines-0-spent": "1200000.00",
        "change_reason": "Abrechnung 2025",
    }
    assert first.post(url, seen_by_first).status_code == 302
    measure.refresh_from_db()
    assert measure.version == 2
    assert measure.budget_lines.get().spent == Decimal("1200000.00")
    assert measure.history.first().history_change_reason == "Abrechnung 2025"

    seen_by_second["budget_lines-0-spent"] = "1100000.00"
    response = second.post(url, seen_by_second)
    assert response.status_code == 422
    assert "inzwischen von jemand anderem geändert" in response.content.decode()
    assert measure.budget_lines.get().spent == Decimal("1200000.00")
