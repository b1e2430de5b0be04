"""The sign-language video: what an upload really is, and serving it in byte ranges.

An upload is judged by its content, not its name: an MP4 must parse as an ISO
media file with a video track (mutagen), a WebM as an EBML document of type
"webm" with a video track (read here; mutagen does not read Matroska).
"""

import os
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from mutagen import MutagenError
from mutagen.mp4 import MP4, Atoms

MAX_VIDEO_BYTES = 300 * 1024 * 1024
MP4_TYPE = "video/mp4"
WEBM_TYPE = "video/webm"
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class VideoInfo:
    content_type: str
    size: int
    seconds: float


def inspect_video(file: BinaryIO, size: int) -> VideoInfo:
    """Format and length of an uploaded video; ValidationError if it is none we serve."""
    if size > MAX_VIDEO_BYTES:
        raise ValidationError(
            _("Das Video ist größer als %(max)s MB. Bitte laden Sie eine kleinere Datei hoch.")
            % {"max": MAX_VIDEO_BYTES // (1024 * 1024)}
        )
    file.seek(0)
    head = file.read(12)
    file.seek(0)
    try:
        if head[4:8] == b"ftyp":
            info = VideoInfo(MP4_TYPE, size, _mp4_seconds(file))
        elif head[:4] == b"\x1a\x45\xdf\xa3":
            info = VideoInfo(WEBM_TYPE, size, _webm_seconds(file))
        else:
            info = None
    except (MutagenError, _NotAVideo, KeyError, struct.error, ValueError, OSError):
        info = None
    finally:
        file.seek(0)
    if info is None:
        raise ValidationError(
            _(
                "Diese Datei ist kein Video im Format MP4 oder WebM (geprüft wurde der Inhalt, "
                "nicht der Dateiname)."
            )
        )
    if info.seconds <= 0:
        raise ValidationError(_("Das Video hat keine Länge; ist die Datei vollständig?"))
    return info


class _NotAVideo(Exception):
    pass


def _mp4_seconds(file: BinaryIO) -> float:
    atoms = Atoms(file)
    handlers = []
    for trak in atoms[b"moov"].findall(b"trak"):
        ok, data = trak[b"mdia", b"hdlr"].read(file)
        handlers.append(data[8:12] if ok else b"")
    if b"vide" not in handlers:
        raise _NotAVideo
    file.seek(0)
    return float(MP4(file).info.length)


# EBML element IDs (Matroska/WebM specification).
_EBML_DOCTYPE = 0x4282
_SEGMENT = 0x18538067
_INFO = 0x1549A966
_TIMESTAMP_SCALE = 0x2AD7B1
_DURATION = 0x4489
_TRACKS = 0x1654AE6B
_TRACK_ENTRY = 0xAE
_TRACK_TYPE = 0x83
_CLUSTER = 0x1F43B675
_VIDEO_TRACK = 1
_UNKNOWN_SIZE = -1


def _vint(file: BinaryIO, keep_marker: bool) -> int:
    first = file.read(1)
    if not first:
        raise _NotAVideo
    length = 8 - first[0].bit_length() + 1
    if length > 8:
        raise _NotAVideo
    rest = file.read(length - 1)
    if len(rest) != length - 1:
        raise _NotAVideo
    value = first[0] if keep_marker else first[0] & (0xFF >> length)
    for byte in rest:
        value = (value << 8) | byte
    if not keep_marker and value == (1 << (7 * length)) - 1:
        return _UNKNOWN_SIZE
    return value


def _small(file: BinaryIO, size: int) -> bytes:
    """A short value (type, scale, duration); a huge claimed size means a broken file."""
    if not 0 <= size <= 64:
        raise _NotAVideo
    return file.read(size)


def _elements(file: BinaryIO, end: int | None) -> Iterator[tuple[int, int, int]]:
    """(id, size, start of data) of the elements up to `end`; the caller skips or reads."""
    while end is None or file.tell() < end:
        element = _vint(file, keep_marker=True)
        size = _vint(file, keep_marker=False)
        start = file.tell()
        yield element, size, start
        if size == _UNKNOWN_SIZE:
            continue  # a live stream's segment: its children follow directly
        file.seek(start + size)


def _webm_seconds(file: BinaryIO) -> float:
    file.seek(0, os.SEEK_END)
    total = file.tell()
    file.seek(0)
    doctype = b""
    scale, duration, has_video = 1_000_000, None, False
    for element, size, start in _elements(file, total):
        if element == 0x1A45DFA3:
            for child, child_size, _start in _elements(file, start + size):
                if child == _EBML_DOCTYPE:
                    doctype = _small(file, child_size)
        elif element == _SEGMENT:
            end = total if size == _UNKNOWN_SIZE else min(total, start + size)
            for child, child_size, child_start in _elements(file, end):
                if child == _INFO:
                    for item, item_size, _start in _elements(file, child_start + child_size):
                        data = _small(file, item_size)
                        if item == _TIMESTAMP_SCALE:
                            scale = int.from_bytes(data)
                        elif item == _DURATION:
                            duration = struct.unpack(">f" if item_size == 4 else ">d", data)[0]
                elif child == _TRACKS:
                    for entry, entry_size, entry_start in _elements(file, child_start + child_size):
                        if entry != _TRACK_ENTRY:
                            continue
                        for item, item_size, _start in _elements(file, entry_start + entry_size):
                            if item == _TRACK_TYPE:
                                has_video |= int.from_bytes(_small(file, item_size)) == _VIDEO_TRACK
                elif child == _CLUSTER:
                    break
            break
    if doctype != b"webm" or not has_video or duration is None:
        raise _NotAVideo
    return duration * scale / 1_000_000_000


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def ranged_response(file: BinaryIO, size: int, content_type: str, range_header: str | None):
    """The whole file (200) or the one byte range asked for (206; 416 if outside it).

    Browsers ask for ranges to seek in a video; several ranges in one request are
    answered with the whole file, which the standard allows.
    """
    start, end = 0, size - 1
    status = 200
    match = _RANGE.match(range_header.strip()) if range_header else None
    if match and (match[1] or match[2]):
        if match[1]:
            start = int(match[1])
            end = min(int(match[2]), size - 1) if match[2] else size - 1
        else:  # "bytes=-500": the last 500 bytes
            start = max(size - int(match[2]), 0)
        if start >= size or start > end:
            file.close()
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        status = 206
    response = StreamingHttpResponse(
        _read(file, start, end - start + 1), status=status, content_type=content_type
    )
    response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    if status == 206:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return response


def _read(file: BinaryIO, start: int, length: int) -> Iterator[bytes]:
    try:
        file.seek(start)
        while length > 0:
            chunk = file.read(min(_CHUNK, length))
            if not chunk:
                break
            length -= len(chunk)
            yield chunk
    finally:
        file.close()
