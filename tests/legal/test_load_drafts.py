"""Bielefeld's drafts: loaded by load_bielefeld, never over an administrator's text."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from legal.importers import BIELEFELD_DRAFTS, read_drafts
from legal.models import LegalPage, PageKind

pytestmark = pytest.mark.django_db


def load(directory=None) -> str:
    out = io.StringIO()
    call_command("load_legal_drafts", *([directory] if directory else []), stdout=out)
    return out.getvalue()


def test_load_bielefeld_creates_every_page_as_a_draft(bielefeld):
    pages = LegalPage.objects.all()
    assert {page.kind for page in pages} == set(PageKind)
    assert not any(page.is_confirmed for page in pages)
    statement = LegalPage.objects.get(kind=PageKind.ACCESSIBILITY)
    assert statement.compliance == "partial" and statement.method == "self"
    assert "Ombudsstelle für barrierefreie Informationstechnik" in statement.ombuds_contact


def test_loading_again_changes_nothing(authority):
    assert "5 angelegt" in load()
    assert "0 angelegt, 0 aktualisiert, 5 unverändert" in load()


def test_an_untouched_draft_follows_the_shipped_file(authority):
    load()
    LegalPage.objects.filter(kind=PageKind.IMPRINT).update(body="alter Entwurf")
    assert "1 aktualisiert" in load()
    assert LegalPage.objects.get(kind=PageKind.IMPRINT).body.startswith("## Anbieter")


@pytest.mark.parametrize("field", ["edited_at", "confirmed_at"])
def test_an_edited_or_confirmed_page_is_kept(authority, field):
    load()
    LegalPage.objects.filter(kind=PageKind.IMPRINT).update(
        body="Eigener Text", **{field: timezone.now()}
    )
    assert "1 in der Verwaltung bearbeitet und beibehalten" in load()
    assert LegalPage.objects.get(kind=PageKind.IMPRINT).body == "Eigener Text"


def test_a_broken_directory_is_refused(authority, tmp_path):
    (tmp_path / "pages.toml").write_text('[unbekannt]\ntitle = "x"\n')
    with pytest.raises(CommandError, match="Unbekannte Seite"):
        load(tmp_path)
    assert not LegalPage.objects.exists()


def test_drafts_mark_what_they_cannot_know():
    drafts = read_drafts(BIELEFELD_DRAFTS)
    imprint = LegalPage(kind=PageKind.IMPRINT, **drafts[PageKind.IMPRINT])
    assert "[vom Amt für Schule zu ergänzen: Telefonnummer]" in imprint.placeholders()
    # Leichte Sprache is written without abbreviations and placeholders.
    easy = drafts[PageKind.EASY_LANGUAGE]["body"]
    assert "z. B." not in easy and "[" not in easy


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[impressum]\nbody = "impressum.md"\n', r"\[impressum\]: „title“ fehlt."),
        (
            '[impressum]\ntitle = "I"\nbody = "fehlt.md"\n',
            r"\[impressum\]: Eine Datei kann nicht gelesen werden .*fehlt.md",
        ),
        ('[barrierefreiheit]\ntitle = "B"\ncompliance = "ganz"\n', "ungültiger Wert"),
        ("[impressum\n", "pages.toml"),
    ],
    ids=["no-title", "missing-body", "bad-choice", "not-toml"],
)
def test_a_broken_draft_is_a_command_error(authority, tmp_path, toml, message):
    (tmp_path / "pages.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        load(tmp_path)
    assert not LegalPage.objects.exists()


def test_a_dry_run_prints_the_same_and_writes_nothing(authority):
    out = io.StringIO()
    call_command("load_legal_drafts", "--dry-run", stdout=out)
    assert not LegalPage.objects.exists()
    assert out.getvalue().splitlines() == [
        "Probelauf (--dry-run): Es wird nichts gespeichert.",
        *load().splitlines(),
        "Probelauf beendet: Nichts wurde gespeichert.",
    ]
    assert LegalPage.objects.count() == 5
