"""The models that moved between apps (issue 11) keep their rows, ids, history,
content types, the permissions assigned through them and the admin's log.

A database populated before the moves is migrated forward, as `migrate` does on
a deployed portal, and back. The moves change the migration state and the
content types only, never a table, so the models of today read the tables at
either end; only the content types tell the two ends apart. (Tables and
columns added since, the indicators', the schools' places and the measures'
plan, are not there at the old end: the edition written there has a snapshot
taken before going back, and the school and measure it logs were loaded
before.) Costs a few seconds (the executor renders the migration states).
"""

import datetime

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from editions.models import Edition
from editions.reports import build_snapshot
from measures.rollout import RolloutState, SchoolRollout
from tests.factories import make_field, make_measure, make_plan, make_school

# Each app's last migration before the moves.
BEFORE = [("measures", "0016_edition_immutable_in_database"), ("schools", "0009_text_validators")]
# Where each moved model lived before and lives now.
MOVED = [
    ("measures", "editions", "edition"),
    ("schools", "measures", "schoolrollout"),
    ("schools", "measures", "historicalschoolrollout"),
]


def _migrate(targets: list[tuple[str, str]] | None = None) -> None:
    # A deployed portal migrates rows that were committed long before; here they
    # are in the test's transaction, and PostgreSQL refuses to ALTER a table
    # (0019 replaces a constraint) while checks deferred to the commit are
    # pending. Done now, the checks leave nothing pending.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()


def _log(user: User, obj, app_label: str) -> LogEntry:
    content_type = ContentType.objects.get(app_label=app_label, model=obj._meta.model_name)
    return LogEntry.objects.create(
        user=user,
        content_type=content_type,
        object_id=str(obj.pk),
        object_repr=str(obj),
        action_flag=CHANGE,
        change_message="Vor dem Umzug",
    )


DATE = datetime.date(2025, 3, 12)


def _publish(plan, user: User, slug: str) -> Edition:
    return Edition.publish(plan, user=user, date=DATE, today=DATE, title=slug, slug=slug)


def _write(plan, user: User, slug: str, snapshot: dict) -> Edition:
    """An edition with `snapshot`, saved without taking one from the database."""
    edition = Edition(plan=plan, published_by=user, date=DATE, title=slug, slug=slug)
    edition.snapshot = snapshot
    edition.save()
    return edition


@pytest.fixture
def restore_content_type_cache():
    yield
    ContentType.objects.clear_cache()


@pytest.mark.usefixtures("restore_content_type_cache")
def test_a_populated_database_migrates_back_and_forth_keeping_everything(db):
    plan = make_plan()
    measure = make_measure(make_field(plan))
    first, second = make_school(), make_school()
    admin = User.objects.create_user("ada", is_staff=True)
    SchoolRollout.objects.set_states(
        measure, {first: RolloutState.IN_PROGRESS}, user=admin, reason="Vor dem Zurück"
    )
    publishers = Group.objects.create(name="Berichte")
    publishers.user_set.add(admin)
    publishers.permissions.add(Permission.objects.get(codename="publish_edition"))
    kept = _publish(plan, admin, "vor-dem-zurueck")
    _log(admin, kept, "editions")
    content_types = {
        model: ContentType.objects.get(app_label=new, model=model).pk for _old, new, model in MOVED
    }

    snapshot = build_snapshot(plan, DATE)

    _migrate(BEFORE)

    for old, new, model in MOVED:
        assert ContentType.objects.get(app_label=old, model=model).pk == content_types[model]
        assert not ContentType.objects.filter(app_label=new, model=model).exists()
    written = _write(plan, admin, "vor-dem-umzug", snapshot)
    _log(admin, written, "measures")
    SchoolRollout.objects.set_states(
        measure,
        {first: RolloutState.DONE, second: RolloutState.IN_PROGRESS},
        user=admin,
        reason="Vor dem Umzug",
    )
    rows = list(SchoolRollout.objects.order_by("pk").values_list("pk", "school", "state"))
    row = SchoolRollout.objects.get(school=second)
    # As loaded before going back: the schools' and measures' newer columns are gone.
    row.school, row.measure = second, measure
    _log(admin, row, "schools")

    _migrate()

    for old, new, model in MOVED:
        assert ContentType.objects.get(app_label=new, model=model).pk == content_types[model]
        assert not ContentType.objects.filter(app_label=old, model=model).exists()
    assert list(Edition.objects.order_by("pk").values_list("pk", "slug")) == [
        (kept.pk, "vor-dem-zurueck"),
        (written.pk, "vor-dem-umzug"),
    ]
    assert Edition.objects.get(pk=written.pk).snapshot == written.snapshot
    assert User.objects.get(pk=admin.pk).has_perm("editions.publish_edition")
    assert list(SchoolRollout.objects.order_by("pk").values_list("pk", "school", "state")) == rows
    assert [
        (record.school_id, record.state, record.history_change_reason)
        for record in SchoolRollout.history.order_by("history_id")
    ] == [
        (first.pk, RolloutState.IN_PROGRESS, "Vor dem Zurück"),
        (second.pk, RolloutState.IN_PROGRESS, "Vor dem Umzug"),
        (first.pk, RolloutState.DONE, "Vor dem Umzug"),
    ]
    assert measure.timeline(public=True)  # reads the rows' history through the moved model
    assert [entry.get_edited_object() for entry in LogEntry.objects.order_by("pk")] == [
        kept,
        written,
        SchoolRollout.objects.get(school=second),
    ]
