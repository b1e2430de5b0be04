"""Past reports (issue 12): an administrator records an edition with a past Stand
from a plan file of the values of that time. It is marked publicly "nachträglich
erfasst am … nach …", the live plan stays as it is, its measures keep their ids so
that the comparison matches them, and bad input is refused in German with
nothing saved."""

import copy
import datetime
import io
import tomllib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader

from editions.decks import render_pdf
from editions.models import Edition
from editions.reports import build_snapshot, compare
from measures.importers import BIELEFELD_PLAN
from measures.indicators import Indicator
from measures.models import Measure
from tests.factories import make_user
from tests.two_factor import client_for

PAST = datetime.date(2024, 3, 12)
SOURCE = "Vorlage an den Schulausschuss vom 12.03.2024, Drucksache 7654/2020-2025"
URL = "/verwaltung/berichte/nachtraeglich/"


def plan_file() -> dict:
    """Bielefeld's plan as the file has it, with the values of March 2024: fewer
    schools with the 1:1 devices, WLAN with a first count of access points."""
    data = tomllib.loads(BIELEFELD_PLAN.read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    hardware = next(f for f in data["fields"] if f["slug"] == "hardwareausstattung")
    hardware["measures"][0]["rollout"] = "40/74"
    wlan = data["fields"][0]["measures"][0]
    wlan["status"] = "In Vorbereitung"
    wlan["indicators"] = [
        {
            "name": "Access Points",
            "unit": "Eigene Einheit",
            "unit_detail": "Access Points",
            "readings": [{"date": datetime.date(2024, 1, 1), "value": 900}],
        }
    ]
    return data


def record(plan, user, **values) -> Edition:
    arguments = {
        "user": user,
        "plan_file": plan_file(),
        "date": PAST,
        "today": timezone.localdate(),
        "recorded_from": SOURCE,
        "title": "Bericht März 2024",
        "slug": "bericht-maerz-2024",
    }
    arguments.update(values)
    return Edition.record_past(plan, **arguments)


@pytest.fixture
def admin(bielefeld):
    return make_user("ada", permissions=["record_past_edition", "publish_edition"])


def test_a_past_edition_has_the_files_values_and_leaves_the_plan_alone(bielefeld, admin):
    wlan = Measure.objects.get(slug="flaechendeckendes-wlan")
    before = (wlan.status, wlan.version, Measure.history.count(), Indicator.objects.count())
    edition = record(bielefeld, admin)

    wlan.refresh_from_db()
    assert (wlan.status, wlan.version, Measure.history.count(), Indicator.objects.count()) == before
    frozen = {m["slug"]: m for f in edition.snapshot["fields"] for m in f["measures"]}
    assert frozen["flaechendeckendes-wlan"]["status"] == "preparing"
    assert frozen["flaechendeckendes-wlan"]["indicators"][0]["readings"][0]["value"] == "900.00"
    # Same measures, same ids: the comparison with today matches them.
    assert frozen["flaechendeckendes-wlan"]["id"] == wlan.pk
    changed = {
        diff.slug: diff
        for diff in compare(
            edition.snapshot, build_snapshot(bielefeld, timezone.localdate())
        ).changed
    }
    assert changed["flaechendeckendes-wlan"].new_status == "In Bearbeitung"
    assert changed["flaechendeckendes-wlan"].indicators[0].text == "Kennzahl entfallen"
    assert edition.recorded_note == (
        f"Nachträglich erfasst am {timezone.localdate():%d.%m.%Y} nach {SOURCE}"
    )


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"date": None}, "date", "hat einen Stand vor heute"),
        ({"recorded_from": "  "}, "recorded_from", "Bitte nennen Sie die Quelle"),
    ],
)
def test_a_past_edition_needs_a_past_date_and_a_source(bielefeld, admin, values, field, message):
    if values.get("date", PAST) is None:
        values["date"] = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        record(bielefeld, admin, **values)
    assert message in " ".join(refused.value.message_dict[field])
    assert not Edition.objects.exists()


def test_a_file_of_another_plan_or_with_mistakes_is_refused(bielefeld, admin):
    other = plan_file()
    other["plan"]["title"] = "Ein anderer Plan"
    with pytest.raises(ValidationError) as refused:
        record(bielefeld, admin, plan_file=other)
    assert "gehört nicht zu diesem Plan" in refused.value.message_dict["plan_file"][0]

    broken = plan_file()
    broken["fields"][0]["measures"][0]["status"] = "Fast fertig"
    with pytest.raises(ValidationError) as refused:
        record(bielefeld, admin, plan_file=broken)
    assert "Unbekannter Status „Fast fertig“" in refused.value.message_dict["plan_file"][0]
    assert not Edition.objects.exists()
    assert Measure.objects.get(slug="flaechendeckendes-wlan").status == "in_progress"


def test_the_deck_and_the_pages_say_it_was_recorded_later(bielefeld, admin, client):
    edition = record(bielefeld, admin)
    note = edition.recorded_note
    page = client.get(edition.get_absolute_url()).content.decode()
    assert note in page
    assert "nachträglich erfasst" in client.get("/berichte/").content.decode()
    pdf = PdfReader(io.BytesIO(render_pdf(edition.snapshot, edition.title, edition.date)))
    cover = "".join(pdf.pages[0].extract_text().split())
    assert "Stand:12.03.2024" in cover and "".join(note.split()) in cover


def upload(data: bytes = b"", name: str = "plan-2024.toml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data or BIELEFELD_PLAN.read_bytes(), "application/toml")


def form(**values) -> dict:
    data = {
        "title": "Bericht März 2024",
        "date": "12.03.2024",
        "recorded_from": SOURCE,
        "plan_file": upload(),
    }
    data.update(values)
    return data


def test_only_those_with_the_permission_may_record(bielefeld, client):
    assert client.get(URL).status_code == 302  # to the login
    publisher = make_user("paul", permissions=["publish_edition"])
    assert client_for(publisher).get(URL).status_code == 403
    assert client_for(publisher).post(URL, form()).status_code == 403
    assert not Edition.objects.exists()


def test_the_form_records_and_refuses_bad_files_in_german(bielefeld, admin):
    staff = client_for(admin)
    assert staff.get(URL).status_code == 200
    assert "Früheren Bericht nachträglich erfassen" in staff.get("/berichte/").content.decode()

    refused = staff.post(URL, form(plan_file=upload(b"[plan\ntitle = 1")))
    assert refused.status_code == 422
    assert "kein gültiges TOML" in refused.content.decode()
    refused = staff.post(URL, form(plan_file=upload(b"\xff\xfe")))
    assert refused.status_code == 422 and "nicht UTF-8-kodiert" in refused.content.decode()
    refused = staff.post(URL, form(date="01.01.2999"))
    assert refused.status_code == 422 and "hat einen Stand vor heute" in refused.content.decode()
    assert not Edition.objects.exists()

    response = staff.post(URL, form())
    edition = Edition.objects.get()
    assert response.status_code == 302 and response["Location"] == edition.get_absolute_url()
    assert (edition.date, edition.slug) == (PAST, "bericht-maerz-2024")
    assert edition.published_by == admin
    again = staff.post(URL, form())
    assert (
        again.status_code == 422 and "schon eine Ausgabe mit diesem Titel" in again.content.decode()
    )


def test_todays_school_ticks_and_later_values_are_not_the_past(bielefeld, admin):
    from measures.rollout import RolloutState, SchoolRollout
    from tests.factories import make_school

    platform = Measure.objects.get(slug="digitale-schulplattform")
    SchoolRollout.objects.set_states(
        platform, {make_school(): RolloutState.DONE}, user=admin, reason="heute"
    )
    edition = record(bielefeld, admin)
    frozen = {m["slug"]: m for f in edition.snapshot["fields"] for m in f["measures"]}
    # The file's count of that time, not today's ticked schools.
    assert frozen["digitale-schulplattform"]["rollout"] == [36, 74]
    assert frozen["digitale-schulplattform"]["schools"] == []
    assert SchoolRollout.objects.filter(measure=platform).count() == 1  # still there

    later = plan_file()
    later["fields"][0]["measures"][0]["indicators"][0]["readings"].append(
        {"date": datetime.date(2024, 6, 1), "value": 1000}
    )
    with pytest.raises(ValidationError) as refused:
        record(
            bielefeld,
            admin,
            plan_file=later,
            date=datetime.date(2024, 2, 1),  # before the first edition, after the file's 900
            title="Noch einer",
            slug="noch-einer",
        )
    assert "einen Wert nach dem Stand des Berichts" in refused.value.message_dict["plan_file"][0]
    assert "01.06.2024" in refused.value.message_dict["plan_file"][0]


def test_a_past_edition_lies_before_every_published_one(bielefeld, admin):
    today = timezone.localdate()
    Edition.publish(bielefeld, user=admin, date=today, today=today, title="Heute", slug="heute")
    record(bielefeld, admin)  # March 2024: before it
    with pytest.raises(ValidationError) as refused:
        record(
            bielefeld,
            admin,
            date=today - datetime.timedelta(days=1),
            title="Gestern",
            slug="gestern",
        )
    assert "vor allen veröffentlichten Ausgaben" in refused.value.message_dict["date"][0]
