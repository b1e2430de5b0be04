"""Who may do what, one helper per object type, for every view and the admin.

The rules themselves are the models' (`Measure.objects.editable_by`, the
permissions in their Meta); these helpers apply them to a request. A refusal is
a 403 (PermissionDenied) after one line in the security log, "Zugriff
verweigert: <user> wollte …", which the security log's admin lists. Measures
and plans are here; editions have theirs in editions/permissions.py.
"""

import logging
from collections.abc import Iterable
from typing import NoReturn

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from authorities.models import Authority, authority_of

from .models import Measure

security_log = logging.getLogger("portal.security")


def log_refusal(request: HttpRequest, wanted: str, *args: object) -> None:
    """Log that the user wanted `wanted` (%-placeholders filled from `args`): the
    line every refusal writes, also where the answer is not a 403 (the admin's
    refused selections answer with a message)."""
    security_log.warning(
        "Zugriff verweigert: %s wollte " + wanted, request.user.get_username(), *args
    )


def refuse(request: HttpRequest, wanted: str, *args: object) -> NoReturn:
    """Log the refusal (`log_refusal`), then 403."""
    log_refusal(request, wanted, *args)
    raise PermissionDenied


# --- Measures: the members of their groups, and who may edit all -------------


def editable_measures(
    user: User | AnonymousUser, among: Iterable[Measure] | None = None
) -> set[int]:
    """The pks of the measures `user` may edit (of `among`, if given).

    One query; none for an anonymous user, and none for an empty `among`."""
    measures = Measure.objects.editable_by(user)
    if among is not None:
        measures = measures.filter(pk__in=[measure.pk for measure in among])
    return set(measures.values_list("pk", flat=True))


def check_may_edit(request: HttpRequest, measure: Measure) -> None:
    """Refuse (403, logged with the request's method and path) unless the user may
    edit `measure`. One query."""
    if not measure.can_be_edited_by(request.user):
        refuse(
            request,
            "die Maßnahme %s bearbeiten (%s %s)",
            measure.slug,
            request.method,
            request.path,
        )


def check_may_set_schools(
    request: HttpRequest, measure: Measure, *, editable: set[int] | None = None
) -> None:
    """Refuse (403, logged) unless the user may set `measure`'s per-school states
    in the matrix: the same rule as editing, its own log line.

    With `editable` (from `editable_measures`) free, else one query."""
    allowed = (
        measure.pk in editable if editable is not None else measure.can_be_edited_by(request.user)
    )
    if not allowed:
        refuse(request, "die Schulen der Maßnahme %s setzen", measure.slug)


def measure_for_edit(request: HttpRequest, slug: str) -> Measure:
    """The public plan's measure `slug` if the user may edit it; 404 if unknown or of
    another plan, 403 (logged) if not theirs."""
    measures = (
        Measure.objects.of_current_plan(authority_of(request))
        .filter(plan__owner__in=Authority.objects.staffed_by(request.user))
        .for_report()
    )
    measure = get_object_or_404(measures, slug=slug)
    check_may_edit(request, measure)
    return measure


# --- Plans: which one the public sees ----------------------------------------

MAKE_PUBLIC_PERMISSION = "measures.make_plan_public"


def may_make_public(user: User | AnonymousUser) -> bool:
    return user.has_perm(MAKE_PUBLIC_PERMISSION)


def check_may_make_public(request: HttpRequest) -> None:
    if not may_make_public(request.user):
        refuse(request, "den aktuellen oder einen früheren öffentlichen Plan festlegen")
