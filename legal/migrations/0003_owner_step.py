import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("authorities", "0003_groups"),
        ("legal", "0002_text_validators"),
    ]

    operations = [
        migrations.AddField(
            model_name="legalpage",
            name="owner",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="legal_pages",
                to="authorities.authority",
                verbose_name="Schulträger",
            ),
        ),
        migrations.AddField(
            model_name="feedback",
            name="owner",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="feedback",
                to="authorities.authority",
                verbose_name="Schulträger",
            ),
        ),
    ]
