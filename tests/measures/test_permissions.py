"""measures.permissions: one helper per object type, and each refusal path (403, logged)."""

import logging

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission, User
from django.test import Client
from django.utils import timezone

from editions.models import Edition
from editions.permissions import may_publish, may_withdraw
from measures.models import Plan
from measures.permissions import editable_measures
from tests.factories import make_field, make_measure, make_plan
from tests.two_factor import log_in


def _security_lines(caplog) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "portal.security" and r.levelno >= logging.WARNING
    ]


def _with_permission(username: str, codename: str, **kwargs) -> User:
    user = User.objects.create_user(username, password="x" * 20, **kwargs)
    group = Group.objects.create(name=f"Gruppe {username}")
    group.permissions.add(Permission.objects.get(codename=codename))
    user.groups.add(group)
    return user


def _published_edition() -> Edition:
    today = timezone.localdate()
    publisher = User.objects.create_superuser("ada", password="x" * 20)
    return Edition.publish(
        make_plan(), user=publisher, today=today, date=today, title="Bericht", slug="bericht"
    )


def test_editable_measures_costs_no_query_for_the_public_or_an_empty_choice(
    db, django_assert_num_queries
):
    measure = make_measure()
    clerk = User.objects.create_user("clara", password="x" * 20)
    group = Group.objects.create(name="Team")
    clerk.groups.add(group)
    measure.responsible_groups.add(group)
    with django_assert_num_queries(0):
        assert editable_measures(AnonymousUser()) == set()
    clerk = User.objects.get(pk=clerk.pk)  # no permission cache yet
    assert editable_measures(clerk) == {measure.pk}
    assert editable_measures(clerk, among=[make_measure()]) == set()
    with django_assert_num_queries(0):
        assert editable_measures(clerk, among=[]) == set()


def test_editing_another_groups_measure_is_refused_and_logged(db, caplog):
    measure = make_measure()
    client = Client()
    client.force_login(User.objects.create_user("otto", password="x" * 20))
    caplog.set_level(logging.WARNING)
    url = f"/verwaltung/massnahmen/{measure.slug}/"
    assert client.get(url).status_code == 403
    assert _security_lines(caplog) == [
        f"Zugriff verweigert: otto wollte die Maßnahme {measure.slug} bearbeiten (GET {url})"
    ]


def test_a_measure_of_a_plan_not_public_is_not_found_not_refused(db, caplog):
    make_plan()
    hidden = make_measure(field=make_field(plan=make_plan(title="Entwurf")))
    client = Client()
    client.force_login(_with_permission("erik", "edit_all_measures"))
    caplog.set_level(logging.WARNING)
    assert client.get(f"/verwaltung/massnahmen/{hidden.slug}/").status_code == 404
    assert _security_lines(caplog) == []


def test_the_preview_pdf_needs_the_publishing_permission(db, caplog):
    make_plan()
    client = Client()
    client.force_login(User.objects.create_user("otto", password="x" * 20))
    caplog.set_level(logging.WARNING)
    url = "/verwaltung/berichte/neu/vorschau.pdf"
    assert client.post(url, {"title": "Bericht", "date": "01.01.2025"}).status_code == 403
    assert _security_lines(caplog) == [
        f"Zugriff verweigert: otto wollte einen Bericht veröffentlichen (POST {url})"
    ]


def test_publishing_and_withdrawing_are_permissions_superusers_hold_too(db):
    publisher = _with_permission("petra", "publish_edition")
    withdrawer = _with_permission("wanda", "withdraw_edition")
    superuser = User.objects.create_superuser("ada", password="x" * 20)
    assert may_publish(publisher) and not may_withdraw(publisher)
    assert may_withdraw(withdrawer) and not may_publish(withdrawer)
    assert may_publish(superuser) and may_withdraw(superuser)
    assert not may_publish(AnonymousUser()) and not may_withdraw(AnonymousUser())


def test_staff_with_the_withdraw_permission_withdraw_without_being_superusers(db):
    edition = _published_edition()
    wanda = _with_permission("wanda", "withdraw_edition", is_staff=True)
    wanda.groups.first().permissions.add(Permission.objects.get(codename="view_edition"))
    client = Client()
    log_in(client, wanda)
    changelist = client.get("/admin/editions/edition/").content.decode()
    assert 'value="withdraw"' in changelist
    data = {"action": "withdraw", "_selected_action": [edition.pk], "reason": "Zahlen falsch"}
    response = client.post("/admin/editions/edition/", data)
    assert response.status_code == 302
    edition.refresh_from_db()
    assert edition.withdrawn_by == wanda and edition.withdrawal_reason == "Zahlen falsch"


def test_withdrawing_without_the_permission_is_refused_and_names_the_editions(db, caplog):
    edition = _published_edition()
    viewer = _with_permission("vera", "view_edition", is_staff=True)
    client = Client()
    log_in(client, viewer)
    assert 'value="withdraw"' not in client.get("/admin/editions/edition/").content.decode()
    caplog.set_level(logging.WARNING)
    data = {"action": "withdraw", "_selected_action": [edition.pk], "reason": "Zahlen falsch"}
    assert client.post("/admin/editions/edition/", data).status_code == 403
    assert f"Zugriff verweigert: vera wollte Berichtsausgaben zurückziehen ({edition.pk})" in (
        _security_lines(caplog)
    )
    edition.refresh_from_db()
    assert edition.withdrawn_at is None


@pytest.mark.parametrize("method", ["get", "post"])
def test_choosing_the_current_plan_without_the_permission_is_refused_and_logged(db, caplog, method):
    make_plan()
    draft = make_plan(title="Entwurf")
    viewer = _with_permission("vera", "view_plan", is_staff=True)
    client = Client()
    log_in(client, viewer)
    caplog.set_level(logging.WARNING)
    response = getattr(client, method)(f"/admin/measures/plan/{draft.pk}/aktuell/")
    assert response.status_code == 403
    assert (
        "Zugriff verweigert: vera wollte den aktuellen oder einen früheren öffentlichen "
        "Plan festlegen" in (_security_lines(caplog))
    )
    draft.refresh_from_db()
    assert not draft.is_public and Plan.objects.current() != draft
