from django.contrib import admin

from .models import Authority


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    """The installation's Schulträger: a platform administrator's matter (the
    model's own permissions; no group is given them by default)."""

    list_display = ["name", "host"]
    search_fields = ["name", "host"]
    fields = ["name", "host", "staff"]
    filter_horizontal = ["staff"]
