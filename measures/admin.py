from django.contrib import admin

from .models import FieldOfAction, Measure, Plan


class FieldOfActionInline(admin.TabularInline):
    model = FieldOfAction
    fields = ["position", "title", "slug"]
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "authority", "period", "as_of"]
    inlines = [FieldOfActionInline]


class MeasureInline(admin.TabularInline):
    model = Measure
    fields = ["position", "title", "status", "target_kind", "target_year", "target_quarter"]
    extra = 0
    show_change_link = True


@admin.register(FieldOfAction)
class FieldOfActionAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "position"]
    list_filter = ["plan"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [MeasureInline]


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["title", "field", "status", "target_display", "rollout_done", "rollout_total"]
    list_filter = ["field__plan", "field", "status", "target_kind", "target_year"]
    search_fields = ["title", "description", "work_items"]
    list_select_related = ["field"]
    prepopulated_fields = {"slug": ["title"]}

    @admin.display(description="Abschluss")
    def target_display(self, measure: Measure) -> str:
        return str(measure.target or "–")
