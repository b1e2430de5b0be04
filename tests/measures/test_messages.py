"""Django messages are KERN alerts: icon, title and body, inside the page's live region."""

import re

from django.test import Client

from measures.models import Measure

URL = "/verwaltung/massnahmen/digitaler-stundenplan/"


def _save(client: Client, **headers):
    measure = Measure.objects.get(slug="digitaler-stundenplan")
    data = {"status": "done", "reason": "Erledigt", "version": measure.version}
    return client.post(URL, data, **headers)


def _alerts(html: str) -> list[str]:
    return re.findall(r'<div class="kern-alert kern-alert--.*?</p></div>\s*</div>', html, re.S)


def test_success_message_is_a_kern_alert_in_the_status_region(software_client):
    response = _save(software_client, follow=True)
    html = response.content.decode()
    region = html[html.index('<div class="messages" role="status">') :]
    [alert] = _alerts(region)
    assert alert.startswith('<div class="kern-alert kern-alert--success">')
    assert '<div class="kern-alert__header">' in alert
    assert '<span class="kern-icon kern-icon--success" aria-hidden="true"></span>' in alert
    assert '<span class="kern-title">Erfolg</span>' in alert
    assert (
        '<div class="kern-alert__body"><p class="kern-body">'
        "Die Änderungen an „Digitaler Stundenplan“ sind gespeichert.</p></div>"
    ) in alert


def test_htmx_confirmation_is_a_focused_kern_alert(software_client):
    response = _save(software_client, HTTP_HX_REQUEST="true")
    [alert] = _alerts(response.content.decode())
    assert alert.startswith(
        '<div class="kern-alert kern-alert--success" role="status" tabindex="-1" autofocus>'
    )
    assert '<span class="kern-title">Erfolg</span>' in alert


def test_errors_and_warnings_are_danger_and_warning_alerts(software_client):
    refused = software_client.post(
        "/verwaltung/massnahmen/digitaler-stundenplan/schulen/", {"reason": "x"}
    )
    assert refused.status_code == 422
    [alert] = _alerts(refused.content.decode())
    assert alert.startswith('<div class="kern-alert kern-alert--danger">')
    assert '<span class="kern-icon kern-icon--danger" aria-hidden="true"></span>' in alert
    assert '<span class="kern-title">Fehler</span>' in alert
    assert "Diese Maßnahme wird noch nicht pro Schule erfasst." in alert


def test_message_levels_get_their_kern_variant():
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.template.loader import render_to_string

    levels = {
        constants.INFO: ("info", "Hinweis"),
        constants.SUCCESS: ("success", "Erfolg"),
        constants.WARNING: ("warning", "Warnung"),
        constants.ERROR: ("danger", "Fehler"),
    }
    for level, (kind, title) in levels.items():
        html = render_to_string("_messages.html", {"messages": [Message(level, "Text")]})
        assert f'<div class="kern-alert kern-alert--{kind}">' in html
        assert f'<span class="kern-icon kern-icon--{kind}" aria-hidden="true"></span>' in html
        assert f'<span class="kern-title">{title}</span>' in html
