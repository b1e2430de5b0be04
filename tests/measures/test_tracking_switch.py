"""Switching a measure to per-school tracking keeps its progress (issue 9, point 1).

Digitale Schulplattform has 36 of 74 schools entered. After "Ab jetzt pro Schule
erfassen" that count stays the figure, marked "gemeldet", on every page, in the
overview, in a snapshot, the comparison and the decks, until the ticked schools
reach it. The switch is a change of the measure: history, timeline, comparison.
"""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.utils import timezone

from editions import decks
from editions.models import Edition
from editions.reports import build_snapshot, compare, read_snapshot
from measures.models import Measure, ProgressReport
from measures.rollout import RolloutState, SchoolRollout
from tests.factories import make_school
from tests.two_factor import client_for

URL = "/verwaltung/massnahmen/digitale-schulplattform/schulen/"
PUBLIC = "/massnahmen/digitale-schulplattform/"
SLUG = "digitale-schulplattform"
REASON = "Die Schulen melden ab jetzt einzeln"


def _text(response) -> str:
    """A page's text without markup, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def sven(software_editor) -> User:
    """Team Software's editor, who also publishes editions."""
    software_editor.user_permissions.add(Permission.objects.get(codename="publish_edition"))
    return software_editor


@pytest.fixture
def staff(sven) -> Client:
    return client_for(sven)


def _measure() -> Measure:
    plan = Measure.objects.get(slug=SLUG).field.plan
    return Measure.objects.for_plan(plan).for_report(plan).get(slug=SLUG)


def _overview(plan) -> ProgressReport:
    measures = list(Measure.objects.for_plan(plan).for_report(plan))
    return ProgressReport.build(plan, list(plan.fields.all()), measures, timezone.localdate())


def _tick(count: int, user: User) -> None:
    measure = Measure.objects.get(slug=SLUG)
    schools = measure.field.plan.schools(timezone.localdate()).order_by("name")[:count]
    SchoolRollout.objects.set_states(
        measure, dict.fromkeys(schools, RolloutState.DONE), user=user, reason="t"
    )


def test_the_switch_keeps_the_entered_count_on_every_page(bielefeld, staff):
    before = _overview(bielefeld).rollout
    assert _measure().rollout.done == 36

    response = staff.post(URL, {"action": "track", "reason": REASON})

    assert response.status_code == 302
    assert SchoolRollout.objects.filter(measure__slug=SLUG).count() == 76
    rollout = _measure().rollout
    assert (rollout.done, rollout.total, rollout.ticked) == (36, 74, 0)
    # The overview's totals do not drop (64 % stayed 64 %).
    assert _overview(bielefeld).rollout == before
    for page in [Client().get(PUBLIC), Client().get("/"), staff.get(URL)]:
        text = _text(page)
        assert "36 von 74 Schulen (gemeldet)" in text
        assert "0 von 76" not in text
    assert "bisher sind es 0." in _text(Client().get(PUBLIC))
    assert "davon 1 Maßnahme mit gemeldeter Zahl" in _text(Client().get("/"))


def test_the_ticks_take_over_once_they_reach_the_reported_count(bielefeld, sven):
    SchoolRollout.objects.start_tracking(Measure.objects.get(slug=SLUG), user=sven)
    _tick(35, sven)
    assert (_measure().rollout.done, _measure().rollout.ticked) == (36, 35)
    _tick(37, sven)
    rollout = _measure().rollout
    assert (rollout.done, rollout.total, rollout.is_reported) == (37, 76, False)
    assert "37 von 76 Schulen" in _text(Client().get(PUBLIC))
    assert "(gemeldet)" not in _text(Client().get(PUBLIC))
    # The measure on its own (without the report's annotations) follows the same rule.
    assert Measure.objects.get(slug=SLUG).rollout == rollout


def test_without_the_annotations_the_reported_count_is_the_same(bielefeld, sven):
    SchoolRollout.objects.start_tracking(Measure.objects.get(slug=SLUG), user=sven)
    _tick(3, sven)
    alone = Measure.objects.get(slug=SLUG).rollout
    assert (alone.done, alone.total, alone.ticked) == (36, 74, 3)


def test_a_measure_without_an_entered_count_counts_its_ticks_alone(bielefeld, sven):
    measure = Measure.objects.get(slug="voip")
    assert measure.rollout_total is None
    SchoolRollout.objects.start_tracking(measure, user=sven)
    rollout = Measure.objects.for_report(bielefeld).get(slug="voip").rollout
    assert (rollout.done, rollout.total, rollout.is_reported) == (0, 76, False)


def test_the_switch_is_in_the_history_and_the_public_timeline(bielefeld, staff, sven):
    version = Measure.objects.get(slug=SLUG).version
    staff.post(URL, {"action": "track", "reason": REASON})

    measure = Measure.objects.get(slug=SLUG)
    assert measure.version == version + 1
    assert measure.tracked_per_school_since == timezone.localdate()
    record = measure.history.latest("history_date")
    assert (record.history_user, record.history_change_reason) == (sven, REASON)
    public = _text(Client().get(PUBLIC)).split("Verlauf")[1]
    assert "Erfassung der Schulen: als Anzahl (36/74 gemeldet) → pro Schule" in public
    assert f"Grund: {REASON}" in public
    assert "Sommer" not in public  # no staff name on public pages
    staff_view = _text(staff.get(PUBLIC)).split("Verlauf")[1]
    assert "Sven Sommer" in staff_view and "als Anzahl (36/74 gemeldet)" in staff_view


def test_an_editor_with_a_form_from_before_the_switch_is_told(bielefeld, sven):
    from measures.models import EditConflict

    measure = Measure.objects.get(slug=SLUG)
    SchoolRollout.objects.start_tracking(measure, user=sven, reason=REASON)
    with pytest.raises(EditConflict) as conflict:
        Measure.objects.apply_change(
            measure.pk, expected_version=measure.version, user=sven, reason="x", status="done"
        )
    assert [field.label for field in conflict.value.changes[0].fields] == ["Erfassung der Schulen"]


def test_switching_twice_records_one_switch(bielefeld, staff):
    staff.post(URL, {"action": "track", "reason": REASON})
    staff.post(URL, {"action": "track", "reason": "noch einmal"})
    measure = Measure.objects.get(slug=SLUG)
    assert measure.history.filter(tracked_per_school_since__isnull=False).count() == 1
    entries = [
        change
        for change in measure.timeline()
        if any(item.label == "Erfassung der Schulen" for item in change.fields)
    ]
    assert len(entries) == 1


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Bitte geben Sie kurz an, warum die Maßnahme ab jetzt pro Schule erfasst wird."),
        ("  ", "Bitte geben Sie kurz an, warum die Maßnahme ab jetzt pro Schule erfasst wird."),
        ("x" * 301, "höchstens 300 Zeichen"),
        ("a\x00b", "Nullzeichen sind nicht erlaubt."),
    ],
)
def test_a_switch_without_a_proper_reason_is_refused(bielefeld, staff, reason, message):
    response = staff.post(URL, {"action": "track", "reason": reason})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert "Es wurde nichts gespeichert." in response.content.decode()
    measure = Measure.objects.get(slug=SLUG)
    assert not measure.school_rollouts.exists() and measure.tracked_per_school_since is None


def test_the_switch_form_explains_what_happens_to_the_count(bielefeld, staff):
    text = _text(staff.get(URL))
    assert "Gemeldet sind 36 von 74 Schulen." in text
    assert "bis hier mindestens 36 Schulen abgehakt sind" in text
    assert 'name="reason"' in staff.get(URL).content.decode()


def test_an_htmx_tick_after_the_switch_shows_the_reported_count(bielefeld, staff):
    staff.post(URL, {"action": "track", "reason": REASON})
    number = Measure.objects.get(slug=SLUG).field.plan.schools(timezone.localdate())
    number = number.order_by("name").first().school_number
    response = staff.post(
        URL, {"toggle": number, "shown": [number], "done": [number]}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    fragment = _text(response)
    assert "36 von 74 Schulen (gemeldet)" in fragment and "bisher sind es 1." in fragment


def test_snapshot_comparison_and_decks_show_the_same_number(bielefeld, sven):
    plan = bielefeld
    old = build_snapshot(plan, timezone.localdate())
    SchoolRollout.objects.start_tracking(Measure.objects.get(slug=SLUG), user=sven, reason=REASON)
    _tick(5, sven)
    new = build_snapshot(plan, timezone.localdate())

    data = next(m for f in new["fields"] for m in f["measures"] if m["slug"] == SLUG)
    assert (data["rollout"], data["rollout_ticked"], data["tracked"]) == ([36, 74], 5, True)
    frozen = next(m for m in read_snapshot(new)[2] if m.slug == SLUG)
    assert frozen.rollout.is_reported and frozen.tracks_schools
    assert decks.rollout_text(frozen) == "36 von 74 Schulen abgeschlossen (gemeldet)"

    diff = next(d for d in compare(old, new).changed if d.slug == SLUG)
    assert diff.tracking_started
    assert diff.schools_gained is None  # not "-36 Schulen"
    assert str(diff.old_rollout) == "36/74"


def test_the_comparison_page_names_the_switch(bielefeld, sven, client):
    Edition.publish(
        bielefeld,
        user=sven,
        date=timezone.localdate(),
        today=timezone.localdate(),
        title="Bericht",
        slug="bericht",
    )
    SchoolRollout.objects.start_tracking(Measure.objects.get(slug=SLUG), user=sven, reason=REASON)
    text = _text(client.get("/berichte/vergleich/"))
    assert "Digitale Schulplattform" in text
    assert "Erfassung pro Schule begonnen (vorher 36/74 gemeldet)" in text
    assert "-36" not in text


def test_an_old_snapshot_without_the_tracking_flag_still_compares(bielefeld, sven):
    old = build_snapshot(bielefeld, datetime.date(2025, 3, 1))
    SchoolRollout.objects.start_tracking(Measure.objects.get(slug="voip"), user=sven)
    new = build_snapshot(bielefeld, datetime.date(2025, 3, 1))
    for snapshot in (old, new):  # as stored before the flags existed
        for field in snapshot["fields"]:
            for measure in field["measures"]:
                del measure["tracked"], measure["rollout_ticked"]
    diff = next(d for d in compare(old, new).changed if d.slug == "voip")
    assert diff.tracking_started and diff.old_rollout is None


def test_staff_pages_mark_the_reported_count(bielefeld, staff, sven):
    SchoolRollout.objects.start_tracking(Measure.objects.get(slug=SLUG), user=sven, reason=REASON)
    assert "36/74 Schulen (gemeldet)" in _text(staff.get("/verwaltung/"))
    editor = _text(staff.get(f"/verwaltung/massnahmen/{SLUG}/"))
    assert "36 von 74 Schulen abgeschlossen." in editor and "bisher sind es 0." in editor


def test_the_rule_costs_the_public_pages_no_query(
    bielefeld, sven, client, django_assert_num_queries
):
    from tests.measures.test_query_counts import DETAIL_WITH_ROLLOUT_QUERIES, REPORT_QUERIES

    SchoolRollout.objects.start_tracking(Measure.objects.get(slug=SLUG), user=sven, reason=REASON)
    _tick(3, sven)
    with django_assert_num_queries(REPORT_QUERIES):
        assert "36 von 74 Schulen (gemeldet)" in _text(client.get("/"))
    with django_assert_num_queries(DETAIL_WITH_ROLLOUT_QUERIES):
        assert "bisher sind es 3." in _text(client.get(PUBLIC))


def test_a_second_click_from_a_stale_page_needs_no_reason(bielefeld, staff, sven):
    SchoolRollout.objects.start_tracking(Measure.objects.get(slug=SLUG), user=sven, reason=REASON)
    response = staff.post(URL, {"action": "track", "reason": ""}, follow=True)
    assert response.status_code == 200
    # Said as it is, not "wird jetzt pro Schule erfasst (0 Schulen)".
    text = response.content.decode()
    assert "wird schon pro Schule erfasst; es wurde nichts geändert." in text
    assert "wird jetzt pro Schule erfasst" not in text
    assert Measure.objects.get(slug=SLUG).history.filter(history_change_reason=REASON).count() == 1


def test_a_second_click_names_the_schools_it_added(bielefeld, staff, sven):
    SchoolRollout.objects.start_tracking(Measure.objects.get(slug=SLUG), user=sven, reason=REASON)
    make_school(name="Neue Grundschule")  # new in the plan's scope since the switch
    response = staff.post(URL, {"action": "track", "reason": ""}, follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "wird schon pro Schule erfasst; 1 neue Schule des Plans ist jetzt in der Liste." in text
