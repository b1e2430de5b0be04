"""The video is served by us, in byte ranges, with its content type."""

import pytest
from django.core.files.base import ContentFile

from legal.models import LegalPage, PageKind
from tests.legal.media import mp4

pytestmark = pytest.mark.django_db
URL = "/gebaerdensprache/video/"


@pytest.fixture
def video(pages, settings, tmp_path) -> bytes:
    settings.MEDIA_ROOT = tmp_path
    content = mp4(padding=10_000)
    page = pages[PageKind.SIGN_LANGUAGE]
    page.video.save("dgs.mp4", ContentFile(content), save=False)
    page.video_type, page.video_size, page.video_seconds = "video/mp4", len(content), 125.0
    page.save()
    return content


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_whole_video(client, video):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "video/mp4"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(len(video))
    assert body(response) == video


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [("bytes=0-99", 0, 99), ("bytes=100-", 100, None), ("bytes=-50", -50, None)],
)
def test_a_range_of_the_video(client, video, header, start, end):
    response = client.get(URL, headers={"range": header})
    assert response.status_code == 206
    expected = video[start : end + 1 if end is not None else None]
    assert body(response) == expected
    first = start if start >= 0 else len(video) + start
    assert response["Content-Range"] == f"bytes {first}-{first + len(expected) - 1}/{len(video)}"
    assert response["Content-Length"] == str(len(expected))


def test_a_range_past_the_end_is_refused(client, video):
    response = client.get(URL, headers={"range": f"bytes={len(video)}-"})
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(video)}"


def test_a_malformed_range_gets_the_whole_video(client, video):
    response = client.get(URL, headers={"range": "bytes=0-1,5-9"})
    assert response.status_code == 200 and body(response) == video


def test_no_video_is_not_found(client, pages):
    assert client.get(URL).status_code == 404


def test_a_missing_file_is_not_found(client, video, pages, tmp_path):
    owner = pages[PageKind.SIGN_LANGUAGE].owner_id
    for file in (tmp_path / "legal" / str(owner) / "video").iterdir():
        file.unlink()
    assert client.get(URL).status_code == 404


def test_only_get_and_head(client, video):
    assert client.post(URL).status_code == 405
    assert LegalPage.objects.get(kind=PageKind.SIGN_LANGUAGE).video


def test_the_policy_lets_the_page_play_our_own_video_only(client, video):
    policy = client.get("/gebaerdensprache/")["Content-Security-Policy"]
    assert "media-src 'self'" in policy
