"""Text staff write in the plan's language on English pages (WCAG 3.1.2): edition
titles in the comparison and reasons in the public timeline carry the plan's
`lang`, so that a screen reader reads "Ausschreibung verzögert" in German."""

import datetime
import io
import re

import pytest
from django.contrib.auth.models import User
from pptx import Presentation

from editions.models import Edition
from measures.models import Measure

TITLE = "Bericht März 2025"


@pytest.fixture
def edition(bielefeld) -> Edition:
    date = datetime.date(2025, 3, 12)
    return Edition.publish(
        bielefeld, user=User.objects.create_user("paula"), today=date, date=date,
        title=TITLE, slug="bericht-maerz-2025",
    )  # fmt: skip


def test_the_comparison_marks_edition_titles(english, edition):
    html = english.get("/berichte/vergleich/").content.decode()
    assert '<html lang="en">' in html
    [heading] = re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert heading == f'Changes since “<span lang="de">{TITLE}</span>”'
    # Both selects: the edition's option in German, "Current state" in English.
    assert (
        len(re.findall(rf'<option value="bericht-maerz-2025"[^>]*lang="de"[^>]*>{TITLE}<', html))
        == 2
    )
    assert re.search(r'<option value="aktuell"[^>]*>Current state<', html)
    assert not re.search(r'<option value="aktuell"[^>]*lang=', html)


def test_the_comparison_of_two_editions_marks_both_titles(english, edition):
    date = datetime.date(2025, 9, 1)
    Edition.publish(
        edition.plan, user=edition.published_by, today=date, date=date,
        title="Bericht September 2025", slug="bericht-september-2025",
    )  # fmt: skip
    html = english.get(
        "/berichte/vergleich/", {"von": "bericht-maerz-2025", "bis": "bericht-september-2025"}
    ).content.decode()
    [heading] = re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert heading == (
        f'Changes from “<span lang="de">{TITLE}</span>” to '
        '“<span lang="de">Bericht September 2025</span>”'
    )


def test_the_timeline_marks_the_reason(english):
    measure = Measure.objects.get(slug="flaechendeckendes-wlan")
    measure.status = "waiting"
    measure._change_reason = "Ausschreibung verzögert"
    measure.save()
    html = english.get(measure.get_absolute_url()).content.decode()
    assert 'Reason: <span lang="de">Ausschreibung verzögert</span></p>' in html


def test_german_pages_read_the_same(client, edition):
    html = client.get("/berichte/vergleich/").content.decode()
    assert f'Änderungen seit „<span lang="de">{TITLE}</span>“' in html


def test_the_decks_write_percentages_as_the_page_language_does(client, english):
    """German "64 %" (with a no-break space), English "64%": the overview and the boxes."""
    german = client.get("/praesentation/").content.decode()
    assert "95 von 148 (64\xa0%)" in german
    assert "59 von 74 Schulen abgeschlossen (80&nbsp;%)" in german
    html = english.get("/praesentation/").content.decode()
    assert "95 of 148 (64%)" in html
    assert "59 of 74 schools completed (80%)" in html
    assert "\xa0%" not in html and "&nbsp;%" not in html


def test_the_decks_overview_says_a_total_holds_a_reported_count(client, bielefeld):
    """After the switch the 36 schools are a reported figure: the deck's overview says
    so, as the web page's summary does, or the council reads 95 of 148 as counted."""
    from measures.rollout import SchoolRollout

    SchoolRollout.objects.start_tracking(
        Measure.objects.get(slug="digitale-schulplattform"),
        user=User.objects.create_user("sven"),
        reason="Ab jetzt pro Schule",
    )
    note = "davon 1 Maßnahme mit gemeldeter Zahl"
    assert note in client.get("/").content.decode()
    html = client.get("/praesentation/").content.decode()
    label = f"Umsetzung an Schulen (2 Maßnahmen), {note}"
    assert f"<dt>{label}</dt><dd>95 von 148 (64\xa0%)</dd>" in html
    slides = Presentation(io.BytesIO(client.get("/bericht.pptx").content)).slides
    texts = [shape.text_frame.text for shape in slides[1].shapes if shape.has_text_frame]
    assert f"{label}\n95 von 148 (64\xa0%)" in texts
