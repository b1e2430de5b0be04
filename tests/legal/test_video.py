"""What counts as a video: the content decides, not the file name."""

import io

import pytest
from django.core.exceptions import ValidationError

from legal.video import MAX_VIDEO_BYTES, inspect_video
from tests.legal.media import mp4, webm


def inspect(data: bytes):
    return inspect_video(io.BytesIO(data), len(data))


def test_an_mp4_with_a_video_track_is_read_with_its_length():
    info = inspect(mp4(seconds=125))
    assert (info.content_type, info.seconds) == ("video/mp4", 125)


def test_a_webm_with_a_video_track_is_read_with_its_length():
    info = inspect(webm(seconds=42.5))
    assert (info.content_type, info.seconds) == ("video/webm", 42.5)


@pytest.mark.parametrize(
    "data",
    [
        b"Das ist ein Text, kein Video." * 20,
        b"\0\0\0\x18ftypisom" + b"kaputt" * 20,  # starts like an MP4, is none
        mp4(handler=b"soun"),  # sound only
        webm(track_type=2),  # sound only
        webm(doctype=b"matroska"),
        webm()[:40],  # cut off
    ],
    ids=["text", "broken-mp4", "mp4-audio", "webm-audio", "matroska", "cut-webm"],
)
def test_other_content_is_refused_in_german(data):
    with pytest.raises(ValidationError, match="kein Video im Format MP4 oder WebM"):
        inspect(data)


def test_a_video_without_length_is_refused():
    with pytest.raises(ValidationError, match="keine Länge"):
        inspect(mp4(seconds=0))


def test_a_too_large_file_is_refused_before_it_is_read():
    with pytest.raises(ValidationError, match="größer als 300 MB"):
        inspect_video(io.BytesIO(b""), MAX_VIDEO_BYTES + 1)
