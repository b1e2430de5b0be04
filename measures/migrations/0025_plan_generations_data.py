"""Plans become generations: the public plan is the current one, every other plan
waits in preparation, as before; each plan gets its address (its period, made
unique), each measure its field's plan, and history records follow."""

from django.db import migrations
from django.utils.text import slugify


def _slug(plan, taken: set[str]) -> str:
    base = slugify(f"{plan.period_start}-{plan.period_end}" if plan.period_end else f"ab-{plan.period_start}")
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    taken.add(slug)
    return slug


def forward(apps, schema_editor):
    Plan = apps.get_model("measures", "Plan")
    HistoricalPlan = apps.get_model("measures", "HistoricalPlan")
    Measure = apps.get_model("measures", "Measure")
    HistoricalMeasure = apps.get_model("measures", "HistoricalMeasure")
    FieldOfAction = apps.get_model("measures", "FieldOfAction")
    HistoricalFieldOfAction = apps.get_model("measures", "HistoricalFieldOfAction")
    taken: set[str] = set()
    for plan in Plan.objects.order_by("pk"):
        plan.slug = _slug(plan, taken)
        plan.stage = "current" if plan.is_public else "draft"
        plan.save(update_fields=["slug", "stage"])
        HistoricalPlan.objects.filter(id=plan.pk).update(slug=plan.slug)
    HistoricalPlan.objects.filter(is_public=True).update(stage="current")
    HistoricalPlan.objects.filter(is_public=False).update(stage="draft")
    # A deleted plan's records keep a slug of their own, so none is blank.
    for record in HistoricalPlan.objects.filter(slug__isnull=True):
        record.slug = f"plan-{record.id}"
        record.save(update_fields=["slug"])
    plan_of_field = dict(FieldOfAction.objects.values_list("pk", "plan_id"))
    plan_of_field.update(
        (field, plan)
        for field, plan in HistoricalFieldOfAction.objects.values_list("id", "plan_id")
        if field not in plan_of_field
    )
    for field, plan in plan_of_field.items():
        Measure.objects.filter(field_id=field).update(plan_id=plan)
        HistoricalMeasure.objects.filter(field_id=field).update(plan_id=plan)


def backward(apps, schema_editor):
    Plan = apps.get_model("measures", "Plan")
    HistoricalPlan = apps.get_model("measures", "HistoricalPlan")
    Plan.objects.update(is_public=False)
    Plan.objects.filter(stage="current").update(is_public=True)
    HistoricalPlan.objects.update(is_public=False)
    HistoricalPlan.objects.filter(stage="current").update(is_public=True)


class Migration(migrations.Migration):
    dependencies = [("measures", "0024_plan_generations")]

    operations = [migrations.RunPython(forward, backward)]
