"""The second factor: who needs one, the user's devices, recovery codes, the security log.

Administrators (admin access or superuser) must give a code from an authenticator
app (TOTP) at every login; other staff may switch it on for their account. A
device is django-otp's: a TOTPDevice for the app, a StaticDevice holding the
one-time recovery codes. No secret and no code is ever logged.
"""

import logging
from base64 import b32encode

import segno
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.http import HttpRequest
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from bielefeld_digital.signals import _clean, _who, client_address

security_log = logging.getLogger("portal.security")

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator-App"
RECOVERY_DEVICE_NAME = "Wiederherstellungscodes"

# Set at login: whether this session's user had to give a second factor then.
# Spares the staff who did not switch it on two device queries per request.
SESSION_KEY = "accounts_second_factor"


def is_administrator(user) -> bool:
    """Users of the admin: they must have a second factor."""
    return user.is_staff or user.is_superuser


def second_factor_required(user) -> bool:
    """Whether `user` must give a code at login. Costs up to two queries for staff."""
    return is_administrator(user) or user_has_device(user, confirmed=True)


def owes_second_factor(request: HttpRequest) -> bool:
    """Whether the logged-in user still has to give the second factor in this session."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    if is_administrator(user):
        return True
    # Staff who had no device when they logged in need none in this session.
    return request.session.get(SESSION_KEY, False) and second_factor_required(user)


def app_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def unconfirmed_app_device(user) -> TOTPDevice:
    """The app device being set up: the same one (and QR code) until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def confirm_app_device(device: TOTPDevice) -> list[str]:
    """Switch the second factor on with `device`; returns fresh recovery codes."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    return new_recovery_codes(device.user)


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes by new ones; each works once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def remove_devices(user) -> int:
    """Remove all second-factor devices of `user`; returns how many there were."""
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        count, _ = model.objects.filter(user=user).delete()
        removed += count
    return removed


def normalise_code(code: str) -> str:
    """What people type: "123 456", "abcd-efgh" or in capitals."""
    return "".join(code.split()).replace("-", "").lower()


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an SVG QR code, rendered here (no service)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=4)


def readable_secret(device: TOTPDevice) -> str:
    """The secret in groups of four, as apps ask for it when typed in by hand."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


# --- Security log -------------------------------------------------------------
# Each message starts with its kind, before the first colon (audit.handlers.kind_of).


def _log(level: int, message: str, request: HttpRequest | None, user, detail: str = "") -> None:
    name, address = _clean(user.get_username()), client_address(request)
    text = f"{message}: %s von %s" + (f" ({detail})" if detail else "")
    security_log.log(level, text, name, address, extra=_who(name, address))


def log_verified(request: HttpRequest, user, recovery: bool) -> None:
    how = "Wiederherstellungscode" if recovery else "Authenticator-App"
    _log(logging.INFO, "Zweiter Faktor bestätigt", request, user, how)


def log_failed(request: HttpRequest, user, throttled: bool, setup: bool = False) -> None:
    what = "Einrichtung" if setup else "Anmeldung"
    if throttled:
        _log(logging.WARNING, "Code-Eingabe gesperrt nach falschen Codes", request, user, what)
    else:
        _log(logging.WARNING, "Falscher Code", request, user, what)


def log_set_up(request: HttpRequest, user) -> None:
    _log(logging.INFO, "Zwei-Faktor-Anmeldung eingerichtet", request, user)


def log_new_recovery_codes(request: HttpRequest, user) -> None:
    _log(logging.INFO, "Neue Wiederherstellungscodes erzeugt", request, user)


def log_recovery_code_used(request: HttpRequest, user, left: int) -> None:
    _log(logging.WARNING, "Wiederherstellungscode verwendet", request, user, f"noch {left}")


def log_removed(request: HttpRequest | None, user, by: str) -> None:
    _log(logging.WARNING, "Zwei-Faktor-Anmeldung entfernt", request, user, f"durch {_clean(by)}")


def _remember_at_login(sender, request: HttpRequest | None, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    required = second_factor_required(user)
    request.session[SESSION_KEY] = required
    if required:
        _log(logging.INFO, "Passwort bestätigt, zweiter Faktor ausstehend", request, user)


def connect() -> None:
    user_logged_in.connect(_remember_at_login, dispatch_uid="accounts.second_factor.login")
