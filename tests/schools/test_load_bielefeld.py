"""`manage.py load_bielefeld` brings Bielefeld's real schools along, idempotently."""

import datetime
import io

from django.core.management import call_command

from schools.models import School
from schools.scope import BIELEFELD_AUTHORITY_NUMBER, BIELEFELD_SCHOOL_FORMS


def test_loads_the_shipped_schools_with_their_districts(bielefeld):
    assert School.objects.count() == 117
    assert School.objects.filter(district="Jöllenbeck").count() == 5
    in_scope = School.objects.in_scope(
        BIELEFELD_AUTHORITY_NUMBER, BIELEFELD_SCHOOL_FORMS, datetime.date(2026, 7, 31)
    )
    assert in_scope.count() == 74


def test_a_second_load_changes_no_school(bielefeld):
    before = list(School.objects.order_by("school_number").values())
    out = io.StringIO()
    call_command("load_bielefeld", stdout=out)
    assert list(School.objects.order_by("school_number").values()) == before
    assert "Schule" not in out.getvalue()  # quiet: only the plan's own line
