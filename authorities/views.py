"""A Schulträger's logo at its own address (`/logo/<file name>`), and the admin's
"view on site" shortcut kept to the staff's own authorities."""

import posixpath

from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

from .logos import CONTENT_TYPES
from .models import (
    Authority,
    absolute_address,
    authority_for,
    authority_pk_of,
    has_authority,
    in_staff_area,
)

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
    """The admin's "Auf der Website ansehen" (/admin/r/…): another authority's
    object is not found, as in the admin's own views (else its address and
    existence would show through a crafted id); an authority's object opens at its
    authority's address, wherever the admin was opened. Other objects: Django's."""
    try:
        model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
    except (ContentType.DoesNotExist, ValueError):
        raise Http404 from None
    if model is None or not has_authority(model):
        return shortcut(request, content_type_id, object_id)
    try:
        obj = in_staff_area(model._default_manager.filter(pk=object_id), request.user).first()
    except (ValueError, TypeError, ValidationError):  # not an id of that model
        obj = None
    if obj is None or not hasattr(obj, "get_absolute_url"):
        raise Http404
    owner = Authority.objects.filter(pk=authority_pk_of(obj)).first()
    if owner is None:
        raise Http404
    return redirect(absolute_address(request, owner, obj.get_absolute_url()))
