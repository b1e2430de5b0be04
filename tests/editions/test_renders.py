"""Report files under load (issue 10, defects 5 and 9): byte-stable, cached per
content version, rendered once at a time, rate-limited for anonymous clients.

The render cache is a database table (settings.CACHES["renders"]); what a test
writes through the test's own connection is rolled back with it. Threads have
connections of their own, which commit: they use keys of their own and delete them.
"""

import datetime
import io
import threading
import time
import uuid
import zipfile

import pytest
from django.contrib.auth.models import Permission, User
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone, translation
from lxml import etree
from pypdf import PdfReader

from editions import decks, renders, views
from editions.models import PREFACE_MAX_LENGTH, Edition
from measures.models import FieldOfAction, Measure, Plan, Status
from measures.rollout import SchoolRollout
from tests.factories import make_school
from tests.two_factor import log_in

TODAY = datetime.date(2023, 5, 1)
SLUG = "mai-2023"


@pytest.fixture
def admin(bielefeld) -> User:
    user = User.objects.create_user("ada", password="x" * 20, is_staff=True, is_superuser=True)
    return user


@pytest.fixture
def edition(bielefeld, admin) -> Edition:
    return Edition.publish(
        bielefeld, user=admin, today=TODAY, date=TODAY, title="Bericht Mai 2023", slug=SLUG
    )


def _core_dates(pptx: bytes) -> tuple[str, str, set]:
    """(created, modified) of docProps/core.xml and the dates of the zip entries."""
    with zipfile.ZipFile(io.BytesIO(pptx)) as archive:
        core = etree.fromstring(archive.read("docProps/core.xml"))
        dates = {info.date_time for info in archive.infolist()}
    terms = "{http://purl.org/dc/terms/}"
    return core.find(f"{terms}created").text, core.find(f"{terms}modified").text, dates


def _move_clock(monkeypatch, seconds: float) -> None:
    """Time moves on for the renderers: zipfile dates entries with time.time()."""
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + seconds)


# --- Defect 5: the same edition gives the same bytes, whenever it is rendered --


def test_edition_files_are_byte_stable_whenever_rendered(edition, client, monkeypatch):
    pdf = client.get(f"/berichte/{SLUG}/bericht.pdf").content
    pptx = client.get(f"/berichte/{SLUG}/bericht.pptx").content

    # A fresh process a year and a day later: empty caches, fonts unpacked anew.
    caches[renders.CACHE].clear()
    decks._stylesheets.cache_clear()
    _move_clock(monkeypatch, 366 * 24 * 3600)
    assert client.get(f"/berichte/{SLUG}/bericht.pdf").content == pdf
    assert client.get(f"/berichte/{SLUG}/bericht.pptx").content == pptx

    # The file's dates are the edition's publishing time, not the clock's.
    published = edition.published_at.astimezone(datetime.UTC)
    created, modified, entry_dates = _core_dates(pptx)
    assert created == modified == published.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert PdfReader(io.BytesIO(pdf)).metadata["/ModDate"] == published.strftime("D:%Y%m%d%H%M%SZ")
    # Zip dates count seconds in steps of two.
    assert entry_dates == {(*published.timetuple()[:5], published.second // 2 * 2)}


def test_live_pptx_is_dated_by_the_plans_last_change(bielefeld, client, monkeypatch):
    first = client.get("/bericht.pptx").content
    caches[renders.CACHE].clear()
    _move_clock(monkeypatch, 3)  # zip dates have two-second steps
    assert client.get("/bericht.pptx").content == first
    changed = Plan.objects.current().last_change.astimezone(datetime.UTC)
    assert _core_dates(first)[1] == changed.strftime("%Y-%m-%dT%H:%M:%SZ")


# --- Defect 9: cached per content version, never stale ------------------------


def test_a_second_request_is_served_from_the_cache(edition, client):
    first = client.get(f"/berichte/{SLUG}/bericht.pdf")
    key = renders.edition_deck(edition).key("pdf")
    assert caches[renders.CACHE].get(key) == first.content
    caches[renders.CACHE].set(key, b"%PDF-cached")
    assert client.get(f"/berichte/{SLUG}/bericht.pdf").content == b"%PDF-cached"
    # The other kind and the other language are files of their own.
    assert renders.edition_deck(edition).key("pptx") != key
    with translation.override("en"):
        assert renders.edition_deck(edition).key("pdf") != key

    edition.withdraw(user=edition.published_by, reason="Fehler in den Zahlen")
    assert client.get(f"/berichte/{SLUG}/bericht.pdf").status_code == 404


def test_withdrawing_the_previous_edition_changes_an_editions_key(edition, admin):
    later = Edition.publish(
        edition.plan, user=admin, today=TODAY, date=TODAY, title="Nachtrag", slug="nachtrag"
    )
    before = renders.edition_deck(later).key("pdf")
    edition.withdraw(user=admin, reason="Fehler in den Zahlen")
    assert renders.edition_deck(later).key("pdf") != before


def _live_key() -> str:
    return renders.live_deck(Plan.objects.current(), timezone.localdate()).key("pdf")


def _client(user: User) -> Client:
    client = Client()
    log_in(client, user)
    return client


def test_the_live_file_is_served_anew_after_a_change_in_the_editor(bielefeld, admin, client):
    old = client.get("/bericht.pptx").content
    measure = Measure.objects.get(slug="innovationsfond")
    data = {
        "status": Status.DONE,
        "target": str(measure.target) if measure.target else "",
        "description": measure.description,
        "work_items": measure.work_items,
        "rollout_done": "",
        "rollout_total": "",
        "reason": "Abgeschlossen",
        "version": measure.version,
    }
    response = _client(admin).post(f"/verwaltung/massnahmen/{measure.slug}/", data)
    assert response.status_code == 302
    new = client.get("/bericht.pptx").content
    assert new != old


def test_every_change_path_gives_the_live_file_a_new_key(bielefeld, admin, admin_client):
    keys = [_live_key()]
    measure = Measure.objects.get(slug="innovationsfond")

    # The admin's action "Status setzen".
    admin_client.post(
        "/admin/measures/measure/",
        {
            "action": "set_status",
            "_selected_action": [measure.pk],
            "apply": "1",
            "status": Status.DONE,
            "reason": "Sammeländerung",
        },
    )
    assert Measure.objects.get(pk=measure.pk).status == Status.DONE
    keys.append(_live_key())

    # A field renamed (the admin saves it like this).
    field_ = FieldOfAction.objects.get(slug="support")
    field_.title = "Support und Wartung"
    field_.save()
    keys.append(_live_key())

    # A school ticked in the staff matrix.
    wlan = Measure.objects.get(slug="flaechendeckendes-wlan")
    SchoolRollout.objects.start_tracking(wlan, user=admin)
    keys.append(_live_key())
    school = bielefeld.schools(timezone.localdate()).order_by("name").first()
    name = f"z-{wlan.pk}-{school.school_number}"
    response = _client(admin).post("/verwaltung/schulen/", {name: "done", f"v{name[1:]}": "open"})
    assert response.status_code == 302
    assert SchoolRollout.objects.get(measure=wlan, school=school).state == "done"
    keys.append(_live_key())

    # A school new in the directory (import_schools): in the plan's scope, one more to do.
    make_school(name="Neue Grundschule")
    keys.append(_live_key())

    # The loader putting the plan back to the deck's state.
    call_command("load_bielefeld", "--reset", verbosity=0, stdout=io.StringIO())
    keys.append(_live_key())

    # A new edition: the live deck's changes are now counted since it.
    edition = Edition.publish(
        Plan.objects.current(),
        user=admin,
        today=timezone.localdate(),
        date=timezone.localdate(),
        title="Bericht heute",
        slug="heute",
    )
    keys.append(_live_key())
    assert len(set(keys)) == len(keys)

    # Withdrawn again: the same deck as before it, the same file.
    edition.withdraw(user=admin, reason="Zu früh")
    assert _live_key() == keys[-2]


def test_the_next_day_gives_the_live_file_a_new_key(bielefeld):
    plan = Plan.objects.current()
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    assert renders.live_deck(plan, today).key("pdf") == renders.live_deck(plan, today).key("pdf")
    assert renders.live_deck(plan, today).key("pdf") != renders.live_deck(plan, tomorrow).key("pdf")


# --- Defect 9: one render at a time, across connections (processes) ----------


def _in_thread(function) -> threading.Thread:
    """Run `function` in a thread with a database connection of its own."""

    def run() -> None:
        try:
            function()
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_one_render_at_a_time_and_the_waiting_request_gets_its_file(db):
    key = f"test:{uuid.uuid4()}"
    started, release = threading.Event(), threading.Event()
    calls, results = [], {}

    def render() -> bytes:
        calls.append(threading.current_thread().name)
        started.set()
        release.wait(10)
        return b"the file"

    def fetch(name: str):
        return lambda: results.update({name: renders.cached(key, render, 60)})

    first = _in_thread(fetch("first"))
    assert started.wait(10)
    second = _in_thread(fetch("second"))
    second.join(0.5)
    assert second.is_alive()  # waiting for the first one's lock, not rendering
    release.set()
    first.join(10)
    second.join(10)
    assert results == {"first": b"the file", "second": b"the file"}
    assert len(calls) == 1
    _in_thread(lambda: caches[renders.CACHE].delete(key)).join(10)


def test_a_request_waiting_too_long_for_a_render_gets_503(edition, client, monkeypatch):
    key = renders.edition_deck(edition).key("pdf")
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with renders.single_flight(key):
            held.set()
            release.wait(10)

    holder = _in_thread(hold)
    assert held.wait(10)
    monkeypatch.setattr(renders, "WAIT_SECONDS", 0.3)
    try:
        response = client.get(f"/berichte/{SLUG}/bericht.pdf")
    finally:
        release.set()
        holder.join(10)
    assert response.status_code == 503
    assert response["Retry-After"] == str(views.BUSY_RETRY_SECONDS)
    assert "Bericht wird gerade erstellt" in response.content.decode()


def test_the_process_lock_for_sqlite_lets_one_through():
    key = f"test:{uuid.uuid4()}"
    outcomes = []

    def other() -> None:
        try:
            with renders._process_lock(key, 0.2):
                outcomes.append("rendered")
        except renders.RenderBusy:
            outcomes.append("busy")

    with renders._process_lock(key, 1):
        thread = threading.Thread(target=other)
        thread.start()
        thread.join(5)
    thread = threading.Thread(target=other)
    thread.start()
    thread.join(5)
    assert outcomes == ["busy", "rendered"]


# --- Defect 9: rate limits for anonymous clients ------------------------------


def test_anonymous_clients_are_limited_per_address_staff_are_not(edition, admin, monkeypatch):
    monkeypatch.setattr(views, "RENDER_RATE", "3/m")
    client = Client(REMOTE_ADDR="198.51.100.7")
    for path in ["/praesentation/", f"/berichte/{SLUG}/praesentation/", "/praesentation/"]:
        assert client.get(path).status_code == 200
    # All render endpoints count together.
    for path in ["/bericht.pdf", f"/berichte/{SLUG}/bericht.pptx", "/praesentation/"]:
        response = client.get(path)
        assert response.status_code == 429
        assert 1 <= int(response["Retry-After"]) <= 60
        html = response.content.decode()
        assert "Zu viele Anfragen" in html and "in einer Minute noch einmal" in html
        assert "Content-Disposition" not in response

    # Another address is not affected, and logged-in staff are never counted.
    assert Client(REMOTE_ADDR="198.51.100.8").get("/praesentation/").status_code == 200
    staff = Client(REMOTE_ADDR="198.51.100.7")
    log_in(staff, admin)
    for _ in range(4):
        assert staff.get("/praesentation/").status_code == 200


def test_the_limit_page_is_english_for_english_readers(english, monkeypatch):
    monkeypatch.setattr(views, "RENDER_RATE", "1/m")
    english.get("/praesentation/")
    response = english.get("/praesentation/")
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()


# --- Defect 9: the preface has a length limit ---------------------------------


def _publisher() -> User:
    user = User.objects.create_user("petra", password="x" * 20)
    user.user_permissions.add(Permission.objects.get(codename="publish_edition"))
    return user


def test_a_preface_longer_than_the_limit_is_refused_in_german(bielefeld):
    client = _client(_publisher())
    data = {
        "title": "Bericht",
        "date": timezone.localdate().strftime("%d.%m.%Y"),
        "reference": "",
        "preface": "x" * (PREFACE_MAX_LENGTH + 1),
    }
    response = client.post("/verwaltung/berichte/neu/", data)
    assert response.status_code == 422
    html = response.content.decode()
    # The numbers grouped as in the hint (10.000), not as Python prints them (10000).
    assert "Das Vorwort darf höchstens 10.000 Zeichen lang sein, dieses hat 10.001." in html
    assert "x" * (PREFACE_MAX_LENGTH + 1) in html  # kept for shortening (no maxlength cuts it)
    assert "Höchstens 10.000 Zeichen." in html  # said before, in the field's hint

    data["preface"] = "x" * PREFACE_MAX_LENGTH
    assert client.post("/verwaltung/berichte/neu/", data).status_code == 200  # the preview


def test_the_hint_groups_the_limit_in_english(english, bielefeld):
    user = _publisher()
    english.force_login(user)
    english.post("/i18n/setlang/", {"language": "en"})
    assert "At most 10,000 characters." in english.get("/verwaltung/berichte/neu/").content.decode()


def test_the_model_refuses_a_preface_longer_than_the_limit(bielefeld, admin):
    today = timezone.localdate()
    values = {"user": admin, "today": today, "date": today, "title": "Bericht", "slug": "b"}
    with pytest.raises(ValidationError) as error:
        Edition.publish(bielefeld, preface="x" * (PREFACE_MAX_LENGTH + 1), **values)
    assert "höchstens 10000 Zeichen" in str(error.value.message_dict["preface"])
    assert not Edition.objects.exists()
    Edition.publish(bielefeld, preface="x" * PREFACE_MAX_LENGTH, **values)


def test_a_cached_download_costs_few_queries(edition, client, django_assert_num_queries):
    client.get(f"/berichte/{SLUG}/bericht.pptx")
    client.get("/bericht.pptx")
    # The public plan, the edition, the previous edition's pk, the cache.
    with django_assert_num_queries(4):
        assert client.get(f"/berichte/{SLUG}/bericht.pptx").status_code == 200
    # The public plan, the latest edition's pk (not its snapshot), today's
    # snapshot (six, with its budget lines and indicators), the cache.
    with django_assert_num_queries(9):
        assert client.get("/bericht.pptx").status_code == 200


def test_the_preface_message_groups_the_numbers_in_english(english, bielefeld):
    english.force_login(_publisher())
    english.post("/i18n/setlang/", {"language": "en"})
    data = {"title": "Report", "date": timezone.localdate().strftime("%d.%m.%Y")}
    response = english.post("/verwaltung/berichte/neu/", {**data, "preface": "x" * 12_345})
    assert response.status_code == 422
    assert "at most 10,000 characters long; this one has 12,345." in response.content.decode()
