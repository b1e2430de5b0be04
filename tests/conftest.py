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


def _empty_only_written_tables() -> None:
    """After a transactional test, empty what it wrote instead of flushing every table.

    Django's flush costs about a second per browser test; tests/database.py
    says why the cheaper clean-up leaves the same database behind, and when it
    falls back to the flush.
    """
    from django.test import TransactionTestCase

    from tests.database import empty_written_tables, migration_rows_fingerprint

    django_setup = TransactionTestCase.__dict__["_fixture_setup"].__func__  # a classmethod
    django_teardown = TransactionTestCase._fixture_teardown

    @classmethod
    def fixture_setup(cls) -> None:
        django_setup(cls)
        cls._migration_rows = migration_rows_fingerprint()

    def fixture_teardown(self) -> None:
        if not empty_written_tables(getattr(self, "_migration_rows", None)):
            django_teardown(self)

    # django.test.TestCase overrides both (it rolls back instead): only
    # transactional tests take this path.
    TransactionTestCase._fixture_setup = fixture_setup
    TransactionTestCase._fixture_teardown = fixture_teardown


_empty_only_written_tables()


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


@pytest.fixture
def bielefeld(db):
    """The Bielefeld plan as loaded by `manage.py load_bielefeld`.

    Loaded for real once per test process, then copied back (tests/snapshot.py).
    """
    from measures.models import Plan
    from tests.snapshot import load_bielefeld

    load_bielefeld()
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
