"""A Schulträger set up through the browser alone (issue 13): a platform
administrator names its NRW Trägernummer, its address and its first
administrator's e-mail; the portal names it from the directory's key table,
imports its schools, makes the administrator and invites them with a link that
sets their password (valid 7 days, once). That administrator then makes a plan
that covers the authority's schools."""

import datetime
import re
import tomllib

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.urls import reverse

from authorities.models import Authority
from legal.models import LegalPage, PageKind
from measures.importers import BIELEFELD_PLAN, PlanFileError, load_plan
from measures.models import Plan
from schools.models import School
from staff.setup import INVITATION_DAYS, invitation_tokens
from tests.two_factor import client_for

ADD = reverse("admin:authorities_authority_add")
HOST = "schuldigital.kreis-guetersloh.example"
NUMBER = "10686"  # Kreis Gütersloh: 20 schools in the shipped directory
NEW_PASSWORD = "ein-ganz-neues-passwort-7"


@pytest.fixture
def platform(admin_user, settings):
    settings.ALLOWED_HOSTS = ["testserver", HOST]
    return client_for(admin_user)


def _set_up(client, **values):
    data = {
        "school_authority_number": NUMBER,
        "name": "",
        "host": HOST,
        "administrator_email": "Verwaltung@Kreis-Guetersloh.example",
        **values,
    }
    return client.post(ADD, data)


def _link(message) -> str:
    [url] = re.findall(r"https?://\S+", message.body)
    return url


def test_an_authority_is_set_up_from_its_number(platform, mailoutbox):
    response = _set_up(platform)
    assert response.status_code == 302
    authority = Authority.objects.get(school_authority_number=NUMBER)
    assert authority.name == "Kreis Gütersloh Der Landrat"  # the key table's lines joined
    assert authority.host == HOST
    assert School.objects.filter(authority_number=NUMBER).count() == 20
    user = User.objects.get(username="verwaltung@kreis-guetersloh.example")
    assert user.is_staff and not user.is_superuser and not user.has_usable_password()
    assert list(user.authorities.all()) == [authority]
    [group] = user.groups.all()
    assert list(group.authorities.all()) == [authority]
    assert user.has_perm("measures.add_plan") and user.has_perm("authorities.change_identity")
    assert not user.has_perm("authorities.change_authority")
    assert not user.has_perm("schools.change_school")

    # Its legal pages as drafts with its name, to be completed and confirmed.
    pages = LegalPage.objects.of(authority)
    assert pages.count() == len(PageKind) and not pages.exclude(confirmed_at=None).exists()
    imprint = pages.get(kind=PageKind.IMPRINT)
    assert "Kreis Gütersloh Der Landrat" in imprint.body and imprint.placeholders()

    [mail] = mailoutbox
    assert mail.to == ["Verwaltung@kreis-guetersloh.example"]  # the domain as Django keeps it
    assert "Kreis Gütersloh" in mail.subject
    link = _link(mail)
    assert link.startswith(f"http://{HOST}/verwaltung/einladung/")
    assert "verwaltung@kreis-guetersloh.example" in mail.body
    page = platform.get(reverse("admin:authorities_authority_changelist")).text
    assert "ist eingerichtet" in page and "20 neu" in page and "Einladung ist an" in page
    assert platform.get("/impressum/", HTTP_HOST=HOST).status_code == 200


def _accept(client, link: str, password: str = NEW_PASSWORD):
    path = link.split(HOST, 1)[1]
    page = client.get(path, HTTP_HOST=HOST)
    if page.status_code != 302:
        return page
    return client.post(
        page.url, {"new_password1": password, "new_password2": password}, HTTP_HOST=HOST
    )


def test_the_invitation_sets_the_password_once(platform, mailoutbox, client):
    _set_up(platform)
    link = _link(mailoutbox[0])
    response = _accept(client, link)
    assert response.status_code == 302
    user = User.objects.get(username="verwaltung@kreis-guetersloh.example")
    assert user.check_password(NEW_PASSWORD)
    assert _accept(client, link).status_code == 400  # used


def test_the_invitation_expires(platform, mailoutbox, client, monkeypatch):
    _set_up(platform)
    link = _link(mailoutbox[0])
    later = datetime.datetime.now() + datetime.timedelta(days=INVITATION_DAYS, minutes=1)
    monkeypatch.setattr(invitation_tokens, "_now", lambda: later)
    assert _accept(client, link).status_code == 400
    # A password-reset link (an hour) is no invitation and the other way round.
    user = User.objects.get(username="verwaltung@kreis-guetersloh.example")
    from django.contrib.auth.tokens import default_token_generator

    assert not default_token_generator.check_token(user, link.rstrip("/").rsplit("/", 1)[1])


def test_the_new_administrator_makes_a_plan_of_its_schools(platform):
    _set_up(platform)
    user = User.objects.get(username="verwaltung@kreis-guetersloh.example")
    client = client_for(user)
    authority = Authority.objects.get(school_authority_number=NUMBER)
    form = client.get(reverse("admin:measures_plan_add")).context["adminform"].form
    assert list(form.fields["owner"].queryset) == [authority]
    assert form.initial["school_authority_number"] == NUMBER
    response = client.post(
        reverse("admin:measures_plan_add"),
        {
            "owner": authority.pk,
            "title": "Medienentwicklungsplan des Kreises",
            "slug": "2026-2030",
            "period_start": 2026,
            "period_end": 2030,
            "as_of": "2026-12-01",
            "language": "de",
            "school_authority_number": NUMBER,
            "school_forms": "",
            "fields-TOTAL_FORMS": 0,
            "fields-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    plan = Plan.objects.get(owner=authority)
    day = datetime.date(2026, 12, 1)
    in_operation = School.objects.in_operation(day).filter(authority_number=NUMBER)
    assert set(plan.schools(day)) == set(in_operation) and len(in_operation) >= 19


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"school_authority_number": "99999"}, "steht nicht im Schulverzeichnis NRW"),
        ({"school_authority_number": "123"}, "Fünf Ziffern"),
        ({"school_authority_number": ""}, "Trägernummer oder, außerhalb von NRW, den Namen"),
        ({"administrator_email": "ADMIN@example.com"}, "schon ein Konto mit dieser Adresse"),
        ({"host": "nicht-erlaubt.example"}, "ALLOWED_HOSTS"),
    ],
    ids=["unknown", "malformed", "neither", "taken-email", "unknown-host"],
)
def test_bad_input_is_refused_in_german_and_changes_nothing(platform, mailoutbox, values, message):
    before = Authority.objects.count(), User.objects.count(), School.objects.count()
    response = _set_up(platform, **values)
    assert response.status_code == 422
    assert message in response.text
    assert (Authority.objects.count(), User.objects.count(), School.objects.count()) == before
    assert mailoutbox == []


def test_outside_nrw_by_name_without_schools(platform, mailoutbox):
    response = _set_up(platform, school_authority_number="", name="Stadt Musterhausen (Hessen)")
    assert response.status_code == 302
    authority = Authority.objects.get(name="Stadt Musterhausen (Hessen)")
    assert authority.school_authority_number == ""
    assert len(mailoutbox) == 1


def test_only_a_platform_administrator_sets_one_up(county, bielefeld):
    from tests.authorities.test_admin_isolation import administrator

    kreis = administrator("kreis")
    county.owner.staff.add(kreis)
    assert client_for(kreis).get(ADD).status_code == 403


def test_a_mail_server_that_is_down_loses_nothing(platform, settings, caplog):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9},  # nothing listens there
        }
    }
    response = _set_up(platform)
    assert response.status_code == 302
    assert User.objects.filter(username="verwaltung@kreis-guetersloh.example").exists()
    page = platform.get(response["Location"]).text
    assert "konnte nicht versandt werden" in page and "Einladung erneut senden" in page
    assert "Einladung an verwaltung@kreis-guetersloh.example nicht versandt" in caplog.text


def test_a_group_of_the_same_name_made_before_is_not_taken_over(platform):
    """Someone else's group "Administration – …" stays theirs; the new authority's
    administrator gets a group of its own."""
    claimed = Group.objects.create(name="Administration – Kreis Gütersloh Der Landrat")
    assert _set_up(platform).status_code == 302
    user = User.objects.get(username="verwaltung@kreis-guetersloh.example")
    [group] = user.groups.all()
    assert group != claimed and group.name.endswith("(2)")
    assert not claimed.permissions.exists() and not claimed.user_set.exists()


def test_an_address_too_long_for_a_user_name_is_refused(platform):
    response = _set_up(platform, administrator_email="a" * 140 + "@example-kreis.de")
    assert response.status_code == 422
    assert not Authority.objects.filter(school_authority_number=NUMBER).exists()


def test_an_invitation_is_sent_again_while_no_password_is_set(platform, mailoutbox, client):
    _set_up(platform)
    user = User.objects.get(username="verwaltung@kreis-guetersloh.example")
    data = {"action": "resend_invitation", "_selected_action": [user.pk]}
    platform.post(reverse("admin:auth_user_changelist"), data)
    assert len(mailoutbox) == 2
    assert _accept(client, _link(mailoutbox[1])).status_code == 302
    platform.post(reverse("admin:auth_user_changelist"), data)
    assert len(mailoutbox) == 2  # a password is set: they reset it themselves


def test_a_plan_never_takes_another_authoritys_number(platform, bielefeld):
    """Its schools would be another Schulträger's (Bielefeld's 10261)."""
    _set_up(platform)
    authority = Authority.objects.get(school_authority_number=NUMBER)
    plan = Plan(owner=authority, school_authority_number="10261")
    assert "gehört dem Schulträger „Stadt Bielefeld – Amt für Schule“" in plan.number_problem()
    with pytest.raises(ValidationError):
        plan.clean()
    text = BIELEFELD_PLAN.read_text(encoding="utf-8").replace(
        'authority = "Stadt Bielefeld – Amt für Schule"', f'authority = "{authority.name}"'
    )
    with pytest.raises(PlanFileError, match="gehört dem Schulträger"):
        load_plan(tomllib.loads(text))


def test_the_data_sources_page_names_what_was_imported_for_it(platform, bielefeld, client):
    """Its own import (the NRW directory for its number), not Bielefeld's files."""
    _set_up(platform)
    page = client.get("/datenquellen/", HTTP_HOST=HOST).text
    assert "Schulgrunddaten NRW" in page and "schuldaten-nrw.csv" in page
    assert f"auf die Schulen des Schulträgers {NUMBER} gefiltert" in page
    assert "schuldaten-bielefeld.csv" not in page and "Stadtbezirk" not in page
    assert "schuldaten-bielefeld.csv" in client.get("/datenquellen/").text
