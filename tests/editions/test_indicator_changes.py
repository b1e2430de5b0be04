"""The comparison names what changed in a measure's indicators (issue 12): a new
value with the one before it, a first value, a change of unit (never
subtracted across), an indicator added or dropped; the comparison page and the
decks' changes pages say it alike."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone, translation

from editions.decks import change_groups
from editions.models import Edition
from editions.reports import build_snapshot, compare
from measures.indicators import Indicator, Reading, Unit
from measures.models import Measure
from tests.factories import make_indicator

DAY = datetime.date(2025, 3, 1)
SLUG = "flaechendeckendes-wlan"
PUPILS = "der Schülerinnen und Schüler"


@pytest.fixture
def wlan(bielefeld) -> Measure:
    measure = Measure.objects.get(slug=SLUG)
    make_indicator(
        measure,
        [("2023-07-01", 1500)],
        name="Access Points",
        unit=Unit.OTHER,
        unit_detail="Access Points",
        total=2500,
    )
    make_indicator(
        measure, [("2023-07-01", 93)], name="WLAN-Abdeckung", unit=Unit.PERCENT, unit_detail=PUPILS
    )
    make_indicator(measure, name="Glasfaser", unit=Unit.SCHOOLS, total=74)
    make_indicator(measure, [("2023-07-01", 3)], name="Serverräume", unit=Unit.ROOMS)
    make_indicator(measure, [("2023-07-01", 16000)], name="Tablets")
    return measure


def _change_everything(wlan: Measure) -> None:
    Reading.objects.create(
        indicator=wlan.indicators.get(name="Access Points"), date=DAY, value=2420
    )
    Reading.objects.create(
        indicator=wlan.indicators.get(name="WLAN-Abdeckung"),
        date=DAY,
        value=95,
        unit=Unit.PERCENT,
        unit_detail="der Schulen",
    )
    Reading.objects.create(indicator=wlan.indicators.get(name="Glasfaser"), date=DAY, value=12)
    wlan.indicators.get(name="Serverräume").delete()
    make_indicator(wlan, [("2025-01-01", 13)], name="IT-Stellen", unit=Unit.POSTS)


EXPECTED = [
    "Access Points: 1.500 am 01.07.2023 → 2.420\u00a0Access Points.",
    "WLAN-Abdeckung: Einheit geändert: 93\u00a0% der Schülerinnen und Schüler, "
    "jetzt 95\u00a0% der Schulen.",
    "Glasfaser: erster Wert: 12 von 74\u00a0Schulen",
    "IT-Stellen: neue Kennzahl: 13\u00a0Stellen",
    "Serverräume: Kennzahl entfallen",
]


def test_compare_names_each_indicator_change_and_nothing_unchanged(wlan):
    old = build_snapshot(wlan.field.plan, DAY)
    assert compare(old, build_snapshot(wlan.field.plan, DAY)).is_empty
    _change_everything(wlan)
    [diff] = compare(old, build_snapshot(wlan.field.plan, DAY)).changed
    assert diff.slug == SLUG
    assert [f"{change.name}: {change.text}" for change in diff.indicators] == EXPECTED
    # Tablets did not change: not named.
    assert "Tablets" not in str(diff.indicators)
    assert not (diff.status_changed or diff.target_moved or diff.description_changed)


def test_the_decks_list_the_indicator_changes(wlan):
    old = build_snapshot(wlan.field.plan, DAY)
    _change_everything(wlan)
    [group] = change_groups(compare(old, build_snapshot(wlan.field.plan, DAY)))
    [entry] = group.entries
    assert entry.changes == "; ".join(EXPECTED)


def test_the_comparison_page_shows_the_indicator_changes(wlan, client):
    publisher = User.objects.create_user("petra")
    publisher.user_permissions.add(Permission.objects.get(codename="publish_edition"))
    today = timezone.localdate()
    Edition.publish(
        wlan.field.plan, user=publisher, date=today, today=today, title="Bericht", slug="b"
    )
    _change_everything(wlan)
    page = client.get("/berichte/vergleich/").content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"</?span[^>]*>", "", page)))
    # (\s also matches the no-break spaces, which the page writes as such.)
    for line in EXPECTED:
        assert line.replace("\u00a0", " ") in text
    assert Indicator.objects.filter(measure=wlan).count() == 5


def test_the_changes_read_in_english(wlan):
    old = build_snapshot(wlan.field.plan, DAY)
    _change_everything(wlan)
    with translation.override("en"):
        [diff] = compare(old, build_snapshot(wlan.field.plan, DAY)).changed
        texts = [change.text for change in diff.indicators]
    assert texts == [
        "1,500 on 1 Jul 2023 → 2,420\u00a0Access Points.",
        "Unit changed: 93\u00a0% der Schülerinnen und Schüler, now 95\u00a0% der Schulen.",
        "first value: 12 of 74\u00a0Schools",
        "new indicator: 13\u00a0Posts",
        "indicator dropped",
    ]


def test_an_edition_from_before_indicators_and_money_shows_no_false_changes(wlan):
    from measures.money import BudgetLine, FundingSource

    BudgetLine.objects.create(measure=wlan, source=FundingSource.EU, planned=1000)
    old = build_snapshot(wlan.field.plan, DAY)
    for field in old["fields"]:
        for measure in field["measures"]:
            del measure["indicators"], measure["budget"]
    assert compare(old, build_snapshot(wlan.field.plan, DAY)).is_empty


def test_an_editions_page_shows_the_indicators_as_they_stood(wlan, client):
    publisher = User.objects.create_user("petra")
    today = timezone.localdate()
    Edition.publish(
        wlan.field.plan, user=publisher, date=today, today=today, title="Bericht", slug="b"
    )
    _change_everything(wlan)
    page = client.get("/berichte/b/").content.decode()
    section = page.split('id="kennzahlen"')[1]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))
    assert "Flächendeckendes WLAN" in text and "Access Points" in text
    assert "1.500 von 2.500" in text and "2.420" not in text  # the value of the edition
    assert "93 % der Schülerinnen und Schüler" in text  # (\s took the no-break space)
    assert "Noch kein Wert erfasst" in text  # Glasfaser had none yet
    assert 'href="#m-flaechendeckendes-wlan"' in section
    # Ids stay unique with unsaved (frozen) indicators.
    ids = re.findall(r'id="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    live = client.get("/massnahmen/flaechendeckendes-wlan/").content.decode()
    assert "2.420 von 2.500" in live
