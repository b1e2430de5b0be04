"""A plan as a plan file (docs/plan-format.md): what `load_plan` reads, written
back. Loading the file again with `--reset` changes nothing; the file of today's
values, edited, records an earlier report (Edition.record_past).

The file format knows no per-school states: a measure's `rollout` is the count
entered for it ("59/74"), if any, not the ticks of one tracked per school (to
record an earlier report, enter that time's count there). Who entered an
indicator's value is never written."""

from decimal import Decimal

import tomli_w
from django.utils import timezone, translation

from .models import Measure, Plan, Scope, Status

PLAN_FILE_CONTENT_TYPE = "application/toml; charset=utf-8"


def plan_file(plan: Plan) -> str:
    """`plan` as the text of a plan file, its labels in German as the format has them."""
    with translation.override("de"):
        return tomli_w.dumps(_plan_data(plan))


def _plan_data(plan: Plan) -> dict:
    head = {
        "authority": plan.authority,
        "title": plan.title,
        "slug": plan.slug,
        "period_start": plan.period_start,
        "period_end": plan.period_end,
        "as_of": plan.as_of,
        "description": plan.description,
        "decided_on": plan.decided_on,
        "decision_reference": plan.decision_reference,
        "total_budget": _number(plan.total_budget),
        "school_authority_number": plan.school_authority_number,
        "school_forms": plan.school_forms,
    }
    measures = (
        Measure.objects.for_plan(plan)
        .for_report(plan, timezone.localdate())
        .select_related("continues__plan")
        .prefetch_related("budget_lines", "listed_schools")
        .with_indicators()
    )
    by_field: dict[int, list[dict]] = {}
    for measure in measures:
        by_field.setdefault(measure.field_id, []).append(_measure_data(measure))
    fields = plan.fields.prefetch_related("listed_schools")
    return {
        "plan": _present(head),
        "fields": [
            _present({"title": field.title, "slug": field.slug})
            | _scope(field)
            | _present({"measures": by_field.get(field.pk, [])})
            for field in fields
        ],
    }


def _measure_data(measure: Measure) -> dict:
    earlier = measure.continues
    entered = measure.rollout_total is not None
    return (
        _present(
            {
                "title": measure.title,
                "slug": measure.slug,
                "continues": f"{earlier.plan.slug}/{earlier.slug}" if earlier else None,
            }
        )
        | _scope(measure)
        | _present(
            {
                "description": measure.description,
                "work_items": measure.work_item_list,
                "status": str(Status(measure.status).label) if measure.status else None,
                "target": str(measure.target) if measure.target else None,
                "rollout": f"{measure.rollout_done}/{measure.rollout_total}" if entered else None,
                # Written where not the default, as every key the file may leave out.
                "rollout_in_deck": True if measure.rollout_in_deck else None,
                "responsible": measure.responsible,
                "budget": [
                    _present(
                        {
                            "source": line.get_source_display(),
                            "year": line.year,
                            "planned": _number(line.planned),
                            "spent": _number(line.spent) or None,
                        }
                    )
                    for line in measure.budget_lines.all()
                ],
                "indicators": [_indicator_data(indicator) for indicator in measure.indicator_list],
            }
        )
    )


def _indicator_data(indicator) -> dict:
    return _present(
        {
            "name": indicator.name,
            "unit": indicator.get_unit_display(),
            "unit_detail": indicator.unit_detail,
            "baseline": _number(indicator.baseline),
            "target": _number(indicator.target_value),
            "total": _number(indicator.total),
            "in_deck": None if indicator.in_deck else False,
            "readings": [
                _present(
                    {
                        "date": reading.date,
                        "value": _number(reading.value),
                        # Only where the reading's unit is not the indicator's.
                        "unit": reading.get_unit_display()
                        if reading.quantity != indicator.quantity
                        else None,
                        "unit_detail": reading.unit_detail
                        if reading.quantity != indicator.quantity
                        else None,
                        "source": reading.source,
                    }
                )
                for reading in indicator.series
            ],
        }
    )


def _scope(owner) -> dict:
    """A field's or a measure's own scope; `schools = []` lists no school yet."""
    if owner.school_scope == Scope.FORMS:
        return {"school_forms": owner.school_forms}
    if owner.school_scope == Scope.LIST:
        return {"schools": sorted(school.school_number for school in owner.listed_schools.all())}
    return {}


def _number(value: Decimal | None) -> int | float | None:
    """An amount or value as the file writes it: 2420, 93.5, 1880000.5."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _present(table: dict) -> dict:
    """The keys with a value: the file leaves out what is empty, as the format allows."""
    return {key: value for key, value in table.items() if value not in (None, "", [])}
