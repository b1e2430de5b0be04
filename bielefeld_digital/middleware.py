from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect


class LanguageCookieMiddleware:
    """German unless the visitor chose another language with the switch.

    Unlike Django's LocaleMiddleware it ignores the browser's Accept-Language:
    a public authority's portal speaks German first, whatever the browser says.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.languages = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        return response


class HtmxLoginRedirectMiddleware:
    """An HTMX request whose session expired gets the login page as a whole page.

    Without this, htmx follows the redirect and swaps the login page into the
    part of the page it meant to update.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            getattr(request, "htmx", False)
            and response.status_code == 302
            and response["Location"].startswith(resolve_url(settings.LOGIN_URL))
        ):
            return HttpResponseClientRedirect(response["Location"])
        return response


class StaffNoStoreMiddleware:
    """Staff pages (the staff area and the admin) are never stored.

    Not by a shared proxy, and not in the browser's cache either, where the
    next person at a school office's computer could page back to them after
    logout. Every answer under the two prefixes gets `private, no-store`: login,
    password reset, HTMX fragments, redirects and error pages alike, so a new
    staff page needs nothing. Public pages are left alone (their caching is
    their own).
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.prefixes: tuple[str, ...] | None = None  # on the first request: URLs load late

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.prefixes is None:
            # As the app sees paths: without the script prefix (a deployment's, or
            # the /traeger/<prefix>/ of an authority, authorities.middleware).
            script_prefix = get_script_prefix()
            self.prefixes = tuple(
                "/" + reverse(name).removeprefix(script_prefix)
                for name in ("staff:dashboard", "admin:index")
            )
        if request.path_info.startswith(self.prefixes):
            patch_cache_control(response, private=True, no_store=True)
        return response
