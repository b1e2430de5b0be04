"""Each Schulträger's staff area is its own (issue 13): someone works for the
authorities that name them among their staff, someone named by none for the
default one (an installation with one Schulträger names nobody), a platform
administrator for all. Elsewhere the staff area answers 403 (logged), and a
measure of another authority is not found."""

import pytest

from tests.authorities.conftest import HOST
from tests.factories import make_user
from tests.two_factor import client_for

DASHBOARD = "/verwaltung/"
PUBLISH = "/verwaltung/berichte/neu/"
COUNTY_MEASURE = "/verwaltung/massnahmen/voip/"  # Bielefeld has one of that slug too
BIELEFELD_ONLY = "/verwaltung/massnahmen/digitale-schulplattform/"

ALL = ["edit_all_measures", "publish_edition"]


def _status(client, path: str, host: str = "testserver") -> int:
    return client.get(path, HTTP_HOST=host).status_code


@pytest.fixture
def clerks(county):
    bielefeld = make_user("bielefeld", permissions=ALL)  # named by no authority
    kreis = make_user("kreis", permissions=ALL)
    county.owner.staff.add(kreis)
    return {"bielefeld": client_for(bielefeld), "kreis": client_for(kreis)}


def test_someone_named_by_no_authority_works_for_the_default_one(clerks, caplog):
    client = clerks["bielefeld"]
    assert _status(client, DASHBOARD) == _status(client, PUBLISH) == 200
    assert _status(client, BIELEFELD_ONLY) == 200
    assert _status(client, DASHBOARD, HOST) == _status(client, PUBLISH, HOST) == 403
    assert "anderen Schulträgers" in caplog.text
    # The county's measure of a slug Bielefeld has too: the county's is not found.
    assert _status(client, BIELEFELD_ONLY, HOST) == 404
    county = client.get(COUNTY_MEASURE, HTTP_HOST=HOST)
    assert county.status_code == 404


def test_a_named_staff_member_works_for_their_authority_only(clerks):
    client = clerks["kreis"]
    assert _status(client, DASHBOARD, HOST) == _status(client, PUBLISH, HOST) == 200
    page = client.get(COUNTY_MEASURE, HTTP_HOST=HOST)
    assert page.status_code == 200 and "Kreisnetz" in page.text
    assert _status(client, DASHBOARD) == _status(client, PUBLISH) == 403
    assert _status(client, BIELEFELD_ONLY) == 404


def test_a_platform_administrator_works_for_every_authority(county):
    client = client_for(make_user(is_staff=True, is_superuser=True))
    assert _status(client, DASHBOARD) == _status(client, DASHBOARD, HOST) == 200
    assert "Kreisnetz" in client.get(COUNTY_MEASURE, HTTP_HOST=HOST).text
    assert _status(client, BIELEFELD_ONLY) == 200
