"""The accessibility feedback form: stored, staff told, spam refused, nothing lost."""

import datetime
import re
import time

import pytest
from django.contrib.auth.models import Permission
from django.core import signing
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from authorities.models import Authority
from legal.forms import form_token
from legal.models import Feedback
from legal.views import FEEDBACK_RATE

pytestmark = pytest.mark.django_db

URL = "/barrierefreiheit/"


def data(**values) -> dict:
    fields = {
        "message": "Die Tabelle der Schulen lässt sich mit der Tastatur nicht bedienen.",
        "page": "/schulen/",
        "name": "",
        "email": "",
        "website": "",
        "token": form_token(time.time() - 30),
    }
    fields.update(values)
    return fields


@pytest.fixture
def recipient(django_user_model):
    user = django_user_model.objects.create_user(
        "barrierefrei", email="barrierefrei@example.org", is_staff=True
    )
    user.user_permissions.add(Permission.objects.get(codename="receive_feedback"))
    return user


def test_feedback_is_stored_and_the_recipients_are_told(
    client, pages, recipient, mailoutbox, django_assert_num_queries
):
    # Page, insert, recipients (with_perm).
    with django_assert_num_queries(3):
        response = client.post(URL, data(wants_reply="on", email="ich@example.org", name="Eva"))
    assert response.status_code == 302
    assert response["Location"] == "/barrierefreiheit/danke/"
    feedback = Feedback.objects.get()
    assert (feedback.message, feedback.page) == (data()["message"], "/schulen/")
    assert (feedback.name, feedback.email, feedback.wants_reply) == ("Eva", "ich@example.org", True)
    [mail] = mailoutbox
    assert mail.to == ["barrierefrei@example.org"]
    assert mail.subject == "Neue Rückmeldung zur Barrierefreiheit"
    assert f"http://testserver/admin/legal/feedback/{feedback.pk}/change/" in mail.body
    # No personal data in mailboxes: the message and the sender stay in the portal.
    assert "Tastatur" not in mail.body and "ich@example.org" not in mail.body
    assert "Eva" not in mail.body
    response = client.get(response["Location"])
    assert "Vielen Dank für Ihre Rückmeldung" in response.content.decode()


def test_name_and_address_are_optional(client, pages, mailoutbox):
    assert client.post(URL, data()).status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.name, feedback.email, feedback.wants_reply) == ("", "", False)
    assert mailoutbox == []  # nobody has the permission; the check warns about that


def test_recipients_have_the_permission_and_can_open_the_admin(
    authority, admin_user, recipient, django_user_model
):
    # The superuser (admin_user) is not told; a clerk without admin access cannot read it.
    clerk = django_user_model.objects.create_user("schule", email="schule@example.org")
    clerk.user_permissions.add(Permission.objects.get(codename="receive_feedback"))
    assert Feedback.recipients(authority) == ["barrierefrei@example.org"]
    recipient.is_active = False
    recipient.save()
    assert Feedback.recipients(authority) == []


def test_recipients_are_the_authoritys_own_staff(authority, recipient):
    """Staff of another Schulträger (named by it) are not told of this one's feedback."""
    other = Authority.objects.create(name="Kreis Musterland", host="kreis.example")
    assert Feedback.recipients(other) == []
    other.staff.add(recipient)
    assert Feedback.recipients(other) == ["barrierefrei@example.org"]
    assert Feedback.recipients(authority) == []


def test_an_answer_needs_an_address(client, pages):
    response = client.post(URL, data(wants_reply="on"))
    assert response.status_code == 422
    html = response.content.decode()
    assert "Für eine Antwort brauchen wir Ihre E-Mail-Adresse." in html
    assert "Tastatur nicht bedienen" in html  # the message is kept
    assert "<title>Fehler: Erklärung zur Barrierefreiheit" in html
    assert not Feedback.objects.exists()


def test_an_empty_message_is_refused(client, pages):
    response = client.post(URL, data(message="  "))
    assert response.status_code == 422
    assert "Bitte schreiben Sie uns, was nicht barrierefrei ist." in response.content.decode()


def test_the_honeypot_refuses(client, pages):
    response = client.post(URL, data(website="https://spam.example"))
    assert response.status_code == 422
    assert "muss leer bleiben" in response.content.decode()
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    ("token", "message"),
    [
        (lambda: form_token(), "Das ging zu schnell"),
        (lambda: form_token(time.time() - 2 * 24 * 3600), "zu lange geöffnet"),
        (lambda: form_token()[:-3] + "abc", "zu lange geöffnet"),  # forged
        (lambda: "", "zu lange geöffnet"),
    ],
    ids=["too-fast", "too-old", "forged", "missing"],
)
def test_the_time_token_refuses_and_a_fresh_one_comes_back(client, pages, token, message):
    sent = token()
    response = client.post(URL, data(token=sent))
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert "Tastatur nicht bedienen" in html
    assert not Feedback.objects.exists()
    # The form comes back with a fresh token, so that sending it again can work.
    fresh = re.search(r'name="token" value="([^"]+)"', html)[1]
    assert int(signing.Signer(salt="legal.feedback.form-time").unsign(fresh)) >= time.time() - 5


def test_too_many_submissions_from_one_address_are_refused(client, pages):
    limit = int(FEEDBACK_RATE.split("/")[0])
    for _ in range(limit):
        assert client.post(URL, data()).status_code == 302
    response = client.post(URL, data(message="Noch eine Barriere"))
    assert response.status_code == 429
    html = response.content.decode()
    assert "zu viele Nachrichten" in html and "Noch eine Barriere" in html
    assert Feedback.objects.count() == limit
    # Another address is not affected.
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert other.post(URL, data()).status_code == 302


def test_the_form_needs_the_csrf_token(pages):
    client = Client(enforce_csrf_checks=True)
    assert client.post(URL, data()).status_code == 403
    assert not Feedback.objects.exists()


def test_a_broken_mail_server_loses_no_feedback(client, pages, recipient, settings, caplog):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9},  # nothing listens there
        }
    }
    assert client.post(URL, data()).status_code == 302
    assert Feedback.objects.count() == 1
    assert "nicht versandt" in caplog.text


def test_old_feedback_is_deleted_by_the_command(authority):
    now = timezone.now()
    old = Feedback.objects.create(
        owner=authority, message="alt", received_at=now - datetime.timedelta(days=366)
    )
    kept = Feedback.objects.create(
        owner=authority, message="neu", received_at=now - datetime.timedelta(days=364)
    )
    call_command("delete_old_feedback", verbosity=0)
    assert list(Feedback.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not Feedback.objects.filter(pk=old.pk).exists()


def test_the_privacy_text_states_the_retention_period(pages):
    from legal.models import FEEDBACK_RETENTION

    assert datetime.timedelta(days=365) == FEEDBACK_RETENTION
    assert "spätestens\nnach einem Jahr gelöscht" in pages["datenschutz"].body
