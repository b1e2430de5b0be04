"""A full-page submit with errors: "Fehler:" leads the title and the summary is first."""

import re

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client

from measures.models import Measure
from measures.rollout import SchoolRollout

PASSWORD = "richtig-geheim-42"


def _title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)[1]


def _first_in_main(response) -> str:
    """The opening tag of the first content in <main>: after the (hidden) HTMX error
    box, inside the page's layout wrapper."""
    html = response.content.decode()
    main = html[html.index("<main") :]
    main = main[main.index('id="htmx-error"') :]
    main = main[main.index("</div></div>") + len("</div></div>") :]
    tags = re.findall(r"<[a-z][^>]*>", main)
    return next(tag for tag in tags if tag != '<div class="narrow">')


@pytest.fixture
def staff(bielefeld) -> User:
    team = Group.objects.create(name="Team Software")
    bielefeld.fields.get(slug="softwareausstattung").responsible_groups.add(team)
    user = User.objects.create_user("sven", password=PASSWORD)
    user.groups.add(team)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["publish_edition", "edit_all_measures"])
    )
    return user


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_failed_login_has_the_error_title(client, db):
    ok = client.get("/verwaltung/anmelden/")
    assert _title(ok) == "Anmelden – Schuldigital-Monitor"
    failed = client.post("/verwaltung/anmelden/", {"username": "anna", "password": "falsch"})
    assert _title(failed) == "Fehler: Anmelden – Schuldigital-Monitor"
    assert _first_in_main(failed).startswith('<div class="error-summary" role="alert"')


def test_password_change_with_errors_has_the_error_title(staff):
    response = _client(staff).post(
        "/verwaltung/passwort/",
        {"old_password": "falsch", "new_password1": "x", "new_password2": "y"},
    )
    assert _title(response) == "Fehler: Passwort ändern – Schuldigital-Monitor"
    assert _first_in_main(response).startswith('<div class="error-summary"')


def test_publish_form_with_errors_has_the_error_title(staff):
    client = _client(staff)
    assert not _title(client.get("/verwaltung/berichte/neu/")).startswith("Fehler:")
    response = client.post("/verwaltung/berichte/neu/", {"title": "", "date": "gestern"})
    assert response.status_code == 422
    assert _title(response) == "Fehler: Bericht veröffentlichen – Schuldigital-Monitor"
    assert _first_in_main(response).startswith('<div class="error-summary"')


def test_measure_form_with_errors_or_a_conflict_has_the_error_title(staff):
    measure = Measure.objects.get(slug="digitaler-stundenplan")
    url = f"/verwaltung/massnahmen/{measure.slug}/"
    client = _client(staff)
    assert not _title(client.get(url)).startswith("Fehler:")
    invalid = client.post(url, {"reason": "", "version": measure.version})
    assert invalid.status_code == 422
    assert _title(invalid).startswith("Fehler: „Digitaler Stundenplan“ bearbeiten")
    Measure.objects.apply_change(
        measure.pk, expected_version=measure.version, user=staff, reason="x", status="done"
    )
    stale = client.post(url, {"reason": "Test", "status": "waiting", "version": measure.version})
    assert stale.status_code == 409
    assert _title(stale).startswith("Fehler: „Digitaler Stundenplan“ bearbeiten")


def test_matrix_bulk_form_with_errors_has_the_error_title(staff):
    SchoolRollout.objects.start_tracking(
        Measure.objects.get(slug="digitaler-stundenplan"), user=staff
    )
    client = _client(staff)
    assert not _title(client.get("/verwaltung/schulen/")).startswith("Fehler:")
    response = client.post(
        "/verwaltung/schulen/",
        {"alle-massnahme": Measure.objects.get(slug="digitaler-stundenplan").pk},
    )
    assert response.status_code == 422
    assert _title(response).startswith("Fehler: Umsetzung an den Schulen")


def test_the_summary_comes_with_its_focus_script(client, db):
    """Without JavaScript the summary is first in <main>; with it, the script focuses it."""
    failed = client.post("/verwaltung/anmelden/", {"username": "anna", "password": "falsch"})
    html = failed.content.decode()
    assert re.search(r'<script src="/static/js/error-summary.js" defer nonce="[^"]+">', html)
    assert 'tabindex="-1"' in _first_in_main(failed)  # focusable by script, not by Tab


def test_public_pages_with_invalid_filters_say_so_in_the_title(client, bielefeld):
    """The same rule where a public page shows its filter form's errors (400)."""
    SchoolRollout.objects.start_tracking(
        Measure.objects.get(slug="digitale-schulplattform"),
        user=User.objects.create_user("sven"),
        reason="Ab jetzt pro Schule",
    )
    for url in [
        "/?status=fertig",
        "/schulen/?schulform=99",
        "/massnahmen/digitale-schulplattform/?bezirk=Nirgends",
    ]:
        response = client.get(url)
        assert response.status_code == 400
        assert _title(response).startswith("Fehler: "), url
        # Focusable, so that error-summary.js can move the focus there.
        assert re.search(
            r'<div class="error-summary" role="alert"[^>]* tabindex="-1"', response.content.decode()
        ), url
    assert not _title(client.get("/")).startswith("Fehler:")
    assert not _title(client.get("/massnahmen/digitale-schulplattform/?bezirk=Heepen")).startswith(
        "Fehler:"
    )
