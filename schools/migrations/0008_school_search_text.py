"""The school search compares a normalised copy of name, number and street
(`schools.models.searchable`); existing schools get theirs here."""

from django.db import migrations, models

# The live function, not a copy: the column must agree with the search words,
# which pass through the same function. A later change to it needs a migration
# like this one to refill the column.
from schools.models import SEARCHED_FIELDS, search_text_of


def fill(apps, schema_editor):
    model = apps.get_model("schools", "School")
    schools = list(model.objects.only(*SEARCHED_FIELDS))
    for school in schools:
        school.search_text = search_text_of(school)
    model.objects.bulk_update(schools, ["search_text"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0007_school_number_ascii_digits"),
    ]

    operations = [
        migrations.AddField(
            model_name="school",
            name="search_text",
            field=models.TextField(default="", editable=False),
        ),
        # Backwards the column goes away with the field.
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
