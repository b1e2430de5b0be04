"""Plain functions that make test objects with sensible defaults."""

import datetime
import itertools

from measures.models import FieldOfAction, Measure, Plan
from measures.targets import Target
from schools.models import School

_counter = itertools.count(1)


# The Bielefeld plan's scope as its plan file states it (measures/data/bielefeld.toml):
# the Stadt Bielefeld's schools of the general-education forms.
BIELEFELD_AUTHORITY_NUMBER = "10261"
BIELEFELD_SCHOOL_FORMS = ("02", "04", "08", "10", "14", "15", "20", "25")


def make_plan(**kwargs) -> Plan:
    """A plan; public if no plan is yet (like a loaded one), so a test's first plan
    is the one the pages show and a further one is not."""
    values = {
        "authority": "Stadt Musterstadt",
        "title": "Medienentwicklungsplan",
        "period_start": 2023,
        "period_end": 2027,
        "as_of": datetime.date(2024, 1, 1),
    }
    values.update(kwargs)
    plan = Plan.objects.create(**values)
    plan.make_public_if_first(reason="Testplan")
    return plan


def make_field(plan: Plan | None = None, **kwargs) -> FieldOfAction:
    n = next(_counter)
    values = {"title": f"Handlungsfeld {n}", "slug": f"feld-{n}", "position": n}
    values.update(kwargs)
    return FieldOfAction.objects.create(plan=plan or make_plan(), **values)


def make_measure(
    field: FieldOfAction | None = None, target: str | None = None, **kwargs
) -> Measure:
    n = next(_counter)
    values = {"title": f"Maßnahme {n}", "slug": f"massnahme-{n}", "position": n}
    values.update(kwargs)
    measure = Measure(field=field or make_field(), **values)
    if target:
        measure.target = Target.parse(target)
    measure.save()
    return measure


def make_school(**kwargs) -> School:
    n = next(_counter)
    # 8xxxxx: no real NRW school number (those start with 1, 5 or 6) and below the
    # demo schools' 9xxxxx, so factories never collide with imported schools.
    values = {
        "school_number": f"{800000 + n}",
        "name": f"Schule {n}",
        "school_form": "02",
        "authority_number": BIELEFELD_AUTHORITY_NUMBER,
    }
    values.update(kwargs)
    return School.objects.create(**values)
