"""Each Schulträger named by a plan becomes an authority of the installation and
owns its plans: the name once, in one place. The current plan's comes first, so
that it is the installation's default address (the first authority without a
host name) and `/` keeps its plan. An installation with one Schulträger,
Bielefeld's, gets one authority. A plan's history records get its authority; a
deleted plan's those of the name they give. Plans are then unique per
authority (migration 0033)."""

from django.db import migrations
from django.db.models import Case, OuterRef, Subquery, Value, When


def forward(apps, schema_editor):
    Authority = apps.get_model("authorities", "Authority")
    Plan = apps.get_model("measures", "Plan")
    HistoricalPlan = apps.get_model("measures", "HistoricalPlan")
    current_first = Case(When(stage="current", then=Value(0)), default=Value(1))
    for plan in Plan.objects.order_by(current_first, "pk"):
        name = plan.authority.strip() or "Schulträger"
        plan.owner, _created = Authority.objects.get_or_create(name=name)
        plan.save(update_fields=["owner"])
    owner_of_plan = Plan.objects.filter(pk=OuterRef("id")).values("owner")
    HistoricalPlan.objects.update(owner=Subquery(owner_of_plan))
    for name in (
        HistoricalPlan.objects.filter(owner=None).values_list("authority", flat=True).distinct()
    ):
        owner, _created = Authority.objects.get_or_create(name=name.strip() or "Schulträger")
        HistoricalPlan.objects.filter(owner=None, authority=name).update(owner=owner)


def backward(apps, schema_editor):
    Authority = apps.get_model("authorities", "Authority")
    for name in ["Plan", "HistoricalPlan"]:
        model = apps.get_model("measures", name)
        for owner in Authority.objects.all():
            model.objects.filter(owner=owner).update(authority=owner.name)


class Migration(migrations.Migration):
    dependencies = [("measures", "0031_plan_owner"), ("authorities", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
