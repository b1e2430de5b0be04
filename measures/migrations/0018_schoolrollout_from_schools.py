"""SchoolRollout and its history, taken over from the schools app (issue 11) with
their tables, rows, ids and history.

Only the state moves (schools 0010 drops it there). The tables keep their
names, as the edition's did (editions 0001): measures 0010's index on the
history is named after its table, the timeline's query-count tests and the
backup's comparison read them, and a rename would buy nothing but the name.

The content types `schools.schoolrollout` and `schools.historicalschoolrollout`
become `measures.…` (same rows, same ids), so the permissions assigned to
groups and users and the admin's log entries keep pointing at the models.
Reversible: going back renames them again.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from bielefeld_digital import migration_helpers

MODELS = ["schoolrollout", "historicalschoolrollout"]


def content_types_to_measures(apps, schema_editor) -> None:
    migration_helpers.move_content_types(apps, MODELS, "schools", "measures")


def content_types_to_schools(apps, schema_editor) -> None:
    migration_helpers.move_content_types(apps, MODELS, "measures", "schools")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("measures", "0017_edition_moves_to_editions"),
        ("schools", "0010_schoolrollout_moves_to_measures"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalSchoolRollout',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('state', models.CharField(choices=[('open', 'offen'), ('in_progress', 'in Arbeit'), ('done', 'abgeschlossen')], default='open', max_length=20, verbose_name='Umsetzungsstand')),
                        ('date', models.DateField(blank=True, null=True, verbose_name='Datum')),
                        ('history_change_reason', models.TextField(null=True)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('measure', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='measures.measure', verbose_name='Maßnahme')),
                        ('school', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='schools.school', verbose_name='Schule')),
                    ],
                    options={
                        'verbose_name': 'historical Umsetzung an einer Schule',
                        'verbose_name_plural': 'historical Umsetzung an den Schulen',
                        'db_table': 'schools_historicalschoolrollout',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='SchoolRollout',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('state', models.CharField(choices=[('open', 'offen'), ('in_progress', 'in Arbeit'), ('done', 'abgeschlossen')], default='open', max_length=20, verbose_name='Umsetzungsstand')),
                        ('date', models.DateField(blank=True, null=True, verbose_name='Datum')),
                        ('measure', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='school_rollouts', to='measures.measure', verbose_name='Maßnahme')),
                        ('school', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rollouts', to='schools.school', verbose_name='Schule')),
                    ],
                    options={
                        'verbose_name': 'Umsetzung an einer Schule',
                        'verbose_name_plural': 'Umsetzung an den Schulen',
                        'db_table': 'schools_schoolrollout',
                        'ordering': ['measure', 'school__name'],
                        'constraints': [models.UniqueConstraint(fields=('measure', 'school'), name='rollout_one_row_per_measure_and_school', violation_error_message='Für diese Schule gibt es schon einen Eintrag.'), models.CheckConstraint(condition=models.Q(models.Q(('state', 'done'), _negated=True), ('date__isnull', False), _connector='OR'), name='rollout_done_has_date', violation_error_message='Eine abgeschlossene Umsetzung braucht ein Datum.')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_measures, content_types_to_schools),
    ]
