from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bielefeld_digital.admin import RefusedChangeFormMixin

from .models import SecurityEvent


@admin.register(SecurityEvent)
class SecurityEventAdmin(RefusedChangeFormMixin, admin.ModelAdmin):
    """Read-only: superusers and holders of "Darf das Sicherheitsprotokoll lesen" read it."""

    list_display = ["when", "level", "kind", "username", "address", "message"]
    list_filter = ["kind", "level", "created"]
    date_hierarchy = "created"
    search_fields = ["username", "address"]
    fields = readonly_fields = ["when", "level", "kind", "username", "address", "message"]
    list_per_page = 100
    actions = None

    @admin.display(description=_("Zeitpunkt"), ordering="created")
    def when(self, event: SecurityEvent) -> str:
        # To the second: the order of a few failed logins matters.
        return f"{timezone.localtime(event.created):%d.%m.%Y %H:%M:%S}"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
