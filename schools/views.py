"""The open data the school pages use, with the attribution its licences ask for."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from authorities.models import authority_for

from .models import ImportRecord
from .sources import shown_sources


@require_safe
def sources(request: HttpRequest) -> HttpResponse:
    """What was imported for the Schulträger of this address (and for the whole
    installation), each source with the attribution its licence asks for."""
    authority = authority_for(request)
    records = ImportRecord.objects.select_related("owner").shown_for(authority)
    return render(
        request, "schools/sources.html", {"sources": shown_sources(records), "authority": authority}
    )
