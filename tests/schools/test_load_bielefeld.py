"""`manage.py load_bielefeld` brings Bielefeld's real schools along, idempotently."""

import datetime
import io

from django.core.management import call_command

from schools.importers import BIELEFELD_DISTRICTS_FILE
from schools.models import School
from tests.factories import BIELEFELD_AUTHORITY_NUMBER, BIELEFELD_SCHOOL_FORMS


def test_loads_the_shipped_schools_with_their_districts(bielefeld):
    assert School.objects.count() == 117
    assert School.objects.filter(district="Jöllenbeck").count() == 5


def test_the_plans_scope_is_a_rule_74_schools_then_76(bielefeld):
    assert (bielefeld.school_authority_number, bielefeld.school_form_codes) == (
        BIELEFELD_AUTHORITY_NUMBER,
        list(BIELEFELD_SCHOOL_FORMS),
    )
    assert bielefeld.schools(datetime.date(2026, 7, 31)).count() == 74
    opened = bielefeld.schools(datetime.date(2026, 8, 1))
    assert opened.count() == 76
    assert {"100257", "100260"} < set(opened.values_list("school_number", flat=True))


def test_a_second_load_changes_no_school(bielefeld):
    before = list(School.objects.order_by("school_number").values())
    out = io.StringIO()
    call_command("load_bielefeld", stdout=out)
    assert list(School.objects.order_by("school_number").values()) == before
    # One line per step says what it did: here, nothing.
    assert "Schulverzeichnis NRW: 0 neu, 0 geändert, 117 unverändert, 0 abgelehnt" in (
        out.getvalue()
    )
    assert "Bezirke: 0 gesetzt" in out.getvalue()


def test_a_per_school_measure_counts_out_of_the_scope_of_the_day(bielefeld):
    from django.contrib.auth.models import User

    from measures.models import Measure
    from measures.rollout import RolloutState, SchoolRollout

    measure = Measure.objects.get(slug="voip")
    user = User.objects.create_user("petra")
    SchoolRollout.objects.start_tracking(measure, user=user)
    done = SchoolRollout.objects.filter(measure=measure).order_by("school__name")[:10]
    SchoolRollout.objects.filter(pk__in=[row.pk for row in done]).update(
        state=RolloutState.DONE, date=datetime.date(2026, 5, 1)
    )

    def counted(on: datetime.date) -> tuple[int, int]:
        rollout = Measure.objects.for_report(bielefeld, on).get(pk=measure.pk).rollout
        return rollout.done, rollout.total

    # Nobody touched the rows on 1 August; the two new schools count as open.
    assert counted(datetime.date(2026, 7, 31)) == (10, 74)
    assert counted(datetime.date(2026, 8, 1)) == (10, 76)
    # Without the annotations (one measure on its own) the same, as of today.
    assert (Measure.objects.get(pk=measure.pk).rollout.done, measure.rollout.total) == (10, 76)


def test_loading_again_keeps_a_district_an_administrator_corrected(bielefeld):
    School.objects.filter(school_number="100045").update(district="Mitte")  # file: Heepen
    call_command("load_bielefeld", stdout=io.StringIO())
    assert School.objects.get(school_number="100045").district == "Mitte"
    # The command on its own sets what the file says; with --nur-fehlende it would not.
    call_command("import_districts", BIELEFELD_DISTRICTS_FILE, verbosity=0)
    assert School.objects.get(school_number="100045").district == "Heepen"


def test_the_first_load_says_what_it_imported(db):
    out = io.StringIO()
    call_command("load_bielefeld", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Plan: 7 Handlungsfelder, 20 Maßnahmen; 28 Änderungen."
    assert lines[1] == "Plan: Der Plan ist der aktuelle Plan."
    assert lines[2] == "Schulverzeichnis NRW: 117 neu, 0 geändert, 0 unverändert, 0 abgelehnt"
    assert lines[3].startswith("Bezirke: 70 gesetzt, 0 unverändert")
    assert lines[4] == (
        "Pflichtseiten: 5 angelegt, 0 aktualisiert, 0 unverändert, 0 in der Verwaltung "
        "bearbeitet und beibehalten (Stadt Bielefeld – Amt für Schule)."
    )
    assert lines[5].startswith("Schulen des Plans heute: ")


def test_a_dry_run_prints_the_same_and_writes_nothing(db):
    from django.apps import apps

    def counts() -> dict[str, int]:
        return {model._meta.label: model.objects.count() for model in apps.get_models()}

    empty = counts()
    dry = io.StringIO()
    call_command("load_bielefeld", "--dry-run", stdout=dry)
    assert counts() == empty
    real = io.StringIO()
    call_command("load_bielefeld", stdout=real)
    assert dry.getvalue().splitlines() == [
        "Probelauf (--dry-run): Es wird nichts gespeichert.",
        *real.getvalue().splitlines(),
        "Probelauf beendet: Nichts wurde gespeichert.",
    ]
    assert "Schulverzeichnis NRW: 117 neu" in real.getvalue()
