"""Edition, taken over from the measures app (issue 11) with its table and rows.

Only the state moves (measures 0017 drops it there): the table keeps its name
`measures_edition`. Its triggers (measures 0006 and 0016: every column frozen,
DELETE and TRUNCATE refused) and their functions are named after it and
attached to it, the README's database-role and backup sections and their tests
name it, and a rename would buy nothing but a new name: on PostgreSQL the
triggers would follow the table but keep their old names, on SQLite the
triggers would have to be made anew. So `Meta.db_table` keeps the old name.

The content type `measures.edition` becomes `editions.edition` (same row, same
id), so the permissions assigned to groups and users ("Darf Berichtsausgaben
veröffentlichen", "... zurückziehen") and the admin's log entries keep pointing
at the model. Reversible: going back renames it again.
"""

import bielefeld_digital.text
from bielefeld_digital import migration_helpers
import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_to_editions(apps, schema_editor) -> None:
    migration_helpers.move_content_types(apps, ["edition"], "measures", "editions")


def content_type_to_measures(apps, schema_editor) -> None:
    migration_helpers.move_content_types(apps, ["edition"], "editions", "measures")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("measures", "0017_edition_moves_to_editions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Edition',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200, validators=[bielefeld_digital.text.TextValidator()], verbose_name='Titel')),
                        ('slug', models.SlugField(max_length=120, validators=[bielefeld_digital.text.TextValidator()], verbose_name='Kurzname')),
                        ('date', models.DateField(verbose_name='Datum')),
                        ('reference', models.CharField(blank=True, help_text='z. B. die Drucksachennummer des Schulausschusses', max_length=200, validators=[bielefeld_digital.text.TextValidator()], verbose_name='Sitzung / Drucksache')),
                        ('preface', models.TextField(blank=True, validators=[bielefeld_digital.text.TextValidator(multiline=True), django.core.validators.MaxLengthValidator(10000, message='Das Vorwort darf höchstens %(limit_value)s Zeichen lang sein, dieses hat %(show_value)s. Bitte kürzen Sie es; Ausführliches gehört in die Sitzungsvorlage.')], verbose_name='Vorwort')),
                        ('snapshot', models.JSONField(editable=False, verbose_name='Stand des Plans')),
                        ('published_at', models.DateTimeField(auto_now_add=True, verbose_name='Veröffentlicht am')),
                        ('withdrawn_at', models.DateTimeField(blank=True, null=True, verbose_name='Zurückgezogen am')),
                        ('withdrawal_reason', models.CharField(blank=True, max_length=300, validators=[bielefeld_digital.text.TextValidator()], verbose_name='Grund für das Zurückziehen')),
                        ('plan', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='editions', to='measures.plan', verbose_name='Plan')),
                        ('published_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='Veröffentlicht von')),
                        ('withdrawn_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='Zurückgezogen von')),
                    ],
                    options={
                        'verbose_name': 'Berichtsausgabe',
                        'verbose_name_plural': 'Berichtsausgaben',
                        'db_table': 'measures_edition',
                        'ordering': ['-date', '-published_at'],
                        'permissions': [('publish_edition', 'Darf Berichtsausgaben veröffentlichen'), ('withdraw_edition', 'Darf Berichtsausgaben zurückziehen')],
                        'constraints': [models.UniqueConstraint(fields=('plan', 'slug'), name='edition_slug_unique_per_plan', violation_error_message='Dieser Kurzname ist schon vergeben.'), models.CheckConstraint(condition=models.Q(('withdrawn_at__isnull', True), models.Q(('withdrawal_reason', ''), _negated=True), _connector='OR'), name='edition_withdrawal_has_reason', violation_error_message='Wer einen Bericht zurückzieht, gibt einen Grund an.')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_editions, content_type_to_measures),
    ]
