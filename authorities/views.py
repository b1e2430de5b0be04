"""A Schulträger's logo at its own address (`/logo/<file name>`), and the admin's
"view on site" shortcut kept to the staff's own authorities."""

import posixpath

from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

from .logos import CONTENT_TYPES
from .models import authority_for, has_authority, in_staff_area

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
    authority = authority_for(request)
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


def view_on_site(request: HttpRequest, content_type_id: str, object_id: str) -> HttpResponse:
    """The admin's "Auf der Website ansehen" (/admin/r/…): Django's shortcut, but
    another authority's object is not found, as in the admin's own views; else its
    address (and existence) would show through a crafted id."""
    try:
        model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
    except (ContentType.DoesNotExist, ValueError):
        raise Http404 from None
    if model is not None and has_authority(model):
        try:
            rows = in_staff_area(model._default_manager.filter(pk=object_id), request.user)
            found = rows.exists()
        except (ValueError, TypeError, ValidationError):  # not an id of that model
            found = False
        if not found:
            raise Http404
    return shortcut(request, content_type_id, object_id)
