"""Authorities under a path of their own: /traeger/<prefix>/… (issue 13).

For an installation without a host name per Schulträger, an authority's pages
are under /traeger/<its path_prefix>/. This middleware, first of all, takes the
prefix off the path the views see and makes it the script prefix for the
request, so every address the pages build (reverse, {% url %}) stays under it;
authority_of(request) then picks the authority by it. The static files stay at
/static/, shared by all. Requests without the prefix cost nothing; an unknown
prefix is 404.
"""

from django.urls import set_script_prefix
from django.views.defaults import page_not_found

from .models import PREFIX_ROOT, Authority

_ROOT = f"/{PREFIX_ROOT}/"


class PathPrefixMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(_ROOT):
            return self.get_response(request)
        prefix, _slash, rest = request.path_info.removeprefix(_ROOT).partition("/")
        if not Authority.objects.filter(path_prefix=prefix).exists() or not prefix:
            return page_not_found(request, exception=None)
        request.authority_prefix = prefix
        request.path_info = "/" + rest
        script_name = request.META.get("SCRIPT_NAME", "").rstrip("/")
        set_script_prefix(f"{script_name}{_ROOT}{prefix}/")
        try:
            return self.get_response(request)
        finally:
            set_script_prefix(f"{script_name}/")
