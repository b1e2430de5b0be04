from django.contrib import admin

from .models import School, SchoolRollout


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "school_number", "school_form", "district", "in_scope"]
    list_filter = ["school_form", "district", "in_scope"]
    search_fields = ["name", "school_number"]


@admin.register(SchoolRollout)
class SchoolRolloutAdmin(admin.ModelAdmin):
    list_display = ["measure", "school", "state", "date"]
    list_filter = ["state", "measure"]
    list_select_related = ["measure", "school"]
    search_fields = ["school__name", "measure__title"]
