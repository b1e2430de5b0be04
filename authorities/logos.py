"""A Schulträger's logo: what an upload really is, and the file the portal keeps.

An upload is judged by its content, not its name: a PNG must open as one (Pillow,
its size read from the header before anything is decoded); an SVG is rebuilt by
Cloudflare's svg-hush from an allow list (no scripts, event handlers, embedded
documents or outside references), and the rebuilt image is what is stored. The
pages show the logo as an <img>, where SVG runs nothing anyway; its own address
answers with a policy that forbids everything but drawing (authorities.views).
"""

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from py_svg_hush import filter_svg

MAX_LOGO_BYTES = 512 * 1024
MAX_LOGO_PIXELS = 4000  # per side: a header logo needs a few hundred
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_TYPE = "image/png"
SVG_TYPE = "image/svg+xml"
CONTENT_TYPES = {"png": PNG_TYPE, "svg": SVG_TYPE}


@dataclass(frozen=True)
class Logo:
    content: bytes  # what is stored: the PNG as uploaded, the SVG as rebuilt
    extension: str  # "png" or "svg"


def checked_logo(content: bytes) -> Logo:
    """The logo to store from an upload's bytes; ValidationError (German) otherwise."""
    check_size(len(content))
    if content.startswith(PNG_SIGNATURE):
        return Logo(_checked_png(content), "png")
    if b"<svg" in content[:4096]:
        return Logo(_sanitised_svg(content), "svg")
    raise ValidationError(_("Bitte laden Sie das Logo als PNG- oder SVG-Datei hoch."))


def check_size(size: int) -> None:
    """Refuse a logo of `size` bytes if it is too large: asked before reading it."""
    if size > MAX_LOGO_BYTES:
        raise ValidationError(
            _("Das Logo ist %(size)s KB groß; höchstens %(max)s KB sind möglich.")
            % {"size": -(-size // 1024), "max": MAX_LOGO_BYTES // 1024}
        )


def _checked_png(content: bytes) -> bytes:
    try:
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size  # from the header: nothing decoded yet
            if image.format != "PNG":
                raise UnidentifiedImageError
            if max(width, height) > MAX_LOGO_PIXELS:
                raise ValidationError(
                    _(
                        "Das Logo ist %(width)s × %(height)s Pixel groß; höchstens "
                        "%(max)s Pixel je Seite sind möglich."
                    )
                    % {"width": width, "height": height, "max": MAX_LOGO_PIXELS}
                )
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("Die PNG-Datei ist beschädigt oder keine PNG-Datei.")) from None
    return content


def _sanitised_svg(content: bytes) -> bytes:
    try:
        cleaned = filter_svg(content)
    except (ValueError, TypeError):
        raise ValidationError(
            _("Die SVG-Datei kann nicht gelesen werden: Sie ist kein gültiges XML.")
        ) from None
    if b"<svg" not in cleaned:
        raise ValidationError(_("Die Datei enthält kein SVG-Bild."))
    return cleaned
