"""One Stand for the live report (issue 9, point 3).

The live report is "laufend aktualisiert, letzte Änderung am <day>": the day of
the newest history record of the plan, its fields of action, its measures and
their per-school rows. The pages, the live decks and the presentation all say
that; overdue is judged as of the day a deck is retrieved, which it says too.
An edition keeps its own Stand, its date. Plan.as_of is the plan document's
date ("Plan vom").
"""

import datetime
import io
import re

import pytest
from django.utils import timezone
from pptx import Presentation
from pypdf import PdfReader

from editions.models import Edition
from measures.models import FieldOfAction, Measure, Plan
from measures.rollout import SchoolRollout
from tests.factories import make_school

LONG_AGO = datetime.datetime(2024, 1, 10, 12, tzinfo=datetime.UTC)


def _at(day: datetime.date) -> datetime.datetime:
    """Noon of `day` in the portal's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _short(day: datetime.date) -> str:
    return f"{day:%d.%m.%Y}"


def squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def plan(bielefeld) -> Plan:
    """Bielefeld with all its history made long ago; one school tracked for VoIP."""
    measure = Measure.objects.get(slug="voip")
    SchoolRollout.objects.create(measure=measure, school=make_school())
    for model in (Plan, FieldOfAction, Measure, SchoolRollout):
        model.history.update(history_date=LONG_AGO)
    return bielefeld


def _newest(model, **filters):
    return model.history.filter(**filters).order_by("-history_date", "-history_id")


@pytest.mark.parametrize(
    "model, filters",
    [
        (Plan, {}),
        (FieldOfAction, {"slug": "support"}),
        (Measure, {"slug": "voip"}),
        (SchoolRollout, {}),
    ],
)
def test_last_change_is_the_newest_record_of_any_part_of_the_plan(plan, model, filters):
    changed = datetime.date(2025, 3, 2)
    record = _newest(model, **filters).first()
    model.history.filter(pk=record.pk).update(history_date=_at(changed))
    assert Plan.objects.current().last_change_date == changed
    assert Plan.objects.get(pk=plan.pk).last_change_date == changed


def test_another_plans_changes_do_not_count(plan):
    from tests.factories import make_field, make_measure, make_plan

    draft = make_measure(make_field(make_plan(title="Entwurf")))  # made today
    SchoolRollout.objects.create(measure=draft, school=make_school())
    assert Plan.objects.current().last_change_date == LONG_AGO.date()


def test_the_rows_newest_record_is_found_measure_by_measure_through_an_index(db):
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(
            cursor, "schools_historicalschoolrollout"
        )
    assert any(
        index["index"] and index["columns"] == ["measure_id", "history_date"]
        for index in constraints.values()
    )


def test_last_change_costs_no_query_on_the_current_plan_and_one_else(
    plan, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert Plan.objects.current().last_change_date == LONG_AGO.date()
    unannotated = Plan.objects.get(pk=plan.pk)
    with django_assert_num_queries(1):
        assert unannotated.last_change_date == LONG_AGO.date()
        assert unannotated.last_change == LONG_AGO


def test_a_change_today_is_the_reports_stand(bielefeld, client):
    today = timezone.localdate()
    html = client.get("/").text
    assert f"Laufend aktualisiert, letzte Änderung am {_short(today)}" in html
    assert f'<time datetime="{today:%Y-%m-%d}">' in html
    # The plan's own date is the plan document's, said as such, not a Stand.
    assert 'Plan vom <time datetime="2023-04-01">01.04.2023</time>' in html
    assert "Stand: <time" not in html


def test_every_page_with_a_stand_says_the_same(plan, client, admin_client):
    expected = f"Laufend aktualisiert, letzte Änderung am {_short(LONG_AGO.date())}"
    assert expected in client.get("/").text
    assert expected in client.get("/massnahmen/voip/").text
    assert "Stand des Plans" not in client.get("/massnahmen/voip/").text
    assert expected in admin_client.get("/verwaltung/").text
    assert expected in client.get("/praesentation/").text


def test_the_school_pages_say_the_same_stand(plan, client):
    """They show the measures' states too, so they say how current these are."""
    expected = f"Laufend aktualisiert, letzte Änderung am {_short(LONG_AGO.date())}"
    school = plan.schools(timezone.localdate()).order_by("name").first()
    assert expected in client.get("/schulen/").text
    assert expected in client.get(f"/schulen/{school.school_number}/").text


def test_live_decks_say_the_last_change_and_the_day_they_were_retrieved(plan, client):
    today = timezone.localdate()
    changed = LONG_AGO.date()
    pdf = client.get("/bericht.pdf")
    assert pdf["Content-Disposition"] == (
        'attachment; filename="stadt-bielefeld-amt-fuer-schule-'
        f'fortschrittsbericht-{changed:%Y-%m-%d}.pdf"'
    )
    title = squeeze(PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text())
    assert squeeze(f"Laufend aktualisiert, letzte Änderung am {_short(changed)}") in title
    assert squeeze(f"Abgerufen am {_short(today)}") in title
    assert "Stand:" not in title

    pptx = client.get("/bericht.pptx")
    assert pptx["Content-Disposition"] == (
        'attachment; filename="stadt-bielefeld-amt-fuer-schule-'
        f'fortschrittsbericht-{changed:%Y-%m-%d}.pptx"'
    )
    slide = Presentation(io.BytesIO(pptx.content)).slides[0]
    text = " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
    assert f"Laufend aktualisiert, letzte Änderung am {_short(changed)}" in text
    assert f"Abgerufen am {_short(today)}" in text

    html = client.get("/praesentation/").text
    title_slide = html.split('class="slide slide--title"')[1].split("</section>")[0]
    assert re.search(
        rf'<time datetime="{changed:%Y-%m-%d}">Laufend aktualisiert, letzte Änderung am '
        rf"{re.escape(_short(changed))}</time>",
        title_slide,
    )


def test_an_edition_keeps_its_own_stand(plan, client):
    from django.contrib.auth.models import User

    day = timezone.localdate() - datetime.timedelta(days=3)
    Edition.publish(
        plan,
        user=User.objects.create_user("petra"),
        date=day,
        today=timezone.localdate(),
        title="Bericht an den Schulausschuss",
        slug="bericht",
    )
    html = client.get("/berichte/bericht/").text
    assert f'Stand: <time datetime="{day:%Y-%m-%d}">{_short(day)}</time>' in html
    assert "Laufend aktualisiert" not in html
    title = PdfReader(io.BytesIO(client.get("/berichte/bericht/bericht.pdf").content))
    text = squeeze(title.pages[0].extract_text())
    assert squeeze(f"Stand: {_short(day)}") in text
    assert "Laufendaktualisiert" not in text
    presentation = client.get("/berichte/bericht/praesentation/").text
    assert f"Stand: {_short(day)}" in presentation
    assert "Laufend aktualisiert" not in presentation


def test_the_stand_in_english(plan, client):
    client.post("/i18n/setlang/", {"language": "en"})
    html = client.get("/").text
    assert "Continuously updated, last change on" in html
    assert "Plan dated" in html
    slide = Presentation(io.BytesIO(client.get("/bericht.pptx").content)).slides[0]
    text = " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
    assert "Continuously updated, last change on" in text and "Retrieved on" in text
