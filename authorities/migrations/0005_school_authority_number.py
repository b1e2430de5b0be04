"""Each authority gets a Trägernummer of its own (the NRW directory's) from its
plans: its current plan's first, then the others'; a number another authority
took already stays with that one."""

import re

import django.core.validators
from django.conf import settings
from django.db import migrations, models

import bielefeld_digital.text
from django.db.models import Case, Value, When


def numbers_from_plans(apps, schema_editor):
    Authority = apps.get_model("authorities", "Authority")
    Plan = apps.get_model("measures", "Plan")
    taken, done = set(), set()
    current_first = Case(When(stage="current", then=Value(0)), default=Value(1))
    plans = Plan.objects.exclude(school_authority_number="").order_by("owner", current_first, "pk")
    for plan in plans:
        number = plan.school_authority_number.strip()
        if plan.owner_id in done or number in taken or not re.fullmatch(r"\d{5}", number):
            continue
        Authority.objects.filter(pk=plan.owner_id).update(school_authority_number=number)
        done.add(plan.owner_id)
        taken.add(number)


class Migration(migrations.Migration):

    dependencies = [
        ("measures", "0033_plan_owner_required"),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('authorities', '0004_identity'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='authority',
            name='school_authority_number',
            field=models.CharField(blank=True, help_text='Die Nummer des Schulträgers im Schulverzeichnis NRW (Stadt Bielefeld: 10261); leer außerhalb von NRW. Neue Pläne im Admin übernehmen sie.', max_length=10, validators=[bielefeld_digital.text.TextValidator(), django.core.validators.RegexValidator('^\\d{5}$', 'Fünf Ziffern, z. B. 10261.')], verbose_name='Trägernummer (NRW)'),
        ),
        migrations.AddConstraint(
            model_name='authority',
            constraint=models.UniqueConstraint(condition=models.Q(('school_authority_number', ''), _negated=True), fields=('school_authority_number',), name='authority_number_unique', violation_error_message='Diese Trägernummer hat schon ein anderer Schulträger.'),
        ),
        migrations.RunPython(numbers_from_plans, migrations.RunPython.noop),
    ]
