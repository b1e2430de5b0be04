"""Security log: logins, logouts, failed logins and lockouts on logger "portal.security".

Each entry names the account and the client address, as django-axes sees it
(bielefeld_digital.proxies: the connection's address unless TRUSTED_PROXY_COUNT
says there are proxies), so that an entry here and an axes lockout can be
matched. A failed login logs the username only, never the password. Refused
access to a measure is logged where it is refused
(measures.permissions). Password resets are logged by their
views (requested, refused for too many requests, completed); what the log says
about an address never reaches the client. Each entry also carries the
username and address as `extra`, for its copy in the database (audit/,
readable in the admin).

connect() is called from an AppConfig.ready().
"""

import logging

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from .proxies import client_ip

security_log = logging.getLogger("portal.security")

# Usernames of failed logins are whatever the client typed: cap them, and show
# control characters escaped so that no one can write fake lines into the log.
_MAX_NAME = 150


def _clean(text: object) -> str:
    text = str(text)[:_MAX_NAME]
    if text.isprintable():
        return text
    return text.encode("unicode_escape").decode("ascii")


def _who(username: str, address: str) -> dict[str, str]:
    """The log record's `extra` for the stored entry (audit/): who, from where."""
    return {"username": _clean(username), "address": address}


def client_address(request: HttpRequest | None) -> str:
    """The client address as axes determines it; "-" if there is no request or address."""
    if request is None:
        return "-"
    address = getattr(request, "axes_ip_address", None) or client_ip(request)
    return _clean(address) if address else "-"


def ratelimit_address(request: HttpRequest) -> str:
    """The client address for django-ratelimit (RATELIMIT_IP_META_KEY), as axes sees it."""
    return client_ip(request) or "0.0.0.0"  # noqa: S104 - a bucket's name, nothing listens here


def log_password_reset_requested(request: HttpRequest, email: str, users: list) -> None:
    # For the log only: the client gets the same answer whether or not the address is known.
    names = ", ".join(_clean(user.get_username()) for user in users) or "kein aktives Konto"
    address = client_address(request)
    security_log.info(
        "Passwort-Zurücksetzen angefordert für %s von %s: %s",
        _clean(email),
        address,
        names,
        extra=_who(", ".join(user.get_username() for user in users), address),
    )


def log_password_reset_refused(request: HttpRequest, email: str) -> None:
    address = client_address(request)
    security_log.warning(
        "Passwort-Zurücksetzen abgelehnt (zu viele Anfragen) für %s von %s",
        _clean(email),
        address,
        extra=_who("", address),
    )


def log_password_reset_done(request: HttpRequest, user) -> None:
    name, address = _clean(user.get_username()), client_address(request)
    security_log.info("Passwort zurückgesetzt: %s von %s", name, address, extra=_who(name, address))


def log_login(sender, request: HttpRequest | None, user, **kwargs) -> None:
    name, address = _clean(user.get_username()), client_address(request)
    security_log.info("Anmeldung: %s von %s", name, address, extra=_who(name, address))


def log_logout(sender, request: HttpRequest | None, user, **kwargs) -> None:
    # `user` is None when nobody was logged in.
    name = _clean(user.get_username()) if user is not None else "(nicht angemeldet)"
    address = client_address(request)
    extra = _who(name if user is not None else "", address)
    security_log.info("Abmeldung: %s von %s", name, address, extra=extra)


def log_login_failed(sender, credentials: dict, request: HttpRequest | None = None, **kwargs):
    # Django has already masked the password in `credentials`; take the username only.
    name, address = (
        _clean(credentials.get(get_user_model().USERNAME_FIELD) or ""),
        client_address(request),
    )
    security_log.warning(
        "Fehlgeschlagene Anmeldung: %s von %s", name, address, extra=_who(name, address)
    )


def log_locked_out(sender, request: HttpRequest | None, username, ip_address, **kwargs) -> None:
    name = _clean(username or "")
    address = _clean(ip_address) if ip_address else client_address(request)
    if getattr(request, "axes_address_locked", False):  # bielefeld_digital.lockouts
        security_log.warning(
            "Anmeldung von %s gesperrt nach zu vielen Fehlversuchen mit verschiedenen "
            "Benutzernamen (zuletzt: %s)",
            address,
            name,
            extra=_who(name, address),
        )
        return
    security_log.warning(
        "Anmeldung gesperrt nach zu vielen Fehlversuchen: %s von %s",
        name,
        address,
        extra=_who(name, address),
    )


def connect() -> None:
    """Connect the receivers; safe to call more than once."""
    user_logged_in.connect(log_login, dispatch_uid="portal.security.login")
    user_logged_out.connect(log_logout, dispatch_uid="portal.security.logout")
    user_login_failed.connect(log_login_failed, dispatch_uid="portal.security.login_failed")
    user_locked_out.connect(log_locked_out, dispatch_uid="portal.security.locked_out")
