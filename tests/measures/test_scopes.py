"""School scopes (issue 12): a field of action or a measure concerns the plan's
schools, the Schulträger's schools of some forms (the Berufskollegs) or a list
of schools; a school's page lists only the measures that concern it, and a
measure tracked per school counts its own schools."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from editions.reports import build_snapshot
from measures.importers import PlanFileError, load_plan
from measures.models import FieldOfAction, Measure, Plan, Scope
from measures.rollout import RolloutState, SchoolRollout, with_rollout_share
from schools.forms import UNKNOWN_DISTRICT
from schools.models import School


def _school(form: str) -> School:
    return School.objects.filter(school_form=form, authority_number="10261").order_by("pk")[0]


@pytest.fixture
def scoped(bielefeld):
    """Bielefeld's plan with a measure for the Grundschulen and one for two schools."""
    primary = Measure.objects.get(slug="voip")
    primary.school_scope, primary.school_forms = Scope.FORMS, "02"
    primary.full_clean()
    primary.save()
    two = Measure.objects.get(slug="digitale-schulplattform")
    two.school_scope = Scope.LIST
    two.save()
    listed = [_school("20"), _school("10")]
    two.listed_schools.set(listed)
    return {"primary": primary, "two": two, "listed": listed}


def _titles(client: Client, school: School) -> str:
    response = client.get(f"/schulen/{school.school_number}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_schools_page_lists_only_the_measures_that_concern_it(scoped, client):
    grundschule, gymnasium = _school("02"), scoped["listed"][0]
    at_primary, at_gymnasium = _titles(client, grundschule), _titles(client, gymnasium)
    assert "VoIP" in at_primary and "VoIP" not in at_gymnasium
    assert "Digitale Schulplattform" in at_gymnasium
    assert "Digitale Schulplattform" not in at_primary
    # The Berufskollegs' field concerns the Berufskollegs only.
    assert "Digitalstrategie BKs" not in at_primary and "Digitalstrategie BKs" not in at_gymnasium
    # A measure of the plan's scope is on every school's page.
    assert "Flächendeckendes WLAN" in at_primary and "Flächendeckendes WLAN" in at_gymnasium


def test_a_measure_has_its_own_scope_else_its_fields_else_the_plans(scoped):
    today = timezone.localdate()
    plan = Plan.objects.get()
    bk = Measure.objects.get(slug="digitalstrategie-bks")
    assert bk.scope_owner == bk.field
    assert {school.school_form for school in bk.schools(today)} == {"30"}
    assert bk.schools(today).count() == 6  # the city's Berufskollegs
    assert set(scoped["two"].schools(today)) == set(scoped["listed"])
    wlan = Measure.objects.get(slug="flaechendeckendes-wlan")
    assert wlan.scope_owner is None
    assert set(wlan.schools(today)) == set(plan.schools(today))
    # Its own scope wins over its field's.
    bk.school_scope, bk.school_forms = Scope.FORMS, "02"
    bk.save()
    assert {school.school_form for school in bk.schools(today)} == {"02"}


def test_a_measure_tracked_per_school_counts_its_own_schools(bielefeld, client):
    bk = Measure.objects.get(slug="digitalstrategie-bks")
    user = User.objects.create_user("ada")
    made = SchoolRollout.objects.start_tracking(bk, user=user, reason="Start")
    assert made == 6
    first = bk.schools(timezone.localdate()).order_by("name")[0]
    SchoolRollout.objects.set_states(bk, {first: RolloutState.DONE}, user=user, reason="fertig")
    measure = Measure.objects.for_plan(bielefeld).for_report(bielefeld).get(pk=bk.pk)
    assert (measure.rollout.done, measure.rollout.total) == (1, 6)
    page = client.get("/massnahmen/digitalstrategie-bks/").content.decode()
    assert "1 von 6" in page
    # The plan's measures keep counting the plan's 76 schools.
    voip = Measure.objects.get(slug="voip")
    SchoolRollout.objects.start_tracking(voip, user=user, reason="Start")
    voip = Measure.objects.for_plan(bielefeld).for_report(bielefeld).get(pk=voip.pk)
    assert voip.rollout.total == 76
    snapshot = build_snapshot(bielefeld, timezone.localdate())
    frozen = next(m for field in snapshot["fields"] for m in field["measures"] if m["id"] == bk.pk)
    assert len(frozen["schools"]) == 6 and frozen["rollout"] == [1, 6]


def test_the_school_list_counts_only_the_measures_that_concern_a_school(bielefeld):
    bk = Measure.objects.get(slug="digitalstrategie-bks")
    wlan = Measure.objects.get(slug="flaechendeckendes-wlan")
    user = User.objects.create_user("ada")
    for measure in (bk, wlan):
        SchoolRollout.objects.start_tracking(measure, user=user, reason="Start")
    grundschule = _school("02")
    shared = with_rollout_share(School.objects.filter(pk=grundschule.pk), bielefeld).get()
    assert shared.measures_tracked == 1  # WLAN; the Berufskollegs' measure is not its


def test_the_matrix_leaves_out_measures_of_a_narrower_scope(bielefeld, admin_client):
    bk = Measure.objects.get(slug="digitalstrategie-bks")
    SchoolRollout.objects.start_tracking(bk, user=None, reason="Start")
    page = admin_client.get("/verwaltung/schulen/").content.decode()
    assert "Digitalstrategie BKs" not in page
    checklist = admin_client.get("/verwaltung/massnahmen/digitalstrategie-bks/schulen/")
    assert checklist.status_code == 200
    assert "Berufskolleg Senne" in checklist.content.decode()
    assert "Grundschule" not in checklist.content.decode()


def test_a_scope_of_forms_names_its_forms_and_only_then(bielefeld):
    measure = Measure.objects.get(slug="voip")
    measure.school_scope = Scope.FORMS
    with pytest.raises(ValidationError) as error:
        measure.full_clean()
    assert "Bitte nennen Sie die Schulformen" in str(error.value)
    measure.school_scope, measure.school_forms = Scope.PLAN, "02"
    with pytest.raises(ValidationError) as error:
        measure.full_clean()
    assert "Schulformen gelten nur bei" in str(error.value)
    measure.school_scope, measure.school_forms = Scope.FORMS, " 02, 10 "
    measure.full_clean()
    assert measure.school_forms == "02,10"


def test_the_report_costs_two_queries_more_per_tracked_measure_of_its_own_scope(bielefeld, client):
    def report_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries)

    client.get("/")  # the session and caches as on any later request
    before = report_queries()
    field = FieldOfAction.objects.get(slug="berufskollegs")
    SchoolRollout.objects.start_tracking(field.measures.first(), user=None, reason="Start")
    assert report_queries() == before + 2


PLAN = {
    "plan": {
        "authority": "Stadt Bielefeld – Amt für Schule",
        "title": "MEP mit Schulkreisen",
        "period_start": 2024,
        "as_of": datetime.date(2024, 6, 1),
        "school_authority_number": "10261",
    },
    "fields": [
        {
            "title": "Berufskollegs",
            "school_forms": "30",
            "measures": [
                {"title": "BK-Netz"},
                {"title": "Zwei Schulen", "schools": ["__FIRST__", "__SECOND__"]},
            ],
        }
    ],
}


def _plan(**changes) -> dict:
    numbers = [school.school_number for school in School.objects.order_by("pk")[:2]]
    measures = [dict(measure) for measure in PLAN["fields"][0]["measures"]]
    measures[1]["schools"] = changes.pop("schools", numbers)
    field = {**PLAN["fields"][0], "measures": measures, **changes}
    return {"plan": PLAN["plan"], "fields": [field]}


def test_a_plan_file_gives_fields_and_measures_their_schools(bielefeld):
    load_plan(_plan())
    plan = Plan.objects.get(title="MEP mit Schulkreisen")
    field = plan.fields.get()
    assert (field.school_scope, field.school_forms) == (Scope.FORMS, "30")
    two = Measure.objects.get(plan=plan, title="Zwei Schulen")
    assert two.school_scope == Scope.LIST
    assert set(two.listed_schools.all()) == set(School.objects.order_by("pk")[:2])
    # Loading again changes nothing.
    assert load_plan(_plan(), reset=True)["changed"] == 0


def test_a_plan_file_naming_unknown_schools_or_both_kinds_is_refused(bielefeld):
    with pytest.raises(PlanFileError) as error:
        load_plan(_plan(schools=["199999"]))
    assert "Handlungsfeld 1, Maßnahme 2" in str(error.value) and "199999" in str(error.value)
    assert not Plan.objects.filter(title="MEP mit Schulkreisen").exists()
    both = _plan()
    both["fields"][0]["measures"][1]["school_forms"] = "02"
    with pytest.raises(PlanFileError, match="nicht beides"):
        load_plan(both)


def test_a_school_only_a_narrower_scope_covers_has_its_page(bielefeld, client):
    """A Berufskolleg of the excursus: linked from its measure, listed, and its page
    shows the excursus' measures, none of the plan's 76 schools."""
    bk = Measure.objects.get(slug="digitalstrategie-bks")
    SchoolRollout.objects.start_tracking(bk, user=None, reason="Start")
    school = bk.schools(timezone.localdate()).order_by("name").first()
    SchoolRollout.objects.set_states(bk, {school: RolloutState.DONE}, user=None, reason="x")
    district = school.district or UNKNOWN_DISTRICT  # the Berufskollegs have none on file
    page = client.get(bk.get_absolute_url(), {"bezirk": district}).content.decode()
    assert f'href="/schulen/{school.school_number}/"' in page
    own = client.get(f"/schulen/{school.school_number}/").content.decode()
    assert "Digitalstrategie BKs" in own and "Weitere Maßnahmen" in own
    assert "Flächendeckendes WLAN" not in own and "Digitale Schulplattform" not in own
    # Its share in the list counts the excursus' measure only: done there.
    [listed] = with_rollout_share(School.objects.filter(pk=school.pk), bielefeld)
    assert (listed.measures_tracked, listed.measures_done) == (1, 1)


def test_a_fields_scope_adds_schools_only_where_a_measure_has_it(bielefeld, client):
    """Both excursus measures narrowed to one Berufskolleg: the other five are no
    longer in the list and have no page; a school a measure lists has one."""
    today = timezone.localdate()
    first, second = (
        Measure.objects.get(slug="digitalstrategie-bks").schools(today).order_by("name")[:2]
    )
    for measure in Measure.objects.filter(field__slug="berufskollegs"):
        measure.school_scope = Scope.LIST
        measure.save()
        measure.listed_schools.set([first])
    assert bielefeld.covered_schools(today).count() == 76 + 1
    assert client.get(f"/schulen/{first.school_number}/").status_code == 200
    assert client.get(f"/schulen/{second.school_number}/").status_code == 404
    assert "77 Schulen" in client.get("/schulen/").content.decode()


def test_a_row_left_from_a_wider_scope_is_not_counted_at_the_school(bielefeld):
    voip = Measure.objects.get(slug="voip")
    SchoolRollout.objects.start_tracking(voip, user=None, reason="Start")
    gymnasium = _school("20")
    SchoolRollout.objects.set_states(voip, {gymnasium: RolloutState.DONE}, user=None, reason="x")
    voip.school_scope, voip.school_forms = Scope.FORMS, "02"  # narrowed afterwards
    voip.save()
    shared = with_rollout_share(School.objects.filter(pk=gymnasium.pk), bielefeld).get()
    assert (shared.measures_tracked, shared.measures_done) == (0, 0)


def test_the_fast_way_and_the_scoped_way_count_alike(bielefeld, django_assert_num_queries):
    wlan = Measure.objects.get(slug="flaechendeckendes-wlan")
    SchoolRollout.objects.start_tracking(wlan, user=None, reason="Start")
    school = _school("02")
    SchoolRollout.objects.set_states(wlan, {school: RolloutState.DONE}, user=None, reason="x")
    schools = School.objects.filter(pk=school.pk)
    assert Plan.objects.current().narrows_scope  # the Berufskollegs' field
    with django_assert_num_queries(1):
        assert Plan.objects.current().narrows_scope  # annotated: no query of its own
    scoped = with_rollout_share(schools, Plan.objects.current()).get()
    FieldOfAction.objects.filter(slug="berufskollegs").update(
        school_scope=Scope.PLAN, school_forms=""
    )
    plan = Plan.objects.current()
    assert not plan.narrows_scope
    fast = with_rollout_share(schools, plan).get()
    # The Berufskollegs' measures are not tracked: both ways count WLAN alone.
    assert (scoped.measures_tracked, scoped.measures_done) == (1, 1)
    assert (fast.measures_tracked, fast.measures_done) == (1, 1)


def test_a_measure_of_its_own_scope_counts_the_schools_of_the_day_asked(bielefeld):
    from schools.models import OperationKey
    from tests.factories import make_school

    bk = Measure.objects.get(slug="digitalstrategie-bks")
    SchoolRollout.objects.start_tracking(bk, user=None, reason="Start")
    opens = timezone.localdate() + datetime.timedelta(days=30)
    make_school(school_form="30", operation_key=OperationKey.OPENING, opens_on=opens)

    def total(on):
        counted = Measure.objects.for_plan(bielefeld).for_report(bielefeld, on).get(pk=bk.pk)
        return counted.rollout.total

    assert (total(timezone.localdate()), total(opens)) == (6, 7)
