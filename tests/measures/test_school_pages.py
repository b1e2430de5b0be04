"""The public school pages: the list (/schulen/), a school's page, the data sources."""

import datetime
import html as html_lib
import re

import pytest
from django.utils import timezone

from measures.models import Plan, Status
from measures.rollout import RolloutState, SchoolRollout, with_rollout_share
from schools.models import OperationKey, School
from schools.sources import DATA_SOURCES
from tests.factories import (
    BIELEFELD_AUTHORITY_NUMBER,
    make_field,
    make_measure,
    make_plan,
    make_school,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)

# The current plan; the filter form's choices; the paginator's count; the page of
# schools with their rollout share.
LIST_QUERIES = 4
# The current plan; the school in scope; the plan's measures with their state there.
DETAIL_QUERIES = 3


def text(html: str) -> str:
    """The page's text without tags, whitespace collapsed."""
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def names(html: str) -> list[str]:
    found = re.findall(r'<h3 class="school-card__title"><a [^>]*>([^<]*)</a>', html)
    return [html_lib.unescape(name) for name in found]


@pytest.fixture
def plan() -> Plan:
    return make_plan(school_authority_number=BIELEFELD_AUTHORITY_NUMBER, school_forms="02, 20")


def done(measure, school, on=datetime.date(2026, 3, 2)) -> SchoolRollout:
    return SchoolRollout.objects.create(
        measure=measure, school=school, state=RolloutState.DONE, date=on
    )


# The list


def test_list_shows_the_schools_in_scope_today_by_name(client, plan):
    make_school(name="Bült Grundschule")
    make_school(name="am Hallenbad Gymnasium", school_form="20")
    make_school(name="Albert Grundschule", operation_key=OperationKey.OPENING, opens_on=TODAY)
    make_school(name="Berufskolleg", school_form="30")  # not one of the plan's forms
    make_school(name="Laborschule", authority_number="10017")  # another Schulträger
    make_school(name="Alte Schule", operation_key=OperationKey.CLOSING, closes_on=TODAY - DAY)
    make_school(name="Neue Schule", operation_key=OperationKey.OPENING, opens_on=TODAY + DAY)
    make_school(name="Vergessene Schule", listed=False)

    response = client.get("/schulen/")

    assert response.status_code == 200
    # Sorted by name as the database collates it; in scope today only.
    expected = list(
        plan.schools(TODAY).order_by("name", "school_number").values_list("name", flat=True)
    )
    assert sorted(expected, key=str.casefold) == [
        "Albert Grundschule",
        "am Hallenbad Gymnasium",
        "Bült Grundschule",
    ]
    assert names(response.text) == expected
    assert "3 Schulen" in text(response.text)


def test_bielefeld_list_follows_the_scope_rule(client, bielefeld):
    html = client.get("/schulen/").text
    # The plan's 76 and the six Berufskollegs its excursus concerns.
    assert "82 Schulen, Seite 1 von 2" in text(html)
    # The two schools opening on 01.08.2026 are in scope, because that day has passed.
    opening = School.objects.filter(operation_key=OperationKey.OPENING, opens_on="2026-08-01")
    assert opening.count() == 2
    second = client.get("/schulen/?seite=2").text
    for school in opening:
        assert school.name in names(html) + names(second)
    listed = names(html) + names(second)
    assert len(listed) == 82 and sum("Berufskolleg" in name for name in listed) == 6


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sonnen", ["Sonnenschule"]),  # part of the name, any case
        ("SONNENSCHULE", ["Sonnenschule"]),
        ("123457", ["Mondschule"]),  # the school number
        ("6543", ["Sonnenschule"]),  # part of it
        ("apfelweg", ["Mondschule"]),  # the street
        ("grundschule apfel", ["Mondschule"]),  # every word somewhere
        ("grundschule", ["Mondschule", "Sonnenschule"]),
        ("sternschule", []),
    ],
)
def test_search_by_name_number_and_street(client, plan, query, expected):
    make_school(name="Sonnenschule Grundschule", school_number="765432", street="Birnenweg 1")
    make_school(name="Mondschule Grundschule", school_number="123457", street="Apfelweg 2")
    html = client.get("/schulen/", {"suche": query}).text
    assert [name.split()[0] for name in names(html)] == expected
    summary = text(html)
    assert f"{len(expected)} Schule" in summary and "gefunden" in summary
    if not expected:
        assert "Keine Schule entspricht dieser Suche." in summary


def test_filter_by_school_form_and_district(client, plan):
    make_school(name="A Grundschule Heepen", district="Heepen")
    make_school(name="B Gymnasium Heepen", district="Heepen", school_form="20")
    make_school(name="C Grundschule Mitte", district="Mitte")
    make_school(name="D Grundschule ohne Bezirk")

    def shown(**query) -> list[str]:
        response = client.get("/schulen/", query)
        assert response.status_code == 200
        return [name[0] for name in names(response.text)]

    assert shown(bezirk="Heepen") == ["A", "B"]
    assert shown(schulform="20") == ["B"]
    assert shown(schulform="02", bezirk="Heepen") == ["A"]
    assert shown(bezirk="ohne") == ["D"]
    assert shown(schulform="02", bezirk="Heepen", suche="mitte") == []
    assert shown(schulform="", bezirk="", suche="") == ["A", "B", "C", "D"]
    # The choices are those of the schools in scope.
    html = client.get("/schulen/").text
    assert '<option value="Heepen" lang="de">Heepen</option>' in html
    assert '<option value="ohne">Stadtbezirk nicht bekannt</option>' in html
    # No name in the factory rows: the code stands in.
    assert '<option value="20" lang="de">Gymnasium</option>' not in html
    assert '<option value="20" lang="de">20</option>' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"schulform": "99"}, "Schulform: „99“ ist keine Schulform dieser Liste."),
        ({"schulform": "30"}, "Schulform: „30“ ist keine Schulform dieser Liste."),
        ({"bezirk": "Atlantis"}, "Stadtbezirk: „Atlantis“ ist kein Stadtbezirk dieser Liste."),
        ({"seite": "zwei"}, "Seite: Die Seitenzahl muss eine ganze Zahl sein."),
        ({"seite": "0"}, "Seite: Die Seiten beginnen bei 1."),
        ({"suche": "x" * 101}, "Suche: Bitte sicherstellen, dass der Wert aus höchstens 100"),
    ],
)
def test_bad_filter_values_get_400_with_a_german_summary(client, plan, query, message):
    make_school(name="Sonnenschule", district="Heepen")
    make_school(name="Berufskolleg", school_form="30")  # exists, but not in scope
    response = client.get("/schulen/", query)
    assert response.status_code == 400
    page = text(response.text)
    assert "Die Suche enthält einen Fehler" in page
    assert message in page
    assert "Es werden alle Schulen angezeigt." in page
    assert names(response.text) == ["Sonnenschule"]


def test_pages_of_fifty_with_links_that_keep_the_query(client, plan):
    School.objects.bulk_create(
        School(
            school_number=f"{700000 + n}",
            name=f"Grundschule {n:03d}",
            school_form="02",
            district="Heepen" if n % 2 else "Mitte",
            authority_number=BIELEFELD_AUTHORITY_NUMBER,
        )
        for n in range(120)
    )
    first = client.get("/schulen/").text
    assert names(first) == [f"Grundschule {n:03d}" for n in range(50)]
    assert "120 Schulen, Seite 1 von 3" in text(first)
    assert 'href="?seite=2#ergebnis" rel="next"' in first
    assert 'aria-current="page"><span class="kern-sr-only">Seite </span>1</a>' in first

    last = client.get("/schulen/?seite=3").text
    assert names(last) == [f"Grundschule {n:03d}" for n in range(100, 120)]
    assert 'rel="next"' not in last and 'href="?seite=2#ergebnis" rel="prev"' in last

    filtered = client.get("/schulen/", {"bezirk": "Heepen", "suche": "grundschule"}).text
    assert "60 Schulen gefunden, Seite 1 von 2" in text(filtered)
    assert 'href="?suche=grundschule&amp;bezirk=Heepen&amp;seite=2#ergebnis"' in filtered
    second = client.get("/schulen/", {"bezirk": "Heepen", "suche": "grundschule", "seite": 2})
    assert len(names(second.text)) == 10


def test_page_beyond_the_last_is_404(client, plan):
    make_school()
    assert client.get("/schulen/?seite=1").status_code == 200
    response = client.get("/schulen/?seite=2")
    assert response.status_code == 404
    assert "Diese Seite der Schulliste gibt es nicht" in response.text
    # An empty result still has its first page.
    assert client.get("/schulen/?suche=nichts").status_code == 200


def test_rollout_share_counts_only_the_plans_measures_tracked_per_school(client, plan):
    field = make_field(plan)
    wlan, tablets, platform = (make_measure(field) for _ in range(3))
    make_measure(field, rollout_done=59, rollout_total=74)  # entered count: city-wide
    make_measure(field)  # no rollout at all
    older_plan = make_plan(as_of=datetime.date(2020, 1, 1))
    other_plan_measure = make_measure(make_field(older_plan))
    busy = make_school(name="A Fleißige Schule")
    slow = make_school(name="B Langsame Schule")
    done(wlan, busy)
    done(tablets, busy)
    SchoolRollout.objects.create(measure=platform, school=busy, state=RolloutState.IN_PROGRESS)
    SchoolRollout.objects.create(measure=wlan, school=slow, state=RolloutState.OPEN)
    done(other_plan_measure, slow)  # tracked, but in another plan

    html = client.get("/schulen/").text

    cards = re.findall(r'<li class="school-card">.*?</li>', html, re.S)
    assert "2 von 3 Maßnahmen abgeschlossen" in cards[0]
    assert '<progress id="share-' in cards[0] and 'max="3" value="2"' in cards[0]
    # No row for tablets and platform: open, and they still count.
    assert "0 von 3 Maßnahmen abgeschlossen" in cards[1]
    assert 'max="3" value="0"' in cards[1]
    shares = {
        s.name: (s.measures_done, s.measures_tracked)
        for s in with_rollout_share(plan.schools(TODAY), plan)
    }
    assert shares == {"A Fleißige Schule": (2, 3), "B Langsame Schule": (0, 3)}


def test_without_measures_tracked_per_school_no_share_is_shown(client, plan):
    make_measure(make_field(plan), rollout_done=3, rollout_total=4)
    make_school()
    html = client.get("/schulen/").text
    assert "<progress" not in html
    assert "Bisher wird keine Maßnahme Schule für Schule erfasst" in html


@pytest.mark.parametrize("restore", [False, True])
def test_htmx_gets_the_results_and_the_count_out_of_band(client, plan, restore):
    make_school(name="Sonnenschule")
    make_school(name="Mondschule")
    headers = {"HX-Request": "true"}
    if restore:
        headers["HX-History-Restore-Request"] = "true"
    response = client.get("/schulen/?suche=sonne", headers=headers)
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    if restore:  # htmx restoring history needs the whole page
        assert "<html" in response.text
        return
    assert response.text.lstrip().startswith('<div id="results"')
    assert '<p id="results-count" hx-swap-oob="innerHTML">1 Schule gefunden</p>' in response.text
    assert names(response.text) == ["Sonnenschule"]


def test_list_form_works_without_javascript(client, plan):
    html = client.get("/schulen/").text
    form = re.search(r"<form method=\"get\" action=\"/schulen/\"[^>]*>", html)[0]
    assert 'hx-get="/schulen/"' in form and 'hx-push-url="true"' in form
    assert '<button class="kern-btn kern-btn--primary" type="submit">' in html
    assert 'id="results-count" role="status"' in html


def test_list_refuses_post(client, plan):
    assert client.post("/schulen/").status_code == 405


def test_list_without_plan_is_404(client, db):
    assert client.get("/schulen/").status_code == 404


def test_list_query_count_for_bielefeld(client, bielefeld, django_assert_num_queries):
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get("/schulen/")
    assert len(names(response.text)) == 50
    with django_assert_num_queries(LIST_QUERIES):
        client.get("/schulen/?suche=schule&bezirk=Heepen", headers={"HX-Request": "true"})


@pytest.mark.parametrize("count", [3, 120])
def test_list_query_count_does_not_grow_with_schools(
    client, plan, count, django_assert_num_queries
):
    measures = [make_measure(make_field(plan)) for _ in range(5)]
    schools = School.objects.bulk_create(
        School(
            school_number=f"{700000 + n}",
            name=f"Schule {n:03d}",
            school_form="02",
            authority_number=BIELEFELD_AUTHORITY_NUMBER,
        )
        for n in range(count)
    )
    SchoolRollout.objects.bulk_create(
        SchoolRollout(
            measure=measure,
            school=school,
            state=RolloutState.DONE if (n + i) % 3 == 0 else RolloutState.OPEN,
            date=TODAY if (n + i) % 3 == 0 else None,
        )
        for n, school in enumerate(schools)
        for i, measure in enumerate(measures)
    )
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get("/schulen/?seite=1")
    assert len(names(response.text)) == min(count, 50)
    assert "von 5 Maßnahmen abgeschlossen" in response.text


# A school's page


@pytest.fixture
def school_with_measures(plan):
    school = make_school(
        school_number="123456",
        name="Grundschule Sonnenhügel",
        street="Sonnenweg 5",
        postcode="33602",
        city="Bielefeld",
        district="Heepen",
        homepage="www.sonnenhuegel.de",
    )
    infra = make_field(plan, title="Technische Infrastruktur")
    hardware = make_field(plan, title="Hardwareausstattung")
    wlan = make_measure(infra, title="WLAN")
    cabling = make_measure(infra, title="Verkabelung")
    tablets = make_measure(hardware, title="Tablets")
    make_measure(
        hardware,
        title="Klassenzimmerstandard",
        status=Status.IN_PROGRESS,
        target="Q3 2027",
        rollout_done=59,
        rollout_total=74,
    )
    make_measure(infra, title="Netzwerkkonzept", status=Status.WAITING)
    done(wlan, school, datetime.date(2026, 3, 2))
    SchoolRollout.objects.create(measure=cabling, school=school, state=RolloutState.IN_PROGRESS)
    # Tablets are tracked at another school only: open at this one.
    SchoolRollout.objects.create(measure=tablets, school=make_school(), state=RolloutState.OPEN)
    return school


def section(html: str, heading_id: str) -> str:
    return html.split(f'id="{heading_id}"')[1].split("</section>")[0]


def test_school_page(client, school_with_measures):
    response = client.get("/schulen/123456/")
    assert response.status_code == 200
    page = text(response.text)
    assert "Meine Schule Grundschule Sonnenhügel" in page
    assert "Adresse Sonnenweg 5, 33602 Bielefeld" in page
    assert "Stadtbezirk Heepen" in page
    assert "Schulbetrieb" not in page  # plainly operating: nothing to say
    assert 'href="https://www.sonnenhuegel.de"' in response.text

    tracked = text(section(response.text, "tracked-heading"))
    assert (
        "Technische Infrastruktur WLAN abgeschlossen am 02.03.2026 Verkabelung in Arbeit "
        "Hardwareausstattung Tablets offen"
    ) in tracked
    assert "Klassenzimmerstandard" not in tracked

    city_wide = text(section(response.text, "city-wide-heading"))
    assert "Technische Infrastruktur Netzwerkkonzept Status Wartend" in city_wide
    assert (
        "Hardwareausstattung Klassenzimmerstandard Status In Bearbeitung "
        "Abschluss Q3 2027 Schulen 59 von 74 Schulen"
    ) in city_wide
    assert "WLAN" not in city_wide


def test_school_page_of_an_opening_school_says_so(client, plan):
    make_school(
        school_number="123456",
        operation_key=OperationKey.OPENING,
        opens_on=datetime.date(2026, 8, 1),
    )
    page = text(client.get("/schulen/123456/").text)
    assert "Schulbetrieb nimmt den Betrieb am 01.08.2026 auf" in page
    assert "Stadtbezirk Stadtbezirk nicht bekannt" in page
    assert "Bisher wird keine Maßnahme Schule für Schule erfasst." in page


@pytest.mark.parametrize(
    ("homepage", "href"),
    [
        ("http://www.schule.de", "http://www.schule.de"),
        ("HTTPS://schule.de/start/", "HTTPS://schule.de/start/"),
        ("www.schule-bielefeld.de", "https://www.schule-bielefeld.de"),
        ("schule.bielefeld.de/gs/", "https://schule.bielefeld.de/gs/"),
        ("javascript:alert(1)", None),
        ("ftp://schule.de", None),
        ("keine", None),
        ("www schule de", None),
        ("", None),
    ],
)
def test_homepage_is_a_link_only_if_it_is_a_web_address(client, plan, homepage, href):
    school = make_school(school_number="123456", homepage=homepage)
    assert school.homepage_url == (href or "")
    html = client.get("/schulen/123456/").text
    if href:
        assert f'<a class="kern-link" href="{href}" rel="nofollow noopener">{href}</a>' in html
    else:
        assert "Homepage" not in html
    school.refresh_from_db()
    assert school.homepage == homepage  # shown with a scheme, stored as published


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("12345", "Eine Schulnummer besteht aus sechs Ziffern."),
        ("1234567", "Eine Schulnummer besteht aus sechs Ziffern."),
        ("abcdef", "Eine Schulnummer besteht aus sechs Ziffern."),
        ("१२३४५६", "Eine Schulnummer besteht aus sechs Ziffern."),  # digits, but not ASCII
        ("999999", "Eine Schule mit der Schulnummer 999999 gehört nicht zum Plan."),
        ("800000", "Eine Schule mit der Schulnummer 800000 gehört nicht zum Plan."),
        ("800001", "Eine Schule mit der Schulnummer 800001 gehört nicht zum Plan."),
        ("800002", "Eine Schule mit der Schulnummer 800002 gehört nicht zum Plan."),
    ],
)
def test_school_page_404s_in_german(client, plan, number, message):
    make_school(school_number="800000", school_form="30")  # not one of the plan's forms
    make_school(school_number="800001", operation_key=OperationKey.OPENING, opens_on=TODAY + DAY)
    make_school(school_number="800002", listed=False)
    response = client.get(f"/schulen/{number}/")
    assert response.status_code == 404
    assert message in response.text
    assert '<html lang="de">' in response.text


def test_school_page_query_count(client, bielefeld, django_assert_num_queries):
    school = bielefeld.schools(TODAY).first()
    measures = list(bielefeld.fields.first().measures.all())
    for measure in measures:
        done(measure, school)
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(school.get_absolute_url())
    assert response.status_code == 200
    assert text(response.text).count("abgeschlossen am") == len(measures) > 1


def test_school_page_query_count_does_not_grow_with_measures(
    client, school_with_measures, plan, django_assert_num_queries
):
    field = make_field(plan)
    for _ in range(30):
        done(make_measure(field), school_with_measures)
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get("/schulen/123456/")
    assert text(response.text).count("abgeschlossen am") == 31


# Data sources, navigation


def test_data_sources_page_gives_the_attribution_the_licences_ask_for(client, bielefeld):
    """What load_bielefeld imported, each with its licence's attribution and the
    changes the import made marked."""
    response = client.get("/datenquellen/")
    assert response.status_code == 200
    page = text(response.text)
    for source in DATA_SOURCES:
        assert source.publisher in page
        assert f'href="{source.dataset_url}"' in response.text
        assert f'href="{source.licence_url}"' in response.text
        assert source.licence_name in page
        assert source.attribution in page
    assert (
        "Schulgrunddaten NRW; dl-de/by-2-0; "
        "https://ckan.open.nrw.de/dataset/001ec65e-9b58-4809-878a-34b182d5e0e3; "
        "Daten wurden verändert (auf Bielefeld gefiltert, Namensteile verbunden)"
    ) in page
    assert "Daten wurden verändert: nur Stadtbezirk je Schule" in page
    assert "schuldaten-bielefeld.csv" in page
    assert page.count("Lizenz noch nicht geprüft") == sum(
        not source.licence_verified for source in DATA_SOURCES
    )


def test_without_imports_the_data_sources_page_says_so(client, db):
    page = text(client.get("/datenquellen/").text)
    assert "noch keine Daten importiert" in page and "dl-de/by-2-0" not in page


@pytest.mark.parametrize("url", ["/", "/schulen/", "/datenquellen/"])
def test_every_page_links_to_the_sources_and_the_schools(client, bielefeld, url):
    html = client.get(url).text
    footer = html.split('<footer class="site-footer">')[1]
    assert '<a class="kern-link" href="/datenquellen/">Datenquellen und Lizenzen</a>' in footer
    nav = html.split('aria-label="Hauptnavigation"')[1].split("</nav>")[0]
    assert 'href="/schulen/"' in nav and 'href="/"' in nav
    assert (f'href="{url}" aria-current="page"' in nav) is (url != "/datenquellen/")


def test_a_schools_page_leaves_out_fields_about_other_schools(client, bielefeld):
    school = bielefeld.schools(datetime.date.today()).filter(school_form="02").first()
    page = text(client.get(f"/schulen/{school.school_number}/").text)
    assert "Flächendeckendes WLAN" in page  # a measure for all the plan's schools
    assert "Digitalstrategie BKs" not in page  # the excursus on the Berufskollegs
    assert "Digitalstrategie BKs" in text(client.get("/").text)  # still in the report
