"""The smallest files that are real MP4 and WebM videos to a parser (no player needed)."""

import struct


def _atom(name: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + name + payload


def mp4(seconds: float = 125.0, handler: bytes = b"vide", padding: int = 4000) -> bytes:
    """ftyp, moov (mvhd, one track with handler `handler`), mdat."""
    duration = struct.pack(">IIII", 0, 0, 1000, int(seconds * 1000))
    mvhd = _atom(b"mvhd", b"\0\0\0\0" + duration + b"\0" * 80)
    mdhd = _atom(b"mdhd", b"\0\0\0\0" + duration + b"\0\0\0\0")
    hdlr = _atom(b"hdlr", b"\0" * 8 + handler + b"\0" * 12 + b"Handler\0")
    trak = _atom(b"trak", _atom(b"mdia", mdhd + hdlr))
    ftyp = _atom(b"ftyp", b"isom\0\0\2\0isomiso2avc1mp41")
    return ftyp + _atom(b"moov", mvhd + trak) + _atom(b"mdat", bytes(range(256)) * (padding // 256))


def _element(element_id: bytes, payload: bytes) -> bytes:
    return element_id + b"\x01" + len(payload).to_bytes(7) + payload


def webm(seconds: float = 42.0, track_type: int = 1, doctype: bytes = b"webm") -> bytes:
    header = _element(b"\x1a\x45\xdf\xa3", _element(b"\x42\x82", doctype))
    info = _element(
        b"\x15\x49\xa9\x66",
        _element(b"\x2a\xd7\xb1", (1_000_000).to_bytes(3))
        + _element(b"\x44\x89", struct.pack(">d", seconds * 1000)),
    )
    tracks = _element(
        b"\x16\x54\xae\x6b", _element(b"\xae", _element(b"\x83", bytes([track_type])))
    )
    cluster = _element(b"\x1f\x43\xb6\x75", b"\0" * 100)
    return header + _element(b"\x18\x53\x80\x67", info + tracks + cluster)
