"""Load a plan from a TOML file (see measures/data/bielefeld.toml for the format)."""

import re
import tomllib
from collections import Counter
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from bielefeld_digital.text import unsafe_character

from .models import FieldOfAction, Measure, Plan, Status
from .targets import Target

BIELEFELD_PLAN = Path(__file__).resolve().parent / "data" / "bielefeld.toml"

_UMLAUTS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)
_ROLLOUT = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


CHANGE_REASON = "Plandatei geladen"
PUBLIC_REASON = "Erster Plan der Installation: öffentlich"
# Optional keys of [plan]: the rule that says which schools the plan covers.
PLAN_SCOPE_KEYS = ("school_authority_number", "school_forms")


class PlanFileError(Exception):
    """The plan file cannot be loaded; the message says why (in German)."""


# The plan file's keys whose texts may span lines; every other text is one line.
MULTI_LINE_KEYS = {"description"}


def refuse_unsafe_text(value: object, where: str = "") -> None:
    """Refuse bidi overrides and control characters anywhere in the plan file.

    Checked before anything is written (the models' validators would catch
    most, but the plan and its fields of action are created without a form).
    """
    if isinstance(value, dict):
        for key, item in value.items():
            refuse_unsafe_text(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for number, item in enumerate(value, start=1):
            refuse_unsafe_text(item, f"{where}[{number}]")
    elif isinstance(value, str):
        key = where.rsplit(".", 1)[-1]
        problem = unsafe_character(value, multiline=key in MULTI_LINE_KEYS)
        if problem:
            raise PlanFileError(f"Die Plandatei ist fehlerhaft: {where}: {problem}")


def german_slugify(text: str) -> str:
    """ "Gründung Medienlabor" -> "gruendung-medienlabor"."""
    return slugify(text.translate(_UMLAUTS).replace(":", "-"))


def _measure_values(entry: dict, field: FieldOfAction, position: int) -> dict:
    title = entry["title"].strip()
    values = {
        "field": field,
        "title": title,
        "position": position,
        "description": entry.get("description", "").strip(),
        "work_items": "\n".join(item.strip() for item in entry.get("work_items", [])),
        "status": Status.from_label(entry["status"]) if entry.get("status") else "",
        "responsible": entry.get("responsible", "").strip(),
        "rollout_done": None,
        "rollout_total": None,
    }
    target = Target.parse(entry["target"]) if entry.get("target") else None
    # Loading resets a measure to the file's state, slips included.
    values.update(target_kind="", target_year=None, target_quarter=None, postponements=0)
    values.update(original_target_kind="", original_target_year=None, original_target_quarter=None)
    if target:
        values.update(
            target_kind=target.kind, target_year=target.year, target_quarter=target.quarter
        )
    if entry.get("rollout"):
        match = _ROLLOUT.match(entry["rollout"])
        if not match:
            raise ValueError(f"rollout {entry['rollout']!r} is not 'done/total'")
        values.update(rollout_done=int(match[1]), rollout_total=int(match[2]))
    return values


def _update(obj, values: dict) -> bool:
    """Set `values` on `obj`; save only what differs. Returns whether anything changed."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        if isinstance(obj, Measure):
            obj.version += 1  # an editor who loaded the old state must not overwrite this
        obj._change_reason = CHANGE_REASON
        obj.full_clean()
        obj.save()
    return bool(changed)


@transaction.atomic
def load_plan(data: dict, *, reset: bool = False) -> Counter:
    """Create the plan in `data`; with `reset`, make an existing one match it exactly.

    A new plan becomes public only if no plan is (Plan.make_public_if_first);
    stats["public"] says whether the plan is public.

    Without `reset` an existing plan is left alone (stats["kept"] is 1): staff
    edit the plan in the portal, and loading the file again must not undo that.
    With `reset` the plan is found by authority and title, fields and measures by
    slug; what the file no longer lists is deleted. Either way it is idempotent.
    """
    refuse_unsafe_text(data)
    stats: Counter = Counter()
    try:
        plan_data = data["plan"]
        existing = Plan.objects.filter(
            authority=plan_data["authority"], title=plan_data["title"]
        ).first()
        if existing and not reset:
            stats["kept"] = 1
            stats["public"] = int(existing.is_public)
            stats["fields"] = existing.fields.count()
            stats["measures"] = Measure.objects.for_plan(existing).count()
            return stats
        plan, created = Plan.objects.get_or_create(
            authority=plan_data["authority"],
            title=plan_data["title"],
            defaults={
                "period_start": plan_data["period_start"],
                "period_end": plan_data["period_end"],
                "as_of": plan_data["as_of"],
                **{k: plan_data.get(k, "") for k in PLAN_SCOPE_KEYS},
            },
        )
        plan_values = {k: plan_data[k] for k in ("period_start", "period_end", "as_of")}
        plan_values |= {k: plan_data.get(k, "") for k in PLAN_SCOPE_KEYS}
        stats["changed"] += created or _update(plan, plan_values)
        if created:
            plan.make_public_if_first(reason=PUBLIC_REASON)
        stats["public"] = int(plan.is_public)

        seen_fields, seen_measures = [], []
        for field_position, field_data in enumerate(data["fields"], start=1):
            slug = field_data.get("slug") or german_slugify(field_data["title"])
            field, created = FieldOfAction.objects.get_or_create(
                plan=plan,
                slug=slug,
                defaults={
                    "title": field_data["title"],
                    "position": field_position,
                    "for_plan_schools": field_data.get("for_plan_schools", True),
                },
            )
            field_values = {
                "title": field_data["title"],
                "position": field_position,
                "for_plan_schools": field_data.get("for_plan_schools", True),
            }
            stats["changed"] += created or _update(field, field_values)
            seen_fields.append(field.pk)

            for position, entry in enumerate(field_data.get("measures", []), start=1):
                slug = entry.get("slug") or german_slugify(entry["title"])
                values = _measure_values(entry, field, position)
                measure = Measure.objects.filter(slug=slug).first()
                if measure is not None and measure.field.plan_id != plan.pk:
                    raise ValueError(
                        f"Der Kurzname „{slug}“ gehört schon zu einer Maßnahme eines anderen "
                        "Plans; geben Sie der Maßnahme einen eigenen `slug`."
                    )
                if measure is None:
                    measure = Measure(slug=slug, **values)
                    measure._change_reason = CHANGE_REASON
                    measure.full_clean()
                    measure.save()
                    stats["changed"] += 1
                else:
                    stats["changed"] += _update(measure, values)
                seen_measures.append(measure.pk)

        removed_measures, _ = Measure.objects.for_plan(plan).exclude(pk__in=seen_measures).delete()
        removed_fields, _ = plan.fields.exclude(pk__in=seen_fields).delete()
        stats["changed"] += removed_measures + removed_fields
    except (KeyError, TypeError, ValueError, ValidationError) as error:
        raise PlanFileError(f"Die Plandatei ist fehlerhaft: {error}") from error
    stats["fields"] = len(seen_fields)
    stats["measures"] = len(seen_measures)
    return stats


def load_plan_file(path: Path, *, reset: bool = False) -> Counter:
    try:
        with open(path, "rb") as file:
            data = tomllib.load(file)
    except (OSError, ValueError) as error:  # TOMLDecodeError, UnicodeDecodeError
        raise PlanFileError(f"Die Plandatei {path} kann nicht gelesen werden: {error}") from error
    return load_plan(data, reset=reset)
