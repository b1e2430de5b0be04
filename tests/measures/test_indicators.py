"""Indicators in any unit and their readings: formatting, the unit break, the rules
the database keeps (issue 12)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from measures.indicators import Comparison, Indicator, Quantity, Reading, Unit
from tests.factories import make_field, make_measure, make_plan

PUPILS = "der Schülerinnen und Schüler"


@pytest.fixture
def measure(db):
    return make_measure(make_field(make_plan()))


def test_every_unit_reads_as_german_writes_it():
    with translation.override("de"):
        assert Quantity(Unit.DEVICES).format(Decimal("16000.00")) == "16.000\u00a0Geräte"
        assert Quantity(Unit.PERCENT, PUPILS).format(Decimal("93.50")) == f"93,5\u00a0% {PUPILS}"
        assert Quantity(Unit.EURO).format(Decimal("1880000")) == "1.880.000,00\u00a0€"
        points = Quantity(Unit.OTHER, "Access Points")
        assert (
            points.format_of(Decimal(2420), Decimal(2500)) == "2.420 von 2.500\u00a0Access Points"
        )
        assert Quantity(Unit.POSTS).format_of(Decimal(13), None) == "13\u00a0Stellen"
    with translation.override("en"):
        assert Quantity(Unit.EURO).format(Decimal("16000")) == "16,000.00\u00a0€"


def test_a_reading_keeps_its_unit_when_the_indicator_changes_its_own(measure):
    wlan = Indicator.objects.create(
        measure=measure, name="WLAN", unit=Unit.PERCENT, unit_detail=PUPILS
    )
    Reading.objects.create(indicator=wlan, date=datetime.date(2023, 7, 1), value=93)
    Reading.objects.create(indicator=wlan, date=datetime.date(2024, 7, 1), value=95)
    wlan.unit_detail = "der Schulen"
    wlan.save()
    Reading.objects.create(indicator=wlan, date=datetime.date(2025, 7, 1), value=97)

    wlan = Indicator.objects.prefetch_related("readings").get(pk=wlan.pk)
    assert [[r.value for r in segment] for segment in wlan.segments] == [[93, 95], [97]]
    assert wlan.current.quantity == Quantity(Unit.PERCENT, "der Schulen")
    with translation.override("de"):
        change = wlan.latest_change
        assert change.unit_changed and change.difference is None
        assert change.text.startswith("Einheit geändert: 95\u00a0% der Schülerinnen")
        earlier = Comparison(*wlan.series[:2])
        assert earlier.difference == 2
        assert earlier.text == f"93\u00a0% am 01.07.2023 → 95\u00a0% {PUPILS}."


def test_a_count_without_total_and_a_target_without_reading_are_valid(measure):
    tablets = Indicator(measure=measure, name="Tablets", unit=Unit.DEVICES, target_value=16000)
    tablets.full_clean()
    tablets.save()
    assert tablets.current is None
    with translation.override("de"):
        assert tablets.summary() == "Noch kein Wert erfasst. Ziel: 16.000\u00a0Geräte."


@pytest.mark.parametrize(
    ("unit", "detail", "message"),
    [
        (Unit.PERCENT, "", "Bei Prozent gehört der Bezug dazu"),
        (Unit.SCHOOLS, "der Stadt", "andere Einheiten haben keinen Zusatz"),
        (Unit.OTHER, "", "bei einer eigenen Einheit ihr Name"),
    ],
)
def test_a_unit_needs_exactly_the_words_it_takes(measure, unit, detail, message):
    indicator = Indicator(measure=measure, name="X", unit=unit, unit_detail=detail)
    with translation.override("de"), pytest.raises(ValidationError) as error:
        indicator.full_clean()
    assert message in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        indicator.save()


def test_percentages_stay_between_0_and_100_and_values_are_not_negative(measure):
    share = Indicator.objects.create(measure=measure, name="X", unit=Unit.PERCENT, unit_detail="a")
    with translation.override("de"), pytest.raises(ValidationError) as error:
        Reading(indicator=share, date=datetime.date(2024, 1, 1), value=101).full_clean()
    assert "zwischen 0 und 100" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reading.objects.create(indicator=share, date=datetime.date(2024, 1, 1), value=101)
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.create(measure=measure, name="Y", unit=Unit.ROOMS, total=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.create(
            measure=measure, name="Z", unit=Unit.PERCENT, unit_detail="a", total=100
        )


def test_a_percentage_with_a_total_is_refused_in_words(measure):
    share = Indicator(measure=measure, name="Z", unit=Unit.PERCENT, unit_detail="a", total=100)
    with translation.override("de"), pytest.raises(ValidationError) as error:
        share.full_clean()
    assert error.value.messages == [
        "Ein Prozentwert liegt zwischen 0 und 100 und hat keine Gesamtzahl: wovon er ein Teil "
        "ist, sagt sein Bezug."
    ]


def test_one_reading_a_day(measure):
    rooms = Indicator.objects.create(measure=measure, name="Räume", unit=Unit.ROOMS)
    Reading.objects.create(indicator=rooms, date=datetime.date(2024, 1, 1), value=10)
    with translation.override("de"), pytest.raises(ValidationError) as error:
        Reading(indicator=rooms, date=datetime.date(2024, 1, 1), value=11).full_clean()
    assert "Für diesen Tag gibt es schon einen Wert." in str(error.value)
