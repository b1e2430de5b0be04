"""The security log in the database: what is stored, for whom it is readable
(admin, read-only), and how long it is kept."""

import datetime
import logging

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import CommandError, call_command
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone

from audit.handlers import SecurityEventMiddleware, kind_of
from audit.models import SecurityEvent
from tests.factories import make_plan
from tests.two_factor import log_in

PASSWORD = "richtig-geheim-42"
WRONG = "falsch-geheim-17"
CHANGELIST = "/admin/audit/securityevent/"

security_log = logging.getLogger("portal.security")


@pytest.fixture
def anna(db) -> User:
    """Staff of /verwaltung/ (no admin access: her login is the password alone)."""
    return User.objects.create_user("anna", password=PASSWORD)


def _client(user: User) -> Client:
    client = Client()
    log_in(client, user)
    SecurityEvent.objects.all().delete()  # the login's entries
    return client


@pytest.fixture
def reader(db) -> User:
    """Staff with the one permission to read the log."""
    user = User.objects.create_user("rita", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_securityevent"))
    return user


def _event(**values) -> SecurityEvent:
    values = {"level": "WARNING", "kind": "Zugriff verweigert", "message": "…", **values}
    return SecurityEvent.objects.create(**values)


# --- What is stored -------------------------------------------------------------


def test_logins_and_failures_are_stored_without_the_password(anna, client):
    client.post(
        "/verwaltung/anmelden/", {"username": "anna", "password": WRONG}, REMOTE_ADDR="10.0.0.5"
    )
    client.post(
        "/verwaltung/anmelden/", {"username": "anna", "password": PASSWORD}, REMOTE_ADDR="10.0.0.5"
    )
    client.post("/verwaltung/abmelden/", REMOTE_ADDR="10.0.0.5")
    events = list(SecurityEvent.objects.order_by("pk"))
    assert [(e.kind, e.level, e.username, e.address) for e in events] == [
        ("Fehlgeschlagene Anmeldung", "WARNING", "anna", "10.0.0.5"),
        ("Anmeldung", "INFO", "anna", "10.0.0.5"),
        ("Abmeldung", "INFO", "anna", "10.0.0.5"),
    ]
    assert events[0].message == "Fehlgeschlagene Anmeldung: anna von 10.0.0.5"
    stored = " ".join(f"{e.kind} {e.username} {e.address} {e.message}" for e in events)
    assert WRONG not in stored
    assert PASSWORD not in stored


def test_a_refusal_names_the_logged_in_user_and_address(anna):
    make_plan()
    response = _client(anna).get("/verwaltung/berichte/neu/", REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 403
    [event] = SecurityEvent.objects.all()
    assert (event.kind, event.username, event.address) == ("Zugriff verweigert", "anna", "10.0.0.7")
    assert event.message == (
        "Zugriff verweigert: anna wollte einen Bericht veröffentlichen "
        "(GET /verwaltung/berichte/neu/)"
    )


def test_a_refusal_survives_the_rollback_of_the_view_s_transaction(db):
    """Logged inside a transaction that the refusal then rolls back."""

    def view(request):
        try:
            with transaction.atomic():
                make_plan(title="Wird zurückgerollt")
                security_log.warning("Zugriff verweigert: %s wollte etwas", "anna")
                raise PermissionError
        except PermissionError:
            return HttpResponse(status=403)

    request = RequestFactory().get("/irgendwo/", REMOTE_ADDR="10.0.0.8")
    assert SecurityEventMiddleware(view)(request).status_code == 403
    assert not SecurityEvent.objects.filter(kind="Wird zurückgerollt").exists()
    [event] = SecurityEvent.objects.all()
    assert (event.message, event.address) == ("Zugriff verweigert: anna wollte etwas", "10.0.0.8")


def test_outside_a_request_an_entry_is_stored_at_once(db):
    security_log.info("Öffentlicher Plan gewechselt: „%s“ statt „%s“ von %s", "A", "B", "anna")
    [event] = SecurityEvent.objects.all()
    assert (event.kind, event.username, event.address) == ("Öffentlicher Plan gewechselt", "", "")


@pytest.mark.parametrize(
    ("template", "kind"),
    [
        ("Anmeldung: %s von %s", "Anmeldung"),
        (
            "Anmeldung gesperrt nach zu vielen Fehlversuchen: %s von %s",
            "Anmeldung gesperrt nach zu vielen Fehlversuchen",
        ),
        (
            "Passwort-Zurücksetzen angefordert für %s von %s: %s",
            "Passwort-Zurücksetzen angefordert",
        ),
        (
            "Passwort-Zurücksetzen abgelehnt (zu viele Anfragen) für %s von %s",
            "Passwort-Zurücksetzen abgelehnt (zu viele Anfragen)",
        ),
        ("Bericht zurückgezogen: „%s“ von %s (%s)", "Bericht zurückgezogen"),
    ],
)
def test_the_kind_is_the_text_before_the_first_value(template, kind):
    assert kind_of(template) == kind


# --- Reading it in the admin ----------------------------------------------------


def test_staff_without_the_permission_cannot_read_it(db):
    client = _client(User.objects.create_user("klara", is_staff=True))
    _event(username="anna")
    assert client.get(CHANGELIST).status_code == 403
    assert client.get("/admin/").context["app_list"] == []


def test_anonymous_is_sent_to_the_login(client, db):
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("who", ["reader", "superuser"])
def test_the_permission_or_superuser_reads_it_read_only(who, reader, admin_user):
    client = _client(reader if who == "reader" else admin_user)
    event = _event(username="anna", address="10.0.0.5", message="Zugriff verweigert: anna …")
    changelist = client.get(CHANGELIST)
    assert changelist.status_code == 200
    assert "Zugriff verweigert: anna …" in changelist.content.decode()
    assert "Sicherheitsereignis hinzufügen" not in changelist.content.decode()
    assert 'name="action"' not in changelist.content.decode()  # no bulk delete
    seconds = f"{timezone.localtime(event.created):%d.%m.%Y %H:%M:%S}"
    assert seconds in changelist.content.decode()
    detail = client.get(f"{CHANGELIST}{event.pk}/change/")
    assert detail.status_code == 200
    assert seconds in detail.content.decode()
    assert 'name="message"' not in detail.content.decode()  # shown, not editable
    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert client.post(f"{CHANGELIST}{event.pk}/change/", {"message": "x"}).status_code == 403
    assert client.post(f"{CHANGELIST}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.message == "Zugriff verweigert: anna …"


def test_filter_by_kind_and_date_search_by_user_and_address(reader, django_assert_num_queries):
    client = _client(reader)
    now = timezone.now()
    _event(username="anna", address="10.0.0.5", message="a1")
    _event(username="bernd", address="10.0.0.6", message="b1", kind="Anmeldung", level="INFO")
    _event(
        username="anna",
        address="10.0.0.9",
        message="a-alt",
        created=now - datetime.timedelta(days=40),
    )

    def shown(**query: str) -> list[str]:
        response = client.get(CHANGELIST, query)
        assert response.status_code == 200
        return [event.message for event in response.context["cl"].result_list]

    assert shown() == ["b1", "a1", "a-alt"]
    assert shown(kind="Anmeldung") == ["b1"]
    # The date filter's "Letzte 7 Tage" and the date hierarchy's day.
    week_ago = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    assert shown(created__gte=str(week_ago - datetime.timedelta(days=7))) == ["b1", "a1"]
    day = timezone.localtime(now - datetime.timedelta(days=40))
    assert shown(created__year=day.year, created__month=day.month, created__day=day.day) == [
        "a-alt"
    ]
    assert shown(q="anna") == ["a1", "a-alt"]
    assert shown(q="10.0.0.6") == ["b1"]
    # The page's cost does not grow with its rows (session, user, the second factor's
    # device, permissions, counts, rows, kinds, dates).
    with django_assert_num_queries(12):
        client.get(CHANGELIST)
    for _ in range(20):
        _event(message="mehr")
    with django_assert_num_queries(12):
        client.get(CHANGELIST)


# --- Retention --------------------------------------------------------------------


def test_delete_old_security_events_keeps_180_days(db, capsys):
    now = timezone.now()
    old = _event(created=now - datetime.timedelta(days=181))
    kept = _event(created=now - datetime.timedelta(days=179))
    call_command("delete_old_security_events")
    assert list(SecurityEvent.objects.all()) == [kept]
    assert "1 Einträge des Sicherheitsprotokolls gelöscht." in capsys.readouterr().out
    assert not SecurityEvent.objects.filter(pk=old.pk).exists()
    call_command("delete_old_security_events", "--tage", "200")
    assert list(SecurityEvent.objects.all()) == [kept]
    call_command("delete_old_security_events", "--tage", "100")
    assert not SecurityEvent.objects.exists()


def test_delete_old_security_events_refuses_nonsense(db):
    with pytest.raises(CommandError, match="--tage muss mindestens 1 sein, nicht 0"):
        call_command("delete_old_security_events", "--tage", "0")


def test_delete_old_security_events_refuses_a_period_past_the_calendar(db):
    # 99999999999 days reached timedelta and ended in an OverflowError traceback.
    with pytest.raises(CommandError, match="--tage darf höchstens 36500 sein, nicht 99999999999"):
        call_command("delete_old_security_events", "--tage", "99999999999")
    call_command("delete_old_security_events", "--tage", "36500")  # 100 years still work
