"""Second-factor pages: the code after the password, setting it up, the account page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import user_has_device

from . import second_factor
from .forms import CodeForm, RecoveryCodeForm


def _next_url(request: HttpRequest) -> str:
    """Where the login was going; only this site's own pages."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(request: HttpRequest, name: str) -> str:
    url = reverse(name)
    next_url = request.GET.get("next")
    return f"{url}?{request.GET.urlencode()}" if next_url else url


def _status(form: CodeForm) -> int:
    return 429 if form.throttled else 422


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The login's second step: a code from the authenticator app."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    device = second_factor.app_device(request.user)
    if device is None:
        return redirect(_with_next(request, "accounts:setup"))
    return _code_page(request, device, CodeForm, recovery=False)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def recovery(request: HttpRequest) -> HttpResponse:
    """The login's second step with a recovery code, when the phone is not at hand."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    device = second_factor.recovery_device(request.user)
    if device is None:
        return redirect(_with_next(request, "accounts:verify"))
    return _code_page(request, device, RecoveryCodeForm, recovery=True)


def _code_page(request: HttpRequest, device, form_class, recovery: bool) -> HttpResponse:
    user = request.user
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, user=user, device=device)
        if form.is_valid():
            otp_login(request, form.verified_device())
            # A new session key for the session that now has full access.
            request.session.cycle_key()
            second_factor.log_verified(request, user, recovery=recovery)
            if recovery:
                left = second_factor.recovery_codes_left(user)
                second_factor.log_recovery_code_used(request, user, left)
                messages.warning(
                    request,
                    ngettext(
                        "Sie haben einen Wiederherstellungscode verwendet; noch %(count)d übrig. "
                        "Erzeugen Sie unter „Konto“ neue Codes, wenn es knapp wird.",
                        "Sie haben einen Wiederherstellungscode verwendet; noch %(count)d übrig. "
                        "Erzeugen Sie unter „Konto“ neue Codes, wenn es knapp wird.",
                        left,
                    )
                    % {"count": left},
                )
            return redirect(_next_url(request))
        if form.wrong_code or form.throttled:
            second_factor.log_failed(request, user, throttled=form.throttled)
        status = _status(form)
    else:
        form = form_class(user=user, device=device)
    return render(
        request,
        "accounts/verify.html",
        {
            "form": form,
            "recovery": recovery,
            "next": request.POST.get("next") or request.GET.get("next", ""),
            "has_recovery_codes": recovery or second_factor.recovery_device(user) is not None,
        },
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Scan the QR code (or type the secret), confirm with a first code, get recovery codes."""
    user = request.user
    if user_has_device(user, confirmed=True):
        # Never a second device without the first: that would skip the code page.
        messages.info(request, _("Die Zwei-Faktor-Anmeldung ist für Ihr Konto schon eingerichtet."))
        return redirect("accounts:account")
    device = second_factor.unconfirmed_app_device(user)
    status = 200
    if request.method == "POST":
        form = CodeForm(request.POST, user=user, device=device)
        if form.is_valid():
            codes = second_factor.confirm_app_device(device)
            otp_login(request, device)
            request.session[second_factor.SESSION_KEY] = True
            request.session.cycle_key()
            second_factor.log_set_up(request, user)
            return _recovery_codes_page(request, codes, set_up=True)
        if form.wrong_code or form.throttled:
            second_factor.log_failed(request, user, throttled=form.throttled, setup=True)
        status = _status(form)
    else:
        form = CodeForm(user=user, device=device)
    return render(
        request,
        "accounts/setup.html",
        {
            "form": form,
            "qr_code": second_factor.qr_code_data_uri(device),
            "secret": second_factor.readable_secret(device),
            "administrator": second_factor.is_administrator(user),
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
        status=status,
    )


def _recovery_codes_page(request: HttpRequest, codes: list[str], set_up: bool) -> HttpResponse:
    # Shown once, in this answer only: they are stored nowhere else in readable form
    # but in django-otp's table, and never cached (never_cache on the views).
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "set_up": set_up, "next": _next_url(request)},
    )


@never_cache
@login_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    return _account_page(request)


def _account_page(request: HttpRequest, remove_form: CodeForm | None = None, status: int = 200):
    user = request.user
    device = second_factor.app_device(user)
    if device is not None and remove_form is None:
        remove_form = CodeForm(user=user, device=device, prefix="entfernen")
    return render(
        request,
        "accounts/account.html",
        {
            "device": device,
            "codes_left": second_factor.recovery_codes_left(user) if device else 0,
            "administrator": second_factor.is_administrator(user),
            "remove_form": remove_form,
        },
        status=status,
    )


@never_cache
@login_required
@require_POST
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_verified():  # nothing to recover without the second factor switched on
        return redirect("accounts:account")
    codes = second_factor.new_recovery_codes(user)
    second_factor.log_new_recovery_codes(request, user)
    return _recovery_codes_page(request, codes, set_up=False)


@never_cache
@login_required
@require_POST
def remove(request: HttpRequest) -> HttpResponse:
    """Switch the second factor off (staff) or start again with a new phone
    (administrators, who then set it up at once); asks for a current code."""
    user = request.user
    device = second_factor.app_device(user)
    if device is None or not user.is_verified():
        return redirect("accounts:account")
    form = CodeForm(request.POST, user=user, device=device, prefix="entfernen")
    if not form.is_valid():
        if form.wrong_code or form.throttled:
            second_factor.log_failed(request, user, throttled=form.throttled)
        return _account_page(request, remove_form=form, status=_status(form))
    second_factor.remove_devices(user)
    second_factor.log_removed(request, user, by=user.get_username())
    if second_factor.is_administrator(user):
        messages.info(request, _("Richten Sie jetzt die Zwei-Faktor-Anmeldung neu ein."))
        return redirect("accounts:setup")
    request.session[second_factor.SESSION_KEY] = False
    messages.success(request, _("Die Zwei-Faktor-Anmeldung ist ausgeschaltet."))
    return redirect("accounts:account")
