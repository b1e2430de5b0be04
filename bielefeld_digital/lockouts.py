"""The lock after failed logins: axes' per username and address, plus one per address.

axes locks a username+address pair after AXES_FAILURE_LIMIT failures. It could
also lock an address (lockout parameter "ip_address"), but compares the same
limit with every parameter: a whole school office behind one address would be
locked after 5 typos of anyone. Password spraying (one wrong password for each
of 40 usernames) locked nothing. So this handler counts, from axes' own
records in the database (shared by every worker, pruned by the same cool-off),
the failures from the address with any username, and locks the address at the
higher AXES_ADDRESS_FAILURE_LIMIT: the same 429 page, its own security log line.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


class PortalAxesHandler(AxesDatabaseHandler):
    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """The pair's failures, or the pair limit once the address is over its own.

        axes calls this before each login (the lock) and after each failure (to
        lock at once). One more query, a sum over the address's records.
        """
        failures = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        if failures < limit and address_locked(request):
            request.axes_address_locked = True  # for the page and the security log
            return limit
        return failures


def address_failures(request: HttpRequest) -> int:
    """Failed logins from the request's address within the cool-off, any username."""
    attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
    if settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def address_locked(request: HttpRequest) -> bool:
    limit = settings.AXES_ADDRESS_FAILURE_LIMIT
    if not limit or not getattr(request, "axes_ip_address", None):
        return False
    return address_failures(request) >= limit
