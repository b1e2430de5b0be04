import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from measures.importers import PlanFileError, load_plan
from measures.models import FieldOfAction, Measure, Plan
from tests.measures.deck import DECK, FIELDS


def _as_deck(measure: Measure) -> tuple:
    rollout = measure.rollout
    return (
        measure.field.title,
        measure.title,
        measure.work_item_list,
        measure.get_status_display() if measure.status else None,
        str(measure.target) if measure.target else None,
        (rollout.done, rollout.total) if rollout else None,
    )


def test_loads_the_deck_exactly(bielefeld):
    assert bielefeld.authority == "Stadt Bielefeld – Amt für Schule"
    assert bielefeld.period == "2023-2027"
    assert bielefeld.as_of == datetime.date(2023, 4, 1)
    assert [field.title for field in bielefeld.fields.all()] == FIELDS
    measures = Measure.objects.for_plan(bielefeld).for_report()
    assert [_as_deck(measure) for measure in measures] == DECK


def test_every_loaded_object_is_valid(bielefeld):
    for measure in Measure.objects.all():
        measure.full_clean()


def test_running_twice_changes_nothing(bielefeld):
    def snapshot():
        return (
            list(Plan.objects.values()),
            list(FieldOfAction.objects.values()),
            list(Measure.objects.values()),
        )

    before = snapshot()
    out = io.StringIO()
    call_command("load_bielefeld", reset=True, stdout=out)
    assert snapshot() == before
    assert "0 Änderungen" in out.getvalue()
    call_command("load_bielefeld", stdout=out)
    assert snapshot() == before


def test_loading_again_keeps_what_staff_changed(bielefeld):
    measure = Measure.objects.get(slug="voip")
    measure.status = "done"
    measure.save()
    out = io.StringIO()
    call_command("load_bielefeld", stdout=out)
    assert Measure.objects.get(slug="voip").status == "done"
    assert "schon geladen" in out.getvalue() and "--reset" in out.getvalue()


def test_reset_restores_the_deck_and_removes_what_it_lacks(bielefeld):
    measure = Measure.objects.get(slug="voip")
    measure.status = "done"
    measure.save()
    extra_field = FieldOfAction.objects.create(plan=bielefeld, title="Extra", slug="extra")
    Measure.objects.create(field=extra_field, title="Extra", slug="extra")

    call_command("load_bielefeld", reset=True, stdout=io.StringIO())

    assert Measure.objects.get(slug="voip").status == "waiting"
    assert not Measure.objects.filter(slug="extra").exists()
    assert FieldOfAction.objects.count() == 7
    assert Measure.objects.count() == 20


def test_broken_plan_file_is_refused_and_changes_nothing(bielefeld, tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(
        '[plan]\nauthority = "Stadt Bielefeld – Amt für Schule"\n'
        'title = "Digitalstrategie und Medienentwicklungsplan für die allgemeinbildenden Schulen"\n'
        "period_start = 2023\nperiod_end = 2027\nas_of = 2023-04-01\n"
        '[[fields]]\ntitle = "Neu"\n[[fields.measures]]\ntitle = "X"\ntarget = "Q5 2025"\n',
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="fehlerhaft"):
        call_command("load_plan", path, reset=True, stdout=io.StringIO())
    assert Measure.objects.count() == 20
    assert not FieldOfAction.objects.filter(title="Neu").exists()


def test_not_toml_is_refused(db, tmp_path):
    path = tmp_path / "plan.toml"
    path.write_bytes(b"\xff\xfe not toml")
    with pytest.raises(CommandError, match="kann nicht gelesen werden"):
        call_command("load_plan", path, stdout=io.StringIO())


def test_unknown_status_is_refused(db):
    data = {
        "plan": {
            "authority": "A",
            "title": "T",
            "period_start": 2023,
            "period_end": 2027,
            "as_of": datetime.date(2024, 1, 1),
        },
        "fields": [{"title": "F", "measures": [{"title": "M", "status": "Fertig"}]}],
    }
    with pytest.raises(PlanFileError):
        load_plan(data)
    assert not Plan.objects.exists()


def test_another_authority_can_load_its_own_plan(db):
    data = {
        "plan": {
            "authority": "Kreis Musterland",
            "title": "MEP",
            "period_start": 2024,
            "period_end": 2028,
            "as_of": datetime.date(2024, 6, 1),
        },
        "fields": [
            {
                "title": "Fortbildung",
                "measures": [
                    {
                        "title": "Schulungen für Lehrkräfte",
                        "status": "Abgeschlossen",
                        "target": "Q1 2025",
                        "rollout": "12/12",
                    }
                ],
            }
        ],
    }
    load_plan(data)
    measure = Measure.objects.get()
    assert measure.slug == "schulungen-fuer-lehrkraefte"
    assert measure.field.slug == "fortbildung"
    assert str(measure.rollout) == "12/12"


def test_another_plan_has_its_own_measure_of_the_same_slug(bielefeld):
    voip = Measure.objects.get(slug="voip")
    data = {
        "plan": {
            "authority": "Kreis Lippe",
            "title": "MEP",
            "period_start": 2024,
            "period_end": 2028,
            "as_of": datetime.date(2024, 6, 1),
        },
        "fields": [{"title": "Technik", "measures": [{"title": "VoIP"}]}],
    }
    load_plan(data)
    lippe = Plan.objects.get(owner__name="Kreis Lippe")
    assert Measure.objects.get(plan=lippe).slug == "voip"
    voip.refresh_from_db()
    assert voip.plan == bielefeld and voip.title == "VoIP"
    assert Measure.objects.filter(slug="voip").count() == 2


def test_loading_records_history_with_a_reason(bielefeld):
    measure = Measure.objects.get(slug="voip")
    assert measure.history.get().history_change_reason == "Plandatei geladen"
    Measure.objects.filter(pk=measure.pk).update(status="done")
    call_command("load_bielefeld", reset=True, stdout=io.StringIO())
    latest = measure.history.latest("history_date")
    assert (latest.status, latest.history_change_reason) == ("waiting", "Plandatei geladen")
    assert measure.history.count() == 2
