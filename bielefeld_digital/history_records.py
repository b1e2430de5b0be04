"""First history records for rows older than their history, for data migrations of any app."""

from django.utils import timezone

REASON = "Ausgangsstand"


def first_records(apps, schema_editor, app_label: str, model_names: list[str]) -> None:
    now = timezone.now()
    for name in model_names:
        model = apps.get_model(app_label, name)
        history = apps.get_model(app_label, f"Historical{name}")
        names = {field.attname for field in history._meta.concrete_fields}
        recorded = history.objects.values_list("id", flat=True)
        history.objects.bulk_create(
            history(
                **{
                    field.attname: getattr(row, field.attname)
                    for field in model._meta.concrete_fields
                    if field.attname in names
                },
                history_date=now,
                history_type="+",
                history_change_reason=REASON,
            )
            for row in model.objects.exclude(pk__in=recorded)
        )
