"""An indicator's series drawn as a chart (measures.charts): the axes, the target,
one chart per unit (issue 12)."""

from decimal import Decimal

import pytest
from django.utils import translation

from measures.charts import HEIGHT, RIGHT, WIDTH, charts_of, nice_step
from measures.indicators import Indicator, Quantity, Unit
from tests.factories import make_field, make_indicator, make_measure, make_plan

PUPILS = "der Schülerinnen und Schüler"


@pytest.fixture
def measure(db):
    return make_measure(make_field(make_plan()))


def fetched(indicator: Indicator) -> Indicator:
    return Indicator.objects.with_series().get(pk=indicator.pk)


@pytest.mark.parametrize(
    "raw, step",
    [(Decimal("0.3"), 1), (Decimal(1), 1), (Decimal(3), 5), (Decimal(625), 1000), (120, 200)],
)
def test_steps_are_round(raw, step):
    assert nice_step(Decimal(raw)) == step


def test_the_value_axis_reaches_past_the_total_and_dates_lie_by_their_distance(measure):
    points = make_indicator(
        measure,
        [("2021-07-01", 800), ("2022-07-01", 1500), ("2024-07-01", 2420)],
        unit=Unit.OTHER,
        unit_detail="Access Points",
        total=2500,
        target_value=2500,
    )
    with translation.override("de"):
        [chart] = charts_of(fetched(points))
        assert [tick.label for tick in chart.value_ticks] == ["0", "1.000", "2.000", "3.000"]
        assert chart.target.label == "2.500"
        assert [tick.label for tick in chart.date_ticks] == ["2021", "2022", "2024"]
        assert chart.summary == (
            "3 Werte vom 01.07.2021 bis 01.07.2024: von 800 auf 2.420\u00a0Access Points."
            " Ziel: 2.500."
        )
    first, second, last = chart.points
    left = chart.left
    assert (first.x, last.x) == (left, WIDTH - RIGHT)
    # A year of the three is a third of the width, however the readings are spread.
    assert second.x == pytest.approx(left + (WIDTH - left - RIGHT) * 365 / 1096, abs=0.1)
    zero, top = chart.value_ticks[0].position, chart.value_ticks[-1].position
    assert zero == chart.baseline and top == chart.top
    assert last.y == pytest.approx(zero - (zero - top) * 2420 / 3000, abs=0.1)
    assert 0 <= top < zero <= HEIGHT
    assert chart.line.startswith(f"M{first.x},{first.y} L")


def test_a_percentage_runs_to_100_and_the_euro_axis_has_no_cents(measure):
    wlan = make_indicator(
        measure, [("2023-07-01", 93), ("2024-07-01", 95)], unit=Unit.PERCENT, unit_detail=PUPILS
    )
    money = make_indicator(
        measure, [("2023-01-01", "500000.50"), ("2024-01-01", "1880000")], unit=Unit.EURO
    )
    with translation.override("de"):
        [percent] = charts_of(fetched(wlan))
        assert percent.value_ticks[-1].label == "100\u00a0%"
        assert percent.target is None
        [euro] = charts_of(fetched(money))
        assert [tick.label for tick in euro.value_ticks] == [
            "0\u00a0€",
            "500.000\u00a0€",
            "1.000.000\u00a0€",
            "1.500.000\u00a0€",
            "2.000.000\u00a0€",
        ]
        # The axis stands right of its longest label, further than for "100 %".
        assert euro.left > percent.left


def test_a_unit_break_starts_a_new_chart_and_a_lone_value_draws_none(measure):
    wlan = make_indicator(
        measure,
        [("2023-07-01", 93), ("2024-07-01", 95)],
        unit=Unit.PERCENT,
        unit_detail=PUPILS,
        target_value=100,
    )
    wlan.unit_detail = "der Schulen"
    wlan.save()
    for date, value in [("2025-07-01", 60), ("2026-07-01", 80)]:
        wlan.readings.create(date=date, value=value)
    pupils, schools = charts_of(fetched(wlan))
    assert pupils.unit_before is None and pupils.quantity == Quantity(Unit.PERCENT, PUPILS)
    assert schools.unit_before == Quantity(Unit.PERCENT, PUPILS)
    # The target is in the indicator's unit now: only that chart shows it.
    assert pupils.target is None and schools.target is not None

    wlan.readings.create(date="2027-07-01", value=50, unit=Unit.DEVICES)
    assert len(charts_of(fetched(wlan))) == 2  # one reading in devices: a number, no chart
    assert charts_of(fetched(make_indicator(measure, [("2024-01-01", 3)]))) == []


def test_readings_within_a_year_are_labelled_by_month(measure):
    rooms = make_indicator(
        measure, [("2024-01-15", 3), ("2024-06-30", 7), ("2025-01-15", 9)], unit=Unit.ROOMS
    )
    [chart] = charts_of(fetched(rooms))
    assert [tick.label for tick in chart.date_ticks] == ["01/2024", "06/2024", "01/2025"]
    many = make_indicator(measure, [(f"{2010 + n}-01-01", n) for n in range(10)])
    [chart] = charts_of(fetched(many))
    assert [tick.label for tick in chart.date_ticks] == ["2010", "2013", "2016", "2019"]
