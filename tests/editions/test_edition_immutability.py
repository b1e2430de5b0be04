"""A published edition stays as it was published: in the ORM, and in the database
for anyone who bypasses it, down to the app's own database role.

Raw SQL runs on the test's connection (the role that owns the tables, as
migrations do) and, where it matters, as the app role `bielefeld_app` that owns
nothing (`SET LOCAL ROLE`, undone with the test's transaction).
"""

import datetime

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.test import Client
from django.utils import timezone

from editions.models import Edition, EditionIsFrozen
from measures.models import Measure
from tests.factories import make_measure, make_plan
from tests.two_factor import CODE_URL, add_app_device, log_in, totp_code

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the database triggers are tested on PostgreSQL"
)

# Created by scripts/ensure-postgres.sh, with the owner role `bielefeld` as a member
# so that a test may SET ROLE to it.
APP_ROLE = "bielefeld_app"

# What the README tells operators to grant the app role (test_readme_... keeps them equal).
APP_ROLE_GRANTS = [
    "GRANT USAGE ON SCHEMA public TO bielefeld_app",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO bielefeld_app",
    "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO bielefeld_app",
]
# Run by the owner, so that tables its later migrations create are granted too.
APP_ROLE_DEFAULT_PRIVILEGES = [
    "ALTER DEFAULT PRIVILEGES IN SCHEMA public"
    " GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO bielefeld_app",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO bielefeld_app",
]


@pytest.fixture
def edition(db) -> Edition:
    """An edition of a small plan (a measure is enough; the rules are the same)."""
    publisher = User.objects.create_user("petra")
    date = datetime.date(2025, 3, 12)
    plan = make_measure().field.plan
    return Edition.publish(
        plan, user=publisher, today=date, date=date, title="Bericht März", slug="maerz"
    )


def _refused(sql: str, params: tuple = (), error=IntegrityError) -> str:
    """Run `sql` in a savepoint, expecting the database to refuse it; its message."""
    with pytest.raises(error) as refusal, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # foreign keys check now, not at commit
        cursor.execute(sql, params)
    return str(refusal.value)


def _row(edition: Edition) -> dict:
    return Edition.objects.filter(pk=edition.pk).values().get()


# One change of every column of the edition except the withdrawal, which may be set once.
FROZEN_CHANGES = {
    "id": "id = id + 1000",
    "plan_id": "plan_id = (SELECT id FROM measures_plan WHERE id <> plan_id LIMIT 1)",
    "title": "title = 'Anders'",
    "slug": "slug = 'anders'",
    "date": "date = date - 1",
    "reference": "reference = 'Drucksache 1'",
    "preface": "preface = 'Anders'",
    "snapshot": "snapshot = '{}'::jsonb",
    "published_at": "published_at = published_at - interval '1 day'",
    "published_by_id": "published_by_id = (SELECT max(id) FROM auth_user)",
}
WITHDRAWAL_COLUMNS = {"withdrawn_at", "withdrawn_by_id", "withdrawal_reason"}


def test_every_column_but_the_withdrawal_is_covered_below():
    columns = {field.column for field in Edition._meta.concrete_fields}
    assert columns == set(FROZEN_CHANGES) | WITHDRAWAL_COLUMNS


@pytest.mark.parametrize("column", FROZEN_CHANGES)
def test_the_database_refuses_to_change_any_column_of_an_edition(edition, column):
    before = _row(edition)
    make_plan(authority="Andere Stadt")
    User.objects.create_user("otto")
    message = _refused(
        f"UPDATE measures_edition SET {FROZEN_CHANGES[column]} WHERE id = %s",  # noqa: S608 (constants)
        (edition.pk,),
    )
    assert "cannot change" in message and column in message
    assert _row(edition) == before


def test_the_publisher_cannot_be_removed_from_an_edition(edition):
    _refused("UPDATE measures_edition SET published_by_id = NULL")
    assert "published_by_id" in _refused(
        "UPDATE measures_edition SET published_by_id = %s",
        (User.objects.create_user("otto").pk,),
    )


def test_the_withdrawal_is_set_once_and_then_frozen_too(edition):
    with connection.cursor() as cursor:
        # Not half of it: a reason without the withdrawal itself.
        assert "withdrawal_reason" in _refused(
            "UPDATE measures_edition SET withdrawal_reason = 'Vielleicht'"
        )
        cursor.execute(
            "UPDATE measures_edition SET withdrawn_at = now(), withdrawal_reason = 'Zahlen falsch',"
            " withdrawn_by_id = published_by_id"
        )
    withdrawn = _row(edition)
    assert withdrawn["withdrawal_reason"] == "Zahlen falsch"
    _refused("UPDATE measures_edition SET withdrawal_reason = 'Anderer Grund'")
    _refused("UPDATE measures_edition SET withdrawn_at = NULL, withdrawal_reason = ''")
    _refused("UPDATE measures_edition SET withdrawn_at = now() - interval '1 day'")
    _refused("UPDATE measures_edition SET withdrawn_by_id = NULL")
    assert _row(edition) == withdrawn


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM measures_edition",
        "TRUNCATE measures_edition",
        "TRUNCATE measures_plan CASCADE",
        "TRUNCATE auth_user CASCADE",
        "DELETE FROM auth_user",  # the foreign key refuses
    ],
)
def test_the_database_refuses_to_remove_an_edition(edition, sql):
    before = _row(edition)
    message = _refused(sql)
    assert "published" in message if "measures_edition" in sql else "measures_edition" in message
    assert _row(edition) == before


def test_the_database_refuses_to_delete_the_plan_of_an_edition(db):
    plan = make_plan()  # nothing else refers to it
    date = datetime.date(2025, 3, 12)
    user = User.objects.create_user("petra")
    Edition.publish(plan, user=user, today=date, date=date, title="Leer", slug="leer")
    message = _refused("DELETE FROM measures_plan WHERE id = %s", (plan.pk,))
    assert 'on table "measures_edition"' in message


def test_an_empty_edition_table_may_be_truncated(db):
    # Nothing to protect; Django's test runner empties every table this way.
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE measures_edition")


# --- The ORM refuses the same, also where no trigger protects (SQLite) ---------


def test_the_orm_refuses_to_update_editions_in_bulk(edition):
    with pytest.raises(EditionIsFrozen, match="withdraw"):
        Edition.objects.update(published_at=timezone.now())
    with pytest.raises(EditionIsFrozen):
        Edition.objects.filter(pk=edition.pk).update(withdrawn_at=timezone.now())
    edition.title = "Anders"
    with pytest.raises(EditionIsFrozen):
        Edition.objects.bulk_update([edition], ["title"])
    assert Edition.objects.get().title == "Bericht März"  # the transaction goes on


def test_the_orm_refuses_to_delete_an_edition(edition):
    with pytest.raises(EditionIsFrozen, match="withdraw"):
        Edition.objects.all().delete()
    with pytest.raises(EditionIsFrozen):
        Edition.objects.filter(pk=edition.pk).delete()
    with pytest.raises(EditionIsFrozen):
        edition.delete()
    assert Edition.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"published_at": datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)},
        {"published_by": None},
        {"plan_id": None},
    ],
)
def test_saving_refuses_a_change_of_any_field(edition, change):
    if "plan_id" in change:
        change = {"plan": make_plan(authority="Andere Stadt")}
    for name, value in change.items():
        setattr(edition, name, value)
    with pytest.raises(EditionIsFrozen):
        edition.save()


def test_a_withdrawal_is_saved_once(edition):
    edition.withdraw(user=edition.published_by, reason="Zahlen falsch")
    with pytest.raises(EditionIsFrozen, match="withdrawn"):
        edition.withdraw(user=edition.published_by, reason="Anderer Grund")
    edition = Edition.objects.get()
    edition.withdrawn_at = None
    with pytest.raises(EditionIsFrozen):
        edition.save()
    assert Edition.objects.get().withdrawal_reason == "Zahlen falsch"


def test_neither_plan_nor_publisher_can_be_deleted_while_an_edition_names_them(edition):
    with pytest.raises(ProtectedError):
        edition.plan.delete()
    with pytest.raises(ProtectedError):
        edition.published_by.delete()
    assert Edition.objects.get().published_by == edition.published_by


def test_the_admin_says_why_a_publisher_cannot_be_deleted(edition):
    admin = User.objects.create_superuser("ada", password="x" * 20)
    client = Client()
    log_in(client, admin)
    publisher = edition.published_by
    why = "Wer einen Bericht veröffentlicht oder zurückgezogen hat, kann nicht gelöscht werden"
    url = f"/admin/auth/user/{publisher.pk}/delete/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert why in html and "geschützten zugehörigen Objekte" in html
    assert f'<a href="/admin/editions/edition/{edition.pk}/change/">Bericht März</a>' in html
    assert client.post(url, {"post": "yes"}).status_code == 200

    bulk = {"action": "delete_selected", "_selected_action": [publisher.pk]}
    page = client.post("/admin/auth/user/", bulk)
    assert page.status_code == 200 and why in page.content.decode()
    assert client.post("/admin/auth/user/", {**bulk, "post": "yes"}).status_code == 200
    assert User.objects.filter(pk=publisher.pk).exists()

    # Users who published nothing are deleted as before, without the warning.
    otto = User.objects.create_user("otto")
    page = client.get(f"/admin/auth/user/{otto.pk}/delete/")
    assert why not in page.content.decode()
    assert client.post(f"/admin/auth/user/{otto.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not User.objects.filter(pk=otto.pk).exists()


# --- As the app role that owns nothing ----------------------------------------


@pytest.fixture
def as_app_role(db):
    """The rest of the test's transaction runs as the app role, with the README's grants."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = %s)"
            " AND pg_has_role(current_user, %s, 'MEMBER')",
            (APP_ROLE, APP_ROLE),
        )
        if not cursor.fetchone()[0]:
            pytest.skip(
                f"role {APP_ROLE} missing or current role not a member of it:"
                " scripts/ensure-postgres.sh creates it"
            )
        for sql in APP_ROLE_GRANTS + APP_ROLE_DEFAULT_PRIVILEGES:
            cursor.execute(sql)
        # A table a later migration adds, created by the owner as `migrate` would.
        cursor.execute("CREATE TABLE measures_later (id bigint GENERATED BY DEFAULT AS IDENTITY)")
        cursor.execute(f"SET LOCAL ROLE {APP_ROLE}")


@pytest.mark.parametrize(
    "sql",
    [
        "ALTER TABLE measures_edition DISABLE TRIGGER ALL",
        "ALTER TABLE measures_edition DISABLE TRIGGER USER",
        "ALTER TABLE measures_edition DISABLE TRIGGER measures_edition_frozen",
        "DROP TRIGGER measures_edition_frozen ON measures_edition",
        "TRUNCATE measures_edition",
        "TRUNCATE measures_measure CASCADE",
        "CREATE TABLE measures_sneaky (id int)",
    ],
)
def test_the_app_role_can_neither_disable_triggers_nor_truncate(edition, as_app_role, sql):
    message = _refused(sql, error=DatabaseError)
    assert "must be owner" in message or "permission denied" in message


def test_the_app_role_cannot_change_or_delete_an_edition_either(edition, as_app_role):
    before = _row(edition)
    _refused("UPDATE measures_edition SET published_at = now()")
    _refused("DELETE FROM measures_edition")
    assert _row(edition) == before


def test_the_app_role_may_write_a_table_created_after_the_grants(as_app_role):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO measures_later DEFAULT VALUES")
        cursor.execute("DELETE FROM measures_later")
    assert "must be owner" in _refused("DROP TABLE measures_later", error=DatabaseError)


def test_the_app_role_does_the_portals_writes(bielefeld, as_app_role):
    device = add_app_device(User.objects.create_superuser("ada", password="geheim-und-lang-genug"))
    client = Client()
    login = {"username": "ada", "password": "geheim-und-lang-genug"}
    assert client.post("/verwaltung/anmelden/", login).status_code == 302  # session, axes log
    # The second factor: the device's last code and throttling are written too.
    assert client.post(CODE_URL, {"otp_token": totp_code(device)}).status_code == 302
    measure = Measure.objects.get(slug="voip")
    response = client.post(
        "/verwaltung/massnahmen/voip/",
        {
            "status": "done",
            "target": str(measure.target or ""),
            "description": measure.description,
            "work_items": measure.work_items,
            "rollout_done": "",
            "rollout_total": "",
            "reason": "Abgeschlossen",
            "version": measure.version,
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert Measure.objects.get(slug="voip").history.latest("history_date").status == "done"

    data = {"title": "Bericht", "date": timezone.localdate().strftime("%d.%m.%Y")}
    preview = client.post("/verwaltung/berichte/neu/", {**data, "schritt": "vorschau"})
    fingerprint = preview.context["fingerprint"]
    published = client.post(
        "/verwaltung/berichte/neu/",
        {**data, "schritt": "veroeffentlichen", "fingerprint": fingerprint},
    )
    assert published.status_code == 302
    edition = Edition.objects.get()
    withdrawal = {"action": "withdraw", "_selected_action": [edition.pk], "reason": "Falsch"}
    assert client.post("/admin/editions/edition/", withdrawal).status_code == 302
    assert Edition.objects.get().withdrawal_reason == "Falsch"
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == APP_ROLE


def test_the_readme_grants_what_the_tests_grant():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for sql in APP_ROLE_GRANTS + APP_ROLE_DEFAULT_PRIVILEGES:
        assert sql in " ".join(readme.split())
