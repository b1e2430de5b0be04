"""What the portal does when its database is gone, and how such failures are logged.

While PostgreSQL is unreachable (restart, failover, network) every request that
needs it fails. Instead of a 500 and a traceback per request (a five-second
outage under load once wrote 1,638 error lines), such a request gets a 503 with
Retry-After and a static page, and the log gets one line per LOG_INTERVAL with
the number of requests refused, then one line when the database is back.
Recovery needs no restart: Django drops the broken connection at the end of the
request and the next request connects again (CONN_HEALTH_CHECKS).

A refused request (403) is logged by Django as one warning with the
exception's traceback; the traceback says nothing (PermissionDenied raised
where the check failed), so it is dropped: one line per 403.

The filters are installed on the logger "django.request" in settings.LOGGING;
the state is per process (each gunicorn worker logs its own count).
"""

import logging
import sys
import threading
import time

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views import defaults

# Seconds a client (or a load balancer) should wait before trying again.
RETRY_AFTER = 30
# At most one "unreachable" line per this many seconds (per process).
LOG_INTERVAL = 10

# PostgreSQL errors that mean "no usable connection", as opposed to a failed
# statement: class 08 (connection exception), the server shutting down or
# starting up (57P01-57P03) and out of connection slots (53300).
# psycopg's own connection failures carry no code.
_CONNECTION_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300")

outage_log = logging.getLogger("django.request")


def database_unreachable(exc: BaseException | None) -> bool:
    """Whether `exc` says the database cannot be reached (not that a query failed).

    Only PostgreSQL's errors are told apart; SQLite (development) keeps its 500.
    """
    if not isinstance(exc, DatabaseError):
        return False
    cause = exc.__cause__
    if cause is None or type(cause).__module__.split(".")[0] != "psycopg":
        return False
    sqlstate = getattr(cause, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith(_CONNECTION_SQLSTATES)


def unavailable_response() -> HttpResponse:
    """The 503 page, rendered without a request: no context processor, no query."""
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: 503 while the database is unreachable, else Django's 500 page."""
    if database_unreachable(sys.exc_info()[1]):
        return unavailable_response()
    return defaults.server_error(request)


class _Outage:
    """Requests refused since the last line, and when the outage began (per process)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.started: float | None = None
        self.last_logged = 0.0
        self.unlogged = 0
        self.total = 0


outage = _Outage()


class DatabaseOutageFilter(logging.Filter):
    """Turns the error records of requests refused for an unreachable database into
    one line per LOG_INTERVAL seconds with a count, without a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        # A view that answers 503 itself (/healthz/) has found the database gone too.
        answered_503 = exc is None and getattr(record, "status_code", None) == 503
        if not (database_unreachable(exc) or answered_503):
            return True
        reason = _one_line(exc) if exc else record.getMessage()
        now = time.monotonic()
        with outage.lock:
            if outage.started is None:
                outage.started = now
            outage.total += 1
            outage.unlogged += 1
            if outage.last_logged and now - outage.last_logged < LOG_INTERVAL:
                return False
            count, outage.unlogged, outage.last_logged = outage.unlogged, 0, now
        record.msg = "Datenbank nicht erreichbar (%s): %d Anfrage(n) mit 503 beantwortet"
        record.args = (reason, count)
        record.exc_info = record.exc_text = None
        return True


# Connected on import: settings.LOGGING imports this module when Django starts.
@receiver(connection_created, dispatch_uid="portal.outage.recovery")
def log_recovery(sender, connection, **kwargs) -> None:
    """The first connection after an outage ends it."""
    with outage.lock:
        if outage.started is None:
            return
        seconds, total, unlogged = time.monotonic() - outage.started, outage.total, outage.unlogged
        outage.reset()
    outage_log.warning(
        "Datenbank wieder erreichbar nach %.1f s: %d Anfrage(n) mit 503 beantwortet "
        "(%d seit der letzten Meldung)",
        seconds,
        total,
        unlogged,
    )


class ForbiddenWithoutTracebackFilter(logging.Filter):
    """A 403 is one line ("Forbidden (Permission denied): /path"), not a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], PermissionDenied):
            record.exc_info = record.exc_text = None
        return True


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__
