import datetime
import re

import pytest
from django.utils import timezone

from measures.models import Measure
from measures.rollout import SchoolRollout
from schools.models import School
from tests.factories import make_field, make_measure, make_plan, make_school
from tests.measures.deck import DECK, FIELDS


def _cards(html: str) -> list[str]:
    return re.findall(r'<article class="measure-card.*?</article>', html, re.S)


def _titles(html: str) -> list[str]:
    return re.findall(r'<h3 class="measure-card__title"[^>]*><a[^>]*>([^<]+)</a>', html)


def test_report_shows_every_measure_of_the_deck(client, bielefeld):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Stadt Bielefeld – Amt für Schule" in html
    assert "Digitalstrategie und Medienentwicklungsplan" in html
    assert "2023-2027" in html and "01.04.2023" in html
    for field in FIELDS:
        assert f">{field}</h2>" in html
    cards = _cards(html)
    assert len(cards) == len(DECK) == 20
    for card, (_, title, items, status, target, rollout) in zip(cards, DECK, strict=True):
        assert f">{title}</a>" in card.replace("&amp;", "&")
        for item in items:
            assert f"<li>{item}</li>" in card
        assert f'<span class="kern-label">{status or "Ohne Status"}</span>' in card
        if target:
            assert target in card
        if rollout:
            assert f"{rollout[0]} von {rollout[1]} Schulen" in card
            assert f'max="{rollout[1]}" value="{rollout[0]}"' in card
        else:
            assert "<progress" not in card  # no misleading 0 %


def test_overdue_marker_follows_the_rule(client, bielefeld):
    html = client.get("/").content.decode()
    today = timezone.localdate()
    by_title = {m.title: m for m in Measure.objects.all()}
    for card in _cards(html):
        title = _titles(card)[0].replace("&amp;", "&")
        assert ("überfällig" in card) is by_title[title].is_overdue(today), title


def test_summary_counts(client, bielefeld):
    html = client.get("/").content.decode()
    summary = html.split('id="summary-heading"')[1].split("</section>")[0]
    assert "<dt>Maßnahmen</dt><dd>20</dd>" in summary
    assert "<dt>In Bearbeitung</dt><dd>15</dd>" in summary
    assert "<dt>Wartend</dt><dd>3</dd>" in summary
    assert "<dt>In Vorbereitung</dt><dd>1</dd>" in summary
    assert "<dt>Abgeschlossen</dt><dd>0</dd>" in summary
    assert "<dt>Ohne Status</dt><dd>1</dd>" in summary
    overdue = Measure.objects.overdue(timezone.localdate()).count()
    assert f"<dt>Überfällig</dt><dd>{overdue}</dd>" in summary
    assert "95 von 148 abgeschlossen (64&nbsp;%)" in summary


@pytest.mark.parametrize("htmx", [False, True])
def test_filter_by_field(client, bielefeld, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get("/?feld=hardwareausstattung", headers=headers)
    assert response.status_code == 200
    html = response.content.decode()
    assert _titles(html) == [t for f, t, *_ in DECK if f == "Hardwareausstattung"]
    assert "6 von 20 Maßnahmen angezeigt" in html
    # HTMX gets just the list; without it, the whole page.
    assert ("<html" in html) is not htmx
    assert html.lstrip().startswith('<div id="results"') is htmx
    assert response["Vary"] and "HX-Request" in response["Vary"]


@pytest.mark.parametrize("htmx", [False, True])
def test_filter_by_status(client, bielefeld, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    html = client.get("/?status=waiting&status=ohne", headers=headers).content.decode()
    assert _titles(html) == [
        t
        for *_, t, _, s, _, _ in [(d[0], d[1], d[2], d[3], d[4], d[5]) for d in DECK]
        if s in ("Wartend", None)
    ]


def test_filter_overdue(client, bielefeld):
    html = client.get("/?ueberfaellig=on").content.decode()
    expected = [
        m.title
        for m in Measure.objects.overdue(timezone.localdate()).order_by(
            "field__position", "position"
        )
    ]
    assert expected and _titles(html) == expected


def test_filters_combine(client, bielefeld):
    html = client.get("/?feld=softwareausstattung&status=waiting").content.decode()
    assert _titles(html) == ["Schulscharfes Softwarebudget"]
    html = client.get("/?feld=medienlabor&status=waiting").content.decode()
    assert _titles(html) == []
    assert "Keine Maßnahme entspricht diesen Filtern." in html


def test_history_restore_request_gets_the_whole_page(client, bielefeld):
    response = client.get(
        "/?feld=support", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("status=fertig", "„fertig“ ist kein bekannter Status."),
        ("feld=gibtsnicht", "„gibtsnicht“ ist kein Handlungsfeld dieses Plans."),
    ],
)
def test_bad_filter_gets_a_german_message_and_400(client, bielefeld, query, message):
    response = client.get(f"/?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'class="error-summary"' in html
    assert len(_cards(html)) == 20


def test_report_refuses_post(client, bielefeld):
    assert client.post("/").status_code == 405


def test_report_without_plan_is_404(client, db):
    assert client.get("/").status_code == 404


def test_measure_page(client, bielefeld):
    response = client.get("/massnahmen/bielefelder-klassenzimmerstandard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "Bielefelder Klassenzimmerstandard</h1>" in html
    assert "Hardwareausstattung" in html
    assert "In Bearbeitung" in html and "Q3 2023" in html
    assert "59 von 74 Schulen" in html


def test_measure_page_lists_per_school_rollout(client, bielefeld):
    measure = Measure.objects.get(slug="voip")
    School.objects.all().delete()  # only these schools: the plan's scope is theirs
    done = make_school(name="Grundschule Am Wald", district="Heepen")
    open_ = make_school(name="Realschule Mitte", district="Mitte")
    out_of_scope = make_school(name="Berufskolleg X", school_form="30")
    SchoolRollout.objects.create(
        measure=measure, school=done, state="done", date=datetime.date(2024, 5, 1)
    )
    SchoolRollout.objects.create(measure=measure, school=open_)
    SchoolRollout.objects.create(
        measure=measure, school=out_of_scope, state="done", date=datetime.date(2024, 5, 1)
    )
    html = client.get("/massnahmen/voip/").content.decode()
    assert "1 von 2 Schulen" in html  # out-of-scope schools do not count
    # Per district; a district's schools once it is chosen.
    assert 'href="?bezirk=Heepen#schulen" lang="de">Heepen</a>' in html
    assert 'href="?bezirk=Mitte#schulen" lang="de">Mitte</a>' in html
    assert "Grundschule Am Wald" not in html.split("Verlauf</h2>")[0]  # not yet listed
    html = client.get("/massnahmen/voip/?bezirk=Heepen").content.decode()
    assert "Grundschule Am Wald" in html and "01.05.2024" in html
    assert "Realschule Mitte" not in html.split("Verlauf</h2>")[0]
    assert "Realschule Mitte" in client.get("/massnahmen/voip/?bezirk=Mitte").content.decode()
    # The public report derives the count from the rows too.
    card = [c for c in _cards(client.get("/").content.decode()) if "/massnahmen/voip/" in c][0]
    assert "1 von 2 Schulen" in card


def test_unknown_measure_is_404(client, bielefeld):
    assert client.get("/massnahmen/gibt-es-nicht/").status_code == 404


def test_measure_without_status_and_target(client, db):
    measure = make_measure(title="Neue Idee")
    html = client.get(measure.get_absolute_url()).content.decode()
    assert "Ohne Status" in html and "nicht festgelegt" in html


def test_healthz(client, db):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_pages_carry_a_strict_csp(client, bielefeld):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert "unsafe-inline" not in csp
    nonce = re.search(r"'nonce-([^']+)'", csp)[1]
    assert f'nonce="{nonce}"' in response.content.decode()


def test_english_is_available(client, bielefeld):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Progress report" in html and "Filter measures" in html
    assert "In progress" in html and ">overdue<" in html
    assert "59 of 74 schools" in html
    assert "to be announced" in html and "wird noch bekanntgegeben" not in html


@pytest.mark.parametrize("accept", ["", "en-US,en;q=0.9", "fr"])
def test_german_is_the_default_whatever_the_browser_says(client, bielefeld, accept):
    response = client.get("/", headers={"Accept-Language": accept})
    assert '<html lang="de">' in response.content.decode()
    assert response["Content-Language"] == "de"


def test_plan_content_is_marked_as_german_on_english_pages(client, bielefeld):
    client.post("/i18n/setlang/", {"language": "en"})
    html = client.get("/").content.decode()
    assert '<span lang="de">Digitalstrategie und Medienentwicklungsplan' in html
    assert 'lang="de">Hardwareausstattung</h2>' in html
    assert (
        'lang="de"><a class="kern-link" href="/massnahmen/bielefelder-klassenzimmerstandard/">'
        in html
    )


def test_language_switch_returns_to_the_page_it_came_from(client, bielefeld):
    response = client.post(
        "/i18n/setlang/", {"language": "en"}, headers={"Referer": "http://testserver/?feld=support"}
    )
    assert response["Location"] == "http://testserver/?feld=support"


def test_htmx_filter_updates_the_live_count_out_of_band(client, bielefeld):
    html = client.get("/?feld=support", headers={"HX-Request": "true"}).content.decode()
    assert '<p id="results-count" hx-swap-oob="innerHTML">2 von 20 Maßnahmen angezeigt</p>' in html
    page = client.get("/?feld=support").content.decode()
    assert 'id="results-count" role="status">2 von 20 Maßnahmen angezeigt</p>' in page
    assert "hx-swap-oob" not in page


def test_empty_status_parameter_means_no_filter(client, bielefeld):
    response = client.get("/?status=&feld=")
    assert response.status_code == 200
    assert "20 von 20 Maßnahmen angezeigt" in response.content.decode()


@pytest.mark.parametrize("url", ["/", "/massnahmen/voip/", "/healthz/"])
def test_head_is_answered_like_get(client, bielefeld, url):
    response = client.head(url)
    assert response.status_code == 200
    assert response.content == b""


def test_pages_of_unknown_things_are_german(client, bielefeld):
    response = client.get("/massnahmen/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()


def test_measure_of_another_plan_is_not_served(client, bielefeld):
    older_plan = make_plan(as_of=datetime.date(2020, 1, 1))
    other = make_measure(make_field(older_plan), slug="fremde-massnahme")
    assert other.field.plan != bielefeld
    assert client.get("/massnahmen/fremde-massnahme/").status_code == 404
