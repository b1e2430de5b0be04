import os

import pytest
from django.conf import settings as django_settings

from tests.two_factor import client_for

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


def _scan_static_files_once() -> None:
    """WhiteNoise lists STATIC_ROOT once per test process, not once per test client.

    The test client builds the middleware anew for every Client, and
    WhiteNoise's middleware stats each of the ~1,100 collected files (and looks
    for their compressed variants) when it is built: about 0.2 s for every test
    that makes a request. The files do not change while the suite runs, so the
    list of one build is reused by the next one with the same root and
    configuration; a test that changes a setting WhiteNoise reads gets a scan
    of its own.
    """
    from whitenoise.base import WhiteNoise

    scan = WhiteNoise.update_files_dictionary
    scanned: dict[tuple, dict] = {}

    def update_files_dictionary(self, root: str, prefix: str) -> None:
        whitenoise_settings = {
            name: repr(getattr(django_settings, name))
            for name in dir(django_settings)
            if name.startswith("WHITENOISE_")
        }
        key = (
            type(self),
            root,
            prefix,
            self.max_age,
            django_settings.DEBUG,
            django_settings.STATIC_URL,
            repr(django_settings.STORAGES),
            repr(sorted(whitenoise_settings.items())),
        )
        if key not in scanned:
            before = dict(self.files)
            scan(self, root, prefix)
            scanned[key] = {
                url: file for url, file in self.files.items() if before.get(url) is not file
            }
        self.files.update(scanned[key])

    WhiteNoise.update_files_dictionary = update_files_dictionary


_scan_static_files_once()


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


# --- Roles -------------------------------------------------------------------
# One user per role the staff area knows, and a logged-in client for each
# (tests/factories.py makes further users and groups, tests/two_factor.py's
# client_for logs any of them in). The administrator is pytest-django's
# admin_user; admin_client logs it in with the second factor.


@pytest.fixture
def hardware_editor(bielefeld):
    """Hanna Hardware of Team Hardware: edits the field Hardwareausstattung only."""
    from tests.factories import make_group, make_user

    team = make_group("Team Hardware", fields=["hardwareausstattung"])
    return make_user("hanna", groups=[team], first_name="Hanna", last_name="Hardware")


@pytest.fixture
def software_editor(bielefeld):
    """Sven Sommer of Team Software: edits the field Softwareausstattung only."""
    from tests.factories import make_group, make_user

    team = make_group("Team Software", fields=["softwareausstattung"])
    return make_user("sven", groups=[team], first_name="Sven", last_name="Sommer")


@pytest.fixture
def all_measures_editor(db):
    """Ada edits every measure in /verwaltung/; no admin access, so no second factor."""
    from tests.factories import make_user

    return make_user("ada", permissions=["edit_all_measures"])


@pytest.fixture
def publisher(db):
    """Petra publishes report editions; she edits no measure."""
    from tests.factories import make_user

    return make_user("petra", permissions=["publish_edition"])


@pytest.fixture
def hardware_client(hardware_editor):
    return client_for(hardware_editor)


@pytest.fixture
def software_client(software_editor):
    return client_for(software_editor)


@pytest.fixture
def all_measures_client(all_measures_editor):
    return client_for(all_measures_editor)


@pytest.fixture
def publisher_client(publisher):
    return client_for(publisher)


@pytest.fixture
def admin_client(admin_user):
    """pytest-django's admin_client, logged in with a verified second factor (issue 10)."""
    return client_for(admin_user)
