"""Indicators in the plan file (issue 12): `[[fields.measures.indicators]]` with
their readings load, a reset makes them match the file without touching what is
unchanged, and every mistake is named with its measure, nothing loaded."""

import datetime
from decimal import Decimal

import pytest

from measures.importers import PlanFileError, load_plan
from measures.indicators import Indicator, Reading
from measures.models import Measure, Plan
from tests.measures.test_plan_facts import _plan_file

PUPILS = "der Schülerinnen und Schüler"
TABLETS = {
    "name": "Tablets für Schülerinnen und Schüler",
    "unit": "Geräte",
    "baseline": 10000,
    "readings": [
        {"date": datetime.date(2022, 12, 31), "value": 15000},
        {"date": datetime.date(2023, 12, 31), "value": 16000, "source": "Inventur"},
    ],
}
WLAN = {
    "name": "WLAN-Abdeckung",
    "unit": "Prozent",
    "unit_detail": "der Schulen",
    "target": 100,
    "readings": [
        {
            "date": datetime.date(2023, 7, 1),
            "value": 93.5,
            "unit": "Prozent",
            "unit_detail": PUPILS,
        },
        {"date": datetime.date(2024, 7, 1), "value": 95},
    ],
}


def _with(indicators) -> dict:
    data = _plan_file()
    data["fields"][1]["measures"][2]["indicators"] = indicators
    return data


def _series(name: str) -> list[tuple]:
    return list(
        Reading.objects.filter(indicator__name=name)
        .order_by("date")
        .values_list("value", "unit", "unit_detail", "source")
    )


@pytest.mark.django_db
def test_indicators_load_with_their_readings_and_units():
    load_plan(_with([TABLETS, WLAN]))
    tablets = Measure.objects.get(slug="tablets")
    assert [i.name for i in tablets.indicator_list] == [TABLETS["name"], "WLAN-Abdeckung"]
    devices, coverage = tablets.indicator_list
    assert (devices.unit, devices.baseline, devices.total) == ("devices", Decimal(10000), None)
    assert _series(TABLETS["name"]) == [
        (Decimal("15000.00"), "devices", "", ""),
        (Decimal("16000.00"), "devices", "", "Inventur"),
    ]
    # The first reading in its own unit, the second in the indicator's.
    assert _series("WLAN-Abdeckung") == [
        (Decimal("93.50"), "percent", PUPILS, ""),
        (Decimal("95.00"), "percent", "der Schulen", ""),
    ]
    assert coverage.latest_change.unit_changed
    assert not Reading.objects.exclude(entered_by=None).exists()


@pytest.mark.django_db
def test_a_reset_makes_the_indicators_match_and_leaves_the_unchanged_alone():
    load_plan(_with([TABLETS, WLAN]))
    tablets = Measure.objects.get(slug="tablets")
    version, records = tablets.version, Reading.history.count()
    load_plan(_with([TABLETS, WLAN]), reset=True)
    tablets.refresh_from_db()
    assert (tablets.version, Reading.history.count()) == (version, records)

    changed = {**TABLETS, "readings": [{**TABLETS["readings"][1], "value": 16500}]}
    load_plan(_with([changed]), reset=True)
    tablets.refresh_from_db()
    assert tablets.version == version + 1  # an editor's older form is refused
    assert list(Indicator.objects.values_list("name", flat=True)) == [TABLETS["name"]]
    assert _series(TABLETS["name"]) == [(Decimal("16500.00"), "devices", "", "Inventur")]
    # The old values stay in the history.
    assert Reading.history.filter(value=Decimal(15000), history_type="-").exists()


@pytest.mark.django_db
def test_an_indicator_can_be_left_off_the_slides_and_a_course_put_on_them():
    data = _with([{**TABLETS, "in_deck": False}, WLAN])
    data["fields"][1]["measures"][2]["rollout_in_deck"] = True
    load_plan(data)
    tablets = Measure.objects.get(slug="tablets")
    assert [i.in_deck for i in tablets.indicator_list] == [False, True]
    assert tablets.rollout_in_deck
    assert not Measure.objects.exclude(pk=tablets.pk).filter(rollout_in_deck=True).exists()


def _refused(indicators) -> str:
    with pytest.raises(PlanFileError) as refused:
        load_plan(_with(indicators))
    assert not Plan.objects.exists() and not Indicator.objects.exists()
    return str(refused.value)


PLACE = "Handlungsfeld 2, Maßnahme 3 („Tablets“), Kennzahl 1"
DAY = datetime.date(2024, 7, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("indicator", "message"),
    [
        (
            {"name": "Tablets", "unit": "Stück"},
            f"{PLACE}, „unit“: Unbekannte Einheit „Stück“; erlaubt sind: „Schulen“",
        ),
        ({"unit": "Geräte"}, f"{PLACE}, „name“: fehlt."),
        (
            {"name": "WLAN", "unit": "Prozent"},
            f"{PLACE}: Bei Prozent gehört der Bezug dazu, bei einer eigenen Einheit ihr Name",
        ),
        (
            {"name": "WLAN", "unit": "Prozent", "unit_detail": PUPILS, "total": 74},
            f"{PLACE}: Ein Prozentwert liegt zwischen 0 und 100 und hat keine Gesamtzahl:",
        ),
        (
            {"name": "Schulen", "unit": "Schulen", "total": 74.5},
            f"{PLACE}, „total“: Schulen werden ganz gezählt",
        ),
        (
            {"name": "Tablets", "unit": "Geräte", "target": -1},
            f"{PLACE}, „target“: ist -1; erlaubt sind Zahlen von 0 bis",
        ),
        (
            {"name": "Tablets", "unit": "Geräte", "ziel": 3},
            f"{PLACE}: Unbekannter Schlüssel „ziel“; erlaubt sind: name, unit,",
        ),
        (
            {"name": "Tablets", "unit": "Geräte", "readings": [{"date": DAY, "value": "16.000"}]},
            f"{PLACE}, Wert 1, „value“: muss eine Zahl (z. B. 2420 oder 93.5) sein, ist aber Text",
        ),
        (
            {
                "name": "WLAN",
                "unit": "Prozent",
                "unit_detail": PUPILS,
                "readings": [{"date": DAY, "value": 101}],
            },
            f"{PLACE}, Wert 1: Ein Prozentwert liegt zwischen 0 und 100.",
        ),
        (
            {"name": "Schulen", "unit": "Schulen", "readings": [{"date": DAY, "value": 12.5}]},
            f"{PLACE}, Wert 1, „value“: Schulen werden ganz gezählt",
        ),
        (
            {
                "name": "Tablets",
                "unit": "Geräte",
                "readings": [{"date": DAY, "value": 1}, {"date": DAY, "value": 2}],
            },
            f"{PLACE}, Wert 2, „date“: Für den 2024-07-01 steht schon Wert 1.",
        ),
        (
            {"name": "Tablets", "unit": "Geräte", "readings": [{"value": 1}]},
            f"{PLACE}, Wert 1, „date“: fehlt.",
        ),
        (
            {
                "name": "Tablets",
                "unit": "Geräte",
                "readings": [{"date": DAY, "value": 1, "unit_detail": "Tablets"}],
            },
            f"{PLACE}, Wert 1, „unit_detail“: gehört zu einer eigenen „unit“ des Werts",
        ),
        (
            {"name": "Tablets", "unit": "Geräte", "in_deck": "nein"},
            f"{PLACE}, „in_deck“: muss true oder false sein, ist aber Text („nein“).",
        ),
        ("viele", "„indicators“: muss eine Liste von Tabellen ([[indicators]]) sein"),
    ],
)
def test_a_bad_indicator_is_named_with_its_measure_and_nothing_is_loaded(indicator, message):
    assert message in _refused(indicator if isinstance(indicator, str) else [indicator])


@pytest.mark.django_db
def test_an_indicator_named_twice_is_refused():
    message = _refused([TABLETS, TABLETS])
    assert (
        "Kennzahl 2, „name“: Die Kennzahl „Tablets für Schülerinnen und Schüler“ steht schon"
        in message
    )
