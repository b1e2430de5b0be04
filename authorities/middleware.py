"""Authorities under a path of their own: /traeger/<prefix>/… (issue 13).

For an installation without a host name per Schulträger, an authority's pages
are under /traeger/<its path_prefix>/ at the installation's own host names (not
at another authority's). This middleware takes the prefix off the path the views
see and makes it the script prefix for the request, so every address the pages
build (reverse, {% url %}) stays under it; authority_of(request) then picks the
authority by it. The static files stay at /static/, shared by all. Requests
without the prefix cost nothing; an unknown or malformed prefix is 404.
"""

import re

from django.db.models import Exists
from django.http import Http404
from django.http.request import split_domain_port
from django.shortcuts import redirect
from django.urls import get_script_prefix, set_script_prefix
from django.views.defaults import page_not_found

from .models import PREFIX_ROOT, Authority

_PREFIXED = re.compile(rf"^/{PREFIX_ROOT}/([-a-zA-Z0-9_]+)(/.*)?$", re.DOTALL)


class PathPrefixMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(f"/{PREFIX_ROOT}/"):
            return self.get_response(request)
        match = _PREFIXED.match(request.path_info)
        prefix = match.group(1) if match else ""
        request.authority_prefix = prefix  # an unknown one: no authority's header on the 404
        if not match or not self._served(request, prefix):
            return page_not_found(request, Http404())
        if match.group(2) is None:  # /traeger/<prefix> without its slash
            return redirect(f"{request.path}/")
        request.path_info = match.group(2)
        outer = get_script_prefix()
        set_script_prefix(f"{outer}{PREFIX_ROOT}/{prefix}/")
        try:
            return self.get_response(request)
        finally:
            set_script_prefix(outer)

    @staticmethod
    def _served(request, prefix: str) -> bool:
        """Whether the authority `prefix` is served here: it exists, and the request
        is for a host name of the installation, not for another authority's own."""
        domain, _port = split_domain_port(request.get_host())
        own_host = Authority.objects.filter(host=domain).exclude(host="")
        return Authority.objects.filter(path_prefix=prefix).exclude(Exists(own_host)).exists()
