import datetime
import re

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.test import Client
from django.utils import timezone

from editions.models import Edition, EditionIsFrozen
from editions.reports import build_snapshot, compare
from measures.models import Measure, Plan
from measures.rollout import SchoolRollout
from measures.targets import Target
from tests.factories import make_school
from tests.two_factor import log_in


def _text(html: str) -> str:
    """The rendered text of a page's main content, without markup."""
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).strip()


def _publish(plan: Plan, user: User, title: str = "Bericht März 2025", **values) -> Edition:
    values = {"slug": "bericht-maerz-2025", "date": datetime.date(2025, 3, 12), **values}
    return Edition.publish(plan, user=user, today=values["date"], title=title, **values)


def test_edition_freezes_the_plan(bielefeld, publisher, client):
    edition = _publish(bielefeld, publisher, reference="Drucksache 1234/2025")
    url = "/berichte/bericht-maerz-2025/"
    before = _text(client.get(url).content.decode())
    assert "Bielefelder Klassenzimmerstandard" in before and "59 von 74 Schulen" in before
    assert "Drucksache 1234/2025" in before

    # Everything changes afterwards ...
    measure = Measure.objects.get(slug="bielefelder-klassenzimmerstandard")
    Measure.objects.apply_change(
        measure.pk,
        expected_version=measure.version,
        user=publisher,
        reason="x",
        status="done",
        rollout_done=74,
        title="Umbenannt",
    )
    Measure.objects.get(slug="voip").delete()
    school = make_school(name="Neue Schule")
    SchoolRollout.objects.create(measure=Measure.objects.get(slug="1-1-ausstattung"), school=school)
    bielefeld.title = "Neuer Titel"
    bielefeld.save()

    # ... the edition does not.
    assert _text(client.get(url).content.decode()) == before
    edition.refresh_from_db()
    assert edition.snapshot["fields"][1]["measures"][0]["rollout"] == [59, 74]


def test_overdue_is_judged_as_of_the_editions_date(bielefeld, publisher):
    def overdue(edition: Edition) -> set[str]:
        return {
            measure["slug"]
            for field_ in edition.snapshot["fields"]
            for measure in field_["measures"]
            if measure["overdue"]
        }

    # Published a day later, but its Stand is the last day of Q2 2026.
    june = _publish(bielefeld, publisher, date=datetime.date(2026, 6, 30), slug="juni")
    july = _publish(bielefeld, publisher, title="Juli", date=datetime.date(2026, 7, 1), slug="juli")
    assert "entsorgungskonzept" not in overdue(june)
    assert "entsorgungskonzept" in overdue(july)


@pytest.mark.parametrize("days", [-1, 32])
def test_an_edition_cannot_be_dated_ahead_or_far_back(bielefeld, publisher, days):
    today = datetime.date(2026, 7, 1)
    with pytest.raises(ValidationError, match="Stand"):
        Edition.publish(
            bielefeld,
            user=publisher,
            today=today,
            date=today - datetime.timedelta(days=days),
            title="Bericht",
            slug="bericht",
        )
    assert not Edition.objects.exists()


def test_a_published_edition_cannot_be_changed(bielefeld, publisher):
    edition = _publish(bielefeld, publisher)
    edition.title = "Anders"
    with pytest.raises(EditionIsFrozen):
        edition.save()
    edition.refresh_from_db()
    edition.snapshot["fields"] = []
    with pytest.raises(EditionIsFrozen):
        edition.save()
    assert Edition.objects.get().title == "Bericht März 2025"


@pytest.mark.parametrize(
    "change",
    [{"title": "Anders"}, {"date": datetime.date(2020, 1, 1)}, {"snapshot": {"fields": []}}],
)
def test_the_database_refuses_to_change_an_edition_behind_the_models_back(
    bielefeld, publisher, change
):
    edition = _publish(bielefeld, publisher)
    # The ORM refuses bulk updates itself (test_edition_immutability), so below it.
    with pytest.raises(IntegrityError), transaction.atomic():
        models.QuerySet.update(Edition.objects.filter(pk=edition.pk), **change)
    assert Edition.objects.get().snapshot == edition.snapshot
    # Withdrawing stays possible.
    models.QuerySet.update(
        Edition.objects.filter(pk=edition.pk),
        withdrawn_at=timezone.now(),
        withdrawal_reason="Zahlen falsch",
    )
    assert Edition.objects.get().withdrawal_reason == "Zahlen falsch"


def test_withdrawing_needs_a_reason_and_hides_the_edition(bielefeld, publisher, client):
    edition = _publish(bielefeld, publisher)
    with pytest.raises(Exception, match="Grund"):
        edition.withdraw(user=publisher, reason="")
    edition = Edition.objects.get()
    edition.withdraw(user=publisher, reason="Falsche Zahlen")
    assert client.get("/berichte/bericht-maerz-2025/").status_code == 404
    assert "Bericht März 2025" not in client.get("/berichte/").content.decode()


def test_comparison_finds_one_change_of_every_kind(bielefeld, publisher):
    old = build_snapshot(bielefeld, datetime.date(2023, 5, 1))
    user = publisher

    def change(slug, **values):
        measure = Measure.objects.get(slug=slug)
        Measure.objects.apply_change(
            measure.pk, expected_version=measure.version, user=user, reason="t", **values
        )

    change("voip", status="in_progress")  # status
    change("netzwerknachverkabelung", target=Target.parse("Q2 2025"))  # Q4 2024 -> +2 quarters
    change("digitale-schulplattform", rollout_done=48)  # +12 schools
    change("entsorgungskonzept", title="Entsorgung und Recycling")  # renamed
    Measure.objects.get(slug="second-level-support").delete()  # removed
    field = bielefeld.fields.get(slug="support")
    added = Measure.objects.create(field=field, title="Third-Level-Support", slug="third-level")
    new = build_snapshot(bielefeld, datetime.date(2023, 11, 1))  # Q3 2023 targets now overdue

    result = compare(old, new)

    assert [m.title for m in result.added] == [added.title]
    assert [m.title for m in result.removed] == ["Second-Level-Support"]
    diffs = {diff.slug: diff for diff in result.changed}
    assert (diffs["voip"].old_status, diffs["voip"].new_status) == ("Wartend", "In Bearbeitung")
    moved = diffs["netzwerknachverkabelung"]
    assert (moved.old_target, moved.new_target, moved.quarters_moved) == ("Q4 2024", "Q2 2025", 2)
    assert diffs["digitale-schulplattform"].schools_gained == 12
    renamed = diffs["entsorgungskonzept"]
    assert renamed.renamed and renamed.old_title == "Entsorgungskonzept"
    newly = {diff.slug for diff in result.newly_overdue}
    assert "gruendung-medienlabor" in newly and "voip" not in newly
    # Nothing else is reported as changed.
    assert (
        set(diffs)
        == {
            "voip",
            "netzwerknachverkabelung",
            "digitale-schulplattform",
            "entsorgungskonzept",
        }
        | newly
    )


def test_comparison_page_between_two_editions_and_with_the_live_state(bielefeld, publisher, client):
    _publish(bielefeld, publisher)
    measure = Measure.objects.get(slug="voip")
    Measure.objects.apply_change(
        measure.pk, expected_version=1, user=publisher, reason="t", status="done"
    )
    _publish(
        bielefeld,
        publisher,
        title="Bericht Juni 2025",
        slug="bericht-juni-2025",
        date=datetime.date(2025, 6, 1),
    )
    html = client.get("/berichte/vergleich/?von=bericht-maerz-2025&bis=bericht-juni-2025")
    assert html.status_code == 200
    text = _text(html.content.decode())
    assert "Status: Wartend → Abgeschlossen" in text
    # Default: since the latest edition, against the live plan. Nothing was edited
    # since; only what has become overdue by today is new.
    live = _text(client.get("/berichte/vergleich/").content.decode())
    assert "Änderungen seit „ Bericht Juni 2025 “" in live  # the title is a <span lang>
    assert "Status:" not in live
    assert "Entsorgungskonzept neu überfällig" in live  # Q2 2026 has passed since


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("von=bericht-maerz-2025&bis=bericht-maerz-2025", 400),
        ("von=gibt-es-nicht&bis=aktuell", 400),
        ("von=bericht-maerz-2025&bis=xyz", 400),
    ],
)
def test_bad_comparisons_are_refused_clearly(bielefeld, publisher, client, query, status):
    _publish(bielefeld, publisher)
    response = client.get(f"/berichte/vergleich/?{query}")
    assert response.status_code == status
    assert "error-summary" in response.content.decode()


def test_unknown_edition_is_404(bielefeld, client):
    assert client.get("/berichte/gibt-es-nicht/").status_code == 404
    assert "noch kein Bericht" in client.get("/berichte/vergleich/").content.decode()


def test_anonymous_readers_see_editions(bielefeld, publisher, client):
    _publish(bielefeld, publisher)
    listing = client.get("/berichte/").content.decode()
    assert 'href="/berichte/bericht-maerz-2025/"' in listing
    assert client.get("/berichte/bericht-maerz-2025/").status_code == 200


def _post_publish(client: Client, data: dict):
    """Publish as staff do: show the preview, then "Jetzt veröffentlichen" on it."""
    preview = client.post("/verwaltung/berichte/neu/", {**data, "schritt": "vorschau"})
    assert preview.status_code == 200, preview.content.decode()
    fingerprint = preview.context["fingerprint"]
    return client.post(
        "/verwaltung/berichte/neu/",
        {**data, "schritt": "veroeffentlichen", "fingerprint": fingerprint},
    )


def _days_ago(days: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=days)).strftime("%d.%m.%Y")


def test_only_staff_with_the_permission_publish(bielefeld, publisher):
    data = {"title": "Bericht Mai 2025", "date": _days_ago(3), "reference": "", "preface": ""}
    anonymous = Client().post("/verwaltung/berichte/neu/", data)
    assert anonymous.status_code == 302 and "/verwaltung/anmelden/" in anonymous["Location"]
    other = Client()
    other.force_login(User.objects.create_user("otto", password="x" * 20))
    assert other.post("/verwaltung/berichte/neu/", data).status_code == 403
    assert not Edition.objects.exists()

    client = Client()
    client.force_login(publisher)
    assert client.get("/verwaltung/berichte/neu/").status_code == 200
    response = _post_publish(client, data)
    assert response.status_code == 302 and response["Location"] == "/berichte/bericht-mai-2025/"
    edition = Edition.objects.get()
    assert edition.published_by == publisher
    assert edition.date == timezone.localdate() - datetime.timedelta(days=3)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "date": _days_ago(0)}, "Dieses Feld ist zwingend erforderlich."),
        ({"title": "Bericht", "date": "31.02.2025"}, "Bitte ein gültiges Datum eingeben."),
        ({"title": "Bericht März 2025", "date": _days_ago(0)}, "Es gibt schon eine Ausgabe"),
        ({"title": "Bericht", "date": _days_ago(-1)}, "kann nicht in der Zukunft liegen"),
        ({"title": "Bericht", "date": _days_ago(32)}, "höchstens 31 Tage zurückliegen"),
    ],
)
def test_publishing_with_bad_input_is_refused_in_german(bielefeld, publisher, data, message):
    _publish(bielefeld, publisher)
    client = Client()
    client.force_login(publisher)
    response = client.post("/verwaltung/berichte/neu/", data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Edition.objects.count() == 1


def test_only_who_may_withdraw_withdraws_and_it_is_logged(bielefeld, publisher, caplog):
    edition = _publish(bielefeld, publisher)
    staff = User.objects.create_user("sam", password="x" * 20, is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__endswith="_edition").exclude(
            codename="withdraw_edition"
        )
    )
    data = {"action": "withdraw", "_selected_action": [edition.pk], "reason": "Zahlen falsch"}
    client = Client()
    log_in(client, staff)
    assert client.post("/admin/editions/edition/", data).status_code == 403
    assert Edition.objects.published().count() == 1

    admin = User.objects.create_superuser("ada", password="x" * 20)
    log_in(client, admin)
    form = client.post("/admin/editions/edition/", {**data, "reason": ""})
    assert form.status_code == 200 and "Grund für das Zurückziehen" in form.content.decode()
    assert Edition.objects.published().count() == 1
    with caplog.at_level("WARNING", logger="portal.security"):
        assert client.post("/admin/editions/edition/", data).status_code == 302
    edition.refresh_from_db()
    assert (edition.withdrawn_by, edition.withdrawal_reason) == (admin, "Zahlen falsch")
    assert "Bericht zurückgezogen" in caplog.text and "ada" in caplog.text
    assert client.get(f"/admin/editions/edition/{edition.pk}/change/").status_code == 200


def test_publishing_in_english_accepts_the_german_date_format(bielefeld, publisher):
    client = Client()
    client.force_login(publisher)
    client.post("/i18n/setlang/", {"language": "en"})
    data = {"title": "Report May 2025", "date": _days_ago(31), "reference": "", "preface": ""}
    assert _post_publish(client, data).status_code == 302
    assert Edition.objects.get().date == timezone.localdate() - datetime.timedelta(days=31)


def test_comparison_page_shows_school_progress_with_its_sign(bielefeld, publisher, client):
    _publish(bielefeld, publisher)
    measure = Measure.objects.get(slug="digitale-schulplattform")
    Measure.objects.apply_change(
        measure.pk, expected_version=1, user=publisher, reason="t", rollout_done=48
    )
    text = _text(client.get("/berichte/vergleich/").content.decode())
    assert "Schulen: 36/74 → 48/74 (+12 Schulen)" in text


def test_an_edition_is_never_deleted_and_reserved_titles_get_their_own_address(
    bielefeld, publisher, client
):
    edition = _publish(bielefeld, publisher)
    admin = User.objects.create_superuser("ada", password="x" * 20)
    log_in(client, admin)
    assert client.get(f"/admin/editions/edition/{edition.pk}/delete/").status_code == 403
    client.force_login(publisher)
    data = {"title": "Vergleich", "date": _days_ago(0)}
    response = _post_publish(client, data)
    assert response["Location"] == "/berichte/bericht-vergleich/"
    assert client.get("/berichte/bericht-vergleich/").status_code == 200


def test_an_edition_moves_to_its_plans_address_when_another_plan_is_made_current(
    bielefeld, publisher, client
):
    from tests.factories import make_plan

    _publish(bielefeld, publisher)
    newer = make_plan(as_of=datetime.date(2030, 1, 1), period_start=2028, period_end=2032)
    newer.make_current(user=publisher, reason="Neuer Plan")
    at = "/plaene/2023-2027/berichte/bericht-maerz-2025/"
    for page in ["", "bericht.pdf", "bericht.pptx", "praesentation/"]:
        response = client.get(f"/berichte/bericht-maerz-2025/{page}")
        assert (response.status_code, response["Location"]) == (302, at + page)
    assert client.get(at).status_code == 200
    assert client.get(at + "bericht.pdf").status_code == 200
    # The list and the comparison at the top are the new plan's.
    assert "bericht-maerz-2025" not in client.get("/berichte/").text
    assert "bericht-maerz-2025" in client.get("/plaene/2023-2027/berichte/").text


def test_the_staff_dashboard_links_to_publishing_for_those_allowed(bielefeld, publisher):
    client = Client()
    client.force_login(publisher)
    assert "/verwaltung/berichte/neu/" in client.get("/verwaltung/").content.decode()
    client.force_login(User.objects.create_user("otto"))
    assert "/verwaltung/berichte/neu/" not in client.get("/verwaltung/").content.decode()
