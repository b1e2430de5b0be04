"""Logging handlers of the security log ("portal.security", see settings.LOGGING).

Loaded by the logging configuration before the apps are ready: what needs
models (ours, axes's) is imported where it is used.
"""

import contextvars
import logging
import os
import re
import time
from dataclasses import dataclass, field
from logging.handlers import TimedRotatingFileHandler

from django.db import DatabaseError, transaction
from django.http import HttpRequest

_MAX_MESSAGE = 2000


@dataclass
class _RequestEvents:
    request: HttpRequest
    events: list = field(default_factory=list)


_current: contextvars.ContextVar[_RequestEvents | None] = contextvars.ContextVar(
    "security_events", default=None
)


def kind_of(template: str) -> str:
    """The kind of a log line: "Zugriff verweigert" for "Zugriff verweigert: %s wollte ..."."""
    return re.split(r":|%|\s(?:für|von)\s+%", template, maxsplit=1)[0].strip()[:100]


class SecurityEventHandler(logging.Handler):
    """Stores each record as an audit.models.SecurityEvent.

    During a request the events are saved when the response is ready
    (SecurityEventMiddleware): a refusal is usually logged just before a
    PermissionDenied that rolls the view's transaction back, and its entry must
    stay. Outside requests (commands) they are saved at once. While the
    database is unreachable they are lost here, not in the other handlers.
    """

    def emit(self, record: logging.LogRecord) -> None:
        try:
            event = _event(record)
        except Exception:
            self.handleError(record)
            return
        current = _current.get()
        if current is None:
            save_events([event])
        else:
            current.events.append(event)


def _event(record: logging.LogRecord):
    from bielefeld_digital.signals import client_address

    from .models import SecurityEvent

    current = _current.get()
    request = current.request if current else None
    username = getattr(record, "username", None)
    if username is None:
        username = _username(request)
    address = getattr(record, "address", None)
    if address is None:
        address = client_address(request)
    return SecurityEvent(
        level=record.levelname,
        kind=kind_of(str(record.msg)),
        username=str(username)[:150],
        address="" if address == "-" else str(address)[:45],
        message=record.getMessage()[:_MAX_MESSAGE],
    )


def _username(request: HttpRequest | None) -> str:
    user = getattr(request, "user", None)
    try:
        return user.get_username() if user is not None and user.is_authenticated else ""
    except DatabaseError:  # the session could not be read: the log line still names them
        return ""


def save_events(events: list) -> None:
    if not events:
        return
    from .models import SecurityEvent

    try:
        with transaction.atomic():  # a savepoint inside a command's transaction
            SecurityEvent.objects.bulk_create(events)
    except DatabaseError:
        pass  # database unreachable: the file and the console still have the lines


class SecurityEventMiddleware:
    """Gives the handler the request (for user and address) and saves its events last."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        token = _current.set(_RequestEvents(request))
        try:
            response = self.get_response(request)
        finally:
            current = _current.get()
            _current.reset(token)
            save_events(current.events)
        return response


class SecurityLogFileHandler(TimedRotatingFileHandler):
    """SECURITY_LOG_FILE: a new file each midnight, `backupCount` days kept.

    Several gunicorn workers write the same file: the first to pass midnight
    renames it, the others then find the day's name taken and (unlike the
    standard handler, which would go on writing into the renamed file) reopen
    the new one.
    """

    def __init__(self, filename: str, backupCount: int = 180, **kwargs) -> None:  # noqa: N803
        kwargs.setdefault("encoding", "utf-8")
        super().__init__(filename, when="midnight", backupCount=backupCount, **kwargs)

    def doRollover(self) -> None:  # noqa: N802 - the standard library's name
        super().doRollover()
        now = int(time.time())
        if self.rolloverAt <= now:  # another process rotated the file already
            if self.stream:
                self.stream.close()
            self.stream = self._open()
            self.rolloverAt = self.computeRollover(now)

    def getFilesToDelete(self) -> list[str]:  # noqa: N802
        # Another worker may delete the same old files a moment earlier.
        return [name for name in super().getFilesToDelete() if os.path.exists(name)]
