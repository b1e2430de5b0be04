from django.db import migrations

# Plan.objects.with_last_change() takes the newest record of each measure's
# per-school rows: one probe of this index per measure, instead of reading all
# of a measure's records (thousands with all of NRW's schools). simple_history
# builds the historical model, so the index is plain SQL (PostgreSQL and
# SQLite alike) and not part of the model state.
INDEX = "schools_histrollout_measure_date"


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0009_plan_made_public_explicitly"),
        ("schools", "0007_school_number_ascii_digits"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {INDEX} ON schools_historicalschoolrollout (measure_id, history_date)",
            f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
