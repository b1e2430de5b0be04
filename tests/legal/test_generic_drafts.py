"""The drafts any Schulträger starts from (legal/data/generic): its name, office,
contact and committee filled in, nothing of Bielefeld's, every fact it must
still give marked, so that no page can be confirmed before it is complete."""

import pytest

from authorities.models import Authority
from legal.importers import GENERIC_DRAFTS, put_drafts, read_drafts
from legal.models import LegalPage, PageKind

TOKENS = ["{schultraeger}", "{dienststelle}", "{kontakt}", "{ausschuss}"]


def test_the_drafts_name_nothing_of_bielefeld():
    for values in read_drafts(GENERIC_DRAFTS).values():
        for text in values.values():
            assert "Bielefeld" not in text and "für Schule" not in text


@pytest.mark.parametrize("identity", ["full", "bare"])
def test_the_authoritys_identity_is_filled_in(db, identity):
    values = {
        "full": {
            "office": "Schulamt",
            "contact": "Kreishaus\nMusterstraße 1\n12345 Musterstadt",
            "committee": "Ausschuss für Schule und Sport",
        },
        "bare": {},
    }[identity]
    owner = Authority.objects.create(name="Kreis Musterland", **values)
    assert put_drafts(read_drafts(GENERIC_DRAFTS), owner)["created"] == len(PageKind)
    pages = {page.kind: page for page in LegalPage.objects.of(owner)}
    for page in pages.values():
        texts = [page.title, page.body, page.known_gaps, page.ombuds_contact]
        assert not any(token in text for token in TOKENS for text in texts), page.kind
    # The pages with facts only the Schulträger knows (address, officers, contacts).
    for kind in [PageKind.IMPRINT, PageKind.PRIVACY, PageKind.ACCESSIBILITY]:
        assert pages[kind].confirmation_problems(), kind
    imprint = pages[PageKind.IMPRINT].body
    assert "Kreis Musterland" in imprint
    if identity == "full":
        assert "Schulamt  \nKreishaus  \nMusterstraße 1  \n12345 Musterstadt" in imprint
        assert "Ausschuss für Schule und Sport" in pages[PageKind.EASY_LANGUAGE].body
    else:
        assert "Kreis Musterland  \n[vom Schulträger zu prüfen: Anschrift]" in imprint
        assert "Schulausschuss" in pages[PageKind.EASY_LANGUAGE].body
