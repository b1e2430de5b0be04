"""Edition moves to the editions app (issue 11): gone from this app's state only.

The table, its rows and the immutability triggers (0006, 0016) stay as they are;
editions 0001_edition_from_measures takes the model over with the same table
and moves its content type (so its permissions and admin log entries follow).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0016_edition_immutable_in_database"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(model_name="edition", name="edition_slug_unique_per_plan"),
                migrations.RemoveConstraint(model_name="edition", name="edition_withdrawal_has_reason"),
                migrations.DeleteModel(name="Edition"),
            ],
            database_operations=[],
        ),
    ]
