"""Each Schulträger has its own legal pages and receives its own accessibility
feedback (issue 13): at its address its pages, none of another's; feedback sent
there is stored for it and told to its staff only; the admin shows each
authority's administrators their own pages and feedback only."""

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.urls import reverse

from legal.models import Feedback, LegalPage, PageKind
from tests.authorities.conftest import HOST
from tests.authorities.test_admin_isolation import administrator
from tests.legal.test_feedback import data
from tests.two_factor import client_for


@pytest.fixture
def county_pages(county):
    """The county's pages: the shipped drafts, its imprint with its own title."""
    call_command("load_legal_drafts", authority=county.owner.name, verbosity=0)
    LegalPage.objects.of(county.owner).filter(kind=PageKind.IMPRINT).update(
        title="Impressum des Kreises"
    )
    return county.owner


def _title(client, path: str, host: str) -> str:
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 200, (path, host)
    return response.context["page"].title


def test_each_address_shows_its_authoritys_pages(client, county_pages, bielefeld):
    assert _title(client, "/impressum/", HOST) == "Impressum des Kreises"
    assert _title(client, "/impressum/", "testserver") == "Impressum"
    LegalPage.objects.of(county_pages).filter(kind=PageKind.PRIVACY).delete()
    assert client.get("/datenschutz/", HTTP_HOST=HOST).status_code == 404
    assert client.get("/datenschutz/").status_code == 200


def test_feedback_is_the_authoritys_at_whose_address_it_came(
    client, county_pages, bielefeld, mailoutbox
):
    def receiver(name: str, email: str):
        user = administrator(name)
        user.email = email
        user.save()
        user.user_permissions.add(Permission.objects.get(codename="receive_feedback"))
        return user

    county_pages.staff.add(receiver("kreis", "kreis@example.org"))
    receiver("bielefeld", "bielefeld@example.org")  # named by none: the default one's

    response = client.post("/barrierefreiheit/", data(), HTTP_HOST=HOST)
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert feedback.owner == county_pages
    [mail] = mailoutbox
    assert mail.to == ["kreis@example.org"]
    assert f"http://{HOST}/admin/legal/feedback/{feedback.pk}/change/" in mail.body


def test_the_admin_shows_each_authority_its_own_pages_and_feedback(county_pages, bielefeld):
    kreis = administrator("kreis")
    kreis.user_permissions.add(*Permission.objects.filter(content_type__app_label="legal"))
    county_pages.staff.add(kreis)
    client = client_for(kreis)
    own = Feedback.objects.create(owner=county_pages, message="Kontrast")
    other = Feedback.objects.create(owner=bielefeld.owner, message="Fremd")

    pages = client.get(reverse("admin:legal_legalpage_changelist")).context["cl"].result_list
    assert {page.owner for page in pages} == {county_pages} and len(pages) == len(PageKind)
    listed = client.get(reverse("admin:legal_feedback_changelist")).context["cl"].result_list
    assert list(listed) == [own]
    missing = client.get(reverse("admin:legal_feedback_change", args=[987654]))
    response = client.get(reverse("admin:legal_feedback_change", args=[other.pk]))
    assert response["Location"] == missing["Location"]
    # All five pages exist: nothing to add; the other authority's are not theirs to add.
    assert client.get(reverse("admin:legal_legalpage_add")).status_code == 403
    LegalPage.objects.of(county_pages).filter(kind=PageKind.IMPRINT).delete()
    form = client.get(reverse("admin:legal_legalpage_add")).context["adminform"].form
    assert list(form.fields["owner"].queryset) == [county_pages]


def test_the_drafts_are_loaded_for_a_named_authority_only(county):
    before = LegalPage.objects.count()
    with pytest.raises(CommandError, match="„Kreis Nirgendwo“ gibt es nicht"):
        call_command("load_legal_drafts", authority="Kreis Nirgendwo", verbosity=0)
    assert LegalPage.objects.count() == before


def test_the_drafts_need_an_authority(db):
    with pytest.raises(CommandError, match="noch keinen Schulträger"):
        call_command("load_legal_drafts", verbosity=0)
