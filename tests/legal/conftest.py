import pytest
from django.core.management import call_command

from authorities.models import Authority
from legal.models import LegalPage
from tests.factories import default_authority, make_user


@pytest.fixture
def authority(db) -> Authority:
    """The installation's default Schulträger, the one the pages are loaded for."""
    return default_authority()


@pytest.fixture
def pages(authority) -> dict[str, LegalPage]:
    """The shipped Bielefeld drafts, as `load_bielefeld` loads them."""
    call_command("load_legal_drafts", verbosity=0)
    return {page.kind: page for page in LegalPage.objects.all()}


@pytest.fixture
def staff_client(client, db):
    """A school office clerk: logged in, no admin rights."""
    client.force_login(make_user("sachbearbeitung"))
    return client
