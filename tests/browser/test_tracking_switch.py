"""The switch to per-school tracking in a real browser, with and without JavaScript.

Digitale Schulplattform has 36 of 74 schools entered. Staff switch it to
per-school tracking with a reason and tick a school; the public page keeps
showing the 36 as "gemeldet", says how many are ticked, and its timeline and
the comparison with the last report name the switch.
"""

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone
from playwright.sync_api import expect

from editions.models import Edition
from measures.models import FieldOfAction, Measure, Plan
from measures.rollout import SchoolRollout
from tests.browser.axe import assert_accessible
from tests.browser.test_staff import PASSWORD, open_the_staff_area

MEASURE = "digitale-schulplattform"


@pytest.fixture
def staff_live(bielefeld_live) -> str:
    team = Group.objects.create(name="Team Software")
    FieldOfAction.objects.get(slug="softwareausstattung").responsible_groups.add(team)
    user = User.objects.create_user("sven", password=PASSWORD)
    user.groups.add(team)
    today = timezone.localdate()
    Edition.publish(
        Plan.objects.get(), user=user, date=today, today=today, title="Bericht", slug="bericht"
    )
    return bielefeld_live


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_switch_keeps_the_reported_count_and_is_in_the_timeline(new_page, staff_live, javascript):
    page = new_page(java_script_enabled=javascript)

    def check_accessibility() -> None:
        if javascript:  # axe runs as page JavaScript; the markup is the same without
            assert_accessible(page)

    open_the_staff_area(page, staff_live)
    page.goto(staff_live + f"/verwaltung/massnahmen/{MEASURE}/schulen/")
    expect(page.get_by_text("Gemeldet sind 36 von 74 Schulen.")).to_be_visible()
    check_accessibility()
    page.get_by_label("Grund der Umstellung").fill("Die Schulen melden ab jetzt einzeln")
    page.get_by_role("button", name="Ab jetzt pro Schule erfassen").click()

    expect(page.get_by_text("wird jetzt pro Schule erfasst (76 Schulen)")).to_be_visible()
    expect(page.locator("#checklist-status")).to_contain_text("36 von 74 Schulen (gemeldet)")
    check_accessibility()

    # A tick: on its own with HTMX, with "Speichern" without JavaScript.
    page.locator("input[type=checkbox][name=done]").first.check()
    if not javascript:
        page.locator("#checklist button[type=submit]").click()
    expect(page.locator("#checklist-status")).to_contain_text("bisher sind es 1.")
    expect(page.locator("#checklist-status")).to_contain_text("36 von 74 Schulen (gemeldet)")
    assert SchoolRollout.objects.filter(measure__slug=MEASURE, state="done").count() == 1
    assert Measure.objects.get(slug=MEASURE).tracked_per_school_since is not None

    # The public page, for an anonymous reader: the same number, why, and the
    # switch in the timeline.
    public = new_page(java_script_enabled=javascript)
    public.goto(staff_live + f"/massnahmen/{MEASURE}/")
    expect(public.get_by_text("36 von 74 Schulen (gemeldet)")).to_be_visible()
    expect(public.get_by_text("bisher sind es 1.")).to_be_visible()
    expect(public.locator(".timeline")).to_contain_text(
        "Erfassung der Schulen: als Anzahl (36/74 gemeldet) → pro Schule"
    )
    expect(public.locator(".timeline")).to_contain_text("Die Schulen melden ab jetzt einzeln")
    if javascript:
        assert_accessible(public)

    # The comparison with the edition from before the switch names it, and a
    # changed text (issue 9, point 4).
    measure = Measure.objects.get(slug="voip")
    Measure.objects.apply_change(
        measure.pk,
        expected_version=measure.version,
        user=User.objects.get(username="sven"),
        reason="t",
        description="Telefonie über das Schulnetz.",
        work_items=measure.work_items + "\nRufnummern portieren",
    )
    public.goto(staff_live + "/berichte/vergleich/")
    comparison = public.locator(".comparison")
    expect(comparison).to_contain_text("Erfassung pro Schule begonnen (vorher 36/74 gemeldet)")
    expect(comparison).to_contain_text("Beschreibung ergänzt: „Telefonie über das Schulnetz.“")
    expect(comparison).to_contain_text("Neues Arbeitspaket: „Rufnummern portieren“")
    if javascript:
        assert_accessible(public)
