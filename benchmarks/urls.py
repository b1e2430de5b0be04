"""The portal's URLs plus `/_bare/`, a constant response through the same middleware.

`/_bare/` is the floor a page can reach on this server: everything Django and
gunicorn cost per request, without templates or queries.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

_BODY = b"ok\n"


def bare(_request: HttpRequest) -> HttpResponse:
    return HttpResponse(_BODY, content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("_bare/", bare),
    path("", include("bielefeld_digital.urls")),
]
