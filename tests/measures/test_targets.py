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
        # Other plans' notations; a half year is stored by the quarter it ends with.
        ("1. Halbjahr 2025", TargetKind.HALF, 2025, 2),
        ("2. Halbjahr 2025", TargetKind.HALF, 2025, 4),
        ("H1 2025", TargetKind.HALF_SHORT, 2025, 2),
        ("H2 2026", TargetKind.HALF_SHORT, 2026, 4),
        ("bis 2029", TargetKind.UNTIL, 2029, None),
        ("Ende 2024", TargetKind.YEAR_END, 2024, None),
        ("Schuljahr 2025/26", TargetKind.SCHOOL_YEAR, 2025, None),
        ("Schuljahr 2099/00", TargetKind.SCHOOL_YEAR, 2099, None),
    ],
)
def test_every_notation_round_trips(text, kind, year, quarter):
    target = Target.parse(text)
    assert (target.kind, target.year, target.quarter) == (kind, year, quarter)
    assert str(target) == text


NOTATIONS = [
    "Q3 2023",
    "1. Halbjahr 2025",
    "2. Halbjahr 2025",
    "H1 2025",
    "H2 2025",
    "2026",
    "bis 2029",
    "Ende 2024",
    "Schuljahr 2025/26",
    "2024 ff.",
    "wird noch bekanntgegeben",
    "Laufend",
]


@pytest.mark.parametrize("text", NOTATIONS)
def test_every_notation_is_stored_and_frozen_as_typed(db, text):
    measure = make_measure(target=text)
    measure.refresh_from_db()  # the database constraint accepts it
    assert str(measure.target) == text
    _plan, _fields, frozen = read_snapshot(
        build_snapshot(measure.field.plan, datetime.date.today())
    )
    assert frozen[0].target == measure.target


@pytest.mark.parametrize(
    ("text", "german", "english"),
    [
        ("1. Halbjahr 2025", "1. Halbjahr 2025", "H1 2025"),
        ("H2 2025", "H2 2025", "H2 2025"),
        ("bis 2029", "bis 2029", "by 2029"),
        ("Ende 2024", "Ende 2024", "end of 2024"),
        ("Schuljahr 2025/26", "Schuljahr 2025/26", "school year 2025/26"),
        ("Q3 2023", "Q3 2023", "Q3 2023"),
        ("Laufend", "Laufend", "Ongoing"),
    ],
)
def test_the_label_speaks_the_readers_language(text, german, english):
    target = Target.parse(text)
    assert target.label == german
    with translation.override("en"):
        assert target.label == english


@pytest.mark.parametrize(
    ("old", "new", "postponed"),
    [
        ("Q3 2025", "Q4 2025", True),
        ("2025", "2025 ff.", True),  # open-ended from the same day on
        ("Schuljahr 2025/26", "2026", True),
        ("Q3 2025", "wird noch bekanntgegeben", True),  # no date any more
        ("wird noch bekanntgegeben", "Laufend", False),
        # The same deadline written another way is no postponement.
        ("2025", "Ende 2025", False),
        ("2025", "bis 2025", False),
        ("Q4 2025", "2. Halbjahr 2025", False),
        ("Q4 2025", "2025", False),
        ("H1 2025", "1. Halbjahr 2025", False),
        ("2026", "Schuljahr 2025/26", False),
    ],
)
def test_only_a_later_deadline_is_a_postponement(db, old, new, postponed):
    assert Target.parse(new).is_later_than(Target.parse(old)) is postponed
    measure = make_measure(target=old)
    measure.move_target(Target.parse(new))
    assert measure.postponements == (1 if postponed and Target.parse(old).is_dated else 0)
    assert bool(measure.slip_label) is (postponed and Target.parse(old).is_dated)


@pytest.mark.parametrize(
    ("old", "new", "quarters"),
    [
        ("Q1 2025", "1. Halbjahr 2025", 1),
        ("H1 2025", "H2 2025", 2),
        ("2. Halbjahr 2024", "Ende 2024", 0),
        ("Q3 2025", "Schuljahr 2025/26", 4),  # ends 31.07.2026, in Q3 2026
        ("bis 2026", "Schuljahr 2025/26", -1),
        ("Ende 2024", "bis 2029", 20),
        ("Schuljahr 2025/26", "Laufend", None),
    ],
)
def test_moves_are_counted_in_quarters(old, new, quarters):
    assert Target.parse(old).quarters_to(Target.parse(new)) == quarters


@pytest.mark.parametrize(
    ("text", "rendered"),
    [
        ("q2 2026", "Q2 2026"),
        ("  Q4   2024 ", "Q4 2024"),
        ("2024 ff", "2024 ff."),
        ("laufend", "Laufend"),
        ("Wird noch bekanntgegeben", "wird noch bekanntgegeben"),
        ("1.Halbjahr  2025", "1. Halbjahr 2025"),
        ("h2 2025", "H2 2025"),
        ("H1/2025", "H1 2025"),
        ("BIS 2029", "bis 2029"),
        ("ende 2024", "Ende 2024"),
        ("schuljahr 2025 / 26", "Schuljahr 2025/26"),
        ("Schuljahr 2025/2026", "Schuljahr 2025/26"),
    ],
)
def test_parse_tolerates_case_and_spacing(text, rendered):
    assert str(Target.parse(text)) == rendered


@pytest.mark.parametrize(
    "text",
    [
        "Q5 2025",
        "Q0 2025",
        "irgendwann",
        "",
        "20266",
        "Q3",
        "1999",
        "3. Halbjahr 2025",
        "H3 2025",
        "H0 2025",
        "Halbjahr 2025",
        "bis",
        "bis Q3 2025",
        "Ende",
        "Schuljahr 2025",
        "Schuljahr 25/26",
    ],
)
def test_invalid_notation_gets_a_german_message(text):
    with pytest.raises(ValidationError) as excinfo:
        Target.parse(text)
    message = excinfo.value.messages[0]
    assert "gültiger Abschluss" in message or "Jahr muss" in message


@pytest.mark.parametrize("text", ["Schuljahr 2025/27", "Schuljahr 2025/25", "Schuljahr 2025/2027"])
def test_a_school_year_must_span_two_following_years(text):
    with pytest.raises(ValidationError) as excinfo:
        Target.parse(text)
    assert excinfo.value.messages == [
        f"„{text}“ ist kein Schuljahr: Auf 2025 folgt 2026, z. B. „Schuljahr 2025/26“."
    ]


def test_year_out_of_range_is_refused():
    with pytest.raises(ValidationError, match="zwischen 2000 und 2100"):
        Target.parse("Q1 2300")
    for text in ["Schuljahr 2101/02", "bis 1999", "Ende 2300", "H1 1999", "2. Halbjahr 2101"]:
        with pytest.raises(ValidationError, match="zwischen 2000 und 2100"):
            Target.parse(text)


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("Q1 2024", datetime.date(2024, 3, 31)),
        ("Q2 2023", datetime.date(2023, 6, 30)),
        ("Q3 2023", datetime.date(2023, 9, 30)),
        ("Q4 2024", datetime.date(2024, 12, 31)),
        ("2026", datetime.date(2026, 12, 31)),
        ("1. Halbjahr 2025", datetime.date(2025, 6, 30)),
        ("H2 2025", datetime.date(2025, 12, 31)),
        ("bis 2029", datetime.date(2029, 12, 31)),
        ("Ende 2024", datetime.date(2024, 12, 31)),
        ("Schuljahr 2025/26", datetime.date(2026, 7, 31)),
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
        "bis 2024",
        "Schuljahr 2024/25",
        "H2 2024",
        "Ende 2024",
        "1. Halbjahr 2025",
        "2. Halbjahr 2024",
    ]
    ordered = [str(t) for t in sorted(Target.parse(t) for t in texts)]
    assert ordered == [
        "Q2 2023",
        "Q3 2023",
        # Ending on the same day: from the quarter to the open year.
        "Q4 2024",
        "2. Halbjahr 2024",
        "H2 2024",
        "2024",
        "Ende 2024",
        "bis 2024",
        "2024 ff.",
        "Q1 2025",
        "1. Halbjahr 2025",
        "Schuljahr 2024/25",  # ends 31.07.2025
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
    ("1. Halbjahr 2025", datetime.date(2025, 6, 30), False),
    ("1. Halbjahr 2025", datetime.date(2025, 7, 1), True),
    ("2. Halbjahr 2025", datetime.date(2025, 12, 31), False),
    ("2. Halbjahr 2025", datetime.date(2026, 1, 1), True),
    ("H1 2025", datetime.date(2025, 6, 30), False),
    ("H1 2025", datetime.date(2025, 7, 1), True),
    ("H2 2024", datetime.date(2025, 1, 1), True),
    ("bis 2029", datetime.date(2029, 12, 31), False),
    ("bis 2029", datetime.date(2030, 1, 1), True),
    ("Ende 2024", datetime.date(2024, 12, 31), False),
    ("Ende 2024", datetime.date(2025, 1, 1), True),
    ("Schuljahr 2025/26", datetime.date(2026, 7, 31), False),
    ("Schuljahr 2025/26", datetime.date(2026, 8, 1), True),
    ("Schuljahr 2025/26", datetime.date(2026, 1, 1), False),
    ("Schuljahr 2025/26", datetime.date(2027, 3, 1), True),
    ("Schuljahr 2025/26", datetime.date(2025, 8, 1), False),
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
