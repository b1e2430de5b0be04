"""A Schulträger's logo at its own address (`/logo/<file name>`)."""

import posixpath

from django.http import FileResponse, Http404, HttpRequest
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

from .logos import CONTENT_TYPES
from .models import Authority

# Opened on its own, an image may draw and nothing else: no script, no request,
# no form, no frame (an SVG rebuilt on upload has none, this holds if one slipped by).
LOGO_POLICY = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "img-src": ["data:"],
    "sandbox": True,
}


@require_safe
@csp_override(LOGO_POLICY)
def logo(request: HttpRequest, name: str) -> FileResponse:
    """The logo of the authority the request is for. Its name changes with each
    upload (authorities.models.logo_path), so browsers may keep it for good."""
    authority = Authority.objects.for_host(request.get_host())
    if authority is None or not authority.logo or posixpath.basename(authority.logo.name) != name:
        raise Http404("Kein solches Logo.")
    try:
        file = authority.logo.open("rb")
    except FileNotFoundError:
        raise Http404("Das Logo fehlt.") from None
    extension = name.rsplit(".", 1)[-1]
    response = FileResponse(
        file, content_type=CONTENT_TYPES.get(extension, "application/octet-stream")
    )
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
