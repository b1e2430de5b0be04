"""SchoolRollout and its history move to the measures app (issue 11): gone from
this app's state only.

The tables `schools_schoolrollout` and `schools_historicalschoolrollout`, their
rows, ids and indexes (also measures 0010's on the history) stay as they are;
measures 0018_schoolrollout_from_schools takes the models over with the same
tables and moves their content types.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0009_text_validators"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='historicalschoolrollout',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicalschoolrollout',
                    name='measure',
                ),
                migrations.RemoveField(
                    model_name='historicalschoolrollout',
                    name='school',
                ),
                migrations.RemoveConstraint(
                    model_name='schoolrollout',
                    name='rollout_one_row_per_measure_and_school',
                ),
                migrations.RemoveConstraint(
                    model_name='schoolrollout',
                    name='rollout_done_has_date',
                ),
                migrations.DeleteModel(
                    name='HistoricalSchoolRollout',
                ),
                migrations.DeleteModel(
                    name='SchoolRollout',
                ),
            ],
            database_operations=[],
        ),
    ]
