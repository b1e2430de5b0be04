"""The open data the school pages use, with the attribution its licences ask for."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .sources import DATA_SOURCES


@require_safe
def sources(request: HttpRequest) -> HttpResponse:
    return render(request, "schools/sources.html", {"sources": DATA_SOURCES})
