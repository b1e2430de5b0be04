from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from authorities.models import Authority
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

    def get_readonly_fields(self, request, obj=None):
        """Whose school it is, only a platform administrator changes: moved to
        another Schulträger, it would be theirs to change and in their plans."""
        fields = super().get_readonly_fields(request, obj)
        return fields if request.user.is_superuser else [*fields, "authority_number"]

    # The directory is public and shared: everyone with access reads it, but a
    # school's entries (its district above all) are its Schulträger's to change.
    def has_change_permission(self, request, obj=None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self._is_own(request, obj))

    def has_delete_permission(self, request, obj=None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self._is_own(request, obj))

    def _is_own(self, request, school: School) -> bool:
        """Whether `school` is of a Schulträger the user works for (by its number);
        a platform administrator's are all."""
        if request.user.is_superuser or not school.authority_number:
            return True  # a school entered by hand, outside the NRW directory: nobody's number
        own = Authority.objects.staffed_by(request.user).exclude(school_authority_number="")
        return own.filter(school_authority_number=school.authority_number).exists()

    @admin.display(description=_("Maßnahmen erfasst"), ordering="rollout_count")
    def rollout_count(self, school: School) -> int:
        return school.rollout_count

    @admin.display(description=_("Status"), ordering="operation_key")
    def status(self, school: School) -> str:
        return school.status
