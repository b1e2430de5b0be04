"""Each Schulträger's data is its own in the admin too (issue 13): an administrator
of one authority, with every permission of the plan's models, never lists, finds,
chooses, changes or deletes a row of another. Another authority's id answers as
an id that does not exist; its past versions are not found (404). A platform
administrator (superuser) manages all, and only they see the authorities.

The matrix covers every admin of one authority's data (`authority_path`):
a new one without a row here fails `test_every_admin_of_an_authoritys_data_is_here`.
"""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from authorities.admin import StaffAreaAdmin
from authorities.models import Authority, Identity
from editions.models import Edition
from legal.models import Feedback, LegalPage
from measures.indicators import Indicator, Unit
from measures.models import FieldOfAction, Measure, Plan, Status
from measures.rollout import SchoolRollout
from schools.models import School
from tests.authorities.conftest import HOST
from tests.factories import make_group, make_school, make_user
from tests.measures.test_admin import form_data
from tests.two_factor import client_for

APPS = ["measures", "editions", "schools", "auth"]


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def administrator(username: str):
    """Admin access with every permission of the plan's models (the Amt's
    administrator), and no superuser."""
    user = make_user(username, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label__in=APPS))
    return user


@pytest.fixture
def two(county, bielefeld):
    """Bielefeld's administrator (named by no authority: the default one's) and
    the county's, each authority with a plan, field, measure, per-school row,
    indicator and edition."""
    kreis = administrator("kreis")
    county.owner.staff.add(kreis)
    bielefeld_admin = administrator("bielefeld")

    def rows(plan: Plan) -> dict:
        measure = Measure.objects.filter(plan=plan).order_by("pk").first()
        row = SchoolRollout.objects.filter(measure__plan=plan).first()
        if row is None:
            row = SchoolRollout.objects.create(measure=measure, school=make_school())
        indicator = Indicator.objects.create(measure=measure, name="Geräte", unit=Unit.DEVICES)
        edition = Edition.publish(
            plan,
            user=bielefeld_admin,
            date=datetime.date(2025, 6, 30),
            today=datetime.date(2025, 7, 1),
            title=f"Bericht {plan.owner}",
            slug="juni-2025",
        )
        return {
            Plan: plan,
            FieldOfAction: measure.field,
            Measure: measure,
            SchoolRollout: row,
            Indicator: indicator,
            Edition: edition,
        }

    return {
        "bielefeld": {"client": client_for(bielefeld_admin), "rows": rows(bielefeld)},
        "kreis": {"client": client_for(kreis), "rows": rows(county)},
    }


MODELS = [Plan, FieldOfAction, Measure, SchoolRollout, Indicator, Edition]
OTHER = {"bielefeld": "kreis", "kreis": "bielefeld"}


def test_every_admin_of_an_authoritys_data_is_here():
    scoped = {
        model
        for model, model_admin in admin.site._registry.items()
        if hasattr(model, "authority_path") and model is not Authority
    }
    # The legal ones: test_legal_pages; the identity: test_identity.
    assert scoped == {*MODELS, LegalPage, Feedback, Identity}
    assert all(isinstance(admin.site._registry[model], StaffAreaAdmin) for model in scoped)


@pytest.mark.parametrize("who", ["bielefeld", "kreis"])
@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.model_name)
def test_an_administrator_never_reaches_another_authoritys_row(two, who, model):
    client = two[who]["client"]
    own, other = two[who]["rows"][model], two[OTHER[who]]["rows"][model]

    listed = client.get(url(model, "changelist"))
    assert listed.status_code == 200
    shown = {row.pk for row in listed.context["cl"].result_list}
    assert own.pk in shown and other.pk not in shown
    # The search finds the own row by its text, the other's not by its.
    found = client.get(url(model, "changelist"), {"q": str(other)[:20]})
    assert other.pk not in {row.pk for row in found.context["cl"].result_list}

    # Another authority's id answers like an id that does not exist.
    assert client.get(url(model, "change", 987654)).status_code == 302
    for view in ["change", "delete"]:
        missing = client.get(url(model, view, 987654))
        response = client.get(url(model, view, other.pk))
        assert response.status_code == missing.status_code
        assert response.get("Location") == missing.get("Location")
        posted = client.post(url(model, view, other.pk), {"post": "yes"})
        assert posted.status_code in {302, 403}
    assert model.objects.filter(pk=other.pk).exists()
    assert client.get(url(model, "change", own.pk)).status_code == 200

    if hasattr(model, "history"):  # simple_history's pages find rows without the list
        record = other.history.first()
        assert client.get(url(model, "history", other.pk)).status_code == 404
        view = f"admin:{model._meta.app_label}_{model._meta.model_name}_simple_history"
        assert client.get(reverse(view, args=[other.pk, record.pk])).status_code == 404
        assert client.get(url(model, "history", own.pk)).status_code == 200


@pytest.mark.parametrize("who", ["bielefeld", "kreis"])
def test_the_list_filters_name_only_the_own_plans_and_fields(two, who):
    client = two[who]["client"]
    other = two[OTHER[who]]["rows"]
    for model in MODELS:
        page = client.get(url(model, "changelist")).text.replace("&amp;", "&")
        assert f"plan__id__exact={other[Plan].pk}&" not in page, model
        assert f"field__id__exact={other[FieldOfAction].pk}&" not in page, model
        assert f"owner__id__exact={other[Plan].owner_id}&" not in page, model
        assert other[Plan].title not in page, model


def test_the_choices_offer_only_the_own_authoritys_rows(two):
    client = two["kreis"]["client"]
    own, other = two["kreis"]["rows"], two["bielefeld"]["rows"]

    plan_form = client.get(url(Plan, "add")).context["adminform"].form
    assert list(plan_form.fields["owner"].queryset) == [own[Plan].owner]
    field_form = client.get(url(FieldOfAction, "add")).context["adminform"].form
    assert set(field_form.fields["plan"].queryset) == {own[Plan]}
    measure_form = client.get(url(Measure, "add")).context["adminform"].form
    assert set(measure_form.fields["field"].queryset) == {own[FieldOfAction]}
    assert other[Measure] not in measure_form.fields["continues"].queryset
    indicator_form = client.get(url(Indicator, "add")).context["adminform"].form
    assert other[Measure] not in indicator_form.fields["measure"].queryset

    # The autocomplete of a per-school row's measure suggests the own measures only.
    suggested = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "measures",
            "model_name": "schoolrollout",
            "field_name": "measure",
            "term": "",
        },
    ).json()["results"]
    assert {int(item["id"]) for item in suggested} == set(
        Measure.objects.filter(plan=own[Plan]).values_list("pk", flat=True)
    )

    # Posted anyway: refused like any unknown choice, nothing is made.
    response = client.post(
        url(FieldOfAction, "add"),
        {"plan": other[Plan].pk, "title": "Eingeschmuggelt", "slug": "x", "position": 1},
    )
    assert response.status_code == 422
    assert not FieldOfAction.objects.filter(title="Eingeschmuggelt").exists()


def test_an_action_on_another_authoritys_rows_changes_nothing(two):
    client = two["kreis"]["client"]
    other = two["bielefeld"]["rows"][Measure]
    before = other.status
    client.post(
        url(Measure, "changelist"),
        {
            "action": "set_status",
            "_selected_action": [other.pk],
            "apply": "1",
            "status": Status.DONE if before != Status.DONE else Status.PREPARING,
            "reason": "Fremd",
        },
    )
    assert Measure.objects.get(pk=other.pk).status == before


def test_only_a_platform_administrator_sees_the_authorities(two, admin_user):
    kreis = two["kreis"]["client"]
    # Not even a permission given to them opens it: they could name themselves
    # staff of another authority.
    user = Authority.objects.get(host=HOST).staff.get()
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="authorities"))
    assert kreis.get(url(Authority, "changelist")).status_code == 403
    assert url(Authority, "changelist") not in kreis.get("/admin/").text
    platform = client_for(admin_user)
    assert platform.get(url(Authority, "changelist")).status_code == 200
    listed = platform.get(url(Measure, "changelist")).context["cl"].result_list
    assert {two["kreis"]["rows"][Measure], two["bielefeld"]["rows"][Measure]} <= set(listed)


# --- Users and groups ----------------------------------------------------------


@pytest.fixture
def people(two, admin_user):
    """Each authority's administrator and a group; the county's group made by its
    administrator in the admin (so it is the county's), Bielefeld's named by no
    authority (the default one's)."""
    kreis = two["kreis"]["client"]
    response = kreis.post(url(Group, "add"), {"name": "Team Kreis"})
    assert response.status_code == 302
    return {
        "kreis": User.objects.get(username="kreis"),
        "bielefeld": User.objects.get(username="bielefeld"),
        "team_kreis": Group.objects.get(name="Team Kreis"),
        "team_bielefeld": make_group("Team Bielefeld"),
        "platform": admin_user,
    }


def _listed(client, model) -> set:
    return set(client.get(url(model, "changelist")).context["cl"].result_list)


def test_users_and_groups_are_their_authoritys(two, people):
    kreis, bielefeld = two["kreis"]["client"], two["bielefeld"]["client"]
    assert people["team_kreis"].authorities.get() == two["kreis"]["rows"][Plan].owner
    assert _listed(kreis, Group) == {people["team_kreis"]}
    assert _listed(bielefeld, Group) == {people["team_bielefeld"]}
    # A platform administrator is nobody's staff: listed, they could be changed.
    assert _listed(kreis, User) == {people["kreis"]}
    assert _listed(bielefeld, User) == {people["bielefeld"]}
    for client, other in [(kreis, people["team_bielefeld"]), (bielefeld, people["team_kreis"])]:
        missing = client.get(url(Group, "change", 987654))
        assert client.get(url(Group, "change", other.pk))["Location"] == missing["Location"]
    missing = kreis.get(url(User, "change", 987654))
    for other in [people["bielefeld"], people["platform"]]:
        assert kreis.get(url(User, "change", other.pk))["Location"] == missing["Location"]
        assert kreis.get(url(User, "password_change", other.pk)).status_code == 404


def test_a_user_made_by_an_authoritys_administrator_works_for_it(two, people):
    kreis = two["kreis"]["client"]
    response = kreis.post(
        url(User, "add"),
        {
            "username": "neu",
            "password1": "ein-langes-Passwort-1",
            "password2": "ein-langes-Passwort-1",
        },
    )
    assert response.status_code == 302
    made = User.objects.get(username="neu")
    assert list(made.authorities.all()) == [two["kreis"]["rows"][Plan].owner]
    assert made in _listed(kreis, User)
    assert made not in _listed(two["bielefeld"]["client"], User)


def test_the_group_form_offers_only_the_own_people_and_measures(two, people):
    kreis = two["kreis"]["client"]
    own, other = two["kreis"]["rows"], two["bielefeld"]["rows"]
    form = kreis.get(url(Group, "change", people["team_kreis"].pk)).context["adminform"].form
    assert set(form.fields["members"].queryset) == {people["kreis"]}
    assert set(form.fields["fields_of_action"].queryset) == set(
        FieldOfAction.objects.filter(plan=own[Plan])
    )
    assert other[Measure] not in form.fields["measures"].queryset
    field_form = kreis.get(url(FieldOfAction, "change", own[FieldOfAction].pk))
    groups = field_form.context["adminform"].form.fields["responsible_groups"].queryset
    assert set(groups) == {people["team_kreis"]}


def test_an_authoritys_administrator_gives_no_more_than_they_hold(two, people):
    """Neither superuser nor a permission they lack, such as the authorities'."""
    kreis = two["kreis"]["client"]
    manage = Permission.objects.get(codename="change_authority")
    group_form = kreis.get(url(Group, "change", people["team_kreis"].pk))
    offered = group_form.context["adminform"].form.fields["permissions"].queryset
    assert manage not in offered and offered.filter(codename="change_measure").exists()
    data = form_data(group_form) | {"permissions": [str(manage.pk)]}
    assert kreis.post(url(Group, "change", people["team_kreis"].pk), data).status_code == 422
    assert not people["team_kreis"].permissions.filter(pk=manage.pk).exists()

    user = people["kreis"]
    page = kreis.get(url(User, "change", user.pk))
    assert "is_superuser" not in page.context["adminform"].form.fields
    data = form_data(page) | {"is_superuser": "on", "user_permissions": [str(manage.pk)]}
    kreis.post(url(User, "change", user.pk), data)
    user.refresh_from_db()
    assert not user.is_superuser and not user.user_permissions.filter(pk=manage.pk).exists()
    # A platform administrator gives anything.
    platform = client_for(people["platform"])
    page = platform.get(url(User, "change", user.pk))
    assert manage in page.context["adminform"].form.fields["user_permissions"].queryset


# --- What the review found (helper review of the isolation, issue 13) -----------------


def test_saving_a_group_keeps_the_members_the_editor_does_not_see(two, people):
    """A platform administrator put Bielefeld's administrator into the county's
    group; the county's administrator saving the group must not drop them."""
    team = people["team_kreis"]
    team.user_set.add(people["bielefeld"], people["kreis"])
    kreis = two["kreis"]["client"]
    page = kreis.get(url(Group, "change", team.pk))
    assert people["bielefeld"] not in page.context["adminform"].form.fields["members"].queryset
    # What the browser posts: the members it offered (form_data would post them all).
    data = form_data(page) | {"name": "Team K", "members": [str(people["kreis"].pk)]}
    response = kreis.post(url(Group, "change", team.pk), data)
    assert response.status_code == 302
    assert set(team.user_set.all()) == {people["bielefeld"], people["kreis"]}


def test_no_group_gives_its_members_more_than_the_editor_holds(two, people):
    """A group with the security log's permission (the platform's): the county's
    administrator may neither join it nor change it."""
    log = make_group("Sicherheit", permissions=["view_securityevent"])
    people["kreis"].authorities.get().groups.add(log)
    kreis = two["kreis"]["client"]
    page = kreis.get(url(User, "change", people["kreis"].pk))
    assert log not in page.context["adminform"].form.fields["groups"].queryset
    data = form_data(page) | {"groups": [str(log.pk)]}
    assert kreis.post(url(User, "change", people["kreis"].pk), data).status_code == 422
    assert kreis.get(url(User, "change", people["kreis"].pk)).status_code == 200
    assert not people["kreis"].groups.filter(pk=log.pk).exists()
    group_page = kreis.get(url(Group, "change", log.pk))
    assert group_page.status_code == 200 and not group_page.context["has_change_permission"]
    assert kreis.post(url(Group, "change", log.pk), {"name": "x"}).status_code == 403


def test_the_user_list_names_only_the_own_groups(two, people):
    page = two["kreis"]["client"].get(url(User, "changelist")).text
    assert "Team Bielefeld" not in page


def test_the_default_authority_keeps_its_address_while_people_work_for_it(two, people, settings):
    """Given a host name, its staff named by none would work for the next authority
    without one: it is refused until they are named."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "stadt.example"]
    default = Authority.objects.for_host("")
    default.host = "stadt.example"
    with pytest.raises(ValidationError, match="Tragen Sie sie zuerst"):
        default.clean()
    default.staff.add(people["bielefeld"])
    default.groups.add(people["team_bielefeld"])
    unnamed = User.objects.filter(authorities=None, is_superuser=False)
    default.staff.add(*unnamed)
    default.groups.add(*Group.objects.filter(authorities=None))
    default.clean()  # no one works for it by default any more


def test_view_on_site_finds_no_other_authoritys_object(two):
    """Django's /admin/r/ shortcut would redirect to (and so reveal) its address."""
    kreis = two["kreis"]["client"]
    content_type = ContentType.objects.get_for_model(Measure)
    own, other = two["kreis"]["rows"][Measure], two["bielefeld"]["rows"][Measure]
    assert kreis.get(f"/admin/r/{content_type.pk}/{own.pk}/").status_code == 302
    assert kreis.get(f"/admin/r/{content_type.pk}/{other.pk}/").status_code == 404
    assert kreis.get(f"/admin/r/{content_type.pk}/kein-id/").status_code == 404
    assert two["kreis"]["client"].logout() is None
    assert Client().get(f"/admin/r/{content_type.pk}/{own.pk}/").status_code == 302  # to login


def test_a_school_is_its_schultraegers_to_change(two):
    """The directory is shared and public: read by all, changed by its Schulträger's."""
    county = Authority.objects.get(host=HOST)
    county.school_authority_number = "10686"
    county.save()
    own = make_school(school_number="195133", authority_number="10686", district="")
    other = School.objects.filter(authority_number="10261").first()
    kreis = two["kreis"]["client"]
    page = kreis.get(url(School, "change", other.pk))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    response = kreis.post(url(School, "change", other.pk), {"name": "Übernommen"})
    assert response.status_code == 403
    assert kreis.get(url(School, "change", own.pk)).context["has_change_permission"]


def test_only_a_platform_administrator_moves_a_school_to_another_schultraeger(two, admin_user):
    own = make_school(school_number="195134", authority_number="10261")
    form = two["bielefeld"]["client"].get(url(School, "change", own.pk)).context["adminform"]
    assert "authority_number" not in form.form.fields
    platform = client_for(admin_user).get(url(School, "change", own.pk)).context["adminform"]
    assert "authority_number" in platform.form.fields


def test_the_measure_list_counts_against_the_own_plan_wherever_it_is_opened(two):
    """The county's administrator on the default address: its measures' school
    counts are those of its own current plan, not Bielefeld's."""
    own = two["kreis"]["rows"][Measure]
    listed = two["kreis"]["client"].get(url(Measure, "changelist")).context["cl"].result_list
    [measure] = [row for row in listed if row.pk == own.pk]
    county_plan = two["kreis"]["rows"][Plan]
    expected = Measure.objects.with_school_counts(county_plan).get(pk=own.pk)
    assert measure.rollout == expected.rollout
