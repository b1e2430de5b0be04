from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect
from django_otp import user_has_device

from .second_factor import owes_second_factor

# What a user who still owes the second factor may reach: the code and set-up
# pages, logging out and the language switch. Everything else, public pages
# included, leads to the code page: until then the session is good for nothing.
OPEN_VIEWS = {
    "accounts:verify",
    "accounts:recovery",
    "accounts:setup",
    "staff:logout",
    "admin:logout",
    "set_language",
    "healthz",
}


class SecondFactorMiddleware:
    """Administrators and staff who switched it on give their second factor after
    the password, before anything else (after django_otp's OTPMiddleware)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if request.resolver_match.view_name in OPEN_VIEWS or not owes_second_factor(request):
            return None
        has_device = user_has_device(request.user, confirmed=True)
        url = reverse("accounts:verify" if has_device else "accounts:setup")
        if request.method == "GET" and not request.htmx:
            url += "?" + urlencode({"next": request.get_full_path()})
        if request.htmx:
            return HttpResponseClientRedirect(url)
        return HttpResponseRedirect(url)
