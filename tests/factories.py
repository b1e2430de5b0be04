"""Plain functions that make test objects with sensible defaults."""

import datetime
import itertools
from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission, User

from authorities.models import Authority
from measures.indicators import Indicator, Reading
from measures.models import FieldOfAction, Measure, Plan
from measures.targets import Target
from schools.models import School

_counter = itertools.count(1)

# The password of users made here (long enough for the validators).
PASSWORD = "geheim-und-lang-genug"


# The Bielefeld plan's scope as its plan file states it (measures/data/bielefeld.toml):
# the Stadt Bielefeld's schools of the general-education forms.
BIELEFELD_AUTHORITY_NUMBER = "10261"
BIELEFELD_SCHOOL_FORMS = ("02", "04", "08", "10", "14", "15", "20", "25")


def default_authority() -> Authority:
    """The installation's default Schulträger, made if there is none yet."""
    return Authority.objects.for_host("") or Authority.objects.create(name="Stadt Musterstadt")


def make_plan(*, authority: str | None = None, **kwargs) -> Plan:
    """A plan of the Schulträger named `authority` (made if new), else of the
    installation's default one (made if there is none); current if its authority
    has no current plan yet (like a loaded one), so a test's first plan is the one
    the pages show and a further one is in preparation."""
    if "owner" not in kwargs:
        kwargs["owner"] = (
            Authority.objects.get_or_create(name=authority)[0] if authority else default_authority()
        )
    values = {
        "title": "Medienentwicklungsplan",
        "period_start": 2023,
        "period_end": 2027,
        "as_of": datetime.date(2024, 1, 1),
    }
    values.update(kwargs)
    values.setdefault("slug", Plan.free_slug(values, values["owner"]))
    plan = Plan.objects.create(**values)
    plan.make_current_if_first(reason="Testplan")
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


def make_indicator(
    measure: Measure, readings: Iterable[tuple[str, object]] = (), **kwargs
) -> Indicator:
    """An indicator (default: a count of devices) with `readings` as ("2023-07-01",
    value) pairs, each in the indicator's unit at the time."""
    values = {"name": f"Kennzahl {next(_counter)}", "unit": "devices"}
    values.update(kwargs)
    indicator = Indicator.objects.create(measure=measure, **values)
    for date, value in readings:
        Reading.objects.create(
            indicator=indicator, date=datetime.date.fromisoformat(date), value=value
        )
    return indicator


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


def _permissions(codenames: Iterable[str]) -> list[Permission]:
    codenames = list(codenames)
    permissions = list(Permission.objects.filter(codename__in=codenames))
    missing = set(codenames) - {permission.codename for permission in permissions}
    assert not missing, f"no such permission: {sorted(missing)}"
    assert len(permissions) == len(codenames), f"ambiguous codenames: {codenames}"
    return permissions


def _fields(fields: Iterable[FieldOfAction | str]) -> list[FieldOfAction]:
    """Fields of action, given as objects or as slugs of the one plan that has them."""
    found = []
    for field in fields:
        found.append(
            field if isinstance(field, FieldOfAction) else FieldOfAction.objects.get(slug=field)
        )
    return found


def make_group(
    name: str | None = None,
    *,
    fields: Iterable[FieldOfAction | str] = (),
    permissions: Iterable[str] = (),
) -> Group:
    """A group, responsible for `fields` (objects or slugs) and holding `permissions`
    (codenames, e.g. "publish_edition")."""
    group = Group.objects.create(name=name or f"Team {next(_counter)}")
    for field in _fields(fields):
        field.responsible_groups.add(group)
    group.permissions.add(*_permissions(permissions))
    return group


def make_user(
    username: str | None = None,
    *,
    groups: Iterable[Group] = (),
    permissions: Iterable[str] = (),
    password: str | None = PASSWORD,
    **kwargs,
) -> User:
    """A user with `password` (None: none usable), in `groups`, holding `permissions`
    (codenames) of their own; `kwargs` go to the user (first_name, is_staff, ...)."""
    user = User.objects.create_user(
        username or f"person{next(_counter)}", password=password, **kwargs
    )
    user.groups.add(*groups)
    user.user_permissions.add(*_permissions(permissions))
    return user
