"""The pages and the feedback of an installation with one Schulträger are its
default authority's (the first without a host name, as the addresses have it).
An installation that has pages but no authority yet (no plan was ever loaded)
gets one named "Schulträger", to be renamed in the admin. (Going back: 0005.)"""

from django.db import migrations
from django.db.models import Case, Value, When


def forward(apps, schema_editor):
    Authority = apps.get_model("authorities", "Authority")
    LegalPage = apps.get_model("legal", "LegalPage")
    Feedback = apps.get_model("legal", "Feedback")
    if not (LegalPage.objects.exists() or Feedback.objects.exists()):
        return
    without_host_first = Case(When(host="", then=Value(0)), default=Value(1))
    owner = Authority.objects.order_by(without_host_first, "pk").first()
    if owner is None:
        owner = Authority.objects.create(name="Schulträger")
    LegalPage.objects.filter(owner=None).update(owner=owner)
    Feedback.objects.filter(owner=None).update(owner=owner)


class Migration(migrations.Migration):
    # The authorities the plans made (measures 0032) first: the default is theirs.
    dependencies = [("legal", "0003_owner_step"), ("measures", "0033_plan_owner_required")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
