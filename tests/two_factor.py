"""Logging in with the second factor in tests, through the portal's code page.

Administrators (and staff who switched it on) reach nothing but the code page
until they give a code; these helpers give one as a person would, from a real
TOTP device and django-otp's own verification (no mock).
"""

from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

CODE_URL = "/verwaltung/konto/code/"


def totp_code(device: TOTPDevice, offset: int = 0) -> str:
    """The code the device's app shows now (`offset` steps of 30 s away)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():0{device.digits}d}"


def add_app_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator-App", confirmed=True)


def verified_login(client: Client, user) -> TOTPDevice:
    """Log `user` in with password step and second factor; returns their app device.

    Each call is a new login as if in a later 30 s step: the code of the step a
    device last accepted would be refused as a replay.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or add_app_device(user)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    client.force_login(user)
    client.get(CODE_URL)  # the form, and the CSRF cookie for clients that check it
    data = {"otp_token": totp_code(device)}
    if "csrftoken" in client.cookies:
        data["csrfmiddlewaretoken"] = client.cookies["csrftoken"].value
    response = client.post(CODE_URL, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return device


def log_in(client: Client, user) -> None:
    """Log in as `user` the way their role must: administrators with the second factor."""
    if user.is_staff or user.is_superuser:
        verified_login(client, user)
    else:
        client.force_login(user)


def client_for(user) -> Client:
    """A new client logged in as `user` the way their role must (see log_in)."""
    client = Client()
    log_in(client, user)
    return client


def enter_code(page, username: str) -> None:
    """In a browser on the code page: type the app's current code and log in."""
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # a new login, see above
    page.get_by_label("Code aus der Authenticator-App").fill(totp_code(device))
    page.get_by_role("button", name="Anmelden").click()
