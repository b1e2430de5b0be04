import os

import pytest
from django.conf import settings as django_settings

# Playwright's sync API runs an event loop in the test thread; the ORM calls in
# browser tests happen outside it, so Django's async guard is a false alarm here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# Set before any middleware is built (the live server builds its own once per
# session): tests speak plain HTTP and render without running collectstatic.
django_settings.SECURE_SSL_REDIRECT = False
django_settings.SECURE_HSTS_SECONDS = 0
django_settings.STORAGES = {
    **django_settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
django_settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached files (edition PDFs) must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _german(settings):
    """Each test starts in German: a request in English leaves its language active."""
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


def _load_bielefeld() -> None:
    from django.core.management import call_command

    call_command("load_bielefeld", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115


_bielefeld_rows = None


@pytest.fixture
def bielefeld(db):
    """The Bielefeld plan as loaded by `manage.py load_bielefeld`.

    Loaded for real once per test process, then copied back (tests/snapshot.py).
    """
    from measures.models import Plan
    from tests.snapshot import Snapshot

    global _bielefeld_rows
    if _bielefeld_rows is None:
        _bielefeld_rows = Snapshot(_load_bielefeld)
    _bielefeld_rows.apply()
    return Plan.objects.get()


@pytest.fixture
def english(bielefeld):
    """An anonymous client that chose English, with the Bielefeld plan loaded."""
    from django.test import Client

    client = Client()
    client.post("/i18n/setlang/", {"language": "en"})
    return client


@pytest.fixture
def admin_client(admin_user):
    """pytest-django's admin_client, logged in with a verified second factor (issue 10)."""
    from django.test import Client

    from tests.two_factor import verified_login

    client = Client()
    verified_login(client, admin_user)
    return client
