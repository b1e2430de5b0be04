"""Report files (PDF, PowerPoint) rendered once per content and shared by all workers.

Rendering a deck takes seconds of CPU; a download takes a cache read. Files are
kept in the cache "renders" (settings.CACHES: a table in the portal's database,
so every gunicorn worker sees what another rendered, and a restart keeps them)
under a key made of everything the file varies on: its kind, the language, the
renderer's own version and the content version of what it shows (an edition's
pk and the edition it is compared with; the live plan's snapshot digest, Stand
and latest edition). A change to the plan gives a new key, so a stale file is
never served, whatever path the change took.

Only one request renders a given file at a time, across processes: a
PostgreSQL advisory lock keyed by the cache key (on SQLite, a lock in the
process). Requests waiting for it then read the file the first one stored.
"""

import contextlib
import datetime
import functools
import hashlib
import importlib.metadata
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import caches
from django.db import connection
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from authorities.models import Authority
from measures.models import Plan

from . import decks
from .models import Edition
from .reports import build_snapshot, snapshot_fingerprint

CACHE = "renders"

# A live file is useless after the day it was retrieved (its key holds the day);
# an edition's file is kept until the cache culls it, then rendered again (to the
# same bytes).
LIVE_TIMEOUT = 24 * 60 * 60

# How long a request waits for another one rendering the same file before it
# gives up (RenderBusy, answered 503): below gunicorn's 30 s worker timeout.
WAIT_SECONDS = 20
_POLL_SECONDS = 0.1


class RenderBusy(Exception):
    """Another request has been rendering the same file for too long."""


@dataclass(frozen=True)
class DeckFile:
    """A deck to download: the content version its cache key is made of, the file's
    date, and how to get the arguments of decks.render_pdf/render_pptx (called
    only to render: an edition's deck reads the previous edition's snapshot)."""

    version: str
    date: datetime.date  # the Stand
    modified: datetime.datetime
    arguments: Callable[[], tuple]  # (snapshot, title, date, reference, preface, baseline)
    live: bool = False
    owner: Authority | None = None  # its logo on the title page

    def render(self, kind: str) -> bytes:
        render = {"pdf": decks.render_pdf, "pptx": decks.render_pptx}[kind]
        logo = self.owner.stored_logo() if self.owner else None
        return render(*self.arguments(), live=self.live, modified=self.modified, logo=logo)

    def key(self, kind: str) -> str:
        # The logo's name changes with each upload (authorities.models.logo_path).
        logo = self.owner.logo.name if self.owner and self.owner.logo else "-"
        return f"deck:{renderer_version()}:{self.version}:{logo}:{kind}:{get_language()}"


def live_deck(plan: Plan, today: datetime.date) -> DeckFile:
    """The live report's deck, versioned by what it shows: the plan's snapshot of
    `today` (its digest), its last change and the edition it is compared with.

    Its Stand is the plan's last change, as on the page; overdue measures are
    judged as of `today`, the day the deck says it was retrieved (see decks.Cover).
    Its changes are counted since the latest published edition. Costs the
    snapshot's queries (build_snapshot) and one for the latest edition's pk (`plan`
    from Plan.objects.current() knows its last change); laying it out one more.
    """
    changed = plan.last_change
    stand = plan.last_change_date or today
    # Only the pk for the key: the edition's (large) snapshot is read to lay out.
    latest = plan.editions.published().values_list("pk", flat=True).first()
    snapshot = build_snapshot(plan, today)
    title = _("Fortschrittsbericht")

    @functools.cache
    def arguments() -> tuple:
        baseline = decks.Baseline.of(Edition.objects.get(pk=latest) if latest else None)
        return (snapshot, title, stand, "", "", baseline)

    version = ":".join(
        [
            "live",
            str(plan.pk),
            snapshot_fingerprint(snapshot),
            changed.isoformat() if changed else "-",
            str(latest or 0),
        ]
    )
    modified = changed or datetime.datetime.combine(stand, datetime.time(), tzinfo=datetime.UTC)
    # An earlier plan is not kept up to date: its deck says its Stand, as its pages do.
    return DeckFile(version, stand, modified, arguments, live=plan.is_current, owner=plan.owner)


def edition_deck(edition: Edition) -> DeckFile:
    """A published edition's deck, dated by its publishing, its changes counted
    since the previous edition.

    Its content version is the edition's pk (an edition never changes, and a
    withdrawn and republished slug gets a new pk) and the previous edition's:
    withdrawing that one changes what this deck compares with. The previous
    edition's (large) snapshot is read only when the deck is laid out.
    """

    def arguments() -> tuple:
        baseline = decks.Baseline.of(edition.previous())
        return (
            edition.snapshot,
            edition.title,
            edition.date,
            edition.reference,
            edition.preface,
            baseline,
        )

    version = f"edition:{edition.pk}:{edition.previous_pk() or 0}"
    return DeckFile(
        version, edition.date, edition.published_at, arguments, owner=edition.plan.owner
    )


def deck_file(deck: DeckFile, kind: str) -> bytes:
    """The file of `kind` ("pdf", "pptx") for `deck`, from the cache or rendered."""
    timeout = LIVE_TIMEOUT if deck.live else None
    return cached(deck.key(kind), lambda: deck.render(kind), timeout)


def cached(key: str, render: Callable[[], bytes], timeout: int | None) -> bytes:
    """The bytes under `key` in the render cache; if missing, rendered by `render`
    and stored, by one request at a time (the others wait and read its result).

    A cache hit costs one query (the cache's table); a miss a few more.
    """
    store = caches[CACHE]
    content = store.get(key)
    if content is not None:
        return content
    with single_flight(key):
        content = store.get(key)  # rendered meanwhile by the request we waited for
        if content is None:
            content = render()
            store.set(key, content, timeout)
    return content


@contextlib.contextmanager
def single_flight(key: str, wait: float | None = None) -> Iterator[None]:
    """Hold the lock for `key`: across processes on PostgreSQL, within the process
    on SQLite. Raises RenderBusy after `wait` seconds (WAIT_SECONDS)."""
    wait = WAIT_SECONDS if wait is None else wait
    if connection.vendor == "postgresql":
        with _advisory_lock(key, wait):
            yield
    else:
        with _process_lock(key, wait):
            yield


def _lock_id(key: str) -> int:
    """A signed 64-bit number for pg_advisory_lock, from `key`."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)


@contextlib.contextmanager
def _advisory_lock(key: str, wait: float) -> Iterator[None]:
    # A session lock, not a transaction's: rendering holds no transaction open.
    # A worker that dies while rendering loses its connection, and with it the lock.
    lock_id = _lock_id(key)
    deadline = time.monotonic() + wait
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [lock_id])
            if cursor.fetchone()[0]:
                break
            if time.monotonic() >= deadline:
                raise RenderBusy(key)
            time.sleep(_POLL_SECONDS)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_id])


# A fixed set of locks, picked by key: bounded memory however many keys there are
# (two keys sharing a lock only wait for each other).
_PROCESS_LOCKS = [threading.Lock() for _ in range(64)]


@contextlib.contextmanager
def _process_lock(key: str, wait: float) -> Iterator[None]:
    lock = _PROCESS_LOCKS[_lock_id(key) % len(_PROCESS_LOCKS)]
    if not lock.acquire(timeout=wait):
        raise RenderBusy(key)
    try:
        yield
    finally:
        lock.release()


# What the files' bytes depend on besides their content: the code and templates
# that lay them out, their stylesheets, the translations, the pinned fonts
# (package-lock.json) and the two libraries.
_RENDERER_FILES = [
    "editions/decks.py",
    "editions/markup.py",
    "editions/reports.py",
    "measures/models.py",
    "templates/editions/deck_pdf.html",
    "package-lock.json",
]


@functools.cache
def renderer_version() -> str:
    """A digest of the renderer: a deploy that changes how decks look gets new keys,
    so the cache (kept across restarts) never serves a file of the old layout.
    Reads a few files once per process."""
    # The installed versions from the packages' metadata: importing WeasyPrint
    # only to ask costs every process two seconds at start-up.
    versions = [importlib.metadata.version(name) for name in ("weasyprint", "python-pptx")]
    digest = hashlib.sha256(":".join(versions).encode())
    base = Path(settings.BASE_DIR)
    paths = [base / name for name in _RENDERER_FILES]
    paths += [Path(found) for name in decks.STYLESHEETS if (found := finders.find(name))]
    paths += sorted(base.glob("locale/*/LC_MESSAGES/django.mo"))
    for path in paths:
        digest.update(path.name.encode())
        if path.is_file():  # an image without package-lock.json still works
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
