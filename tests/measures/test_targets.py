import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from editions.reports import build_snapshot, read_snapshot
from measures.targets import Target, TargetKind, times_postponed
from tests.factories import make_measure


@pytest.mark.parametrize(
    ("text", "kind", "year", "quarter"),
    [
        ("Q3 2023", TargetKind.QUARTER, 2023, 3),
        ("Q1 2025", TargetKind.QUARTER, 2025, 1),
        ("2026", TargetKind.YEAR, 2026, None),
        ("2024 ff.", TargetKind.YEAR_ONWARDS, 2024, None),
        ("wird noch bekanntgegeben", TargetKind.TBD, None, None),
        ("Laufend", TargetKind.ONGOING, None, None),
    ],
)
def test_every_notation_of_the_deck_round_trips(text, kind, year, quarter):
    target = Target.parse(text)
    assert (target.kind, target.year, target.quarter) == (kind, year, quarter)
    assert str(target) == text


@pytest.mark.parametrize(
    ("text", "rendered"),
    [
        ("q2 2026", "Q2 2026"),
        ("  Q4   2024 ", "Q4 2024"),
        ("2024 ff", "2024 ff."),
        ("laufend", "Laufend"),
        ("Wird noch bekanntgegeben", "wird noch bekanntgegeben"),
    ],
)
def test_parse_tolerates_case_and_spacing(text, rendered):
    assert str(Target.parse(text)) == rendered


@pytest.mark.parametrize("text", ["Q5 2025", "Q0 2025", "irgendwann", "", "20266", "Q3", "1999"])
def test_invalid_notation_gets_a_german_message(text):
    with pytest.raises(ValidationError) as excinfo:
        Target.parse(text)
    message = excinfo.value.messages[0]
    assert "gültiger Abschluss" in message or "Jahr muss" in message


def test_year_out_of_range_is_refused():
    with pytest.raises(ValidationError, match="zwischen 2000 und 2100"):
        Target.parse("Q1 2300")


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("Q1 2024", datetime.date(2024, 3, 31)),
        ("Q2 2023", datetime.date(2023, 6, 30)),
        ("Q3 2023", datetime.date(2023, 9, 30)),
        ("Q4 2024", datetime.date(2024, 12, 31)),
        ("2026", datetime.date(2026, 12, 31)),
        ("2024 ff.", None),
        ("wird noch bekanntgegeben", None),
        ("Laufend", None),
    ],
)
def test_deadline_is_the_last_day(text, deadline):
    assert Target.parse(text).deadline == deadline


def test_sorts_chronologically():
    texts = [
        "Laufend",
        "2026",
        "Q1 2025",
        "wird noch bekanntgegeben",
        "2024 ff.",
        "Q3 2023",
        "2024",
        "Q4 2024",
        "Q2 2023",
    ]
    ordered = [str(t) for t in sorted(Target.parse(t) for t in texts)]
    assert ordered == [
        "Q2 2023",
        "Q3 2023",
        "Q4 2024",
        "2024",
        "2024 ff.",
        "Q1 2025",
        "2026",
        "Laufend",
        "wird noch bekanntgegeben",
    ]


OVERDUE_CASES = [
    # target, today, overdue
    ("Q3 2023", datetime.date(2023, 9, 30), False),  # last day of the quarter: still in time
    ("Q3 2023", datetime.date(2023, 10, 1), True),
    ("Q4 2024", datetime.date(2024, 12, 31), False),
    ("Q4 2024", datetime.date(2025, 1, 1), True),
    ("Q1 2024", datetime.date(2024, 3, 31), False),
    ("Q1 2024", datetime.date(2024, 4, 1), True),
    ("2026", datetime.date(2026, 12, 31), False),
    ("2026", datetime.date(2027, 1, 1), True),
    ("2024 ff.", datetime.date(2040, 1, 1), False),
    ("wird noch bekanntgegeben", datetime.date(2040, 1, 1), False),
    ("Laufend", datetime.date(2040, 1, 1), False),
]


@pytest.mark.parametrize(("text", "today", "overdue"), OVERDUE_CASES)
def test_overdue_rule_at_the_boundaries(db, text, today, overdue):
    measure = make_measure(target=text, status="in_progress")
    assert measure.is_overdue(today) is overdue
    # The database query applies the same rule.
    assert measure.__class__.objects.overdue(today).filter(pk=measure.pk).exists() is overdue


@pytest.mark.parametrize("status", ["", "preparing", "in_progress", "waiting"])
def test_every_unfinished_status_can_be_overdue(db, status):
    measure = make_measure(target="Q3 2023", status=status)
    assert measure.is_overdue(datetime.date(2024, 1, 1))
    assert measure.__class__.objects.overdue(datetime.date(2024, 1, 1)).get() == measure


def test_a_done_measure_is_never_overdue(db):
    measure = make_measure(target="Q3 2023", status="done")
    assert not measure.is_overdue(datetime.date(2030, 1, 1))
    assert not measure.__class__.objects.overdue(datetime.date(2030, 1, 1)).exists()


def test_a_measure_without_target_is_never_overdue(db):
    measure = make_measure(status="in_progress")
    assert measure.target is None
    assert not measure.is_overdue(datetime.date(2030, 1, 1))
    assert not measure.__class__.objects.overdue(datetime.date(2030, 1, 1)).exists()


@pytest.mark.parametrize(
    "text", ["wird noch bekannt gegeben", "Wird noch bekannt  gegeben", "wird noch bekanntgegeben"]
)
def test_todays_spelling_of_tbd_is_the_decks_notation(text):
    target = Target.parse(text)
    assert target == Target(TargetKind.TBD)
    assert str(target) == "wird noch bekanntgegeben"  # rendered as the deck spells it


@pytest.mark.parametrize(
    ("count", "german", "english"),
    [
        (1, "einmal verschoben", "postponed once"),
        (2, "zweimal verschoben", "postponed twice"),
        (3, "dreimal verschoben", "postponed 3 times"),
        (5, "fünfmal verschoben", "postponed 5 times"),
        (12, "zwölfmal verschoben", "postponed 12 times"),
        (13, "13-mal verschoben", "postponed 13 times"),
    ],
)
def test_how_often_a_measure_moved_reads_in_words(count, german, english):
    assert times_postponed(count) == german
    with translation.override("en"):
        assert times_postponed(count) == english


def test_the_slip_label_is_written_once_for_pages_and_frozen_reports(db):
    measure = make_measure(target="Q3 2023")
    measure.move_target(Target.parse("Q3 2027"))
    assert measure.slip_label == "verschoben von Q3 2023 auf Q3 2027 (einmal verschoben)"
    with translation.override("en"):
        assert measure.slip_label == "postponed from Q3 2023 to Q3 2027 (postponed once)"
    measure.save()
    _plan, _fields, frozen = read_snapshot(
        build_snapshot(measure.field.plan, datetime.date.today())
    )
    assert frozen[0].slip_label == measure.slip_label
    assert make_measure(target="Q3 2023").slip_label == ""
