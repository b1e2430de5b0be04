"""Admin pitfalls before going live: the bulk status needs an explicit choice,
"Ohne Status" can be filtered, the history speaks in labels, withdrawing an
edition is a permission of its own, and no English is left in the German admin."""

import datetime
import io
import logging

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from pypdf import PdfReader

from editions.models import Edition
from measures.models import Measure, Status
from measures.rollout import RolloutState, SchoolRollout
from tests.factories import make_field, make_measure, make_plan, make_school
from tests.two_factor import log_in

CHANGELIST = "/admin/measures/measure/"


@pytest.fixture
def measures(db) -> list[Measure]:
    field = make_field(make_plan())
    return [
        make_measure(field, target="Q1 2025", status=Status.IN_PROGRESS),
        make_measure(field, status=Status.WAITING),
        make_measure(field),  # no status yet
    ]


def _set_status(client, measures, **data):
    return client.post(
        CHANGELIST,
        {
            "action": "set_status",
            "_selected_action": [measure.pk for measure in measures],
            "apply": "Status setzen",
            "reason": "Sammeländerung im Admin",
            **data,
        },
    )


def test_the_bulk_status_form_preselects_nothing(admin_client, measures):
    response = admin_client.post(
        CHANGELIST,
        {"action": "set_status", "_selected_action": [m.pk for m in measures], "index": 0},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<option value="" selected>– Bitte wählen –</option>' in html
    assert '<option value="ohne">Ohne Status</option>' in html


@pytest.mark.parametrize("data", [{}, {"status": ""}])
def test_a_bulk_status_without_a_choice_is_refused_and_changes_nothing(
    admin_client, measures, data
):
    response = _set_status(admin_client, measures, **data)
    assert response.status_code == 422
    assert "Bitte wählen Sie den neuen Status." in response.content.decode()
    assert [Measure.objects.get(pk=m.pk).status for m in measures] == [
        Status.IN_PROGRESS,
        Status.WAITING,
        "",
    ]
    assert all(Measure.objects.get(pk=m.pk).version == m.version for m in measures)


def test_an_unknown_bulk_status_is_refused(admin_client, measures):
    response = _set_status(admin_client, measures, status="kaputt")
    assert response.status_code == 422
    assert Measure.objects.get(pk=measures[0].pk).status == Status.IN_PROGRESS


def test_ohne_status_is_a_deliberate_choice(admin_client, measures):
    response = _set_status(admin_client, measures[:2], status="ohne")
    assert response.status_code == 302
    assert {Measure.objects.get(pk=m.pk).status for m in measures} == {""}


def test_the_status_filter_offers_ohne_status(admin_client, measures):
    response = admin_client.get(CHANGELIST)
    assert "?status=ohne" in response.content.decode()
    listed = admin_client.get(CHANGELIST + "?status=ohne").context["cl"].result_list
    assert [m.pk for m in listed] == [measures[2].pk]
    listed = admin_client.get(CHANGELIST + "?status=waiting").context["cl"].result_list
    assert [m.pk for m in listed] == [measures[1].pk]
    assert len(admin_client.get(CHANGELIST).context["cl"].result_list) == 3


def test_the_history_shows_labels_not_stored_values(admin_client, admin_user, measures):
    measure = measures[0]
    changed = Measure.objects.apply_change(
        measure.pk,
        expected_version=measure.version,
        user=admin_user,
        reason="Lieferung verzögert",
        status=Status.WAITING,
    )
    Measure.objects.apply_change(
        measure.pk,
        expected_version=changed.version,
        user=admin_user,
        reason="Zurückgesetzt",
        status="",
    )
    html = admin_client.get(f"{CHANGELIST}{measure.pk}/history/").content.decode()
    assert "In Bearbeitung &nbsp;&rarr;&nbsp;&nbsp;Wartend" in html
    assert "Wartend &nbsp;&rarr;&nbsp;&nbsp;Ohne Status" in html
    assert "in_progress" not in html and "waiting" not in html
    # The status column: its heading and the label of each version.
    assert '<th scope="col">Status</th>' in html and "status_label" not in html
    assert "<td>Ohne Status</td>" in html and "<td>In Bearbeitung</td>" in html


def test_the_rollout_history_shows_the_state_label(admin_client, admin_user, measures):
    row = SchoolRollout.objects.create(measure=measures[0], school=make_school())
    row._history_user = admin_user
    row.state = RolloutState.DONE
    row.date = datetime.date(2025, 3, 4)
    row.save()
    html = admin_client.get(f"/admin/measures/schoolrollout/{row.pk}/history/").content.decode()
    assert f"{RolloutState.OPEN.label} &nbsp;&rarr;&nbsp;&nbsp;{RolloutState.DONE.label}" in html
    assert "– &nbsp;&rarr;&nbsp;&nbsp;4. März 2025" in html
    assert f">{RolloutState.DONE.value}<" not in html


# --- Withdrawing an edition ---------------------------------------------------


@pytest.fixture
def edition(db) -> Edition:
    plan = make_plan()
    make_measure(make_field(plan), status=Status.DONE)
    today = datetime.date.today()
    return Edition.publish(
        plan,
        user=User.objects.create_user("petra"),
        date=today,
        today=today,
        title="Bericht März",
        slug="bericht-maerz",
    )


def _staff(*codenames: str) -> Client:
    user = User.objects.create_user("sam", password="x" * 20, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client = Client()
    log_in(client, user)
    return client


def _warnings(caplog) -> list[logging.LogRecord]:
    return [
        r for r in caplog.records if r.name == "portal.security" and r.levelno >= logging.WARNING
    ]


WITHDRAW = {"action": "withdraw", "reason": "Zahlen falsch"}


def test_without_the_permission_withdrawing_is_refused_and_logged(edition, caplog):
    client = _staff("view_edition", "publish_edition")
    changelist = client.get("/admin/editions/edition/").content.decode()
    assert 'value="withdraw"' not in changelist  # not offered
    with caplog.at_level(logging.WARNING, logger="portal.security"):
        response = client.post(
            "/admin/editions/edition/", {**WITHDRAW, "_selected_action": [edition.pk]}
        )
    assert response.status_code == 403
    assert Edition.objects.published().count() == 1
    [record] = _warnings(caplog)
    assert "zurückziehen" in record.getMessage() and "sam" in record.getMessage()


def test_with_the_permission_a_staff_member_withdraws_with_a_reason(edition, caplog):
    client = _staff("view_edition", "withdraw_edition")
    assert 'value="withdraw"' in client.get("/admin/editions/edition/").content.decode()
    selected = {"_selected_action": [edition.pk]}
    form = client.post("/admin/editions/edition/", {**WITHDRAW, **selected, "reason": ""})
    assert form.status_code == 200 and "Grund für das Zurückziehen" in form.content.decode()
    assert Edition.objects.published().count() == 1
    with caplog.at_level(logging.WARNING, logger="portal.security"):
        response = client.post("/admin/editions/edition/", {**WITHDRAW, **selected})
    assert response.status_code == 302
    edition.refresh_from_db()
    assert edition.withdrawn_by.username == "sam"
    assert edition.withdrawal_reason == "Zahlen falsch"
    [record] = _warnings(caplog)
    assert "Bericht zurückgezogen" in record.getMessage()
    assert "sam" in record.getMessage() and "Zahlen falsch" in record.getMessage()


def test_a_superuser_still_withdraws(edition, admin_client):
    response = admin_client.post(
        "/admin/editions/edition/", {**WITHDRAW, "_selected_action": [edition.pk]}
    )
    assert response.status_code == 302
    assert not Edition.objects.published().exists()


# --- Publishing an edition after a preview --------------------------------------

PUBLISH = "/verwaltung/berichte/neu/"
PREVIEW_PDF = "/verwaltung/berichte/neu/vorschau.pdf"


def _entered(**values) -> dict:
    return {
        "title": "Bericht Schulausschuss",
        "date": datetime.date.today().strftime("%d.%m.%Y"),
        "reference": "Drucksache 12/2025",
        "preface": "Erster Absatz.\r\n\r\nZweiter Absatz.",
        **values,
    }


def test_the_form_leads_to_a_preview_that_saves_nothing(bielefeld, publisher_client):
    form = publisher_client.get(PUBLISH).content.decode()
    assert "Vorschau anzeigen" in form and "Jetzt veröffentlichen" not in form

    response = publisher_client.post(PUBLISH, {**_entered(), "schritt": "vorschau"})

    assert response.status_code == 200
    assert not Edition.objects.exists()
    html = response.content.decode()
    assert "Vorschau – noch nicht veröffentlicht" in html
    assert "<title>Vorschau: Bericht Schulausschuss" in html
    # The edition's page as published: header, preface, summary and the measures.
    assert '<h1 class="kern-heading-large" lang="de">Bericht Schulausschuss</h1>' in html
    assert "Drucksache 12/2025" in html and "<p>Zweiter Absatz.</p>" in html
    assert "Bielefelder Klassenzimmerstandard" in html and "59 von 74 Schulen" in html
    # The entered values travel on as hidden fields, with the snapshot's fingerprint.
    assert 'type="hidden" name="title" value="Bericht Schulausschuss"' in html
    assert response.context["fingerprint"] in html
    assert "Jetzt veröffentlichen" in html and 'value="aendern"' in html
    assert f'action="{PREVIEW_PDF}"' in html or f'formaction="{PREVIEW_PDF}"' in html


def test_the_preview_is_built_like_the_published_edition(bielefeld, publisher_client):
    preview = publisher_client.post(PUBLISH, {**_entered(), "schritt": "vorschau"})
    fingerprint = preview.context["fingerprint"]
    response = publisher_client.post(
        PUBLISH, {**_entered(), "schritt": "veroeffentlichen", "fingerprint": fingerprint}
    )
    assert response.status_code == 302
    edition = Edition.objects.get()
    assert edition.snapshot == preview.context["edition"].snapshot
    assert (edition.title, edition.reference) == ("Bericht Schulausschuss", "Drucksache 12/2025")
    assert edition.preface == "Erster Absatz.\r\n\r\nZweiter Absatz."


def test_publishing_is_refused_when_the_plan_changed_since_the_preview(bielefeld, publisher_client):
    preview = publisher_client.post(PUBLISH, {**_entered(), "schritt": "vorschau"})
    measure = Measure.objects.get(slug="digitale-schulplattform")
    Measure.objects.apply_change(
        measure.pk,
        expected_version=measure.version,
        user=User.objects.get(username="petra"),
        reason="Neue Zahl",
        rollout_done=40,
    )
    data = {**_entered(), "schritt": "veroeffentlichen"}
    response = publisher_client.post(
        PUBLISH, {**data, "fingerprint": preview.context["fingerprint"]}
    )
    assert response.status_code == 409
    assert not Edition.objects.exists()
    html = response.content.decode()
    assert "hat sich seit der Vorschau geändert" in html and "40 von 74 Schulen" in html
    # Without having seen a preview at all: the preview first.
    assert publisher_client.post(PUBLISH, data).status_code == 409
    assert not Edition.objects.exists()
    # From the new preview, publishing works.
    response = publisher_client.post(
        PUBLISH, {**data, "fingerprint": response.context["fingerprint"]}
    )
    assert response.status_code == 302 and Edition.objects.count() == 1


def test_back_from_the_preview_the_form_keeps_the_entries(bielefeld, publisher_client):
    response = publisher_client.post(PUBLISH, {**_entered(), "schritt": "aendern"})
    assert response.status_code == 200
    assert 'value="Bericht Schulausschuss"' in response.content.decode()
    assert not Edition.objects.exists()


def test_a_preview_with_bad_input_is_refused_in_german(bielefeld, publisher_client):
    response = publisher_client.post(
        PUBLISH, {**_entered(date="31.02.2025"), "schritt": "vorschau"}
    )
    assert response.status_code == 422
    assert "Bitte ein gültiges Datum eingeben." in response.content.decode()


def test_the_preview_pdf_is_marked_and_saves_nothing(bielefeld, publisher_client):
    response = publisher_client.post(PREVIEW_PDF, _entered())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="stadt-bielefeld-amt-fuer-schule-vorschau-bericht-schulausschuss.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response.content)
    assert "Vorschau – noch nicht veröffentlicht · Drucksache 12/2025" in text
    assert "Bericht Schulausschuss" in text
    assert not Edition.objects.exists()
    assert publisher_client.post(PREVIEW_PDF, _entered(title="")).status_code == 422
    assert publisher_client.get(PREVIEW_PDF).status_code == 405


def test_the_preview_pdf_shows_the_changes_the_published_deck_will_show(
    bielefeld, publisher_client
):
    Edition.publish(
        bielefeld,
        user=User.objects.get(username="petra"),
        today=datetime.date.today(),
        date=datetime.date.today(),
        title="Bericht Mai",
        slug="bericht-mai",
    )
    text = _pdf_text(publisher_client.post(PREVIEW_PDF, _entered()).content)
    assert "Änderungen seit dem letzten Bericht" in text
    assert "Verglichen mit „Bericht Mai“" in text
    # And the page preview shows the preface as paragraphs, never Markdown.
    html = publisher_client.post(
        PUBLISH, {**_entered(preface="**Wichtig**"), "schritt": "vorschau"}
    )
    assert "<strong>Wichtig</strong>" in html.content.decode()


def _pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_preview_and_its_pdf_need_the_publish_permission(bielefeld, caplog):
    anonymous = Client()
    for address in [PUBLISH, PREVIEW_PDF]:
        response = anonymous.post(address, {**_entered(), "schritt": "vorschau"})
        assert response.status_code == 302 and "/verwaltung/anmelden/" in response["Location"]
    client = Client()
    log_in(client, User.objects.create_user("otto", password="x" * 20, is_staff=True))
    with caplog.at_level(logging.WARNING, logger="portal.security"):
        assert client.post(PUBLISH, {**_entered(), "schritt": "vorschau"}).status_code == 403
        assert client.post(PREVIEW_PDF, _entered()).status_code == 403
    messages = [record.getMessage() for record in _warnings(caplog)]
    assert len(messages) == 2 and all("otto" in message for message in messages)
    assert PREVIEW_PDF in messages[1]


# --- No English left in the German admin ------------------------------------------

# What a German administrator saw in English, clicking through every admin page
# with the Bielefeld plan loaded (Django 6.1 and django-axes lack these in German).
ENGLISH = [
    "- Select an option -",
    ">Run<",
    'alt="Search"',
    'alt="True"',
    'alt="False"',
    ">Search ",
    "Filter by",
    "Pagination",
    "Are you sure you want to delete",
    "would result in deleting related objects",
    "After you’ve created a user",
    "Password-based authentication",
    "password-based authentication",
    "Raw passwords are not stored",
    "Reset password",
    "Can add ",
    "Can change ",
    "Can delete ",
    "Can view ",
    "historical ",
    "Locked Out",
    "access attempt expiration",
    "View history",
    ">Changes<",
]


def _admin_pages(client, models) -> list[str]:
    pages = ["/admin/", "/admin/measures/", "/admin/password_change/"]
    for model in models:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        pages += [base, base + "?q=zzz", base + "add/"]
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            pages += [f"{base}{obj.pk}/{view}/" for view in ["change", "history", "delete"]]
    return pages


def test_the_german_admin_shows_no_english(bielefeld, admin_client, admin_user):
    from axes.models import AccessAttempt
    from django.contrib import admin
    from django.contrib.auth.models import Group

    Group.objects.create(name="Amt für Schule")
    AccessAttempt.objects.create(username="x", ip_address="10.0.0.1", failures_since_start=1)
    today = datetime.date.today()
    Edition.publish(bielefeld, user=admin_user, date=today, today=today, title="B", slug="b")
    found = {}
    for address in _admin_pages(admin_client, admin.site._registry):
        response = admin_client.get(address)
        if response.status_code != 200:
            continue  # e.g. adding is not offered for editions: 403
        html = response.content.decode()
        for text in ENGLISH:
            if text in html:
                found.setdefault(text, address)
    # The intermediate page of deleting several measures.
    measures = list(Measure.objects.values_list("pk", flat=True)[:2])
    html = admin_client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": measures}
    ).content.decode()
    found.update({text: "delete_selected" for text in ENGLISH if text in html})
    assert found == {}
    assert (
        "Maßnahmen | Maßnahme | Darf ändern"
        in admin_client.get("/admin/auth/group/add/").content.decode()
    )


def test_the_admin_widgets_speak_german(admin_client):
    script = admin_client.get("/admin/jsi18n/").content.decode()
    for english in [
        "by selecting them and then select the",
        "Note: Enter times in the %(timezone)s timezone",
        "%(month)s %(day)s, %(year)s",
        "%s (today)",
        "You have selected an action, and you haven",
    ]:
        # The catalogue maps the English text to German; an untranslated text is absent.
        assert english in script, english
    for german in [
        "indem Sie sie markieren und dann auf den Pfeil",
        "Hinweis: Bitte geben Sie Uhrzeiten in der Zeitzone",
        "%(day)s. %(month)s %(year)s",
        "%s (heute)",
        "Wahrscheinlich m",
    ]:
        assert german in script, german
