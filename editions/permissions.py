"""Who may publish, record later and withdraw editions: the helpers of measures.permissions
for this object type (a refusal is a 403 after a line in the security log)."""

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest

from measures.permissions import refuse

# --- Editions: published in the staff area, withdrawn in the admin ------------

PUBLISH_PERMISSION = "editions.publish_edition"
# Measures migration 0012 added it; administrators hold it as superusers (who have every
# permission) or through a group.
WITHDRAW_PERMISSION = "editions.withdraw_edition"
# Editions migration 0002: recording an earlier report from a plan file of its values.
RECORD_PAST_PERMISSION = "editions.record_past_edition"


def may_publish(user: User | AnonymousUser) -> bool:
    return user.has_perm(PUBLISH_PERMISSION)


def check_may_publish(request: HttpRequest) -> None:
    """Publishing and its previews need the permission; a refusal is logged."""
    if not may_publish(request.user):
        refuse(request, "einen Bericht veröffentlichen (%s %s)", request.method, request.path)


def may_record_past(user: User | AnonymousUser) -> bool:
    return user.has_perm(RECORD_PAST_PERMISSION)


def check_may_record_past(request: HttpRequest) -> None:
    """Recording an earlier report is a permission of its own; a refusal is logged."""
    if not may_record_past(request.user):
        refuse(request, "einen früheren Bericht nachträglich erfassen (%s)", request.method)


def may_withdraw(user: User | AnonymousUser) -> bool:
    return user.has_perm(WITHDRAW_PERMISSION)


def check_may_withdraw(request: HttpRequest, chosen: Iterable[str]) -> None:
    """Withdrawing is a permission of its own; a refusal names the chosen editions."""
    if not may_withdraw(request.user):
        refuse(request, "Berichtsausgaben zurückziehen (%s)", ", ".join(chosen))
