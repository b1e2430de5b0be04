"""Which plan is public is an administrator's choice (issue 9, point 2).

Adding or loading a plan never changes the public site by itself; an
administrator makes a plan public in the admin after a confirmation that says
what changes, with a reason recorded in the history.
"""

import datetime
import io
import logging
import re
import threading

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, connections, transaction
from django.test import Client

from editions.models import Edition
from measures.models import Measure, Plan, Stage
from measures.rollout import SchoolRollout
from tests.factories import make_field, make_measure, make_plan, make_user
from tests.two_factor import client_for

MAKE_CURRENT = "/admin/measures/plan/{}/aktuell/"
PUBLISH_EARLIER = "/admin/measures/plan/{}/frueher/"


@pytest.fixture
def newer(bielefeld) -> Plan:
    """A second plan with a newer date than Bielefeld's, as an administrator adds one."""
    plan = make_plan(owner=bielefeld.owner, title="MEP 2028-2032", as_of=datetime.date(2028, 1, 1))
    make_measure(make_field(plan), title="Neue Maßnahme", slug="neue-massnahme")
    return plan


@pytest.fixture
def chooser(db) -> User:
    """A staff member allowed to choose the public plan, but no superuser."""
    return make_user("ada", is_staff=True, permissions=["make_plan_public", "view_plan"])


def test_adding_a_plan_in_the_admin_leaves_the_public_site(bielefeld, admin_client):
    response = admin_client.post(
        "/admin/measures/plan/add/",
        {
            "owner": bielefeld.owner_id,
            "title": "Entwurf MEP 2028",
            "period_start": 2028,
            "period_end": 2032,
            "slug": "2028-2032",
            "as_of": "01.01.2030",
            "language": "de",
            "fields-TOTAL_FORMS": 0,
            "fields-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    draft = Plan.objects.get(title="Entwurf MEP 2028")
    assert draft.stage == Stage.DRAFT and not draft.is_public
    assert Plan.objects.current() == bielefeld
    report = admin_client.get("/")
    assert report.status_code == 200
    assert bielefeld.title in report.text
    assert admin_client.get("/massnahmen/voip/").status_code == 200
    dashboard = admin_client.get("/verwaltung/").text
    assert "VoIP" in dashboard


def test_the_first_loaded_plan_is_current_a_further_one_is_not(db, tmp_path):
    out = io.StringIO()
    call_command("load_bielefeld", stdout=out)
    bielefeld = Plan.objects.get()
    assert bielefeld.is_current and bielefeld.slug == "2023-2027"
    assert "Der Plan ist der aktuelle Plan." in out.getvalue()

    path = tmp_path / "plan.toml"
    path.write_text(
        '[plan]\nauthority = "Stadt Bielefeld – Amt für Schule"\ntitle = "MEP"\n'
        "period_start = 2024\nperiod_end = 2028\nas_of = 2030-01-01\n"
        '[[fields]]\ntitle = "Technik"\n[[fields.measures]]\ntitle = "Neu in Lippe"\n',
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("load_plan", path, stdout=out)
    assert "nicht der aktuelle" in out.getvalue()
    assert "als aktuellen Plan festlegen" in out.getvalue()
    assert Plan.objects.current() == bielefeld
    lippe = Plan.objects.get(title="MEP")
    assert lippe.stage == Stage.DRAFT and lippe.slug == "2024-2028"
    # Loading Bielefeld again (make run) keeps it current and says so.
    out = io.StringIO()
    call_command("load_bielefeld", stdout=out)
    assert "Der Plan ist der aktuelle Plan." in out.getvalue()


def test_make_plan_makes_the_first_plan_current_only(db):
    first, second = make_plan(), make_plan(title="Zweiter Plan")
    assert first.is_current and second.stage == Stage.DRAFT
    assert (first.slug, second.slug) == ("2023-2027", "2023-2027-2")


def test_at_most_one_plan_is_current(bielefeld, newer):
    newer.stage = Stage.CURRENT
    with pytest.raises(ValidationError) as error:
        newer.full_clean()
    assert "Es ist schon ein anderer Plan aktuell" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        newer.save()


def test_confirmation_says_what_changes(bielefeld, newer, chooser):
    response = client_for(chooser).get(MAKE_CURRENT.format(newer.pk))
    assert response.status_code == 200
    html = response.text
    assert "Jetzt aktuell" in html and "Danach aktuell" in html
    assert "bleibt als früherer Plan mit seinen Maßnahmen und Berichten öffentlich" in html
    assert f"„{bielefeld}“ mit 20 Maßnahmen" in html
    assert f"„{newer}“ mit 1 Maßnahme" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert f'name="replacing" value="{bielefeld.pk}"' in html
    assert Plan.objects.current() == bielefeld  # looking changes nothing


def test_publishing_an_earlier_plan_is_confirmed_with_a_reason(bielefeld, newer, chooser):
    client = client_for(chooser)
    page = client.get(PUBLISH_EARLIER.format(newer.pk))
    assert page.status_code == 200
    assert f"„{newer}“ mit 1 Maßnahme wird öffentlich" in page.text
    assert f"/plaene/{newer.slug}/" in page.text
    refused = client.post(PUBLISH_EARLIER.format(newer.pk), {"reason": " "})
    assert refused.status_code == 422
    assert Plan.objects.get(pk=newer.pk).stage == Stage.DRAFT
    done = client.post(PUBLISH_EARLIER.format(newer.pk), {"reason": "Abgeschlossen"})
    assert (done.status_code, done["Location"]) == (302, "/admin/measures/plan/")
    assert Plan.objects.get(pk=newer.pk).stage == Stage.EARLIER
    assert Plan.objects.current() == bielefeld
    assert Client().get(f"/plaene/{newer.slug}/").status_code == 200
    # Once public, the page says so and changes nothing.
    again = client.get(PUBLISH_EARLIER.format(newer.pk))
    assert again.status_code == 302
    assert again["Location"] == f"/admin/measures/plan/{newer.pk}/change/"


def test_making_a_plan_current_switches_the_site_and_keeps_the_old_one_public(
    bielefeld, newer, chooser, caplog
):
    publisher = User.objects.create_user("petra")
    Edition.publish(
        bielefeld,
        user=publisher,
        date=datetime.date.today(),
        today=datetime.date.today(),
        title="Bericht März",
        slug="bericht-maerz",
    )
    caplog.set_level(logging.WARNING, logger="portal.security")
    client = client_for(chooser)
    response = client.post(
        MAKE_CURRENT.format(newer.pk),
        {"reason": "Neuer Plan vom Rat beschlossen", "replacing": bielefeld.pk},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/measures/plan/"
    bielefeld.refresh_from_db()
    newer.refresh_from_db()
    assert newer.is_current and bielefeld.stage == Stage.EARLIER
    for plan, stage in [(newer, Stage.CURRENT), (bielefeld, Stage.EARLIER)]:
        record = plan.history.latest("history_date")
        assert record.stage == stage
        assert record.history_user == chooser
        assert record.history_change_reason == "Neuer Plan vom Rat beschlossen"
    assert any("Aktueller Plan gewechselt" in r.getMessage() for r in caplog.records)
    assert "Neue Maßnahme" in client.get("/").text
    # The old plan stays public at its own address, and old links lead there.
    old = Client().get("/massnahmen/voip/")
    assert (old.status_code, old["Location"]) == (302, "/plaene/2023-2027/massnahmen/voip/")
    assert "Früherer Plan:" in Client().get(old["Location"]).text
    old = Client().get("/berichte/bericht-maerz/")
    assert (old.status_code, old["Location"]) == (302, "/plaene/2023-2027/berichte/bericht-maerz/")
    assert Client().get(old["Location"]).status_code == 200


def test_without_a_reason_nothing_changes(bielefeld, newer, chooser):
    response = client_for(chooser).post(
        MAKE_CURRENT.format(newer.pk), {"reason": "  ", "replacing": bielefeld.pk}
    )
    assert response.status_code == 422
    assert "Dieses Feld ist zwingend erforderlich" in response.text
    assert Plan.objects.current() == bielefeld


def test_a_reason_longer_than_300_characters_is_refused(bielefeld, newer, chooser):
    client = client_for(chooser)
    # No maxlength on the field: the browser would cut a pasted longer reason
    # to 300 characters without a word and switch the plan with what is left.
    page = client.get(MAKE_CURRENT.format(newer.pk)).text
    assert re.search(r'<input[^>]*name="reason"[^>]*>', page)
    assert "maxlength" not in re.search(r'<input[^>]*name="reason"[^>]*>', page)[0]
    response = client.post(
        MAKE_CURRENT.format(newer.pk), {"reason": "x" * 301, "replacing": bielefeld.pk}
    )
    assert response.status_code == 422
    assert "höchstens 300 Zeichen lang sein; eingegeben sind 301 Zeichen" in response.text
    assert 'value="' + "x" * 301 + '"' in response.text  # kept as typed
    assert Plan.objects.current() == bielefeld


def test_a_choice_made_meanwhile_is_shown_before_anything_changes(bielefeld, newer, chooser):
    third = make_plan(title="Dritter Plan")
    third.make_current(user=chooser, reason="von jemand anderem")
    response = client_for(chooser).post(
        MAKE_CURRENT.format(newer.pk), {"reason": "Neuer Plan", "replacing": bielefeld.pk}
    )
    assert response.status_code == 409
    assert "Inzwischen ist ein anderer Plan aktuell geworden" in response.text
    assert f"„{third}“ mit 0 Maßnahmen" in response.text
    assert f'name="replacing" value="{third.pk}"' in response.text
    assert 'value="Neuer Plan"' in response.text  # the reason is kept
    assert Plan.objects.current() == third


def test_the_current_plan_is_already_current(bielefeld, chooser):
    response = client_for(chooser).get(MAKE_CURRENT.format(bielefeld.pk))
    assert response.status_code == 302
    assert response["Location"] == f"/admin/measures/plan/{bielefeld.pk}/change/"


def test_only_with_the_permission(bielefeld, newer, caplog):
    caplog.set_level(logging.WARNING, logger="portal.security")
    clerk = User.objects.create_user("otto", is_staff=True)
    clerk.user_permissions.add(
        Permission.objects.get(codename="change_plan"),
        Permission.objects.get(codename="view_plan"),
    )
    client = client_for(clerk)
    data = {"reason": "Versuch", "replacing": bielefeld.pk}
    assert client.post(MAKE_CURRENT.format(newer.pk), data).status_code == 403
    assert any("den aktuellen oder einen früheren" in r.getMessage() for r in caplog.records)
    assert Plan.objects.current() == bielefeld
    # Neither button nor action for them.
    change = client.get(f"/admin/measures/plan/{newer.pk}/change/").text
    assert "/aktuell/" not in change and "/frueher/" not in change
    listing = client.get("/admin/measures/plan/").text
    assert "make_current" not in listing and "publish_as_earlier" not in listing
    assert client.post(PUBLISH_EARLIER.format(newer.pk), {"reason": "x"}).status_code == 403
    assert Plan.objects.get(pk=newer.pk).stage == Stage.DRAFT
    anonymous = Client().get(MAKE_CURRENT.format(newer.pk))
    assert anonymous.status_code == 302
    assert "/login/" in anonymous["Location"]


def test_change_form_button_and_list_action(bielefeld, newer, admin_client):
    change = admin_client.get(f"/admin/measures/plan/{newer.pk}/change/").text
    assert f'href="{MAKE_CURRENT.format(newer.pk)}"' in change
    assert "viewsitelink" not in change  # "/" does not show this plan
    public = admin_client.get(f"/admin/measures/plan/{bielefeld.pk}/change/").text
    assert MAKE_CURRENT.format(bielefeld.pk) not in public
    assert "viewsitelink" in public
    listing = admin_client.get("/admin/measures/plan/").text
    assert "Laufzeit" in listing and "Period" not in listing
    response = admin_client.post(
        "/admin/measures/plan/", {"action": "make_current", "_selected_action": [newer.pk]}
    )
    assert response.status_code == 302
    assert response["Location"] == MAKE_CURRENT.format(newer.pk)
    response = admin_client.post(
        "/admin/measures/plan/",
        {"action": "make_current", "_selected_action": [newer.pk, bielefeld.pk]},
        follow=True,
    )
    assert "Bitte wählen Sie genau einen Plan aus." in response.text
    assert Plan.objects.current() == bielefeld


def test_the_current_plan_cannot_be_deleted(bielefeld, newer, admin_client):
    assert admin_client.get(f"/admin/measures/plan/{bielefeld.pk}/delete/").status_code == 403
    assert admin_client.get(f"/admin/measures/plan/{newer.pk}/delete/").status_code == 200


def test_staff_work_on_the_current_plan_only(bielefeld, newer, admin_client):
    assert admin_client.get("/verwaltung/massnahmen/voip/").status_code == 200
    assert admin_client.get("/verwaltung/massnahmen/neue-massnahme/").status_code == 404
    assert admin_client.get("/verwaltung/massnahmen/neue-massnahme/schulen/").status_code == 404
    assert "Neue Maßnahme" not in admin_client.get("/verwaltung/").text


def test_staff_dashboard_says_when_no_plan_is_current(bielefeld, admin_client):
    Plan.objects.update(stage=Stage.DRAFT)
    html = admin_client.get("/verwaltung/").text
    assert "Es ist noch kein Plan öffentlich." in html
    assert admin_client.get("/").status_code == 404


def test_making_current_saves_no_stale_field_and_a_current_plan_stays_as_it_is(
    bielefeld, newer, chooser
):
    stale = Plan.objects.get(pk=newer.pk)
    Plan.objects.filter(pk=newer.pk).update(title="Inzwischen umbenannt")
    assert stale.make_current(user=chooser, reason="Neuer Plan") == bielefeld
    newer.refresh_from_db()
    assert newer.is_current and newer.title == "Inzwischen umbenannt"
    records = newer.history.count()
    assert newer.make_current(user=chooser, reason="Noch einmal") is None
    assert newer.history.count() == records


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs row locks: run with DATABASE_URL=postgres://…"
)
def test_two_administrators_choosing_at_once_leave_one_current_plan(transactional_db):
    first, second, third = (make_plan(title=f"Plan {n}") for n in range(3))
    user = User.objects.create_user("ada")
    barrier = threading.Barrier(2, timeout=30)
    errors = []

    def choose(plan: Plan) -> None:
        try:
            barrier.wait()
            Plan.objects.get(pk=plan.pk).make_current(user=user, reason="gleichzeitig")
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=choose, args=(plan,)) for plan in (second, third)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    assert errors == []
    assert Plan.objects.filter(stage=Stage.CURRENT).count() == 1
    assert not Plan.objects.get(pk=first.pk).is_current


def test_no_form_makes_a_plan_current_and_the_history_shows_the_switch(
    bielefeld, newer, admin_client, admin_user
):
    change = f"/admin/measures/plan/{newer.pk}/change/"
    data = {
        "owner": newer.owner_id,
        "title": newer.title,
        "period_start": newer.period_start,
        "period_end": newer.period_end,
        "slug": newer.slug,
        "as_of": "01.01.2028",
        "language": "de",
        "stage": Stage.CURRENT,
        "fields-TOTAL_FORMS": 1,
        "fields-INITIAL_FORMS": 1,
        "fields-0-id": newer.fields.get().pk,
        "fields-0-plan": newer.pk,
        "fields-0-position": 1,
        "fields-0-title": "Feld",
        "fields-0-slug": "feld",
    }
    assert admin_client.post(change, data).status_code == 302
    newer.refresh_from_db()
    assert newer.stage == Stage.DRAFT and newer.title == "MEP 2028-2032"
    assert Plan.objects.current() == bielefeld

    newer.make_current(user=admin_user, reason="Vom Rat beschlossen")
    history = admin_client.get(f"/admin/measures/plan/{newer.pk}/history/").text
    assert "Vom Rat beschlossen" in history
    assert "<strong>Geltung:</strong>" in history


def test_an_earlier_plans_measure_names_its_schools_without_linking_them(bielefeld, newer):
    """A school's page is the current plan's: an earlier plan's states are not on it."""
    voip = Measure.objects.get(slug="voip")
    SchoolRollout.objects.start_tracking(voip, user=None, reason="Start")
    school = voip.schools(datetime.date.today()).filter(district="Mitte").order_by("name").first()
    page = Client().get("/massnahmen/voip/", {"bezirk": "Mitte"}).text
    assert f'href="/schulen/{school.school_number}/"' in page
    newer.make_current(user=None, reason="Neuer Plan")
    page = Client().get("/plaene/2023-2027/massnahmen/voip/", {"bezirk": "Mitte"}).text
    assert school.name in page and f'href="/schulen/{school.school_number}/"' not in page
