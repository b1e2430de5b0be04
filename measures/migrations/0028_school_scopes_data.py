"""A field of action that did not concern the plan's schools (for_plan_schools off,
e.g. an excursus on the Berufskollegs) gets a scope of its own that lists no
school yet: its measures stay off every school's page, as before, until an
administrator names its schools or school forms."""

from django.db import migrations


def forward(apps, schema_editor):
    for name in ["FieldOfAction", "HistoricalFieldOfAction"]:
        model = apps.get_model("measures", name)
        model.objects.filter(for_plan_schools=False).update(school_scope="list")


def backward(apps, schema_editor):
    for name in ["FieldOfAction", "HistoricalFieldOfAction"]:
        model = apps.get_model("measures", name)
        model.objects.exclude(school_scope="plan").update(for_plan_schools=False)


class Migration(migrations.Migration):
    dependencies = [("measures", "0027_school_scopes")]

    operations = [migrations.RunPython(forward, backward)]
