"""A field of action that did not concern the plan's schools (for_plan_schools off,
e.g. an excursus on the Berufskollegs) gets a scope of its own that lists no
school yet: its measures stay off every school's page, as before, until an
administrator names its schools or school forms. A measure of it tracked per
school counted the plan's schools and showed on their pages: it gets the list
of the schools it has rows for, so its figure, checklist and pages stay."""

from django.db import migrations


def forward(apps, schema_editor):
    FieldOfAction = apps.get_model("measures", "FieldOfAction")
    Measure = apps.get_model("measures", "Measure")
    SchoolRollout = apps.get_model("measures", "SchoolRollout")
    for name in ["FieldOfAction", "HistoricalFieldOfAction"]:
        model = apps.get_model("measures", name)
        model.objects.filter(for_plan_schools=False).update(school_scope="list")
    excursions = FieldOfAction.objects.filter(for_plan_schools=False)
    for measure in Measure.objects.filter(field__in=excursions):
        schools = SchoolRollout.objects.filter(measure=measure).values_list("school", flat=True)
        if schools:
            measure.school_scope = "list"
            measure.save(update_fields=["school_scope"])
            measure.listed_schools.set(list(schools))


def backward(apps, schema_editor):
    for name in ["FieldOfAction", "HistoricalFieldOfAction"]:
        model = apps.get_model("measures", name)
        model.objects.exclude(school_scope="plan").update(for_plan_schools=False)


class Migration(migrations.Migration):
    dependencies = [("measures", "0027_school_scopes")]

    operations = [migrations.RunPython(forward, backward)]
