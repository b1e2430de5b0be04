"""The Django admin: every page loads, filters and search, the status action,
the target in the deck's notation, the version check, permissions and groups."""

import datetime
import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.test import Client, RequestFactory
from django.urls import reverse

from measures.models import EditConflict, Measure, Status
from measures.rollout import RolloutState, SchoolRollout
from measures.targets import Target
from tests.factories import make_field, make_measure, make_plan, make_school
from tests.two_factor import verified_login

CONFLICT = "Diese Maßnahme wurde inzwischen von jemand anderem geändert"


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def form_data(response) -> dict:
    """What the browser would post back for the change form in `response`, unchanged."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            if isinstance(value, list | tuple):
                data[bound.html_name] = [str(getattr(item, "pk", item)) for item in value]
            else:
                data[bound.html_name] = str(value)
    return data


def history_of(measure: Measure):
    return measure.history.order_by("-history_date", "-history_id")


@pytest.fixture
def sample(db):
    """One of everything, so that the lists and change pages have rows to show."""
    plan = make_plan()
    field = make_field(plan)
    measure = make_measure(field, target="Q1 2025", status=Status.IN_PROGRESS)
    school = make_school(district="Mitte")
    SchoolRollout.objects.create(measure=measure, school=school)
    group = Group.objects.create(name="Amt 40")
    group.measures.add(measure)
    return measure


def test_every_admin_list_add_and_change_page_loads(admin_client, admin_user, sample):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    for model, model_admin in admin.site._registry.items():
        response = admin_client.get(url(model, "changelist"))
        assert response.status_code == 200, model
        if model_admin.has_add_permission(request):
            assert admin_client.get(url(model, "add")).status_code == 200, model
        obj = model._default_manager.first()
        if obj is not None:
            assert admin_client.get(url(model, "change", obj.pk)).status_code == 200, model
            if hasattr(model_admin, "history_view"):
                assert admin_client.get(url(model, "history", obj.pk)).status_code == 200


def test_admin_speaks_german(admin_client, sample):
    html = admin_client.get(url(Measure, "changelist")).content.decode()
    assert "Maßnahmen" in html and "überfällig" in html and "Status setzen …" in html
    html = admin_client.get(url(Measure, "change", sample.pk)).content.decode()
    assert "Abschluss" in html and "Umsetzung an den Schulen" in html


def test_overdue_filter(admin_client, db, sample):
    field = sample.field
    late = make_measure(field, target="Q1 2020", status=Status.IN_PROGRESS)
    make_measure(field, target="2021", status=Status.DONE)  # done: never overdue
    make_measure(field, target="Q4 2099")
    make_measure(field, target="2020 ff.")  # open-ended: never overdue
    make_measure(field)  # no target

    def listed(query: str) -> set[int]:
        response = admin_client.get(url(Measure, "changelist") + query)
        assert response.status_code == 200
        return {measure.pk for measure in response.context["cl"].result_list}

    overdue = listed("?ueberfaellig=ja")
    assert overdue == {late.pk, sample.pk}  # sample's target Q1 2025 has passed
    assert listed("?ueberfaellig=nein") == set(Measure.objects.values_list("pk", flat=True)) - {
        late.pk,
        sample.pk,
    }
    assert len(listed("")) == 6


def test_target_year_and_status_filters(admin_client, sample):
    other = make_measure(sample.field, target="2026", status=Status.WAITING)
    response = admin_client.get(url(Measure, "changelist") + "?target_year=2026")
    assert [measure.pk for measure in response.context["cl"].result_list] == [other.pk]
    response = admin_client.get(url(Measure, "changelist") + "?status=in_progress")
    assert [measure.pk for measure in response.context["cl"].result_list] == [sample.pk]
    response = admin_client.get(url(Measure, "changelist") + f"?field__id__exact={sample.field_id}")
    assert len(response.context["cl"].result_list) == 2


def test_search(admin_client, sample):
    wanted = make_measure(sample.field, title="Glasfaser für alle Schulen")
    make_measure(sample.field, description="Tablets", work_items="WLAN ausleuchten")
    response = admin_client.get(url(Measure, "changelist") + "?q=glasfaser")
    assert [measure.pk for measure in response.context["cl"].result_list] == [wanted.pk]
    response = admin_client.get(url(Measure, "changelist") + "?q=ausleuchten")
    assert len(response.context["cl"].result_list) == 1


def test_changelist_shows_schools_and_overdue(admin_client, sample):
    response = admin_client.get(url(Measure, "changelist"))
    (row,) = response.context["cl"].result_list
    assert str(row.rollout) == "0/1"
    assert row.is_overdue_today


def test_bulk_action_asks_for_the_status_then_sets_it(admin_client, admin_user, sample):
    done = make_measure(sample.field, status=Status.DONE)
    untouched = make_measure(sample.field, status=Status.WAITING)
    selected = [str(sample.pk), str(done.pk)]
    changelist = url(Measure, "changelist")

    response = admin_client.post(
        changelist, {"action": "set_status", "_selected_action": selected, "index": 0}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Neuer Status" in html and sample.title in html and untouched.title not in html
    assert Measure.objects.get(pk=sample.pk).status == Status.IN_PROGRESS  # nothing yet

    response = admin_client.post(
        changelist,
        {
            "action": "set_status",
            "_selected_action": selected,
            "apply": "Status setzen",
            "status": Status.DONE,
            "reason": "Sammeländerung im Admin",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "Status von 1 Maßnahme gesetzt." in response.content.decode()

    measure = Measure.objects.get(pk=sample.pk)
    assert measure.status == Status.DONE
    assert measure.version == sample.version + 1
    record = history_of(measure).first()
    assert record.history_user == admin_user
    assert record.history_change_reason == "Sammeländerung im Admin"
    assert record.status == Status.DONE
    # The one that had the status already is not touched, nor the unselected one.
    assert Measure.objects.get(pk=done.pk).version == done.version
    assert Measure.objects.get(pk=untouched.pk).status == Status.WAITING

    # A staff editor who opened the measure before the bulk change gets a conflict.
    with pytest.raises(EditConflict) as conflict:
        Measure.objects.apply_change(
            sample.pk,
            expected_version=sample.version,
            user=admin_user,
            reason="alt",
            status=Status.WAITING,
        )
    assert conflict.value.changes[-1].reason == "Sammeländerung im Admin"


def test_bulk_action_can_clear_the_status(admin_client, sample):
    admin_client.post(
        url(Measure, "changelist"),
        {
            "action": "set_status",
            "_selected_action": [sample.pk],
            "apply": "1",
            "status": "ohne",
            "reason": "Zurückgesetzt",
        },
    )
    measure = Measure.objects.get(pk=sample.pk)
    assert measure.status == ""
    assert history_of(measure).first().history_change_reason == "Zurückgesetzt"


def test_bulk_action_needs_a_reason(admin_client, sample):
    response = admin_client.post(
        url(Measure, "changelist"),
        {"action": "set_status", "_selected_action": [sample.pk], "apply": "1", "status": "done"},
    )
    assert response.status_code == 422
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert Measure.objects.get(pk=sample.pk).status == Status.IN_PROGRESS


def test_change_form_shows_target_in_deck_notation(admin_client, sample):
    response = admin_client.get(url(Measure, "change", sample.pk))
    form = response.context["adminform"].form
    assert form["target"].value() == "Q1 2025"
    assert form["loaded_version"].value() == sample.version
    assert "target_kind" not in form.fields
    html = response.content.decode()
    assert "Ursprünglicher Abschluss" in html and "Verschiebungen" in html


def test_target_is_parsed_and_postponement_counted(admin_client, admin_user, sample):
    data = form_data(admin_client.get(url(Measure, "change", sample.pk)))
    data["target"] = "Q3 2026"

    response = admin_client.post(url(Measure, "change", sample.pk), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    measure = Measure.objects.get(pk=sample.pk)
    assert measure.target == Target.parse("Q3 2026")
    assert measure.original_target == Target.parse("Q1 2025")
    assert measure.postponements == 1
    assert measure.version == sample.version + 1
    record = history_of(measure).first()
    assert record.history_user == admin_user
    assert record.history_change_reason == "Geändert im Admin"
    assert record.target_quarter == 3


def test_change_reason_can_be_given(admin_client, sample):
    data = form_data(admin_client.get(url(Measure, "change", sample.pk)))
    data.update(status=Status.DONE, change_reason="Abnahme erfolgt")
    assert admin_client.post(url(Measure, "change", sample.pk), data).status_code == 302
    measure = Measure.objects.get(pk=sample.pk)
    assert history_of(measure).first().history_change_reason == "Abnahme erfolgt"
    assert measure.timeline(public=True)[0].reason == "Abnahme erfolgt"


def test_invalid_target_is_refused_in_german(admin_client, sample):
    data = form_data(admin_client.get(url(Measure, "change", sample.pk)))
    data.update(target="Q5 2025", title="Neuer Titel")

    response = admin_client.post(url(Measure, "change", sample.pk), data)

    assert response.status_code == 422
    errors = response.context["adminform"].form.errors["target"]
    assert errors == [
        "„Q5 2025“ ist kein gültiger Abschluss. Erlaubt sind z. B. „Q3 2023“, "
        "„1. Halbjahr 2025“, „H1 2025“, „2026“, „bis 2029“, „Ende 2024“, "
        "„Schuljahr 2025/26“, „2024 ff.“, „wird noch bekanntgegeben“ oder „Laufend“."
    ]
    measure = Measure.objects.get(pk=sample.pk)
    assert (measure.title, measure.version) == (sample.title, sample.version)
    assert measure.target == Target.parse("Q1 2025")


def test_stale_form_is_refused_and_nothing_saved(admin_client, admin_user, sample):
    rollout = sample.school_rollouts.get()
    data = form_data(admin_client.get(url(Measure, "change", sample.pk)))
    # Meanwhile a staff editor saves the measure.
    Measure.objects.apply_change(
        sample.pk,
        expected_version=sample.version,
        user=User.objects.create_user("kollegin", first_name="Erika", last_name="Muster"),
        reason="Lieferung da",
        status=Status.WAITING,
    )
    data.update(title="Überschrieben", target="2030")
    data["school_rollouts-0-state"] = RolloutState.DONE
    data["school_rollouts-0-date"] = "2025-03-01"
    records = sample.history.count()

    response = admin_client.post(url(Measure, "change", sample.pk), data)

    assert response.status_code == 422
    html = response.content.decode()
    assert CONFLICT in html
    assert "Erika Muster" in html
    assert "Status: In Bearbeitung → Wartend" in html  # what the other person changed
    measure = Measure.objects.get(pk=sample.pk)
    assert measure.title == sample.title
    assert measure.status == Status.WAITING
    assert measure.target == Target.parse("Q1 2025")
    assert measure.version == sample.version + 1
    assert measure.history.count() == records
    assert SchoolRollout.objects.get(pk=rollout.pk).state == RolloutState.OPEN

    # Reloaded, the form carries the new version and saves.
    data = form_data(admin_client.get(url(Measure, "change", sample.pk)))
    data["title"] = "Neuer Titel"
    assert admin_client.post(url(Measure, "change", sample.pk), data).status_code == 302
    measure = Measure.objects.get(pk=sample.pk)
    assert (measure.title, measure.version) == ("Neuer Titel", sample.version + 2)


def test_form_without_version_is_refused(admin_client, sample):
    data = form_data(admin_client.get(url(Measure, "change", sample.pk)))
    del data["loaded_version"]
    data["title"] = "Ohne Version"
    response = admin_client.post(url(Measure, "change", sample.pk), data)
    assert response.status_code == 422
    assert Measure.objects.get(pk=sample.pk).title == sample.title


def test_saving_unchanged_form_keeps_the_version(admin_client, sample):
    records = sample.history.count()
    data = form_data(admin_client.get(url(Measure, "change", sample.pk)))
    assert admin_client.post(url(Measure, "change", sample.pk), data).status_code == 302
    measure = Measure.objects.get(pk=sample.pk)
    assert measure.version == sample.version
    assert measure.history.count() == records


def test_saving_a_measure_never_undoes_ticks_made_meanwhile(admin_client, admin_user, sample):
    """The rollout inline is read only: the checklist writes rows, the measure form not."""
    rollout = sample.school_rollouts.get()
    data = form_data(admin_client.get(url(Measure, "change", sample.pk)))
    assert "school_rollouts-0-state" not in data  # shown, not editable
    # Staff tick the school while the admin page is open ...
    rollout.state, rollout.date = RolloutState.DONE, datetime.date(2025, 3, 1)
    rollout.save()
    # ... and the administrator saves a new description.
    data["description"] = "Neu"
    assert admin_client.post(url(Measure, "change", sample.pk), data).status_code == 302
    rollout.refresh_from_db()
    assert (rollout.state, rollout.date) == (RolloutState.DONE, datetime.date(2025, 3, 1))
    assert Measure.objects.get(pk=sample.pk).description == "Neu"


def test_rollout_rows_are_edited_one_by_one_with_the_user(admin_client, admin_user, sample):
    rollout = sample.school_rollouts.get()
    change = f"/admin/measures/schoolrollout/{rollout.pk}/change/"
    data = form_data(admin_client.get(change))
    data.update(state=RolloutState.DONE, date="2025-03-01")
    assert admin_client.post(change, data).status_code == 302
    record = rollout.history.order_by("-history_id").first()
    assert (record.state, record.history_user) == (RolloutState.DONE, admin_user)
    data["date"] = ""
    response = admin_client.post(change, data)
    assert "Eine abgeschlossene Umsetzung braucht ein Datum." in response.content.decode()


def test_add_measure_with_target(admin_client, admin_user, sample):
    group = Group.objects.get()
    response = admin_client.post(
        url(Measure, "add"),
        {
            "field": sample.field_id,
            "title": "Neue Maßnahme",
            "slug": "neue-massnahme",
            "position": 9,
            "school_scope": "plan",
            "status": "",
            "target": "2024 ff.",
            "responsible_groups": [group.pk],
            "school_rollouts-TOTAL_FORMS": 0,
            "school_rollouts-INITIAL_FORMS": 0,
            "budget_lines-TOTAL_FORMS": 0,
            "budget_lines-INITIAL_FORMS": 0,
            "indicators-TOTAL_FORMS": 0,
            "indicators-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    measure = Measure.objects.get(slug="neue-massnahme")
    assert str(measure.target) == "2024 ff."
    assert (measure.version, measure.postponements, measure.original_target) == (1, 0, None)
    assert list(measure.responsible_groups.all()) == [group]
    record = history_of(measure).first()
    assert (record.history_user, record.history_change_reason) == (admin_user, "Im Admin angelegt")


def test_rollout_numbers_are_checked(admin_client, sample):
    data = form_data(admin_client.get(url(Measure, "change", sample.pk)))
    data.update(rollout_done="80", rollout_total="74")
    response = admin_client.post(url(Measure, "change", sample.pk), data)
    assert response.status_code == 422
    assert "Die Zahl der abgeschlossenen Schulen darf" in response.content.decode()


def test_reverting_a_measure_is_refused(admin_client, sample):
    record = sample.history.first()
    view = reverse("admin:measures_measure_simple_history", args=[sample.pk, record.pk])
    assert admin_client.get(view).status_code == 200
    assert admin_client.post(view, {"title": "Alt"}).status_code == 403


def test_plan_inline_records_history(admin_client, admin_user, sample):
    plan = sample.field.plan
    response = admin_client.get(url(plan, "change", plan.pk))
    data = form_data(response)
    data["fields-0-title"] = "Umbenannt"
    assert admin_client.post(url(plan, "change", plan.pk), data).status_code == 302
    field = plan.fields.get()
    assert field.title == "Umbenannt"
    record = field.history.order_by("-history_id").first()
    assert (record.history_user, record.history_change_reason) == (admin_user, "Geändert im Admin")


def test_deleting_in_the_admin_records_the_user(admin_client, admin_user, sample):
    response = admin_client.post(url(Measure, "delete", sample.pk), {"post": "yes"})
    assert response.status_code == 302
    record = Measure.history.filter(id=sample.pk).order_by("-history_id").first()
    assert record.history_type == "-"
    assert record.history_user == admin_user


def test_staff_without_permissions_is_refused(client, db, sample):
    user = User.objects.create_user("sachbearbeitung", is_staff=True)
    verified_login(client, user)
    assert client.get(url(Measure, "changelist")).status_code == 403
    assert client.get(url(Measure, "change", sample.pk)).status_code == 403


def test_user_without_staff_flag_is_sent_to_login(client, db):
    client.force_login(User.objects.create_user("schule"))
    response = client.get(url(Measure, "changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_group_form_saves_members_and_responsibilities(admin_client, sample):
    field = sample.field
    other = make_measure(make_field(field.plan))
    member = User.objects.create_user("mitglied")

    response = admin_client.post(
        url(Group, "add"),
        {
            "name": "Medienzentrum",
            "members": [member.pk],
            "fields_of_action": [field.pk],
            "measures": [other.pk],
        },
    )

    assert response.status_code == 302
    group = Group.objects.get(name="Medienzentrum")
    assert list(group.user_set.all()) == [member]
    assert list(group.fields_of_action.all()) == [field]
    assert list(group.measures.all()) == [other]
    editable = set(Measure.objects.editable_by(member).values_list("pk", flat=True))
    assert editable == {sample.pk, other.pk}

    # The change form shows them, and emptying a field removes them.
    response = admin_client.get(url(Group, "change", group.pk))
    data = form_data(response)
    assert data["measures"] == [str(other.pk)] and data["fields_of_action"] == [str(field.pk)]
    del data["measures"]
    assert admin_client.post(url(Group, "change", group.pk), data).status_code == 302
    assert not group.measures.exists()
    assert list(group.fields_of_action.all()) == [field]


def test_user_page_lists_responsibilities(admin_client, sample):
    member = User.objects.create_user("mitglied")
    member.groups.add(Group.objects.get())
    html = admin_client.get(url(User, "change", member.pk)).content.decode()
    assert "Zuständigkeiten" in html
    assert f"<li>{sample.field}: {sample}</li>" in html
    html = admin_client.get(url(User, "changelist")).content.decode()
    assert "Amt 40" in html


def test_responsibilities_hold_in_the_admin(client, db, sample):
    """Staff with admin access and change rights still edit only their own measures."""
    own_group = sample.responsible_groups.get()
    other = make_measure(make_field(sample.field.plan), target="2026")
    user = User.objects.create_user("ute", password="x" * 20, is_staff=True)
    user.groups.add(own_group)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_measure", "change_measure"])
    )
    verified_login(client, user)
    assert client.get(url(Measure, "change", sample.pk)).status_code == 200
    page = client.get(url(Measure, "change", other.pk))
    assert (
        page.status_code == 200 and 'name="description"' not in page.content.decode()
    )  # view only
    data = form_data(client.get(url(Measure, "change", sample.pk)))
    data["description"] = "Fremd"
    assert client.post(url(Measure, "change", other.pk), data).status_code == 403
    assert Measure.objects.get(pk=other.pk).description == ""


def test_admin_widgets_and_history_speak_german(admin_client, sample):
    script = admin_client.get("/admin/jsi18n/").content.decode()
    assert "Alle %s ausw\\u00e4hlen" in script or "Alle %s auswählen" in script
    history = admin_client.get(url(Measure, "history", sample.pk)).content.decode()
    assert "Änderungen" in history and ">Changes<" not in history


def test_the_plans_admin_page_shows_how_many_schools_its_rule_picks_today(bielefeld):
    client = Client()
    verified_login(client, User.objects.create_superuser("root", password="x" * 20))
    html = client.get(f"/admin/measures/plan/{bielefeld.pk}/change/").content.decode()
    assert 'name="school_authority_number" value="10261"' in html
    assert re.search(r"Schulen des Plans heute.*?76</div>", html, re.S)
