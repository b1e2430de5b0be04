"""A plan written as a plan file (measures.exporters) loads back unchanged: every
feature of the format survives the round trip (issue 12), and the staff download
is the template for an earlier report."""

import tomllib
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User

from editions.reports import build_snapshot
from measures.exporters import plan_file
from measures.importers import load_plan, load_plan_file
from measures.indicators import Reading
from measures.models import Measure, Plan, Scope
from measures.rollout import SchoolRollout
from tests.two_factor import log_in

DATA = Path(settings.BASE_DIR) / "tests" / "data"


@pytest.fixture
def musterhausen(db) -> Plan:
    load_plan_file(DATA / "musterhausen-2012.toml")
    load_plan_file(DATA / "musterhausen.toml")
    return Plan.objects.get(slug="ab-2021")


def _without_ids(data):
    """A snapshot's data without the ids, which a new load numbers anew."""
    if isinstance(data, dict):
        return {key: _without_ids(value) for key, value in data.items() if key != "id"}
    if isinstance(data, list):
        return [_without_ids(item) for item in data]
    return data


def test_a_written_plan_loads_back_without_a_change(musterhausen):
    text = plan_file(musterhausen)
    data = tomllib.loads(text)
    assert data["plan"]["slug"] == "ab-2021"
    wlan = next(m for f in data["fields"] for m in f["measures"] if m["slug"] == "wlan")
    assert wlan["continues"] == "2012-2020/netzanbindung" and wlan["rollout_in_deck"] is True
    indicators = [i for f in data["fields"] for m in f["measures"] for i in m.get("indicators", [])]
    # Only a choice that is not the default is written.
    assert [(i["name"], i["in_deck"]) for i in indicators if "in_deck" in i] == [
        ("Ausgaben für den Support bisher", False)
    ]
    records = (Measure.history.count(), Reading.history.count())
    assert load_plan(data, reset=True)["changed"] == 0
    assert (Measure.history.count(), Reading.history.count()) == records
    # Written again, the same text.
    assert plan_file(Plan.objects.get(pk=musterhausen.pk)) == text


def test_a_written_plan_makes_the_same_plan_elsewhere(musterhausen):
    today = musterhausen.as_of
    before = build_snapshot(musterhausen, today)
    text = plan_file(musterhausen)
    Plan.objects.filter(pk=musterhausen.pk).delete()
    load_plan(tomllib.loads(text))
    again = Plan.objects.get(slug="ab-2021")
    after = build_snapshot(again, today)
    assert after["plan"] == before["plan"]
    assert _without_ids(after["fields"]) == _without_ids(before["fields"])


def test_a_scope_listing_schools_and_one_listing_none_survive(bielefeld):
    from schools.models import School

    field = bielefeld.fields.get(slug="berufskollegs")
    field.school_scope, field.school_forms = Scope.LIST, ""
    field.save()  # the state migration 0028 leaves: a list naming no school yet
    voip = Measure.objects.get(slug="voip")
    voip.school_scope = Scope.LIST
    voip.save()
    voip.listed_schools.set(School.objects.order_by("pk")[:2])
    data = tomllib.loads(plan_file(bielefeld))
    fields = {f["slug"]: f for f in data["fields"]}
    assert fields["berufskollegs"]["schools"] == []
    assert load_plan(data, reset=True)["changed"] == 0
    assert Measure.objects.get(slug="voip").listed_schools.count() == 2


def test_staff_who_may_record_a_past_report_download_the_template(bielefeld, client):
    url = "/verwaltung/berichte/plandatei.toml"
    clerk = User.objects.create_user("otto", password="x")
    log_in(client, clerk)
    assert client.get(url).status_code == 403
    clerk.user_permissions.add(Permission.objects.get(codename="record_past_edition"))
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/toml; charset=utf-8"
    assert (
        'filename="stadt-bielefeld-amt-fuer-schule-plan-2023-2027-'
        in response["Content-Disposition"]
    )
    data = tomllib.loads(response.content.decode())
    assert data["plan"]["title"] == bielefeld.title
    assert (
        "Aktuellen Plan als Plandatei herunterladen"
        in client.get("/verwaltung/berichte/nachtraeglich/").content.decode()
    )
    assert client.post(url).status_code == 405


def test_a_measure_tracked_per_school_keeps_its_entered_count_only(bielefeld):
    measure = Measure.objects.get(slug="digitale-schulplattform")
    entered = f"{measure.rollout_done}/{measure.rollout_total}"
    SchoolRollout.objects.start_tracking(measure, user=None, reason="Start")
    data = tomllib.loads(plan_file(bielefeld))
    written = next(m for f in data["fields"] for m in f["measures"] if m["slug"] == measure.slug)
    assert written["rollout"] == entered
    versions = Measure.objects.get(pk=measure.pk).version
    assert load_plan(data, reset=True)["changed"] == 0
    assert Measure.objects.get(pk=measure.pk).version == versions
