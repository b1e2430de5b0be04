from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from bielefeld_digital.admin import RefusedChangeFormMixin

from .models import School


@admin.register(School)
class SchoolAdmin(RefusedChangeFormMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "school_number",
        "school_form",
        "school_form_name",
        "street",
        "postcode",
        "district",
        "authority_number",
        "status",
        "rollout_count",
    ]
    list_filter = [
        "school_form_name",
        "district",
        "operation_key",
        "listed",
        "legal_form",
        "regional_authority",
    ]
    search_fields = [
        "name",
        "school_number",
        "short_name",
        "street",
        "postcode",
        "city",
        "authority_number",
    ]
    ordering = ["name", "school_number"]
    fieldsets = [
        (
            None,
            {"fields": ["school_number", "name", "district"]},
        ),
        (
            _("Schulverzeichnis NRW"),
            {
                "description": _(
                    "Diese Angaben stammen aus dem Schulverzeichnis; der nächste Import "
                    "(manage.py import_schools) überschreibt Änderungen hier."
                ),
                "fields": [
                    "short_name",
                    ("school_form", "school_form_name"),
                    "street",
                    ("postcode", "city"),
                    "homepage",
                    ("legal_form", "authority_number"),
                    ("municipality_key", "regional_authority"),
                    "operation_key",
                    ("opens_on", "closes_on"),
                    "listed",
                ],
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(rollout_count=Count("rollouts"))

    @admin.display(description=_("Maßnahmen erfasst"), ordering="rollout_count")
    def rollout_count(self, school: School) -> int:
        return school.rollout_count

    @admin.display(description=_("Status"), ordering="operation_key")
    def status(self, school: School) -> str:
        return school.status
