"""The school map (issue 12): a measure tracked per school shows the plan's
schools where the NRW directory places them (UTM zone 32N), each marked by its
state in shape and colour, with the district table and school lists as its
accessible twin."""

import re

import pytest

from measures.charts import MAP_MARGIN, MAP_WIDTH, school_map
from measures.models import Measure
from measures.rollout import MAX_MAP_SCHOOLS, RolloutState, SchoolRollout
from schools.importers import import_directory, read_directory
from schools.models import School
from tests.factories import make_school, make_user

HEADER = (
    "Schulnummer;Schulform;Schulbezeichnung_1;Schulbezeichnung_2;Schulbezeichnung_3;"
    "Kurzbezeichnung;PLZ;Ort;Strasse;Homepage;Rechtsform;Traegernummer;Gemeindeschluessel;"
    "Schulbetriebsschluessel;Schulbetriebsdatum;EPSG;UTMRechtswert;UTMHochwert"
)


def row(number: str, east: str, north: str) -> str:
    return (
        f"{number};02;Grundschule {number};;;GS;33602;Bielefeld;Weg 1;;1;10261;05711000;1;;"
        f"EPSG:25832;{east};{north}"
    )


def test_the_import_reads_the_place_and_drops_one_outside_nrw(db, tmp_path):
    path = tmp_path / "schuldaten.csv"
    lines = [
        HEADER,
        row("100001", "467979", "5765432"),
        row("100002", "12", "34"),
        row("100003", "", ""),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_directory(read_directory(path))
    places = dict(School.objects.values_list("school_number", "utm_east"))
    assert places == {"100001": 467979, "100002": None, "100003": None}
    assert School.objects.get(school_number="100001").utm_north == 5765432


def test_the_map_keeps_the_shape_north_up():
    drawn = school_map(
        [
            (400_000, 5_700_000, "done", "A"),
            (410_000, 5_700_000, "open", "B"),
            (400_000, 5_705_000, "in_progress", "C"),
        ]
    )
    a, b, c = drawn.points
    assert (a.x, b.x) == (MAP_MARGIN, MAP_WIDTH - MAP_MARGIN)
    assert c.y < a.y  # north is up
    assert (a.y - c.y) == pytest.approx((b.x - a.x) / 2)  # 5 km up is half of 10 km across
    assert drawn.height == pytest.approx((MAP_WIDTH - 2 * MAP_MARGIN) / 2 + 2 * MAP_MARGIN)
    assert [(e.state, e.count, e.shape) for e in drawn.legend] == [
        ("done", 1, "circle"),
        ("in_progress", 1, "square"),
        ("open", 1, "ring"),
    ]


def test_no_map_without_schools_or_for_too_many():
    assert school_map([]) is None
    many = [(400_000 + n, 5_700_000, "open", "S") for n in range(MAX_MAP_SCHOOLS + 1)]
    assert school_map(many) is None
    assert school_map(many[:-1]) is not None


@pytest.fixture
def tracked(bielefeld):
    measure = Measure.objects.get(slug="digitale-schulplattform")
    School.objects.all().delete()  # the plan's scope: just these
    schools = [
        make_school(district="Mitte", utm_east=467000 + 500 * n, utm_north=5765000 + 300 * n)
        for n in range(5)
    ]
    make_school(district="Mitte")  # not placed by the directory
    states = [RolloutState.DONE, RolloutState.DONE, RolloutState.IN_PROGRESS, RolloutState.OPEN]
    SchoolRollout.objects.set_states(
        measure, dict(zip(schools[:4], states, strict=True)), user=make_user("t"), reason="Test"
    )
    return measure


def test_a_tracked_measure_shows_its_map(tracked, client):
    page = client.get(tracked.get_absolute_url()).content.decode()
    drawing = page.partition('class="school-map__drawing"')[2].partition("</svg>")[0]
    assert 'role="img"' in page.partition('class="school-map__drawing"')[2][:400]
    assert "Karte der Schulen: Digitale Schulplattform" in drawing
    # Five placed schools: two done, one in progress, two open (one without a row).
    assert drawing.count("<circle") == 4 and drawing.count('<rect fill="#1f5ea8"') == 1
    assert "2 abgeschlossen, 1 in Arbeit, 2 offen." in drawing
    assert not re.search(r'(?:x|y|cx|cy)="[0-9]+,[0-9]', drawing)


def test_a_measure_not_tracked_per_school_has_no_map(bielefeld, client):
    page = client.get("/massnahmen/flaechendeckendes-wlan/").content.decode()
    assert "school-map" not in page
