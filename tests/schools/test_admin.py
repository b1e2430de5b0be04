"""The school admin shows the directory's data."""

import pytest
from django.core.management import call_command

from schools.importers import BIELEFELD_DIRECTORY_FILE
from schools.models import School

pytestmark = pytest.mark.django_db


@pytest.fixture
def schools(db) -> None:
    call_command("import_schools", BIELEFELD_DIRECTORY_FILE, verbosity=0)


def test_changelist_shows_address_status_and_authority(
    admin_client, schools, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = admin_client.get("/admin/schools/school/?q=33609")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Schlehenweg 24" in html and "10261" in html and "in Betrieb" in html
    assert "Sekundarschule Königsbrügge" not in html


def test_changelist_filters_by_status(admin_client, schools):
    response = admin_client.get("/admin/schools/school/?operation_key__exact=3")
    html = response.content.decode()
    assert "nimmt den Betrieb am 01.08.2026 auf" in html
    assert "Schlehenweg 24" not in html


def test_change_form_saves_a_district(admin_client, schools):
    school = School.objects.get(school_number="100045")
    url = f"/admin/schools/school/{school.pk}/change/"
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "Schulverzeichnis NRW" in response.content.decode()
    data = {
        name: getattr(school, name)
        for name in [
            "school_number",
            "name",
            "short_name",
            "school_form",
            "school_form_name",
            "street",
            "postcode",
            "city",
            "homepage",
            "legal_form",
            "authority_number",
            "municipality_key",
            "regional_authority",
            "operation_key",
        ]
    }
    data.update(district="Heepen", listed="on", opens_on="", closes_on="")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    school.refresh_from_db()
    assert school.district == "Heepen"
