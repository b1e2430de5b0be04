"""Responsibilities in the admin (issue 10, defect 1): every action, inline, bulk and
history path of the admin keeps to the rule of the staff area, the measures a user
may edit (Measure.objects.editable_by).

The roles: a superuser; "alle" (admin access, the model permissions of the plan's
models and "Darf alle Maßnahmen bearbeiten"); "feld_a" (the same model permissions,
responsible for field A only through its group); "ohne" (admin access, no
permission). The permission matrix covers every action of every registered admin:
a new action without a check here fails `test_every_admin_action_is_in_the_matrix`.
"""

import datetime
from decimal import Decimal

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from authorities.models import Authority
from editions.models import Edition
from legal.models import Feedback, LegalPage, PageKind
from measures.indicators import Indicator, Unit
from measures.models import FieldOfAction, Measure, Plan, Stage, Status
from measures.money import FundingSource
from measures.rollout import RolloutState, SchoolRollout
from schools.models import School
from tests.factories import (
    default_authority,
    make_field,
    make_measure,
    make_plan,
    make_school,
)
from tests.measures.test_admin import form_data
from tests.two_factor import add_app_device, log_in

ROLES = ["superuser", "alle", "feld_a", "ohne"]
PLAN_MODELS = ["plan", "fieldofaction", "measure", "schoolrollout", "indicator", "reading"]
REFUSED = "Sie sind nicht für alle ausgewählten Einträge zuständig"


def login(user: User) -> Client:
    """The one place that logs a user in: with the second factor (all roles here
    have admin access)."""
    client = Client()
    log_in(client, user)
    return client


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def world(db):
    """Plan P (public): field A (Team A) with measure a, field B (Team B) with b,
    both tracked at one school; plans Q_A and Q_B (not public)
    with one field each, of Team A and Team B."""
    plan = make_plan()
    team_a, team_b = Group.objects.create(name="Team A"), Group.objects.create(name="Team B")
    field_a, field_b = make_field(plan, title="Feld A"), make_field(plan, title="Feld B")
    field_a.responsible_groups.add(team_a)
    field_b.responsible_groups.add(team_b)
    a = make_measure(field_a, title="Maßnahme A", status=Status.PREPARING)
    b = make_measure(field_b, title="Maßnahme B", status=Status.PREPARING)
    school = make_school()
    row_a = SchoolRollout.objects.create(measure=a, school=school)
    row_b = SchoolRollout.objects.create(measure=b, school=school)
    indicator_a = Indicator.objects.create(measure=a, name="Access Points", unit=Unit.DEVICES)
    indicator_b = Indicator.objects.create(measure=b, name="Tablets", unit=Unit.DEVICES)
    plan_a, plan_b = make_plan(title="Plan A"), make_plan(title="Plan B")
    make_field(plan_a).responsible_groups.add(team_a)
    make_field(plan_b).responsible_groups.add(team_b)

    superuser = User.objects.create_superuser("root", password="x" * 20)
    perms = Permission.objects.filter(
        content_type__app_label__in=["measures", "schools"],
        content_type__model__in=PLAN_MODELS,
    ).exclude(codename__in=["make_plan_public", "edit_all_measures"])
    view_edition = Permission.objects.filter(codename="view_edition")
    alle = User.objects.create_user("alle", is_staff=True)
    alle.user_permissions.add(*perms, *view_edition)
    alle.user_permissions.add(Permission.objects.get(codename="edit_all_measures"))
    feld_a = User.objects.create_user("feld_a", is_staff=True)
    feld_a.user_permissions.add(*perms, *view_edition)
    feld_a.groups.add(team_a)
    ohne = User.objects.create_user("ohne", is_staff=True)
    return {
        "users": {"superuser": superuser, "alle": alle, "feld_a": feld_a, "ohne": ohne},
        "a": a,
        "b": b,
        "field_a": field_a,
        "field_b": field_b,
        "row_a": row_a,
        "row_b": row_b,
        "indicator_a": indicator_a,
        "indicator_b": indicator_b,
        "plan": plan,
        "plan_a": plan_a,
        "plan_b": plan_b,
        "team_a": team_a,
    }


def run_action(client: Client, model, action: str, objects, **data):
    return client.post(
        url(model, "changelist"),
        {"action": action, "_selected_action": [obj.pk for obj in objects], **data},
    )


def set_status(client: Client, measures, status: str = Status.DONE):
    return run_action(
        client, Measure, "set_status", measures, apply="1", status=status, reason="Abgenommen"
    )


def status_of(measure: Measure) -> str:
    return Measure.objects.get(pk=measure.pk).status


# --- The defect as found: the action ignored the responsibilities ------------


def test_status_action_refuses_a_measure_of_another_field(world, caplog):
    """feld_a may change measures and is responsible for field A; b is field B's."""
    client = login(world["users"]["feld_a"])
    versions = world["b"].history.count()
    with caplog.at_level("WARNING", logger="portal.security"):
        response = set_status(client, [world["b"]])
    assert status_of(world["b"]) == Status.PREPARING
    assert world["b"].history.count() == versions
    assert "Zugriff verweigert: feld_a" in caplog.text
    page = client.get(response["Location"]).content.decode()
    assert REFUSED in page and "„Maßnahme B“" in page and "Es wurde nichts geändert." in page


def test_status_action_refuses_a_mixed_selection_as_a_whole(world):
    client = login(world["users"]["feld_a"])
    # Already refused on the first step: the status is not even asked for.
    first = run_action(client, Measure, "set_status", [world["a"], world["b"]])
    assert first.status_code == 302
    set_status(client, [world["a"], world["b"]])
    assert (status_of(world["a"]), status_of(world["b"])) == (Status.PREPARING,) * 2
    set_status(client, [world["a"]])
    assert status_of(world["a"]) == Status.DONE


# --- The permission matrix: every action of every admin, per role -------------


def check_set_status(world, role: str, client: Client) -> None:
    may = {"superuser": "ab", "alle": "ab", "feld_a": "a", "ohne": ""}[role]
    response = set_status(client, [world["b"]])
    assert response.status_code == (403 if role == "ohne" else 302)
    set_status(client, [world["a"]])
    for name in "ab":
        expected = Status.DONE if name in may else Status.PREPARING
        assert status_of(world[name]) == expected, name


def delete_check(own: str, foreign: str, *, refused: str = "ohne"):
    """delete_selected on the world's objects `own` (field A's) and `foreign` (B's):
    the superuser and "alle" delete both, "feld_a" only its own, "ohne" neither."""

    def check(world, role: str, client: Client) -> None:
        for name in [foreign, own]:
            obj = world[name]
            response = run_action(client, type(obj), "delete_selected", [obj], post="yes")
            allowed = role in {"superuser", "alle"} or (role == "feld_a" and name == own)
            exists = type(obj).objects.filter(pk=obj.pk).exists()
            assert exists != allowed, (name, response.status_code)
            if not allowed:
                assert response.status_code == 403, name

    return check


def check_make_current(world, role: str, client: Client) -> None:
    plan = world["plan_a"]
    response = run_action(client, Plan, "make_current", [plan])
    confirm = url(Plan, "make_current", plan.pk)
    if role == "superuser":
        assert response.status_code == 302 and response["Location"] == confirm
        client.post(confirm, {"reason": "Neuer Plan", "replacing": world["plan"].pk})
        assert Plan.objects.current() == plan
        return
    # Not offered to the others, and refused when posted anyway.
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or response["Location"] != confirm
    assert client.post(confirm, {"reason": "Neuer Plan"}).status_code == 403
    assert Plan.objects.current() == world["plan"]


def check_publish_as_earlier(world, role: str, client: Client) -> None:
    plan = world["plan_a"]
    response = run_action(client, Plan, "publish_as_earlier", [plan])
    confirm = url(Plan, "publish_earlier", plan.pk)
    if role == "superuser":
        assert response.status_code == 302 and response["Location"] == confirm
        client.post(confirm, {"reason": "Abgeschlossener Plan"})
        assert Plan.objects.get(pk=plan.pk).stage == Stage.EARLIER
        assert Plan.objects.current() == world["plan"]
        return
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or response["Location"] != confirm
    assert client.post(confirm, {"reason": "Abgeschlossener Plan"}).status_code == 403
    assert Plan.objects.get(pk=plan.pk).stage == Stage.DRAFT


def check_withdraw(world, role: str, client: Client) -> None:
    today = timezone.localdate()
    edition = Edition.publish(
        world["plan"],
        user=world["users"]["superuser"],
        date=today,
        today=today,
        title="B",
        slug="b",
    )
    response = run_action(client, Edition, "withdraw", [edition], reason="Fehlerhaft")
    withdrawn = Edition.objects.get(pk=edition.pk).withdrawn_at is not None
    assert withdrawn == (role == "superuser")
    if role != "superuser":
        assert response.status_code == 403


def check_plan_delete(world, role: str, client: Client) -> None:
    """Deleting a plan deletes its fields and measures: only with all of them. The
    public plan is deleted by nobody (another plan is made public first)."""
    for name in ["plan_b", "plan_a", "plan"]:
        plan = world[name]
        run_action(client, Plan, "delete_selected", [plan], post="yes")
        if name == "plan":
            allowed = False
        else:
            allowed = role in {"superuser", "alle"} or (role == "feld_a" and name == "plan_a")
        assert Plan.objects.filter(pk=plan.pk).exists() != allowed, name


def check_axes_cleanup(world, role: str, client: Client) -> None:
    attempt = AccessAttempt.objects.create(
        username="x", ip_address="192.0.2.1", failures_since_start=1, get_data="", post_data=""
    )
    AccessAttempt.objects.filter(pk=attempt.pk).update(
        attempt_time=timezone.now() - datetime.timedelta(days=2)
    )
    response = run_action(client, AccessAttempt, "cleanup_expired_attempts", [attempt])
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists() != (role == "superuser")
    if role != "superuser":
        assert response.status_code == 403


# Models outside the plan: their Django permissions decide, which only the
# superuser has here. One object of each.
OTHER_MODELS = {
    Authority: lambda: Authority.objects.create(name="Kreis ohne Plan"),
    School: lambda: make_school(),
    Group: lambda: Group.objects.create(name="Löschbar"),
    User: lambda: User.objects.create_user("loeschbar"),
    LegalPage: lambda: LegalPage.objects.create(
        owner=default_authority(), kind=PageKind.IMPRINT, title="Impressum"
    ),
    Feedback: lambda: Feedback.objects.create(
        owner=default_authority(), message="Kontrast zu schwach"
    ),
    AccessAttempt: lambda: AccessAttempt.objects.create(
        username="y", ip_address="192.0.2.2", failures_since_start=1, get_data="", post_data=""
    ),
    AccessLog: lambda: AccessLog.objects.create(username="y", ip_address="192.0.2.2"),
    AccessFailureLog: lambda: AccessFailureLog.objects.create(username="y", ip_address="192.0.2.2"),
}


def other_delete_check(model):
    def check(world, role: str, client: Client) -> None:
        obj = OTHER_MODELS[model]()
        response = run_action(client, model, "delete_selected", [obj], post="yes")
        assert model.objects.filter(pk=obj.pk).exists() != (role == "superuser")
        if role != "superuser":
            assert response.status_code == 403

    return check


def check_reset_second_factor(world, role: str, client: Client) -> None:
    target = User.objects.create_user("mit-geraet", is_staff=True)
    add_app_device(target)
    response = run_action(client, User, "reset_second_factor", [target])
    # Needs the permission to change users, which only the superuser has here.
    assert TOTPDevice.objects.filter(user=target).exists() != (role == "superuser")
    if role != "superuser":
        assert response.status_code == 403


def check_resend_invitation(world, role: str, client: Client) -> None:
    target = User.objects.create_user("eingeladen", email="neu@example.org", is_staff=True)
    mail.outbox.clear()
    response = run_action(client, User, "resend_invitation", [target])
    # Needs the permission to change users, which only the superuser has here.
    assert len(mail.outbox) == (role == "superuser")
    if role != "superuser":
        assert response.status_code == 403


ACTIONS = {
    (Measure, "set_status"): check_set_status,
    (User, "resend_invitation"): check_resend_invitation,
    (User, "reset_second_factor"): check_reset_second_factor,
    (Measure, "delete_selected"): delete_check("a", "b"),
    (FieldOfAction, "delete_selected"): delete_check("field_a", "field_b"),
    (SchoolRollout, "delete_selected"): delete_check("row_a", "row_b"),
    (Indicator, "delete_selected"): delete_check("indicator_a", "indicator_b"),
    (Plan, "delete_selected"): check_plan_delete,
    (Plan, "make_current"): check_make_current,
    (Plan, "publish_as_earlier"): check_publish_as_earlier,
    (Edition, "withdraw"): check_withdraw,
    (AccessAttempt, "cleanup_expired_attempts"): check_axes_cleanup,
    **{(model, "delete_selected"): other_delete_check(model) for model in OTHER_MODELS},
}


def test_every_admin_action_is_in_the_matrix(db):
    request = RequestFactory().get("/admin/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    actions = {
        (model, name)
        for model, model_admin in admin.site._registry.items()
        for name in model_admin.get_actions(request)
    }
    missing = sorted(f"{model._meta.label}: {name}" for model, name in actions - ACTIONS.keys())
    assert not missing, f"admin actions without a permission check in ACTIONS: {missing}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS), ids=lambda key: f"{key[0]._meta.label}-{key[1]}")
def test_admin_action_per_role(world, role, action):
    ACTIONS[action](world, role, login(world["users"][role]))


# --- Inlines, forms, history: the other admin paths ---------------------------


def test_a_plan_with_other_groups_fields_is_view_only_with_its_inline(world):
    """A plan's schools and fields concern all its measures: only those responsible
    for all its fields change it, its fields of action (the inline) included."""
    client = login(world["users"]["feld_a"])
    plan = world["plan"]
    change = url(Plan, "change", plan.pk)
    page = client.get(change)
    assert page.status_code == 200 and 'name="fields-0-title"' not in page.content.decode()
    data = form_data(login(world["users"]["superuser"]).get(change))
    data.update({"school_forms": "02", "fields-0-title": "Übernommen", "fields-1-DELETE": "on"})
    assert client.post(change, data).status_code == 403
    plan.refresh_from_db()
    assert plan.school_forms != "02" and plan.fields.count() == 2
    assert not plan.fields.filter(title="Übernommen").exists()
    # Plan A has only field A's group's fields: its clerk renames one in the inline.
    own = url(Plan, "change", world["plan_a"].pk)
    data = form_data(client.get(own))
    data["fields-0-title"] = "Umbenannt"
    assert client.post(own, data).status_code == 302
    assert world["plan_a"].fields.get().title == "Umbenannt"


def test_field_of_another_group_and_its_measure_inline_are_view_only(world):
    client = login(world["users"]["feld_a"])
    field_b = world["field_b"]
    change = url(FieldOfAction, "change", field_b.pk)
    assert client.get(change).status_code == 200  # to read
    data = form_data(login(world["users"]["superuser"]).get(change))
    data["measures-0-position"] = "99"
    data["responsible_groups"] = [str(world["team_a"].pk)]
    assert client.post(change, data).status_code == 403
    assert Measure.objects.get(pk=world["b"].pk).position != 99
    assert not field_b.responsible_groups.filter(pk=world["team_a"].pk).exists()
    # Their own field: the measures' order can be changed.
    own = url(FieldOfAction, "change", world["field_a"].pk)
    data = form_data(client.get(own))
    data["measures-0-position"] = "99"
    assert client.post(own, data).status_code == 302
    assert Measure.objects.get(pk=world["a"].pk).position == 99


def test_a_measure_is_added_to_or_moved_into_own_fields_only(world):
    client = login(world["users"]["feld_a"])
    new = {
        "title": "Neu",
        "slug": "neu",
        "position": "1",
        "school_scope": "plan",
        "rollout_done": "",
        "responsible_groups": [],
        "school_rollouts-TOTAL_FORMS": "0",
        "school_rollouts-INITIAL_FORMS": "0",
        "budget_lines-TOTAL_FORMS": "0",
        "budget_lines-INITIAL_FORMS": "0",
        "indicators-TOTAL_FORMS": "0",
        "indicators-INITIAL_FORMS": "0",
    }
    response = client.post(url(Measure, "add"), {**new, "field": world["field_b"].pk})
    assert response.status_code == 422 and not Measure.objects.filter(slug="neu").exists()
    assert "field" in response.context["adminform"].form.errors
    response = client.post(url(Measure, "add"), {**new, "field": world["field_a"].pk})
    assert response.status_code == 302 and Measure.objects.filter(slug="neu").exists()
    change = url(Measure, "change", world["a"].pk)
    data = form_data(client.get(change))
    data["field"] = str(world["field_b"].pk)
    assert client.post(change, data).status_code == 422  # refused, in German
    assert Measure.objects.get(pk=world["a"].pk).field == world["field_a"]


def test_a_field_of_action_is_added_to_own_plans_only(world):
    client = login(world["users"]["feld_a"])
    new = {"title": "Neu", "slug": "neu", "position": "9", "school_scope": "plan"}
    new.update({"measures-TOTAL_FORMS": "0", "measures-INITIAL_FORMS": "0"})
    response = client.post(url(FieldOfAction, "add"), {**new, "plan": world["plan"].pk})
    assert response.status_code == 422 and "plan" in response.context["adminform"].form.errors
    assert not FieldOfAction.objects.filter(slug="neu").exists()
    response = client.post(url(FieldOfAction, "add"), {**new, "plan": world["plan_a"].pk})
    assert response.status_code == 302
    assert FieldOfAction.objects.get(slug="neu").plan == world["plan_a"]


def test_a_rollout_row_is_added_to_or_moved_to_own_measures_only(world):
    client = login(world["users"]["feld_a"])
    school = make_school()
    add = url(SchoolRollout, "add")
    row = {"school": school.pk, "state": RolloutState.IN_PROGRESS}
    assert client.post(add, {**row, "measure": world["b"].pk}).status_code == 422
    assert not SchoolRollout.objects.filter(school=school).exists()
    assert client.post(add, {**row, "measure": world["a"].pk}).status_code == 302
    moved = SchoolRollout.objects.get(school=school)
    change = url(SchoolRollout, "change", moved.pk)
    assert client.post(change, {**row, "measure": world["b"].pk}).status_code == 422
    assert SchoolRollout.objects.get(pk=moved.pk).measure == world["a"]


def test_the_rollout_admin_suggests_only_own_measures(world):
    query = {"app_label": "measures", "model_name": "schoolrollout", "field_name": "measure"}
    for role, expected in [("feld_a", ["Maßnahme A"]), ("alle", ["Maßnahme A", "Maßnahme B"])]:
        answer = login(world["users"][role]).get("/admin/autocomplete/", {**query, "term": "Maß"})
        assert sorted(item["text"] for item in answer.json()["results"]) == expected


@pytest.mark.parametrize("name", ["plan", "field_a", "row_a", "a"])
def test_no_history_admin_reverts(world, name):
    """Reverting would save old values past the change form's checks."""
    obj = world[name]
    record = obj.history.first()
    view = url(type(obj), "simple_history", obj.pk, record.pk)
    client = login(world["users"]["superuser"])
    assert client.get(view).status_code == 200
    assert client.post(view, {"title": "Alt"}).status_code == 403


def test_change_and_delete_forms_of_another_fields_measure_are_refused(world):
    client = login(world["users"]["feld_a"])
    b = world["b"]
    assert client.post(url(Measure, "delete", b.pk), {"post": "yes"}).status_code == 403
    assert (
        client.post(url(SchoolRollout, "delete", world["row_b"].pk), {"post": "yes"}).status_code
        == 403
    )
    assert (
        client.post(url(FieldOfAction, "delete", world["field_b"].pk), {"post": "yes"}).status_code
        == 403
    )
    assert Measure.objects.filter(pk=b.pk).exists()
    assert SchoolRollout.objects.filter(pk=world["row_b"].pk).exists()


@pytest.mark.parametrize("role", ROLES)
def test_one_rule_for_lists_and_single_measures(world, role):
    """The staff area's list (editable_by) and every single check agree."""
    user = world["users"][role]
    editable = set(Measure.objects.editable_by(user))
    expected = {"superuser": {"a", "b"}, "alle": {"a", "b"}, "feld_a": {"a"}, "ohne": set()}
    assert editable == {world[name] for name in expected[role]}
    for name in "ab":
        assert world[name].can_be_edited_by(user) == (world[name] in editable)


def test_budget_lines_follow_the_measures_responsibilities(world):
    client = login(world["users"]["feld_a"])
    own = client.get(url(Measure, "change", world["a"].pk))
    assert 'name="budget_lines-0-planned"' in own.content.decode()  # an empty line to fill
    data = form_data(own) | {
        "budget_lines-0-source": FundingSource.LAND,
        "budget_lines-0-planned": "1000.00",
        "change_reason": "Förderbescheid",
    }
    assert client.post(url(Measure, "change", world["a"].pk), data).status_code == 302
    assert world["a"].budget_lines.get().planned == Decimal("1000.00")

    foreign = client.get(url(Measure, "change", world["b"].pk))
    assert foreign.status_code == 200  # view only
    assert 'name="budget_lines-0-planned"' not in foreign.content.decode()
    data = form_data(own) | {
        "budget_lines-0-source": FundingSource.LAND,
        "budget_lines-0-planned": "1000.00",
    }
    assert client.post(url(Measure, "change", world["b"].pk), data).status_code == 403
    assert not world["b"].budget_lines.exists()


def test_readings_are_entered_only_by_those_responsible_and_record_who(world):
    client = login(world["users"]["feld_a"])
    reading = {"readings-0-date": "2024-07-01", "readings-0-value": "2420"}
    own = url(Indicator, "change", world["indicator_a"].pk)
    page = client.get(own)
    assert 'name="readings-0-value"' in page.content.decode()  # an empty row to fill
    assert client.post(own, {**form_data(page), **reading}).status_code == 302
    [entered] = world["indicator_a"].readings.all()
    assert (entered.value, entered.unit, entered.entered_by) == (
        2420,
        Unit.DEVICES,
        world["users"]["feld_a"],
    )

    foreign = url(Indicator, "change", world["indicator_b"].pk)
    page = client.get(foreign)
    assert page.status_code == 200 and 'name="readings-0-value"' not in page.content.decode()
    assert client.post(foreign, {**form_data(page), **reading}).status_code == 403
    assert not world["indicator_b"].readings.exists()
