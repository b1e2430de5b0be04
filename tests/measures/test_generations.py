"""Plan generations: an authority's earlier, current and prepared plans, each at
its own address, with slugs unique per plan and measures that carry on earlier
ones (issue 12)."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from measures.importers import PlanFileError, load_plan
from measures.models import Measure, Plan, Stage
from tests.factories import make_field, make_measure, make_plan


@pytest.fixture
def generations(db):
    """Bielefeld-like: the plan of 2004 (earlier, public), 2023-2027 (current)
    and 2028-2032 (in preparation), each with a WLAN measure of the same slug."""
    current = make_plan(title="MEP", period_start=2023, period_end=2027)
    earlier = make_plan(title="MEP 2004", period_start=2004, period_end=2008)
    draft = make_plan(title="MEP neu", period_start=2028, period_end=2032)
    earlier.publish_as_earlier(user=None, reason="Abgeschlossener Plan")
    old = make_measure(make_field(earlier), title="WLAN 2004", slug="wlan")
    now = make_measure(make_field(current), title="WLAN heute", slug="wlan", continues=old)
    make_measure(make_field(draft), title="WLAN künftig", slug="wlan", continues=now)
    only_old = make_measure(make_field(earlier), title="Medienecken", slug="medienecken")
    return {
        "current": current,
        "earlier": earlier,
        "draft": draft,
        "old": old,
        "now": now,
        "only_old": only_old,
    }


def test_each_public_plan_has_its_own_address(generations, client):
    assert generations["earlier"].slug == "2004-2008"
    page = client.get("/plaene/2004-2008/")
    assert page.status_code == 200
    assert "Früherer Plan:" in page.text and "WLAN 2004" in page.text
    assert "Laufend aktualisiert" not in page.text and "Letzte Änderung am" in page.text
    assert 'href="/plaene/2004-2008/massnahmen/wlan/"' in page.text
    assert 'href="/plaene/2004-2008/berichte/"' in page.text
    assert "WLAN heute" not in page.text
    # The current plan is at the top, and at its own address too.
    top = client.get("/")
    assert "WLAN heute" in top.text and "Früherer Plan:" not in top.text
    assert "Laufend aktualisiert" in top.text
    assert 'href="/massnahmen/wlan/"' in top.text
    assert client.get("/plaene/2023-2027/").status_code == 200


def test_a_plan_in_preparation_and_an_unknown_plan_are_not_found(generations, client):
    assert client.get("/plaene/2028-2032/").status_code == 404
    assert client.get("/plaene/2028-2032/massnahmen/wlan/").status_code == 404
    assert client.get("/plaene/2028-2032/berichte/").status_code == 404
    assert client.get("/plaene/2028-2032/bericht.pdf").status_code == 404
    assert client.get("/plaene/gibt-es-nicht/").status_code == 404
    assert "WLAN künftig" not in client.get("/plaene/").text


def test_the_plans_page_lists_the_public_plans(generations, client):
    page = client.get("/plaene/")
    assert page.status_code == 200
    assert 'href="/"' in page.text and 'href="/plaene/2004-2008/"' in page.text
    assert "aktueller Plan" in page.text and "früherer Plan" in page.text
    assert "MEP neu" not in page.text


def test_a_slug_is_unique_per_plan_not_per_installation(generations):
    assert Measure.objects.filter(slug="wlan").count() == 3
    current = generations["current"]
    twin = Measure(field=make_field(current), title="Noch einmal", slug="wlan")
    with pytest.raises(ValidationError) as error:
        twin.full_clean()
    assert error.value.message_dict["__all__"] == ["Dieser Kurzname ist im Plan schon vergeben."]
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_a_measure_moved_to_another_plans_field_moves_with_it(generations):
    measure = generations["only_old"]
    measure.field = make_field(generations["current"])
    measure.save()
    measure.refresh_from_db()
    assert measure.plan == generations["current"]


def test_an_old_link_to_a_measure_of_an_earlier_plan_leads_to_it(generations, client):
    response = client.get("/massnahmen/medienecken/")
    assert (response.status_code, response["Location"]) == (
        302,
        "/plaene/2004-2008/massnahmen/medienecken/",
    )
    # A slug the current plan has is the current plan's measure.
    assert "WLAN heute" in client.get("/massnahmen/wlan/").text
    assert client.get("/massnahmen/gibt-es-nicht/").status_code == 404


def test_a_measure_of_a_plan_in_preparation_is_never_a_redirect(generations, client):
    draft = generations["draft"]
    make_measure(make_field(draft), title="Geheim", slug="geheim")
    assert client.get("/massnahmen/geheim/").status_code == 404


def test_continuation_is_shown_both_ways_among_public_plans(generations, client):
    now = client.get("/massnahmen/wlan/").text
    assert "Setzt fort" in now
    assert 'href="/plaene/2004-2008/massnahmen/wlan/"' in now
    # Its successor in the plan in preparation is not public yet.
    assert "Fortgesetzt durch" not in now and "WLAN künftig" not in now
    old = client.get("/plaene/2004-2008/massnahmen/wlan/").text
    assert "Fortgesetzt durch" in old and 'href="/massnahmen/wlan/"' in old
    assert "WLAN heute" in old


def test_only_a_measure_of_an_earlier_plan_can_be_continued(generations):
    later_plan_measure = generations["now"]
    backwards = make_measure(make_field(generations["earlier"]), continues=later_plan_measure)
    same_plan = make_measure(make_field(generations["earlier"]), continues=generations["old"])
    for measure in [backwards, same_plan]:
        with pytest.raises(ValidationError) as error:
            measure.full_clean()
        assert "nur eine Maßnahme eines früheren Plans" in str(error.value)


def test_staff_see_no_edit_links_on_an_earlier_plans_pages(generations, admin_client):
    assert "/verwaltung/massnahmen/" not in admin_client.get("/plaene/2004-2008/").text
    old = admin_client.get("/plaene/2004-2008/massnahmen/wlan/").text
    assert "/verwaltung/massnahmen/wlan/" not in old
    assert "/verwaltung/massnahmen/wlan/" in admin_client.get("/massnahmen/wlan/").text
    # The staff area works on the current plan only.
    assert admin_client.get("/verwaltung/massnahmen/medienecken/").status_code == 404


def test_making_a_new_plan_current_keeps_the_old_one_public(generations, client):
    user = User.objects.create_user("ada")
    previous = Plan.objects.get(pk=generations["draft"].pk).make_current(
        user=user, reason="Vom Rat beschlossen"
    )
    assert previous == generations["current"]
    assert Plan.objects.get(pk=previous.pk).stage == Stage.EARLIER
    assert "WLAN künftig" in client.get("/massnahmen/wlan/").text
    assert "WLAN heute" in client.get("/plaene/2023-2027/massnahmen/wlan/").text
    assert client.get("/plaene/2004-2008/").status_code == 200


def test_publishing_as_earlier_leaves_every_other_plan_alone(generations):
    draft = generations["draft"]
    assert generations["earlier"].publish_as_earlier(user=None, reason="noch einmal") is False
    assert draft.publish_as_earlier(user=None, reason="Vorab") is True
    assert Plan.objects.get(pk=draft.pk).stage == Stage.EARLIER
    assert Plan.objects.current() == generations["current"]
    assert draft.history.latest("history_date").history_change_reason == "Vorab"


PLAN_2004 = {
    "plan": {
        "authority": "Stadt Musterstadt",
        "title": "Medienentwicklungsplan 2004",
        "slug": "mep-2004",
        "period_start": 2004,
        "period_end": 2008,
        "as_of": datetime.date(2004, 5, 1),
    },
    "fields": [{"title": "Technik", "measures": [{"title": "Netz", "slug": "netz"}]}],
}


def _plan_2023(continues: str) -> dict:
    return {
        "plan": {
            "authority": "Stadt Musterstadt",
            "title": "Medienentwicklungsplan 2023",
            "period_start": 2023,
            "as_of": datetime.date(2023, 5, 1),
        },
        "fields": [
            {
                "title": "Technik",
                "measures": [{"title": "Netz", "slug": "netz", "continues": continues}],
            }
        ],
    }


def test_a_plan_file_names_its_address_and_what_a_measure_continues(db):
    load_plan(PLAN_2004)
    stats = load_plan(_plan_2023("mep-2004/netz"))
    assert stats["current"] == 0  # the file of 2004 came first
    earlier, later = Plan.objects.get(slug="mep-2004"), Plan.objects.get(period_start=2023)
    assert later.slug == "ab-2023"
    netz = Measure.objects.get(plan=later)
    assert netz.continues == Measure.objects.get(plan=earlier, slug="netz")


def test_a_plan_file_continuing_an_unknown_measure_is_refused_naming_it(db):
    load_plan(PLAN_2004)
    with pytest.raises(PlanFileError) as error:
        load_plan(_plan_2023("mep-2004/gibt-es-nicht"))
    assert "Handlungsfeld 1, Maßnahme 1" in str(error.value)
    assert "„mep-2004/gibt-es-nicht“" in str(error.value)
    assert not Plan.objects.filter(period_start=2023).exists()
    with pytest.raises(PlanFileError) as error:
        load_plan(_plan_2023("nur ein Name"))
    assert "continues" in str(error.value)
    assert "„Kurzname des Plans/Kurzname der Maßnahme“" in str(error.value)


def test_a_plan_file_cannot_continue_its_own_plan(db):
    load_plan(PLAN_2004)
    again = {
        **PLAN_2004,
        "fields": [
            {
                "title": "Technik",
                "measures": [
                    {"title": "Netz", "slug": "netz"},
                    {"title": "Netz 2", "slug": "netz-2", "continues": "mep-2004/netz"},
                ],
            }
        ],
    }
    with pytest.raises(PlanFileError, match="„mep-2004/netz“"):
        load_plan(again, reset=True)


def test_an_earlier_plans_pages_cost_the_queries_of_the_current_plans(generations):
    client = Client()
    counts = []
    for urls in [
        ("/", "/massnahmen/wlan/"),
        ("/plaene/2004-2008/", "/plaene/2004-2008/massnahmen/wlan/"),
    ]:
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
    assert counts[:2] == counts[2:]


def test_a_plan_file_cannot_take_another_plans_address(db):
    load_plan(PLAN_2004)
    taken = {**PLAN_2004, "plan": {**PLAN_2004["plan"], "title": "Ein anderer Plan"}}
    with pytest.raises(PlanFileError) as error:
        load_plan(taken)
    assert "Die Adresse „mep-2004“ hat schon der Plan" in str(error.value)
    assert Plan.objects.count() == 1


def test_a_field_moved_to_another_plan_takes_its_measures_along(generations):
    field = generations["only_old"].field
    field.plan = generations["current"]
    field.full_clean()
    field.save()
    assert Measure.objects.get(pk=generations["only_old"].pk).plan == generations["current"]
    # A field whose measure's slug the plan has already is refused in German.
    wlan_field = generations["old"].field
    wlan_field.plan = generations["current"]
    with pytest.raises(ValidationError) as error:
        wlan_field.full_clean()
    assert "Der Plan hat schon Maßnahmen mit den Kurznamen „wlan“" in str(error.value)
