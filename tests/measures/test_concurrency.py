"""Concurrent edits of one measure, against the real database (PostgreSQL in CI).

Each thread gets its own database connection (Django's connections are per
thread) and closes it when done. Threads start together at a barrier, and
every wait is bounded, so that a hang fails the test instead of blocking the run.
"""

import html
import re
import threading
from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection, connections
from django.test import Client

from measures.models import EditConflict, Measure, Status
from tests.factories import make_measure

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs row locks: run with DATABASE_URL=postgres://…"
)

TIMEOUT = 30  # seconds; generous, a healthy run takes well under one


def _run_together(workers: list[Callable[[], object]]) -> list[object]:
    """Run each worker in its own thread, all released at once; return results or exceptions."""
    barrier = threading.Barrier(len(workers), timeout=TIMEOUT)
    results: list[object] = [None] * len(workers)

    def run(index: int, work: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = work()
        except BaseException as error:  # handed to the test thread
            results[index] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(i, work), name=f"editor-{i}", daemon=True)
        for i, work in enumerate(workers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    for result in results:
        if isinstance(result, threading.BrokenBarrierError):
            raise result
    return results


@pytest.fixture
def editors(transactional_db):
    """A measure and two people of the group responsible for its field of action."""
    measure = make_measure(
        slug="lernplattform",
        title="Lernplattform",
        status=Status.WAITING,
        description="Alte Beschreibung",
        target="Q3 2025",
    )
    group = Group.objects.create(name="Schulamt Digitales")
    measure.field.responsible_groups.add(group)
    people = []
    for username, first, last in [("anna", "Anna", "Albers"), ("bernd", "Bernd", "Brandt")]:
        user = User.objects.create_user(username, first_name=first, last_name=last)
        user.groups.add(group)
        people.append(user)
    return measure, people


def _history_count(measure: Measure) -> int:
    return Measure.history.filter(id=measure.pk).count()


def _version_on_page(response) -> int:
    tag = re.search(r'<input[^>]*name="version"[^>]*>', response.content.decode())
    assert tag, "the editor has no version field"
    return int(re.search(r'value="(\d+)"', tag.group()).group(1))


def _edit_data(version: int, **values) -> dict:
    data = {
        "status": "",
        "target": "Q3 2025",
        "description": "",
        "work_items": "",
        "rollout_done": "",
        "rollout_total": "",
        "reason": "",
        "version": version,
    }
    data.update(values)
    return data


# --- Two people in the editor -------------------------------------------------


def test_second_save_from_the_same_version_gets_a_conflict(editors):
    measure, (anna, bernd) = editors
    url = f"/verwaltung/massnahmen/{measure.slug}/"
    history_before = _history_count(measure)
    first, second = Client(), Client()
    first.force_login(anna)
    second.force_login(bernd)

    # Both open the editor on the same version.
    seen_first = _version_on_page(first.get(url))
    seen_second = _version_on_page(second.get(url))
    assert seen_first == seen_second == measure.version

    response = first.post(
        url,
        _edit_data(
            seen_first,
            status=Status.DONE,
            description="Anna: Plattform läuft",
            reason="Abnahme erfolgt",
        ),
    )
    assert response.status_code == 302

    response = second.post(
        url,
        _edit_data(
            seen_second,
            status=Status.IN_PROGRESS,
            description="Bernd: Ausschreibung läuft",
            reason="Stand der Vergabe",
        ),
    )
    assert response.status_code == 409
    page = html.unescape(response.content.decode())
    assert "Jemand anderes hat diese Maßnahme inzwischen geändert" in page
    assert "Ihre Änderungen wurden nicht gespeichert" in page
    # What Anna changed, by whom and why ...
    conflict = page.split('class="error-summary" role="alert"')[1].split("</div>")[0]
    assert "Anna Albers" in conflict
    assert "(„Abnahme erfolgt“)" in conflict
    assert "Status: Wartend → Abgeschlossen" in conflict
    assert "Anna: Plattform läuft" in conflict
    # ... and Bernd's input, still in the form, now based on the current version.
    assert "Bernd: Ausschreibung läuft</textarea>" in page
    assert 'value="Stand der Vergabe"' in page
    assert re.search(r'<option value="in_progress"[^>]*selected', page)
    assert _version_on_page(response) == seen_first + 1

    measure.refresh_from_db()
    assert measure.status == Status.DONE
    assert measure.description == "Anna: Plattform läuft"
    assert measure.version == seen_first + 1
    assert _history_count(measure) == history_before + 1
    latest = Measure.history.filter(id=measure.pk).latest()
    assert latest.history_user == anna
    assert latest.history_change_reason == "Abnahme erfolgt"

    # Bernd saves again after reading the notice: now it is accepted.
    response = second.post(
        url,
        _edit_data(
            _version_on_page(response),
            status=Status.IN_PROGRESS,
            description="Bernd: Ausschreibung läuft",
            reason="Stand der Vergabe",
        ),
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.status == Status.IN_PROGRESS
    assert measure.version == seen_first + 2
    assert _history_count(measure) == history_before + 2


def test_conflict_in_htmx_editor_swaps_in_the_notice(editors):
    """HTMX swaps a 409 (see htmx-config in base.html): the editor part comes back alone."""
    measure, (anna, bernd) = editors
    url = f"/verwaltung/massnahmen/{measure.slug}/"
    first, second = Client(), Client()
    first.force_login(anna)
    second.force_login(bernd)
    version = measure.version
    assert first.post(url, _edit_data(version, status=Status.DONE, reason="A")).status_code == 302

    response = second.post(
        url,
        _edit_data(version, status=Status.PREPARING, reason="B"),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 409
    page = html.unescape(response.content.decode())
    assert page.lstrip().startswith(f'<div class="editor" id="editor-{measure.slug}"')
    assert "<html" not in page
    assert "Jemand anderes hat diese Maßnahme inzwischen geändert" in page
    assert "Anna Albers" in page
    assert _version_on_page(response) == version + 1


def test_two_saves_at_the_same_moment_one_wins(editors):
    """Both POST at once from the same version: one is saved, the other gets 409."""
    measure, people = editors
    url = f"/verwaltung/massnahmen/{measure.slug}/"
    history_before = _history_count(measure)
    clients = []
    for user in people:
        client = Client()
        client.force_login(user)
        clients.append(client)
    version = measure.version
    changes = [
        {"status": Status.DONE, "description": "Fassung Anna", "reason": "Anna"},
        {"status": Status.PREPARING, "description": "Fassung Bernd", "reason": "Bernd"},
    ]

    results = _run_together(
        [
            lambda c=client, v=values: c.post(url, _edit_data(version, **v)).status_code
            for client, values in zip(clients, changes, strict=True)
        ]
    )

    assert sorted(results) == [302, 409], results
    winner = changes[results.index(302)]
    measure.refresh_from_db()
    assert measure.status == winner["status"]
    assert measure.description == winner["description"]
    assert measure.version == version + 1
    assert _history_count(measure) == history_before + 1


# --- Many changes racing --------------------------------------------------------

THREADS = 12
CHANGED_STATUSES = [Status.PREPARING, Status.IN_PROGRESS, Status.DONE]  # all differ from WAITING


def test_racing_changes_from_one_version_exactly_one_wins(editors):
    measure, (anna, _) = editors
    initial = measure.version
    history_before = _history_count(measure)

    def change(n: int) -> Callable[[], Measure]:
        return lambda: Measure.objects.apply_change(
            measure.pk,
            expected_version=initial,
            user=anna,
            reason=f"Lauf {n}",
            status=CHANGED_STATUSES[n % len(CHANGED_STATUSES)],
            description=f"Fassung {n}",
        )

    results = _run_together([change(n) for n in range(THREADS)])

    unexpected = [r for r in results if not isinstance(r, Measure | EditConflict)]
    assert not unexpected, unexpected
    winners = [n for n, r in enumerate(results) if isinstance(r, Measure)]
    conflicts = [r for r in results if isinstance(r, EditConflict)]
    assert len(winners) == 1, results
    assert len(conflicts) == THREADS - 1
    [n] = winners
    measure.refresh_from_db()
    assert measure.version == initial + 1
    assert measure.description == f"Fassung {n}"
    assert _history_count(measure) == history_before + 1
    for conflict in conflicts:
        # Each loser is told about the winner's change and the current version.
        assert conflict.current.version == initial + 1
        assert [change.reason for change in conflict.changes] == [f"Lauf {n}"]


ROUNDS = 5
MAX_ATTEMPTS = 500  # per thread; only a livelock comes near it


def test_racing_changes_with_retries_lose_nothing(editors):
    """Each thread makes ROUNDS changes, re-reading the version after each conflict."""
    measure, (anna, bernd) = editors
    initial = measure.version
    history_before = _history_count(measure)

    def editor(n: int) -> Callable[[], tuple[int, int]]:
        def work() -> tuple[int, int]:
            accepted = conflicts = 0
            for _ in range(MAX_ATTEMPTS):
                if accepted == ROUNDS:
                    break
                current = Measure.objects.values_list("version", flat=True).get(pk=measure.pk)
                try:
                    Measure.objects.apply_change(
                        measure.pk,
                        expected_version=current,
                        user=anna if n % 2 else bernd,
                        reason=f"Lauf {n}.{accepted}",
                        status=CHANGED_STATUSES[(n + accepted) % len(CHANGED_STATUSES)],
                        description=f"Fassung {n}.{accepted}",  # always a real change
                    )
                except EditConflict:
                    conflicts += 1
                else:
                    accepted += 1
            return accepted, conflicts

        return work

    results = _run_together([editor(n) for n in range(THREADS)])

    errors = [r for r in results if not isinstance(r, tuple)]
    assert not errors, errors
    accepted = sum(a for a, _ in results)
    assert accepted == THREADS * ROUNDS, results
    measure.refresh_from_db()
    assert measure.version == initial + accepted
    assert _history_count(measure) == history_before + accepted
    # No version was handed out twice or skipped: the history counts up one by one.
    versions = list(
        Measure.history.filter(id=measure.pk)
        .order_by("history_date", "history_id")
        .values_list("version", flat=True)
    )
    assert versions == list(range(initial, initial + accepted + 1))


# --- Two people tick the same school, which has no row yet ----------------------


def test_first_ticks_at_a_school_without_a_row_wait_for_each_other(editors):
    from measures.rollout import RolloutState, SchoolRollout
    from tests.factories import make_school

    measure, (anna, bernd) = editors
    SchoolRollout.objects.start_tracking(measure, user=anna)
    school = make_school(name="Neue Schule")  # entered the scope later: no row

    def tick(user: User, state: str):
        return SchoolRollout.objects.set_states(
            measure, {school: state}, user=user, expected={school: RolloutState.OPEN}
        )

    results = _run_together(
        [lambda: tick(anna, RolloutState.DONE), lambda: tick(bernd, RolloutState.IN_PROGRESS)]
    )
    assert not [result for result in results if isinstance(result, BaseException)], results
    # One wrote the row; the other saw it and was told, instead of failing.
    assert sorted((r.changed, len(r.conflicts)) for r in results) == [(0, 1), (1, 0)]
    assert SchoolRollout.objects.filter(measure=measure, school=school).count() == 1


def test_switching_to_per_school_tracking_twice_at_once_makes_one_row_per_school(editors):
    from measures.rollout import SchoolRollout
    from tests.factories import make_school

    measure, (anna, bernd) = editors
    for n in range(5):
        make_school(name=f"Schule {n}")
    results = _run_together(
        [
            lambda user=user: SchoolRollout.objects.start_tracking(measure, user=user)
            for user in (anna, bernd)
        ]
    )
    assert sorted(results) == [0, 5]
    assert SchoolRollout.objects.filter(measure=measure).count() == 5
    # ... and one switch in the measure's history: the second found it made.
    assert measure.history.filter(tracked_per_school_since__isnull=False).count() == 1
