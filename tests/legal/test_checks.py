"""`check --deploy --database default` warns about legal pages not ready to go live."""

import pytest
from django.contrib.auth.models import Permission
from django.core.checks import run_checks
from django.core.management import call_command

from legal.checks import check_legal_pages
from legal.models import LegalPage

pytestmark = pytest.mark.django_db


def ids(databases=("default",)) -> list[str]:
    return [warning.id for warning in check_legal_pages(databases=databases)]


def test_without_a_database_nothing_is_checked(db):
    # What `make test` runs: `check --deploy` names no database.
    assert ids(databases=None) == []
    assert not [m for m in run_checks(include_deployment_checks=True) if m.id.startswith("legal")]


def test_missing_pages_are_reported(authority):
    [warning] = [w for w in check_legal_pages(databases=["default"]) if w.id == "legal.W001"]
    assert "Impressum" in warning.msg and "Gebärdensprache" in warning.msg


def test_unconfirmed_pages_and_no_recipient_are_reported(pages):
    assert ids() == ["legal.W002", "legal.W003"]


def test_confirmed_pages_with_a_recipient_pass(pages, django_user_model):
    LegalPage.objects.update(confirmed_at="2026-12-01T10:00Z")
    user = django_user_model.objects.create_user("b", email="b@example.org", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="receive_feedback"))
    assert ids() == []


def test_the_command_shows_the_warnings(pages, capsys):
    from django.core.management.base import SystemCheckError

    with pytest.raises(SystemCheckError, match="legal.W002"):
        call_command("check", "--deploy", "--database", "default", "--fail-level", "WARNING")
