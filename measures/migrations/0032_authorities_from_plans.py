"""Each Schulträger named by a plan becomes an authority of the installation and
owns its plans (and their history records): the name once, in one place. An
installation with one Schulträger, Bielefeld's, gets one authority, the default
address's; plans are then unique per authority (migration 0033)."""

from django.db import migrations


def forward(apps, schema_editor):
    Authority = apps.get_model("authorities", "Authority")
    for name in ["Plan", "HistoricalPlan"]:
        model = apps.get_model("measures", name)
        for text in model.objects.order_by("pk" if name == "Plan" else "history_id").values_list(
            "authority", flat=True
        ):
            owner, _created = Authority.objects.get_or_create(name=text.strip() or "Schulträger")
            model.objects.filter(authority=text).update(owner=owner)


def backward(apps, schema_editor):
    Authority = apps.get_model("authorities", "Authority")
    for name in ["Plan", "HistoricalPlan"]:
        model = apps.get_model("measures", name)
        for owner in Authority.objects.all():
            model.objects.filter(owner=owner).update(authority=owner.name)


class Migration(migrations.Migration):
    dependencies = [("measures", "0031_plan_owner"), ("authorities", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
