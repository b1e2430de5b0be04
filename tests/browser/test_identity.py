"""Two Schulträger side by side in a real browser (issue 13): each address shows
its own name, office, logo and contact, accessibly; the logo loads under the
page's strict policy."""

import re

from django.core.files.base import ContentFile
from playwright.sync_api import expect

from authorities.logos import checked_logo
from authorities.models import Authority
from tests.authorities.test_identity import SVG
from tests.browser.axe import assert_accessible
from tests.factories import make_field, make_measure, make_plan

HOST = "kreis.localhost"


def test_each_address_shows_its_own_authority(page, bielefeld_live, settings, tmp_path):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]
    settings.MEDIA_ROOT = tmp_path
    county = Authority.objects.create(
        name="Kreis Musterland",
        host=HOST,
        office="Schulamt",
        committee="Ausschuss für Schule und Sport",
        contact="Kreishaus\nMusterstraße 1\n12345 Musterstadt",
    )
    logo = checked_logo(SVG)
    county.logo.save(f"logo.{logo.extension}", ContentFile(logo.content))
    make_measure(make_field(make_plan(owner=county, title="MEP des Kreises")), title="Kreisnetz")
    port = re.search(r":(\d+)$", bielefeld_live).group(1)

    page.goto(f"http://{HOST}:{port}/")
    brand = page.locator(".site-header__brand")
    expect(brand).to_contain_text("Kreis Musterland · Schulamt")
    image = brand.locator("img")
    expect(image).to_have_attribute("src", county.logo_url)
    assert page.evaluate("img => img.complete && img.naturalWidth > 0", image.element_handle())
    expect(page.locator(".site-footer__contact")).to_contain_text("Musterstraße 1")
    expect(
        page.get_by_role("link", name="Berichte an den Ausschuss für Schule und Sport")
    ).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("MEP des Kreises")
    assert_accessible(page)

    page.goto(bielefeld_live + "/")
    expect(page.locator(".site-header__brand")).to_contain_text("Stadt Bielefeld")
    expect(page.locator(".site-header__brand img")).to_have_count(0)
    expect(page.get_by_role("link", name="Berichte an den Schulausschuss")).to_be_visible()
