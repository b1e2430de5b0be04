"""The scope rule: QuerySet filters and the model's methods must always agree."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from measures.models import Plan
from schools.models import OperationKey, School
from tests.factories import BIELEFELD_AUTHORITY_NUMBER, BIELEFELD_SCHOOL_FORMS, make_school

pytestmark = pytest.mark.django_db

OPENS = datetime.date(2026, 8, 1)
CLOSES = datetime.date(2026, 7, 31)
ONE_DAY = datetime.timedelta(days=1)


@pytest.fixture
def schools() -> dict[str, School]:
    return {
        "operating": make_school(operation_key=OperationKey.OPERATING),
        "some_surveys": make_school(operation_key=OperationKey.OPERATING_SOME_SURVEYS),
        "opening": make_school(operation_key=OperationKey.OPENING, opens_on=OPENS),
        "closing": make_school(operation_key=OperationKey.CLOSING, closes_on=CLOSES),
        "closing_later": make_school(operation_key=OperationKey.CLOSING_LATER, closes_on=CLOSES),
        "suspended": make_school(operation_key=OperationKey.SUSPENDED),
        "deleted": make_school(operation_key=OperationKey.DELETED),
        "dissolved": make_school(operation_key=OperationKey.DISSOLVED),
        "unlisted": make_school(listed=False),
    }


def _operating(on: datetime.date) -> set[str]:
    return set(School.objects.in_operation(on).values_list("school_number", flat=True))


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (CLOSES - ONE_DAY, {"operating", "some_surveys", "closing", "closing_later"}),
        (CLOSES, {"operating", "some_surveys", "closing", "closing_later"}),
        (OPENS, {"operating", "some_surveys", "opening"}),
        (OPENS + ONE_DAY, {"operating", "some_surveys", "opening"}),
    ],
)
def test_in_operation_at_the_boundaries(schools, on, expected):
    numbers = {schools[name].school_number for name in expected}
    assert _operating(on) == numbers
    assert {s.school_number for s in schools.values() if s.is_in_operation(on)} == numbers


def test_queryset_and_method_agree_every_day_around_the_dates(schools):
    for offset in range(-3, 4):
        for on in (OPENS + offset * ONE_DAY, CLOSES + offset * ONE_DAY):
            by_method = {s.school_number for s in schools.values() if s.is_in_operation(on)}
            assert _operating(on) == by_method, on


def test_a_plan_covers_its_authoritys_schools_of_its_forms_in_operation():
    on = datetime.date(2026, 1, 1)
    city = {"authority_number": BIELEFELD_AUTHORITY_NUMBER}
    included = make_school(school_form="02", **city)
    make_school(school_form="30", **city)  # Berufskolleg: not general education
    make_school(school_form="02", authority_number="10017")
    make_school(school_form="25", operation_key=OperationKey.DISSOLVED, **city)
    plan = Plan(
        school_authority_number=BIELEFELD_AUTHORITY_NUMBER,
        school_forms=", ".join(BIELEFELD_SCHOOL_FORMS),
    )
    assert list(plan.schools(on)) == [included]


def test_status_in_words(schools):
    assert schools["operating"].status == "in Betrieb"
    assert schools["closing"].status == "schließt zum 31.07.2026"
    assert schools["closing_later"].status == "schließt zum 31.07.2026"
    assert schools["opening"].status == "nimmt den Betrieb am 01.08.2026 auf"
    assert schools["suspended"].status == "Schulbetrieb ruht"
    assert schools["dissolved"].status == "aufgelöst"
    assert schools["deleted"].status == "aufgelöst"
    assert schools["unlisted"].status == "nicht mehr im Schulverzeichnis"


def test_an_opening_date_needs_an_opening_school():
    school = School(school_number="123456", name="X", school_form="02", opens_on=OPENS)
    with pytest.raises(ValidationError, match="Betriebsaufnahme"):
        school.full_clean()
    with pytest.raises(IntegrityError):
        school.save()


def test_a_closing_school_needs_its_last_day():
    school = School(
        school_number="123456", name="X", school_form="02", operation_key=OperationKey.CLOSING
    )
    with pytest.raises(ValidationError, match="letzter Tag"):
        school.full_clean()
