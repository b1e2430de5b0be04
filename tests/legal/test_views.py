"""The legal pages as the public and staff see them."""

import pytest
from django.utils import translation

from legal.models import LegalPage, PageKind

pytestmark = pytest.mark.django_db

PATHS = {
    PageKind.IMPRINT: "/impressum/",
    PageKind.PRIVACY: "/datenschutz/",
    PageKind.ACCESSIBILITY: "/barrierefreiheit/",
    PageKind.EASY_LANGUAGE: "/leichte-sprache/",
    PageKind.SIGN_LANGUAGE: "/gebaerdensprache/",
}
DRAFT_NOTICE = "noch nicht von einer Administratorin oder einem Administrator bestätigt"


@pytest.mark.parametrize("kind", list(PageKind))
def test_each_page_renders_its_text_in_german(client, pages, kind, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(PATHS[kind])
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<h1 class="kern-heading-large" lang="de">{pages[kind].title}</h1>' in html
    assert '<div class="legal__text" lang="de">' in html
    assert '<h2 class="kern-heading-medium">' in html or 'id="video-title"' in html
    assert DRAFT_NOTICE not in html  # the public sees the text without the staff notice


@pytest.mark.parametrize("kind", list(PageKind))
def test_each_page_renders_in_english_with_the_german_text_marked(client, pages, kind):
    client.cookies["django_language"] = "en"
    response = client.get(PATHS[kind])
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert f'<h1 class="kern-heading-large" lang="de">{pages[kind].title}</h1>' in html
    assert '<div class="legal__text" lang="de">' in html
    assert ">Imprint</a>" in html and ">Accessibility</a>" in html


def test_a_page_not_yet_created_is_not_found(client, db):
    assert client.get("/impressum/").status_code == 404


@pytest.mark.parametrize(
    "path", ["/", "/schulen/", "/datenquellen/", "/berichte/", "/impressum/", "/nicht-da/"]
)
def test_every_page_links_the_legal_pages_in_its_footer(client, bielefeld, path):
    html = client.get(path).content.decode()
    footer = html.split('<footer class="site-footer">')[1]
    for name, href in [
        ("Impressum", "/impressum/"),
        ("Datenschutz", "/datenschutz/"),
        ("Barrierefreiheit", "/barrierefreiheit/"),
        ("Leichte Sprache", "/leichte-sprache/"),
        ("Gebärdensprache", "/gebaerdensprache/"),
        ("Datenquellen und Lizenzen", "/datenquellen/"),
    ]:
        assert f'<a class="kern-link" href="{href}">{name}</a>' in footer


@pytest.mark.parametrize("kind", list(PageKind))
def test_staff_see_that_a_page_is_a_draft(staff_client, pages, kind):
    html = staff_client.get(PATHS[kind]).content.decode()
    assert DRAFT_NOTICE in html
    assert "/admin/legal/legalpage/" not in html  # no admin link without the permission


def test_an_administrator_gets_a_link_to_confirm(admin_client, pages):
    html = admin_client.get("/impressum/").content.decode()
    assert DRAFT_NOTICE in html
    assert f'href="/admin/legal/legalpage/{pages[PageKind.IMPRINT].pk}/change/"' in html


def test_a_confirmed_page_has_no_draft_notice(staff_client, pages):
    LegalPage.objects.filter(kind=PageKind.IMPRINT).update(confirmed_at="2026-01-05T10:00Z")
    assert DRAFT_NOTICE not in staff_client.get("/impressum/").content.decode()


def test_accessibility_statement_has_the_parts_bitv_nrw_asks_for(client, pages):
    LegalPage.objects.filter(kind=PageKind.ACCESSIBILITY).update(
        prepared_on="2026-11-02", reviewed_on="2026-11-30"
    )
    html = client.get("/barrierefreiheit/").content.decode()
    assert "(BITV NRW) teilweise vereinbar." in html
    assert "Nicht barrierefreie Inhalte" in html and "Foliensätze zum Herunterladen" in html
    assert "<dt>Erstellt am</dt><dd>02.11.2026</dd>" in html
    assert "<dt>Zuletzt überprüft am</dt><dd>30.11.2026</dd>" in html
    assert "<dt>Methode</dt><dd>Selbstbewertung</dd>" in html
    assert "Ombudsstelle für barrierefreie Informationstechnik des Landes" in html
    assert 'name="message"' in html and 'name="csrfmiddlewaretoken"' in html


def test_markdown_from_the_admin_cannot_carry_html(client, pages):
    LegalPage.objects.filter(kind=PageKind.IMPRINT).update(
        body='# Titel\n\n<script>alert(1)</script> [x](javascript:alert(1)) <b style="x">'
    )
    html = client.get("/impressum/").content.decode()
    assert '<h2 class="kern-heading-medium">Titel</h2>' in html  # h1 is the page's
    assert "<script>alert" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html and 'style="x"' not in html


def test_sign_language_page_says_there_is_no_video_yet(client, pages):
    html = client.get("/gebaerdensprache/").content.decode()
    assert "Das Video in Gebärdensprache ist noch nicht fertig." in html
    assert "<video" not in html
    assert '<a class="kern-link" href="/leichte-sprache/">' in html  # the text alternative


@pytest.mark.parametrize("path", [*PATHS.values(), "/barrierefreiheit/danke/"])
def test_pages_refuse_other_methods(client, pages, path):
    method = client.delete if path == "/barrierefreiheit/" else client.post
    assert method(path).status_code == 405


def test_easy_language_keeps_one_sentence_a_line(client, pages):
    html = client.get("/leichte-sprache/").content.decode()
    assert "Der Schuldigital-Monitor ist eine Internet-Seite.<br />\nDie Stadt Bielefeld" in html
    # Other pages flow their lines into paragraphs.
    html = client.get("/barrierefreiheit/").content.decode()
    assert "machen. Dies\ngeschieht" in html


@pytest.mark.parametrize("kind", list(PageKind))
def test_each_page_has_its_own_meta_description(client, pages, kind):
    german = str(kind.description)
    html = client.get(PATHS[kind]).content.decode()
    assert f'<meta name="description" content="{german}">' in html
    with translation.override("en"):
        english = str(kind.description)
    assert english != german
    client.cookies["django_language"] = "en"
    html = client.get(PATHS[kind]).content.decode()
    assert f'<meta name="description" content="{english}">' in html
