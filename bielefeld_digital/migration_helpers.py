"""Helpers for the data migrations of every app (they import no app's code)."""

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


def move_content_types(apps, models: list[str], source: str, target: str) -> None:
    """Give the content types of `models` (model names, lower case) the app label
    `target`: the same rows and ids, so the permissions given through them and
    the admin's log entries follow a model that moved from app `source`.

    A `migrate` that went back past such a move leaves a fresh, unassigned twin
    in `target` (post_migrate creates the content types of the models in the
    code): the moving row, with its assignments, replaces it.
    """
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in models:
        moving = ContentType.objects.filter(app_label=source, model=model)
        if moving.exists():
            ContentType.objects.filter(app_label=target, model=model).delete()
            moving.update(app_label=target)
    ContentType.objects.clear_cache()
