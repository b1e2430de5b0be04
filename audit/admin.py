from django.contrib import admin

from .models import SecurityEvent


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """Read-only: superusers and holders of "Darf das Sicherheitsprotokoll lesen" read it."""

    list_display = ["created", "level", "kind", "username", "address", "message"]
    list_filter = ["kind", "level", "created"]
    date_hierarchy = "created"
    search_fields = ["username", "address"]
    list_per_page = 100
    actions = None

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
