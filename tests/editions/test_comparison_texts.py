"""The comparison names changed texts: work items added and removed, a changed
description (issue 9, point 4)."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from editions.models import Edition
from editions.reports import build_snapshot, compare
from measures.models import Measure

DAY = datetime.date(2025, 3, 1)


SLUG = "gruendung-medienlabor"
ITEMS = ["Raum finden", "Geräte beschaffen", "Team bilden"]


def _text(response) -> str:
    """The main content's text; inline spans (a text's language) leave no gap."""
    main = response.content.decode().split('<main id="main"', 1)[1].split("</main>", 1)[0]
    main = re.sub(r"</?span[^>]*>", "", main)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).strip()


def _page_text(response) -> str:
    html = re.sub(r"</?span[^>]*>", "", response.content.decode())
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture
def editor(bielefeld) -> User:
    """Someone who edits and publishes; the measure has a description and three items."""
    user = User.objects.create_user("petra")
    user.user_permissions.add(Permission.objects.get(codename="publish_edition"))
    _change(SLUG, user, description="Alte Beschreibung.", work_items="\n".join(ITEMS))
    return user


def _change(slug: str, user: User, **values) -> None:
    measure = Measure.objects.get(slug=slug)
    Measure.objects.apply_change(
        measure.pk, expected_version=measure.version, user=user, reason="t", **values
    )


def test_compare_lists_work_items_added_and_removed_and_a_new_description(bielefeld, editor):
    old = build_snapshot(bielefeld, DAY)
    _change(
        SLUG,
        editor,
        work_items="\n".join([*ITEMS[1:], "Workshops planen"]),
        description="Neue Kurzbeschreibung.",
    )
    new = build_snapshot(bielefeld, DAY)

    diff = next(diff for diff in compare(old, new).changed if diff.slug == SLUG)

    assert diff.work_items_added == ("Workshops planen",)
    assert diff.work_items_removed == ("Raum finden",)
    assert diff.work_items_changed
    assert diff.description_changed
    assert (diff.old_description, diff.new_description) == (
        "Alte Beschreibung.",
        "Neue Kurzbeschreibung.",
    )
    # Nothing else of it is reported as changed.
    assert not (diff.status_changed or diff.target_moved or diff.renamed)


def test_reordered_work_items_are_no_change(bielefeld, editor):
    old = build_snapshot(bielefeld, DAY)
    _change(SLUG, editor, work_items="\n".join(reversed(ITEMS)))
    assert SLUG not in {diff.slug for diff in compare(old, build_snapshot(bielefeld, DAY)).changed}


def test_unchanged_texts_are_no_change(bielefeld):
    old = build_snapshot(bielefeld, DAY)
    result = compare(old, build_snapshot(bielefeld, DAY))
    assert result.is_empty


def test_the_comparison_page_shows_the_text_changes(bielefeld, editor, client):
    today = timezone.localdate()
    Edition.publish(bielefeld, user=editor, date=today, today=today, title="Bericht", slug="b")
    _change(
        SLUG,
        editor,
        work_items="\n".join([*ITEMS[1:], "Workshops planen", "Ausleihe regeln"]),
        description="Neue Kurzbeschreibung.",
    )

    text = _text(client.get("/berichte/vergleich/"))

    assert "Gründung Medienlabor" in text
    assert "Beschreibung geändert: „Neue Kurzbeschreibung.“" in text
    assert "Neue Arbeitspakete: „Workshops planen“, „Ausleihe regeln“" in text
    assert "Entfallenes Arbeitspaket: „Raum finden“" in text


def test_a_description_removed(bielefeld, editor, client):
    today = timezone.localdate()
    Edition.publish(bielefeld, user=editor, date=today, today=today, title="Bericht", slug="b")
    _change(SLUG, editor, description="")
    text = _text(client.get("/berichte/vergleich/"))
    assert "Beschreibung entfernt" in text and "Alte Beschreibung." not in text


def test_a_description_added_where_there_was_none(bielefeld, editor, client):
    today = timezone.localdate()
    _change(SLUG, editor, description="")
    Edition.publish(bielefeld, user=editor, date=today, today=today, title="Bericht", slug="b")
    _change(SLUG, editor, description="Jetzt mit Text.")
    text = _text(client.get("/berichte/vergleich/"))
    assert "Beschreibung ergänzt: „Jetzt mit Text.“" in text


def test_the_comparison_page_in_english(bielefeld, editor, client):
    today = timezone.localdate()
    Edition.publish(bielefeld, user=editor, date=today, today=today, title="Bericht", slug="b")
    _change(SLUG, editor, work_items="\n".join([*ITEMS, "Workshops planen"]), description="Neu.")
    client.post("/i18n/setlang/", {"language": "en"})
    text = _text(client.get("/berichte/vergleich/"))
    # English quotation marks around the German texts, not the German „…“.
    assert "Description changed: “Neu.”" in text
    assert "New work item: “Workshops planen”" in text
    assert "„" not in text


def test_the_decks_quote_text_changes_in_the_pages_language(bielefeld, editor, client):
    today = timezone.localdate()
    Edition.publish(bielefeld, user=editor, date=today, today=today, title="Bericht", slug="b")
    _change(SLUG, editor, work_items="\n".join([*ITEMS, "Workshops planen"]), description="Neu.")
    german = _page_text(client.get("/praesentation/"))
    assert "Beschreibung geändert: „Neu.“; Neues Arbeitspaket: „Workshops planen“" in german
    client.post("/i18n/setlang/", {"language": "en"})
    english = _page_text(client.get("/praesentation/"))
    assert "Description changed: “Neu.”; New work item: “Workshops planen”" in english
