"""Authorities under a path of their own (issue 13): an installation without a
host name per Schulträger serves one under /traeger/<prefix>/, its pages, links,
staff area and admin links staying under it (the static files are everyone's); the default address
keeps Bielefeld's; an unknown prefix is not found."""

import re

import pytest
from django.test import Client

from authorities.models import Authority
from tests.factories import make_field, make_measure, make_plan, make_user
from tests.two_factor import client_for

ROOT = "/traeger/kreis-musterland"


@pytest.fixture
def prefixed(bielefeld):
    owner = Authority.objects.create(name="Kreis Musterland", path_prefix="kreis-musterland")
    plan = make_plan(owner=owner, title="MEP des Kreises")
    make_measure(make_field(plan, title="Netze"), title="Kreisnetz", slug="kreisnetz")
    return owner


def test_its_pages_and_every_link_stay_under_its_prefix(prefixed, client):
    page = client.get(f"{ROOT}/")
    assert page.status_code == 200
    html = page.text
    assert "MEP des Kreises" in html and "Digitale Schulplattform" not in html
    # Every link but the static files, which all authorities share at /static/.
    links = re.findall(r'(?:href|src|action)="(/[^"]*)"', html)
    pages = [link for link in links if not link.startswith("/static/")]
    assert pages and all(link.startswith(f"{ROOT}/") for link in pages), [
        link for link in pages if not link.startswith(f"{ROOT}/")
    ]
    assert client.get(f"{ROOT}/massnahmen/kreisnetz/").status_code == 200
    assert client.get(f"{ROOT}/massnahmen/digitale-schulplattform/").status_code == 404
    # The default address is Bielefeld's still, unknown prefixes are not found.
    assert "Kreisnetz" not in client.get("/").text
    assert client.get("/traeger/unbekannt/").status_code == 404
    assert client.get("/traeger/").status_code == 404


def test_its_staff_work_under_its_prefix_and_its_admin_links_there(prefixed):
    clerk = make_user("kreis", permissions=["edit_all_measures"])
    prefixed.staff.add(clerk)
    client = Client()
    client.force_login(clerk)
    assert client.get(f"{ROOT}/verwaltung/").status_code == 200
    assert client.get("/verwaltung/").status_code == 403  # Bielefeld's staff area
    login = Client().get(f"{ROOT}/verwaltung/")
    assert login["Location"].startswith(f"{ROOT}/verwaltung/anmelden/")
    measure = prefixed.plans.get().fields.get().measures.get()
    assert prefixed.address(measure.get_absolute_url()) == f"{ROOT}/massnahmen/kreisnetz/"


def test_a_prefix_and_a_host_name_do_not_go_together(prefixed, settings):
    from django.core.exceptions import ValidationError

    settings.ALLOWED_HOSTS = ["kreis.example"]
    prefixed.host = "kreis.example"
    with pytest.raises(ValidationError, match="braucht keinen Adresspfad"):
        prefixed.clean()


def test_the_platform_administrator_sees_its_pages_from_the_admin(prefixed, admin_user):
    platform = client_for(admin_user)
    assert platform.get(f"{ROOT}/").status_code == 200


def test_staff_pages_under_a_prefix_are_never_stored(prefixed, admin_user):
    """Whichever address a worker served first (the middleware learns the staff
    area's paths once)."""
    platform = client_for(admin_user)
    for path in [f"{ROOT}/verwaltung/", "/verwaltung/", f"{ROOT}/admin/", "/admin/"]:
        response = platform.get(path)
        assert "no-store" in response["Cache-Control"], path
    assert "no-store" not in platform.get(f"{ROOT}/").get("Cache-Control", "")


@pytest.mark.parametrize("path", ["/traeger/%00/", "/traeger/a%00b/", "/traeger/k%C3%BC/"])
def test_a_malformed_prefix_is_not_found(prefixed, client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Content-Security-Policy" in response  # the 404 has the headers of any page


def test_a_prefix_is_not_served_at_another_authoritys_host(prefixed, county, client):
    from tests.authorities.conftest import HOST

    assert client.get(f"{ROOT}/", HTTP_HOST=HOST).status_code == 404
    assert client.get(f"{ROOT}/", HTTP_HOST="portal.example").status_code == 200


def test_view_on_site_opens_at_the_objects_authority(prefixed, bielefeld, admin_user):
    from django.contrib.contenttypes.models import ContentType

    from measures.models import FieldOfAction

    platform = client_for(admin_user)
    content_type = ContentType.objects.get_for_model(FieldOfAction)
    own = prefixed.plans.get().fields.get()
    other = bielefeld.fields.first()
    response = platform.get(f"{ROOT}/admin/r/{content_type.pk}/{other.pk}/")
    assert response["Location"].startswith("http://testserver/?feld=")
    response = platform.get(f"/admin/r/{content_type.pk}/{own.pk}/")
    assert response["Location"].startswith(f"http://testserver{ROOT}/?feld=")


def test_the_prefix_without_its_slash_leads_to_it(prefixed, client):
    response = client.get(ROOT)
    assert (response.status_code, response["Location"]) == (302, f"{ROOT}/")
