"""Administrators edit and confirm the legal pages and upload the video in the admin."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from legal.models import LegalPage, PageKind
from tests.legal.media import mp4, webm
from tests.two_factor import log_in

pytestmark = pytest.mark.django_db


def video_folder(media_root, page: LegalPage):
    return media_root / "legal" / str(page.owner_id) / "video"


def change_url(page: LegalPage) -> str:
    return f"/admin/legal/legalpage/{page.pk}/change/"


def form_data(page: LegalPage, **values) -> dict:
    data = {
        "title": page.title,
        "body": page.body,
        "compliance": page.compliance,
        "known_gaps": page.known_gaps,
        "prepared_on": "",
        "reviewed_on": "",
        "method": page.method,
        "ombuds_contact": page.ombuds_contact,
    }
    data.update(values)
    return {name: value for name, value in data.items() if value is not None}


def test_the_list_marks_unconfirmed_pages(admin_client, pages):
    html = admin_client.get("/admin/legal/legalpage/").content.decode()
    assert html.count("Entwurf, noch nicht bestätigt") == 5


def test_an_edited_text_is_saved_and_survives_the_next_load(admin_client, pages):
    page = pages[PageKind.EASY_LANGUAGE]
    response = admin_client.post(change_url(page), form_data(page, body="## Neu\n\nEin Satz."))
    assert response.status_code == 302, response.content.decode()[:3000]
    page.refresh_from_db()
    assert page.body == "## Neu\n\nEin Satz." and page.edited_at is not None
    assert not page.is_confirmed
    from django.core.management import call_command

    call_command("load_legal_drafts", verbosity=0)
    page.refresh_from_db()
    assert page.body == "## Neu\n\nEin Satz."


def test_a_page_with_placeholders_cannot_be_confirmed(admin_client, pages):
    page = pages[PageKind.IMPRINT]
    response = admin_client.post(change_url(page), form_data(page, confirmed="on"))
    assert response.status_code == 422
    assert "Der Text enthält noch Platzhalter" in response.content.decode()
    page.refresh_from_db()
    assert not page.is_confirmed


def test_a_checked_page_is_confirmed_and_loses_its_draft_mark(admin_client, pages):
    page = pages[PageKind.IMPRINT]
    response = admin_client.post(
        change_url(page), form_data(page, body="## Anbieter\n\nStadt Bielefeld", confirmed="on")
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.is_confirmed
    html = admin_client.get("/admin/legal/legalpage/").content.decode()
    assert html.count("Entwurf, noch nicht bestätigt") == 4
    # Unticking takes the confirmation back.
    admin_client.post(change_url(page), form_data(page))
    page.refresh_from_db()
    assert not page.is_confirmed


def test_the_accessibility_statement_needs_its_parts_to_be_confirmed(admin_client, pages):
    page = pages[PageKind.ACCESSIBILITY]
    clean = {"body": "Text.", "known_gaps": "Keine.", "ombuds_contact": "Ombudsstelle"}
    response = admin_client.post(change_url(page), form_data(page, confirmed="on", **clean))
    html = response.content.decode()
    assert "Das Datum der Erstellung und der letzten Überprüfung fehlen." in html
    assert "Der Kontakt der Schlichtungsstelle ist noch nicht geprüft." in html
    response = admin_client.post(
        change_url(page),
        form_data(
            page,
            confirmed="on",
            prepared_on="01.12.2026",
            reviewed_on="30.11.2026",
            ombuds_contact_confirmed="on",
            **clean,
        ),
    )
    assert "vor ihrer Erstellung überprüft" in response.content.decode()
    response = admin_client.post(
        change_url(page),
        form_data(
            page,
            confirmed="on",
            prepared_on="01.12.2026",
            reviewed_on="01.12.2026",
            ombuds_contact_confirmed="on",
            **clean,
        ),
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.is_confirmed and str(page.reviewed_on) == "2026-12-01"


def test_a_staff_member_without_permission_cannot_edit(client, pages, django_user_model):
    user = django_user_model.objects.create_user("schule", is_staff=True)
    log_in(client, user)
    assert client.get(change_url(pages[PageKind.IMPRINT])).status_code == 403


def upload(admin_client, page, name, content, content_type):
    return admin_client.post(
        change_url(page),
        form_data(page, video=SimpleUploadedFile(name, content, content_type=content_type)),
    )


def test_a_video_upload_is_described_and_shown(admin_client, pages, settings, tmp_path, client):
    settings.MEDIA_ROOT = tmp_path
    page = pages[PageKind.SIGN_LANGUAGE]
    response = upload(admin_client, page, "dgs.mp4", mp4(seconds=245), "video/mp4")
    assert response.status_code == 302, response.content.decode()[:3000]
    page.refresh_from_db()
    assert (page.video_type, page.video_seconds) == ("video/mp4", 245)
    assert page.video_size == len(mp4())
    html = client.get("/gebaerdensprache/").content.decode()
    assert '<source src="/gebaerdensprache/video/" type="video/mp4">' in html
    assert "Länge: 4:05 Minuten, Dateigröße: 4,0\xa0KB." in html
    assert "noch nicht fertig" not in html


def test_a_webm_upload_is_accepted(admin_client, pages, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    page = pages[PageKind.SIGN_LANGUAGE]
    assert upload(admin_client, page, "dgs.webm", webm(seconds=61), "video/webm").status_code == 302
    page.refresh_from_db()
    assert (page.video_type, page.video_seconds) == ("video/webm", 61)


def test_a_fake_mp4_is_refused(admin_client, pages, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    page = pages[PageKind.SIGN_LANGUAGE]
    response = upload(admin_client, page, "dgs.mp4", b"<html>kein Video</html>" * 50, "video/mp4")
    assert response.status_code == 422
    assert "kein Video im Format MP4 oder WebM" in response.content.decode()
    page.refresh_from_db()
    assert not page.video
    assert list(tmp_path.iterdir()) == []


def test_feedback_is_read_only_in_the_admin(admin_client, authority):
    from legal.models import Feedback

    feedback = Feedback.objects.create(owner=authority, message="Kontrast zu schwach", page="/")
    assert admin_client.get("/admin/legal/feedback/add/").status_code == 403
    html = admin_client.get(f"/admin/legal/feedback/{feedback.pk}/change/").content.decode()
    assert "Kontrast zu schwach" in html and 'name="message"' not in html


def test_a_missing_page_can_be_added_and_no_second_one(admin_client, pages):
    assert admin_client.get("/admin/legal/legalpage/add/").status_code == 403  # all five exist
    LegalPage.objects.filter(kind=PageKind.IMPRINT).delete()
    assert admin_client.get("/admin/legal/legalpage/add/").status_code == 200
    response = admin_client.post(
        "/admin/legal/legalpage/add/",
        {
            "owner": pages[PageKind.PRIVACY].owner_id,
            "kind": "impressum",
            "title": "Impressum",
            "body": "## Anbieter",
            "method": "self",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    page = LegalPage.objects.get(kind=PageKind.IMPRINT)
    assert page.edited_at is not None  # the next load_legal_drafts keeps it


def test_a_replaced_or_cleared_video_leaves_no_file_behind(admin_client, pages, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    page = pages[PageKind.SIGN_LANGUAGE]
    upload(admin_client, page, "alt.mp4", mp4(), "video/mp4")
    upload(admin_client, page, "neu.webm", webm(), "video/webm")
    assert [file.name for file in video_folder(tmp_path, page).iterdir()] == ["neu.webm"]
    page.refresh_from_db()
    assert page.video_type == "video/webm"
    response = admin_client.post(change_url(page), form_data(page, **{"video-clear": "on"}))
    assert response.status_code == 302
    page.refresh_from_db()
    assert not page.video and page.video_size is None
    assert list(video_folder(tmp_path, page).iterdir()) == []
    assert "noch nicht fertig" in admin_client.get("/gebaerdensprache/").content.decode()
