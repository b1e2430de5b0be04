"""The security log ("portal.security") kept in the database, for administrators to read.

Written by audit.handlers.SecurityEventHandler from the log records, so every
entry in the log file is here too. Only what the log line says: who, from
where, what. Callers log usernames, never passwords, reset links or codes.
"""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# How long events are kept unless `delete_old_security_events --days` says otherwise.
RETENTION_DAYS = 180


class SecurityEventQuerySet(models.QuerySet):
    def expired(self, days: int = RETENTION_DAYS, now: datetime.datetime | None = None):
        """Events older than `days` days."""
        return self.filter(created__lt=(now or timezone.now()) - datetime.timedelta(days=days))


class SecurityEvent(models.Model):
    """One line of the security log: a login, a refusal, a password reset...

    Written by the log handler only (editable=False: no form ever edits it).
    """

    created = models.DateTimeField(_("Zeitpunkt"), default=timezone.now, db_index=True)
    level = models.CharField(_("Stufe"), max_length=10, editable=False)
    # The log line's text before its first colon or value ("Zugriff verweigert",
    # "Fehlgeschlagene Anmeldung"): new kinds of entries need no list to be kept.
    kind = models.CharField(_("Art"), max_length=100, editable=False)
    # As typed for a failed login; the account otherwise. Text, not a foreign key:
    # the entry outlives the account and names also unknown usernames.
    username = models.CharField(_("Benutzername"), max_length=150, blank=True, editable=False)
    address = models.CharField(_("IP-Adresse"), max_length=45, blank=True, editable=False)
    message = models.TextField(_("Meldung"), editable=False)

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("Sicherheitsereignis")
        verbose_name_plural = _("Sicherheitsprotokoll")
        ordering = ["-created", "-pk"]
        # Read-only in the admin: nobody adds, changes or deletes entries by hand.
        # Reading has a permission of its own, under the admin's name for it.
        default_permissions = ()
        permissions = [("view_securityevent", _("Darf das Sicherheitsprotokoll lesen"))]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.created):%d.%m.%Y %H:%M:%S} {self.kind}"
