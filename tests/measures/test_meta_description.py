"""Every public page has its own meta description, not the portal's generic one."""

import datetime
import html
import re

import pytest
from django.contrib.auth.models import User

from editions.models import Edition
from measures.models import Measure
from schools.models import School

GENERIC = (
    "Öffentlicher Fortschrittsbericht zum Medienentwicklungsplan: Maßnahmen, Stand und "
    "Umsetzung an den Schulen."
)


def _description(response) -> str:
    assert response.status_code == 200
    [content] = re.findall(
        r'<meta name="description" content="([^"]*)">', response.content.decode()
    )
    return html.unescape(content)


@pytest.fixture
def edition(bielefeld) -> Edition:
    user = User.objects.create_user("paula")
    date = datetime.date(2025, 3, 12)
    return Edition.publish(
        bielefeld, user=user, today=date, date=date, title="Bericht März 2025",
        slug="bericht-maerz-2025",
    )  # fmt: skip


def test_every_public_page_has_its_own_description(client, bielefeld, edition):
    school = School.objects.filter(authority_number="10261").order_by("name").first()
    measure = Measure.objects.get(slug="digitale-schulplattform")
    pages = {
        "/": ["Stadt Bielefeld", "öffentlicher Fortschrittsbericht", "mit 20 Maßnahmen"],
        f"/massnahmen/{measure.slug}/": [measure.title],
        "/berichte/": ["Alle veröffentlichten Fortschrittsberichte", bielefeld.title],
        "/berichte/bericht-maerz-2025/": ["Bericht März 2025", "Stand vom 12.03.2025"],
        "/berichte/vergleich/": ["Was sich seit „Bericht März 2025“ geändert hat"],
        "/berichte/vergleich/?von=bericht-maerz-2025&bis=bericht-maerz-2025": None,
        "/praesentation/": ["Präsentation", bielefeld.title],
        "/berichte/bericht-maerz-2025/praesentation/": ["Präsentation „Bericht März 2025“"],
        "/schulen/": ["Alle Schulen im Medienentwicklungsplan von Stadt Bielefeld"],
        f"/schulen/{school.school_number}/": [school.name, school.city],
        "/datenquellen/": ["Woher die Angaben zu den Schulen stammen"],
    }
    seen = {}
    for path, expected in pages.items():
        if expected is None:  # an invalid comparison (400): still described
            response = client.get(path)
            assert response.status_code == 400
            assert (
                "Vergleich zweier Berichtsstände"
                in re.search(
                    r'<meta name="description" content="([^"]*)">', response.content.decode()
                )[1]
            )
            continue
        description = _description(client.get(path))
        assert description.strip(), path
        assert description != GENERIC, path
        for text in expected:
            assert text in description, (path, description)
        seen[description] = path
    assert len(seen) == len(pages) - 1  # all different


def test_measure_description_comes_from_its_text(client, bielefeld):
    measure = Measure.objects.get(slug="digitale-schulplattform")
    measure.description = "Eine Lernplattform für alle Schulen,\nmit Messenger und Cloud."
    measure.save()
    description = _description(client.get(f"/massnahmen/{measure.slug}/"))
    assert description == (
        "Digitale Schulplattform (Softwareausstattung): Eine Lernplattform für alle Schulen, "
        "mit Messenger und Cloud."
    )
    long = Measure.objects.get(slug="flaechendeckendes-wlan")
    long.description = " ".join(["Wort"] * 50)
    long.save()
    assert _description(client.get(f"/massnahmen/{long.slug}/")).endswith("Wort …")
