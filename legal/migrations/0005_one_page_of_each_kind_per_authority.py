"""Each Schulträger has one page of each kind. Going back is refused once two
authorities have a page of the same kind: the old constraint would lose one."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count


def refuse_shared_kinds(apps, schema_editor):
    LegalPage = apps.get_model("legal", "LegalPage")
    shared = LegalPage.objects.values("kind").annotate(count=Count("pk")).filter(count__gt=1)
    if shared.exists():
        raise RuntimeError(
            "Mehrere Schulträger haben eigene Pflichtseiten; vor der Rückkehr zu einer "
            "Installation mit einem Schulträger müssen die überzähligen gelöscht werden."
        )


class Migration(migrations.Migration):

    dependencies = [
        ('authorities', '0003_groups'),
        ('legal', '0004_owners_from_default'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='legalpage',
            options={'ordering': ['owner', 'kind'], 'verbose_name': 'Pflichtseite', 'verbose_name_plural': 'Pflichtseiten'},
        ),
        migrations.AlterField(
            model_name='feedback',
            name='owner',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='feedback', to='authorities.authority', verbose_name='Schulträger'),
        ),
        migrations.AlterField(
            model_name='legalpage',
            name='kind',
            field=models.CharField(choices=[('impressum', 'Impressum'), ('datenschutz', 'Datenschutz'), ('barrierefreiheit', 'Barrierefreiheit'), ('leichte-sprache', 'Leichte Sprache'), ('gebaerdensprache', 'Gebärdensprache')], max_length=30, verbose_name='Seite'),
        ),
        migrations.AlterField(
            model_name='legalpage',
            name='owner',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='legal_pages', to='authorities.authority', verbose_name='Schulträger'),
        ),
        migrations.AddConstraint(
            model_name='legalpage',
            constraint=models.UniqueConstraint(fields=('owner', 'kind'), name='legalpage_one_of_each_kind', violation_error_message='Diese Seite hat der Schulträger schon.'),
        ),
        # Reversed first: before the old constraint is back.
        migrations.RunPython(migrations.RunPython.noop, refuse_shared_kinds),
    ]
