"""The language cookie: Secure (in production), SameSite=Lax, HttpOnly."""

import json
import os
import subprocess
import sys
from http.cookies import SimpleCookie

from django.conf import settings
from django.test import Client

# Runs in a fresh interpreter with production settings (DJANGO_DEBUG off), as
# gunicorn would: the test settings of this process are not production's.
PRODUCTION_REQUEST = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
response = Client().post(
    "/i18n/setlang/", {"language": "en"}, secure=True, headers={"host": "portal.example"}
)
print(json.dumps({
    "status": response.status_code,
    "cookie": response.cookies[settings.LANGUAGE_COOKIE_NAME].output(header=""),
}))
"""


def _production_env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LANGUAGE_"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "bielefeld_digital.settings",
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": "production-like-" + "k" * 50,
        "ALLOWED_HOSTS": "portal.example",
    }
    return env


def _set_cookie(env: dict) -> SimpleCookie:
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", PRODUCTION_REQUEST],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 302
    return SimpleCookie(answer["cookie"])


def test_production_sets_the_language_cookie_secure_lax_and_http_only():
    [morsel] = _set_cookie(_production_env()).values()
    assert morsel.value == "en"
    assert morsel["secure"] is True
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Lax"


def test_the_chosen_language_still_works(db):
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en"})
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie["samesite"] == "Lax" and cookie["httponly"]
    assert client.get("/impressum/")["Content-Language"] == "en"
