"""The measure page of a measure tracked per school: every school in scope, grouped
by district, each district's schools a page at a time."""

import datetime
import html as html_lib
import re

import pytest
from django.utils import timezone

from measures.rollout import RolloutState, SchoolRollout
from schools.models import OperationKey, School
from tests.factories import (
    BIELEFELD_AUTHORITY_NUMBER,
    make_field,
    make_measure,
    make_plan,
    make_school,
)
from tests.measures.test_query_counts import (
    DETAIL_WITH_DISTRICT_QUERIES,
    DETAIL_WITH_ROLLOUT_QUERIES,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def text(html: str) -> str:
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", html))).strip()


@pytest.fixture
def measure():
    plan = make_plan(school_authority_number=BIELEFELD_AUTHORITY_NUMBER, school_forms="02")
    return make_measure(make_field(plan), slug="wlan", title="WLAN")


def row(measure, school, state=RolloutState.OPEN, on=None) -> SchoolRollout:
    return SchoolRollout.objects.create(measure=measure, school=school, state=state, date=on)


@pytest.fixture
def heepen_and_mitte(measure):
    schools = {
        "am_wald": make_school(name="Am Wald", district="Heepen"),
        "baeckerei": make_school(name="Bäckereiweg", district="Heepen"),
        "chaussee": make_school(name="Chaussee", district="Heepen"),
        "mitte": make_school(name="Mitte-Schule", district="Mitte"),
        "unknown": make_school(name="Ohne Bezirk"),
        "opening": make_school(
            name="Neue Schule",
            district="Mitte",
            operation_key=OperationKey.OPENING,
            opens_on=TODAY + datetime.timedelta(days=1),
        ),
        "vocational": make_school(name="Berufskolleg", district="Heepen", school_form="30"),
    }
    row(measure, schools["am_wald"], RolloutState.DONE, datetime.date(2026, 5, 4))
    row(measure, schools["baeckerei"], RolloutState.IN_PROGRESS)
    # Chaussee has no row: open. Out-of-scope schools do not count, done or not.
    row(measure, schools["mitte"], RolloutState.DONE, datetime.date(2026, 6, 1))
    row(measure, schools["opening"], RolloutState.DONE, datetime.date(2026, 6, 1))
    row(measure, schools["vocational"], RolloutState.DONE, datetime.date(2026, 6, 1))
    # One change, as set_states writes it: one moment for all its records, so
    # the timeline shows one entry ("4 Schulen"), not the schools' names.
    SchoolRollout.history.filter(measure=measure).update(history_date=timezone.now())
    return schools


def test_counts_per_district_with_schools_without_a_row_as_open(client, heepen_and_mitte):
    response = client.get("/massnahmen/wlan/")
    assert response.status_code == 200
    table = text(response.text.split('id="bezirke">')[1].split("</table>")[0])
    assert table == (
        "Stand nach Stadtbezirk Stadtbezirk Stand "
        "Heepen Heepen: 1 von 3 abgeschlossen 1/3 1 in Arbeit, 1 offen "
        "Mitte Mitte: 1 von 1 abgeschlossen 1/1 0 in Arbeit, 0 offen "
        "Stadtbezirk nicht bekannt Stadtbezirk nicht bekannt: 0 von 1 abgeschlossen 0/1 "
        "0 in Arbeit, 1 offen"
    )
    assert "2 von 5 Schulen" in text(response.text)
    # No school is listed before a district is chosen.
    assert "Am Wald" not in response.text


def test_a_chosen_district_lists_its_schools_by_name_with_their_state(client, heepen_and_mitte):
    response = client.get("/massnahmen/wlan/?bezirk=Heepen")
    assert response.status_code == 200
    schools = text(response.text.split('id="schulen-heading">')[1].split("</table>")[0])
    assert schools == (
        "Schulen in Heepen Stand an den Schulen in Heepen Schule Umsetzungsstand "
        "Am Wald abgeschlossen am 04.05.2026 Bäckereiweg in Arbeit Chaussee offen"
    )
    school = heepen_and_mitte["am_wald"]
    link = f'<a class="kern-link" href="/schulen/{school.school_number}/" lang="de">Am Wald</a>'
    assert link in response.text
    assert "Berufskolleg" not in response.text
    assert 'href="?bezirk=Heepen#schulen" aria-current="true"' in response.text

    unknown = client.get("/massnahmen/wlan/?bezirk=ohne").text
    assert "Schulen ohne bekannten Stadtbezirk" in unknown and "Ohne Bezirk" in unknown


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("bezirk=Atlantis", "Stadtbezirk: „Atlantis“ ist kein Stadtbezirk dieser Liste."),
        ("bezirk=", "Stadtbezirk: Dieses Feld ist zwingend erforderlich."),
        ("bezirk=Heepen&seite=x", "Seite: Die Seitenzahl muss eine ganze Zahl sein."),
    ],
)
def test_bad_district_or_page_is_400(client, heepen_and_mitte, query, message):
    response = client.get(f"/massnahmen/wlan/?{query}")
    assert response.status_code == 400
    assert message in text(response.text)
    assert "Heepen: 1 von 3 abgeschlossen" in text(response.text)


def test_page_beyond_the_last_of_a_district_is_404(client, heepen_and_mitte):
    assert client.get("/massnahmen/wlan/?bezirk=Heepen&seite=1").status_code == 200
    assert client.get("/massnahmen/wlan/?bezirk=Heepen&seite=2").status_code == 404


def test_thousands_of_schools_cost_the_same_queries_and_come_a_page_at_a_time(
    client, measure, django_assert_num_queries
):
    districts = [f"Bezirk {n:02d}" for n in range(10)]
    schools = School.objects.bulk_create(
        School(
            school_number=f"{600000 + n}",
            name=f"Schule {n:04d}",
            school_form="02",
            district=districts[n % 10] if n % 100 else "",
            authority_number=BIELEFELD_AUTHORITY_NUMBER,
        )
        for n in range(5600)
    )
    SchoolRollout.objects.bulk_create(
        SchoolRollout(measure=measure, school=school, state=RolloutState.DONE, date=TODAY)
        for school in schools[::3]
    )
    with django_assert_num_queries(DETAIL_WITH_ROLLOUT_QUERIES):
        response = client.get("/massnahmen/wlan/")
    assert "1867 von 5600 Schulen" in text(response.text)
    assert response.text.count('<tr class="kern-table__row">') == 1 + 11
    assert len(response.content) < 60_000

    with django_assert_num_queries(DETAIL_WITH_DISTRICT_QUERIES):
        response = client.get("/massnahmen/wlan/?bezirk=Bezirk 03&seite=2")
    assert response.status_code == 200
    assert response.text.count('href="/schulen/6') == 50
    assert "Seite 2 von 12" in text(response.text)
    assert 'href="?bezirk=Bezirk+03&amp;seite=3#schulen" rel="next"' in response.text
