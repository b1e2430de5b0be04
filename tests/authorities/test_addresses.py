"""Several Schulträger in one installation (issue 13): each authority's pages are
at its own address (a host name), the installation's default address shows the
first authority without one, and an authority's plan, its measures and editions
are not found at another's address."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from authorities.models import Authority
from editions.models import Edition
from measures.importers import PlanFileError, load_plan
from measures.models import Plan
from tests.authorities.conftest import HOST
from tests.factories import make_user
from tests.two_factor import client_for

PLATFORM = "2023-2027/digitale-schulplattform"  # Bielefeld's measure only


def _get(path: str, host: str = "testserver"):
    return Client().get(path, HTTP_HOST=host)


def test_each_authority_at_its_address(county, bielefeld):
    assert "Kreis Musterland – Schulamt" in _get("/", HOST).text
    assert "Kreis Musterland" not in _get("/").text and bielefeld.authority in _get("/").text
    # Any other name of the installation is the default address: Bielefeld's.
    assert bielefeld.authority in _get("/", "portal.example").text
    assert "Kreisnetz" in _get("/massnahmen/voip/", f"{HOST}:8443").text
    default_voip = _get("/massnahmen/voip/")
    assert default_voip.status_code == 200 and "Kreisnetz" not in default_voip.text
    listed = _get("/plaene/", HOST).text
    assert "MEP des Kreises" in listed and bielefeld.title not in listed


def test_another_authoritys_plan_measure_and_edition_are_not_found(county, bielefeld):
    today = timezone.localdate()
    publisher = make_user()
    Edition.publish(bielefeld, user=publisher, date=today, today=today, title="B", slug="b")
    assert _get("/berichte/b/").status_code == 200
    assert _get("/berichte/b/", HOST).status_code == 404
    assert _get("/massnahmen/digitale-schulplattform/", HOST).status_code == 404
    # The same address, each authority's own plan.
    assert "MEP des Kreises" in _get(f"/plaene/{county.slug}/", HOST).text
    default = _get(f"/plaene/{county.slug}/")
    assert default.status_code == 200 and bielefeld.title in default.text
    assert "MEP des Kreises" not in default.text


def test_a_plan_file_naming_a_new_authority_makes_its_current_plan(bielefeld):
    stats = load_plan(
        {
            "plan": {
                "authority": "Kreis Lippe",
                "title": "MEP",
                "period_start": 2024,
                "as_of": datetime.date(2024, 6, 1),
            },
            "fields": [{"title": "Technik", "measures": [{"title": "Netz"}]}],
        }
    )
    lippe = Plan.objects.get(owner__name="Kreis Lippe")
    assert stats["current"] == 1 and lippe.is_current
    # The installation's default address still shows Bielefeld's plan.
    assert Plan.objects.of(Authority.objects.serving("testserver")).current() == bielefeld
    assert Plan.objects.get(pk=bielefeld.pk).is_current


@pytest.mark.django_db
def test_a_host_name_is_one_authoritys(settings):
    settings.ALLOWED_HOSTS = [HOST]
    Authority.objects.create(name="A", host=HOST)
    with pytest.raises(ValidationError) as refused:
        Authority(name="B", host=HOST).full_clean()
    assert "Diesen Hostnamen hat schon ein anderer Schulträger." in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        Authority(name="C", host="https://kreis.de/").full_clean()
    assert "ohne Protokoll und Port" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        Authority(name="D", host="andere.example.de").full_clean()
    assert "muss zuerst in ALLOWED_HOSTS eingetragen werden" in str(refused.value)


def test_a_measure_carries_on_only_one_of_its_own_authority(county, bielefeld):
    kreisnetz = county.measures.get(slug="voip")
    voip = bielefeld.measures.get(slug="voip")
    kreisnetz.continues = voip
    with pytest.raises(ValidationError, match="desselben Schulträgers"):
        kreisnetz.full_clean()
    # Set past the check, the link is still not shown at the other's address.
    type(kreisnetz).objects.filter(pk=kreisnetz.pk).update(continues=voip)
    page = _get("/massnahmen/voip/")
    assert page.status_code == 200 and "VoIP" in page.text and "Kreisnetz" not in page.text
    assert "Setzt fort" not in _get("/massnahmen/voip/", HOST).text


def test_a_plan_file_continues_only_its_own_authoritys_plans(county, bielefeld):
    data = {
        "plan": {
            "authority": county.authority,
            "title": "MEP 2030",
            "period_start": 2030,
            "as_of": datetime.date(2030, 1, 1),
        },
        "fields": [{"title": "Netze", "measures": [{"title": "Neu", "continues": PLATFORM}]}],
    }
    with pytest.raises(PlanFileError, match="gibt es nicht"):
        load_plan(data)  # Bielefeld's measure, at the county's own plan address
    data["fields"][0]["measures"][0]["continues"] = "2023-2027/voip"
    load_plan(data)  # the county's own
    assert Plan.objects.get(title="MEP 2030").measures.get().continues.plan == county


def test_a_plan_stays_with_its_authority_in_the_admin(county):
    client = client_for(make_user(is_staff=True, is_superuser=True))
    assert 'name="owner"' in client.get("/admin/measures/plan/add/").text
    change = client.get(f"/admin/measures/plan/{county.pk}/change/")
    assert change.status_code == 200 and 'name="owner"' not in change.text
    assert "Kreis Musterland – Schulamt" in change.text  # shown, not editable
    # "Auf der Website ansehen" opens it at its own address.
    assert f'href="//{HOST}/"' in change.text


def test_downloads_are_named_for_their_authority(client, county):
    """Two Schulträger's reports of the same day never share a file name."""
    response = client.get("/bericht.pptx", HTTP_HOST=HOST)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(
        'attachment; filename="kreis-musterland-schulamt-fortschrittsbericht-'
    )


BIELEFELD_SCHOOL = "168622"  # Gymnasium Heepen, one of Bielefeld's schools


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])
def test_another_authoritys_schools_reports_and_files_are_not_found(county, bielefeld, htmx):
    """The isolation matrix of the public pages: pages, HTMX fragments, searches,
    presentations and downloads at the county's address never show Bielefeld's."""
    today = timezone.localdate()
    Edition.publish(bielefeld, user=make_user(), date=today, today=today, title="B", slug="b")
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    client = Client()

    def get(path: str):
        return client.get(path, HTTP_HOST=HOST, **headers)

    for path in [
        f"/schulen/{BIELEFELD_SCHOOL}/",
        "/berichte/b/",
        "/berichte/b/bericht.pdf",
        "/berichte/b/bericht.pptx",
        "/berichte/b/praesentation/",
        "/massnahmen/digitale-schulplattform/",
        f"/plaene/{PLATFORM.split('/')[0]}/massnahmen/digitale-schulplattform/",
    ]:
        assert get(path).status_code == 404, path
    for path in ["/", "/?status=in_progress", "/schulen/?suche=Gymnasium", "/berichte/"]:
        response = get(path)
        assert response.status_code == 200, path
        assert "Heepen" not in response.text and "Digitale Schulplattform" not in response.text
    assert client.get(f"/schulen/{BIELEFELD_SCHOOL}/").status_code == 200
