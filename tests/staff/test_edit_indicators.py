"""Staff enter new values of a measure's indicators in the staff area (issue 12),
without the admin: those responsible for the measure only; the model's rules
refuse bad values in German with nothing saved; a value is added as a new
version of the measure, recorded with who entered it, which no public page shows."""

import datetime
from decimal import Decimal

import pytest

from bielefeld_digital.forms import GermanDecimalField
from measures.indicators import Reading, Unit
from measures.models import EditConflict, Measure
from tests.factories import make_indicator

SLUG = "1-1-ausstattung"
URL = f"/verwaltung/massnahmen/{SLUG}/kennzahlen/"


@pytest.fixture
def tablets(bielefeld):
    measure = Measure.objects.get(slug=SLUG)
    return make_indicator(
        measure, [("2023-10-01", 15000)], name="Tablets", unit=Unit.DEVICES, target_value=17000
    )


@pytest.fixture
def coverage(bielefeld):
    return make_indicator(
        Measure.objects.get(slug=SLUG),
        name="Abdeckung",
        unit=Unit.PERCENT,
        unit_detail="der Schülerinnen und Schüler",
    )


def post(client, indicator, **values):
    prefix = f"kennzahl-{indicator.pk}"
    data = {"kennzahl": indicator.pk, **{f"{prefix}-{k}": v for k, v in values.items()}}
    return client.post(URL, data)


def test_an_editor_adds_a_value_as_a_new_version(tablets, hardware_client, hardware_editor, client):
    measure = Measure.objects.get(slug=SLUG)
    page = hardware_client.get(URL)
    assert page.status_code == 200
    assert "15.000\u00a0Geräte" in page.text and "Ziel: 17.000\u00a0Geräte" in page.text
    response = post(hardware_client, tablets, date="01.10.2024", value="16.200", source="Inventur")
    assert response.status_code == 302 and response["Location"] == URL
    reading = Reading.objects.get(indicator=tablets, date=datetime.date(2024, 10, 1))
    assert (reading.value, reading.source, reading.entered_by) == (
        16200,
        "Inventur",
        hardware_editor,
    )
    after = Measure.objects.get(pk=measure.pk)
    assert after.version == measure.version + 1
    assert after.history.first().history_change_reason == "Neuer Wert: Tablets"
    # An editor's form of the older version is refused, as for any other change.
    with pytest.raises(EditConflict):
        Measure.objects.apply_change(
            measure.pk, expected_version=measure.version, user=hardware_editor, reason="x"
        )
    public = client.get(measure.get_absolute_url()).text
    assert "16.200\u00a0Geräte" in public and "Hanna" not in public and "hanna" not in public


def test_a_german_decimal_is_read(coverage, hardware_client):
    assert post(hardware_client, coverage, date="01.07.2024", value="93,5").status_code == 302
    assert Reading.objects.get(indicator=coverage).value == 93.5


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"date": "01.07.2024", "value": "viele"}, "Bitte eine Zahl eingeben, z. B. 16.200"),
        ({"date": "31.02.2024", "value": "1"}, "Bitte ein gültiges Datum eingeben."),
        ({"date": "01.07.2024", "value": "101"}, "Ein Prozentwert liegt zwischen 0 und 100."),
        ({"date": "01.07.2024", "value": "-3"}, "Werte dürfen nicht negativ sein."),
        ({"date": "", "value": "3"}, "Dieses Feld ist zwingend erforderlich."),
    ],
)
def test_bad_values_are_refused_in_german(coverage, hardware_client, values, message):
    response = post(hardware_client, coverage, **values)
    assert response.status_code == 422
    assert message in response.text
    assert "Es wurde nichts gespeichert." in response.text
    assert not Reading.objects.filter(indicator=coverage).exists()


def test_the_same_day_twice_and_a_fraction_of_a_school(tablets, hardware_client):
    response = post(hardware_client, tablets, date="01.10.2023", value="15500")
    assert (
        response.status_code == 422 and "Für diesen Tag gibt es schon einen Wert." in response.text
    )
    schools = make_indicator(tablets.measure, name="Schulen", unit=Unit.SCHOOLS, total=74)
    response = post(hardware_client, schools, date="01.10.2024", value="12,5")
    assert response.status_code == 422 and "Schulen werden ganz gezählt" in response.text
    assert Reading.objects.filter(indicator__measure=tablets.measure).count() == 1


def test_an_indicator_of_another_measure_is_refused(tablets, hardware_client):
    other = make_indicator(Measure.objects.get(slug="digitale-schulplattform"), name="Konten")
    response = post(hardware_client, other, date="01.10.2024", value="5")
    assert response.status_code == 400
    assert not Reading.objects.filter(indicator=other).exists()


def test_only_those_responsible_may_enter_values(tablets, software_client, client):
    assert client.get(URL).status_code == 302  # to the login
    assert software_client.get(URL).status_code == 403
    assert post(software_client, tablets, date="01.10.2024", value="1").status_code == 403
    assert Reading.objects.filter(indicator=tablets).count() == 1


def test_a_measure_without_indicators_says_who_adds_them(bielefeld, hardware_client):
    page = hardware_client.get(URL)
    assert page.status_code == 200 and "legt ein Administrator" in page.text


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("16.200", "16200"),
        ("1.880.000,50", "1880000.50"),
        ("93,5", "93.5"),
        ("93.5", "93.5"),
        (" 7 ", "7"),
    ],
)
def test_numbers_are_read_as_typed_in_a_german_office(typed, read):
    assert GermanDecimalField(max_digits=14, decimal_places=2).clean(typed) == Decimal(read)


def test_a_value_from_the_future_or_above_the_total_is_refused(tablets, hardware_client):
    schools = make_indicator(tablets.measure, name="Schulen", unit=Unit.SCHOOLS, total=74)
    response = post(hardware_client, schools, date="01.10.2024", value="75")
    assert response.status_code == 422
    assert "größer als die Gesamtzahl der Kennzahl (74\u00a0Schulen)" in response.text
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    response = post(hardware_client, schools, date=f"{tomorrow:%d.%m.%Y}", value="3")
    assert response.status_code == 422 and "Stand von heute oder früher" in response.text
    assert not Reading.objects.filter(indicator=schools).exists()
