"""Load a plan from a TOML file (see measures/data/bielefeld.toml for the format).

`check_plan` checks the whole file first (types, required and unknown keys,
lengths, ranges, slugs, statuses, targets, school forms, duplicates) and names
every problem with its place and value; `load_plan` writes only a file that
passed, in one transaction.
"""

import datetime
import re
import tomllib
from collections import Counter
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, models, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from authorities.models import Authority
from bielefeld_digital.commands import os_error_text
from bielefeld_digital.text import german_slugify, unsafe_character, visible
from schools.models import SCHOOL_FORM_NAMES, School, is_school_number

from .indicators import Indicator, Reading, Unit
from .models import FieldOfAction, Measure, Plan, Scope, Status, form_codes, scope_forms
from .money import MAX_DIGITS, BudgetLine, FundingSource
from .targets import MAX_YEAR, MIN_YEAR, Target

BIELEFELD_PLAN = Path(__file__).resolve().parent / "data" / "bielefeld.toml"

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


# --- Checking a plan file ----------------------------------------------------------

PLAN_KEYS = (
    "authority",
    "title",
    "slug",
    "period_start",
    "period_end",
    "as_of",
    "description",
    "decided_on",
    "decision_reference",
    "total_budget",
    *PLAN_SCOPE_KEYS,
)
# A field's or a measure's own school scope (models.SchoolScope): forms or a list.
SCOPE_KEYS = ("school_forms", "schools")
FIELD_KEYS = ("title", "slug", *SCOPE_KEYS, "measures")
MEASURE_KEYS = (
    "title",
    "slug",
    "continues",
    *SCOPE_KEYS,
    "description",
    "work_items",
    "status",
    "target",
    "rollout",
    "rollout_in_deck",
    "responsible",
    "budget",
    "indicators",
)
BUDGET_KEYS = ("source", "year", "planned", "spent")
INDICATOR_KEYS = (
    "name",
    "unit",
    "unit_detail",
    "baseline",
    "target",
    "total",
    "in_deck",
    "readings",
)
READING_KEYS = ("date", "value", "unit", "unit_detail", "source")
# Keys of earlier versions of the format, and what takes their place.
_REPLACED_KEYS = {
    "for_plan_schools": gettext_lazy(
        "gibt es nicht mehr. Ein Handlungsfeld für andere Schulen als die des Plans "
        "nennt sie: „school_forms“ (z. B. „30“ für die Berufskollegs) oder "
        "„schools“ (Schulnummern; [] für noch keine)."
    ),
}
# The file's key of a model field where the two differ.
_FILE_KEYS = {"target_value": "target"}
_LARGEST_AMOUNT = Decimal(10 ** (MAX_DIGITS - 2)) - Decimal("0.01")
_SHOWN = 40  # characters of a long value quoted in a message


def _type_name(value: object) -> str:
    """The TOML type of `value` in words."""
    if isinstance(value, bool):
        return _("ein Wahrheitswert (true/false)")
    if isinstance(value, int):
        return _("eine ganze Zahl")
    if isinstance(value, float):
        return _("eine Kommazahl")
    if isinstance(value, str):
        return _("Text")
    if isinstance(value, datetime.datetime):
        return _("ein Zeitpunkt")
    if isinstance(value, datetime.date):
        return _("ein Datum")
    if isinstance(value, datetime.time):
        return _("eine Uhrzeit")
    if isinstance(value, list):
        return _("eine Liste")
    return _("eine Tabelle")


def _quoted(text: str) -> str:
    return _("„%(text)s“") % {"text": visible(text)}


def _shown(value: object) -> str:
    if isinstance(value, str):
        text = value if len(value) <= _SHOWN else value[:_SHOWN] + "…"
        return _quoted(text)
    if isinstance(value, (list, dict)):
        return _type_name(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class _Table:
    """One table of the plan file ([plan], a field, a measure), checked key by key.

    Each getter returns the checked value, or None (a default for optional keys)
    after recording what is wrong with it in `problems`.
    """

    def __init__(self, table: object, where: str, keys: tuple[str, ...], problems: list[str]):
        self.where = where
        self.problems = problems
        self.table = table if isinstance(table, dict) else {}
        self.is_table = isinstance(table, dict)
        if not self.is_table:
            self.problem(_("ist %(type)s statt einer Tabelle.") % {"type": _type_name(table)})
            return
        for key in table:
            if key in keys:
                continue
            if key in _REPLACED_KEYS:
                self.problem(str(_REPLACED_KEYS[key]), key)
            else:
                self.problem(
                    _("Unbekannter Schlüssel „%(key)s“; erlaubt sind: %(keys)s.")
                    % {"key": visible(key), "keys": ", ".join(keys)}
                )

    def problem(self, message: str, key: str | None = None) -> None:
        where = f"{self.where}, {_quoted(key)}" if key else self.where
        self.problems.append(f"{where}: {message}")

    def _get(self, key: str, expected: type, expected_name: str, required: bool):
        if key not in self.table:
            if required and self.is_table:
                self.problem(_("fehlt."), key)
            return None
        value = self.table[key]
        wrong = not isinstance(value, expected) or (
            isinstance(value, bool) and expected is not bool
        )
        if expected is datetime.date and isinstance(value, datetime.datetime):
            wrong = True
        if wrong:
            self.problem(
                _("muss %(expected)s sein, ist aber %(type)s (%(value)s).")
                % {"expected": expected_name, "type": _type_name(value), "value": _shown(value)},
                key,
            )
            return None
        return value

    def text(
        self,
        key: str,
        field: models.Field | None = None,
        *,
        required: bool = False,
        max_length: int | None = None,
    ) -> str | None:
        """A string, stripped; checked against `field`'s length and validators."""
        value = self._get(key, str, _("Text in Anführungszeichen"), required)
        if value is None:
            return None
        value = value.strip()
        if required and not value:
            self.problem(_("ist leer."), key)
            return None
        limit = max_length or (field.max_length if field is not None else None)
        if limit is not None and len(value) > limit:
            self.problem(
                _("ist %(length)d Zeichen lang, erlaubt sind %(limit)d (%(value)s).")
                % {"length": len(value), "limit": limit, "value": _shown(value)},
                key,
            )
            return None
        if field is not None and value:
            try:
                field.run_validators(value)
            except ValidationError as error:
                self.problem(f"{_shown(value)}: {' '.join(error.messages)}", key)
                return None
        return value

    def integer(self, key: str, minimum: int, maximum: int, *, required: bool) -> int | None:
        value = self._get(key, int, _("eine ganze Zahl"), required)
        if value is not None and not minimum <= value <= maximum:
            self.problem(
                _("ist %(value)d, erlaubt sind %(min)d bis %(max)d.")
                % {"value": value, "min": minimum, "max": maximum},
                key,
            )
            return None
        return value

    def amount(self, key: str, *, required: bool) -> Decimal | None:
        """Euros as a number with at most two decimal places: 2520000 or 99999.99."""
        return self._decimal(
            key,
            required,
            _("ein Betrag in Euro (z. B. 2520000.50)"),
            _(
                "ist %(value)s; erlaubt sind Beträge von 0 bis %(max)s mit höchstens zwei "
                "Nachkommastellen."
            ),
        )

    def number(self, key: str, *, required: bool) -> Decimal | None:
        """A count, percentage or amount of an indicator: 2420, 93.5 or 1880000.50."""
        return self._decimal(
            key,
            required,
            _("eine Zahl (z. B. 2420 oder 93.5)"),
            _(
                "ist %(value)s; erlaubt sind Zahlen von 0 bis %(max)s mit höchstens zwei "
                "Nachkommastellen."
            ),
        )

    def _decimal(self, key: str, required: bool, expected: str, refusal: str) -> Decimal | None:
        value = self._get(key, (int, float), expected, required)
        if value is None:
            return None
        amount = Decimal(repr(value))
        if (
            not amount.is_finite()  # TOML has nan and inf
            or amount.as_tuple().exponent < -2
            or not 0 <= amount <= _LARGEST_AMOUNT
        ):
            self.problem(refusal % {"value": _shown(value), "max": f"{_LARGEST_AMOUNT:.2f}"}, key)
            return None
        return _amount(value)

    def model_problems(self, instance: models.Model, exclude: list[str]) -> None:
        """Record what the model's own rules (validators, constraints, clean()) refuse
        in `instance`, made of this table's values, under the file's keys."""
        try:
            instance.full_clean(exclude=exclude, validate_unique=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                key = None if name == NON_FIELD_ERRORS else _FILE_KEYS.get(name, name)
                for message in messages:
                    self.problem(message, key)

    def date(self, key: str, *, required: bool) -> datetime.date | None:
        value = self._get(key, datetime.date, _("ein Datum (z. B. 2024-06-01)"), required)
        if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
            self.problem(
                _("ist %(value)s, erlaubt sind Daten der Jahre %(min)d bis %(max)d.")
                % {"value": value.isoformat(), "min": MIN_YEAR, "max": MAX_YEAR},
                key,
            )
            return None
        return value

    def boolean(self, key: str) -> bool | None:
        return self._get(key, bool, _("true oder false"), False)

    def tables(self, key: str, *, required: bool) -> list:
        value = self._get(
            key, list, _("eine Liste von Tabellen ([[%(key)s]])") % {"key": key}, required
        )
        return value or []

    def text_list(self, key: str, max_length: int) -> list[str] | None:
        items = self._get(key, list, _("eine Liste von Texten"), False)
        if items is None:
            return None
        result = []
        for number, item in enumerate(items, start=1):
            where = _("Eintrag %(number)d") % {"number": number}
            if not isinstance(item, str):
                self.problem(
                    _("%(where)s muss Text sein, ist aber %(type)s (%(value)s).")
                    % {"where": where, "type": _type_name(item), "value": _shown(item)},
                    key,
                )
            elif not item.strip():
                self.problem(_("%(where)s ist leer.") % {"where": where}, key)
            elif "\n" in item.strip():
                self.problem(
                    _("%(where)s enthält einen Zeilenumbruch; ein Arbeitspaket je Eintrag.")
                    % {"where": where},
                    key,
                )
            else:
                result.append(item.strip())
        joined = "\n".join(result)
        if len(joined) > max_length:
            self.problem(
                _("ist zusammen %(length)d Zeichen lang, erlaubt sind %(limit)d.")
                % {"length": len(joined), "limit": max_length},
                key,
            )
        return result


def _where(kind: str, number: int, table: object) -> str:
    """ "Handlungsfeld 2 (slug „hardware“)", or its (short) title if the file gives no slug."""
    place = f"{kind} {number}"
    if isinstance(table, dict):
        if isinstance(table.get("slug"), str) and table["slug"].strip():
            return f"{place} (slug {_shown(table['slug'].strip())})"
        title = table.get("title")
        if isinstance(title, str) and title.strip() and len(title.strip()) <= _SHOWN:
            return f"{place} ({_shown(title.strip())})"
    return place


def _check_slug(table: _Table, model: type[models.Model], title: str | None) -> str | None:
    """The table's slug as load_plan uses it: the file's, or one made from the title."""
    field = model._meta.get_field("slug")
    slug = table.text("slug", field)
    if slug:
        return slug
    if (slug is None and "slug" in table.table) or title is None:
        return None  # the problem is recorded already
    slug = german_slugify(title)
    if not slug:
        table.problem(_("Aus dem Titel lässt sich kein Kurzname bilden; bitte „slug“ angeben."))
        return None
    if len(slug) > field.max_length:
        table.problem(
            _(
                "Der aus dem Titel gebildete Kurzname ist %(length)d Zeichen lang, erlaubt "
                "sind %(limit)d; bitte einen kürzeren „slug“ angeben."
            )
            % {"length": len(slug), "limit": field.max_length}
        )
        return None
    return slug


def _funding_sources() -> dict[str, str]:
    """The sources by their German label: the file names them as the portal shows them."""
    with translation.override("de"):
        return {str(label): value for value, label in FundingSource.choices}


def _check_budget(measure: _Table, place: str, problems: list[str]) -> None:
    """The measure's `budget`: lines with a known source, each source and year once."""
    labels = _funding_sources()
    seen: dict[tuple, int] = {}
    for number, data in enumerate(measure.tables("budget", required=False), start=1):
        line = _Table(data, f"{place}, {_('Budgetposten')} {number}", BUDGET_KEYS, problems)
        source = line.text("source", required=True)
        if source and source not in labels:
            line.problem(
                _("Unbekannte Finanzierung %(value)s; erlaubt sind: %(labels)s.")
                % {"value": _shown(source), "labels": ", ".join(map(_quoted, labels))},
                "source",
            )
        year = line.integer("year", MIN_YEAR, MAX_YEAR, required=False)
        line.amount("planned", required=True)
        line.amount("spent", required=False)
        if source in labels:
            if (source, year) in seen:
                line.problem(
                    _("%(source)s steht für dieses Jahr schon in Budgetposten %(number)d.")
                    % {"source": _quoted(source), "number": seen[source, year]}
                )
            seen.setdefault((source, year), number)


def _units() -> dict[str, str]:
    """The units by their German label: the file names them as the admin shows them."""
    with translation.override("de"):
        return {str(label): value for value, label in Unit.choices}


def _unit(table: _Table, *, required: bool) -> str | None:
    """The table's `unit` as stored, None if it is left out or wrong."""
    labels = _units()
    label = table.text("unit", required=required)
    if label and label not in labels:
        table.problem(
            _("Unbekannte Einheit %(value)s; erlaubt sind: %(labels)s.")
            % {"value": _shown(label), "labels": ", ".join(map(_quoted, labels))},
            "unit",
        )
        return None
    return labels.get(label) if label else None


def _check_indicators(measure: _Table, place: str, problems: list[str]) -> None:
    """The measure's `indicators`, each with its readings, checked by the models' own
    rules (unit and its detail, ranges, whole schools) once the file's types are right."""
    names: dict[str, int] = {}
    for number, data in enumerate(measure.tables("indicators", required=False), start=1):
        where = f"{place}, {_('Kennzahl')} {number}"
        table = _Table(data, where, INDICATOR_KEYS, problems)
        before = len(problems)
        name = table.text("name", Indicator._meta.get_field("name"), required=True)
        if name in names:
            table.problem(
                _("Die Kennzahl %(name)s steht schon als Kennzahl %(number)d.")
                % {"name": _quoted(name), "number": names[name]},
                "name",
            )
        elif name:
            names[name] = number
        indicator = Indicator(
            name=name,
            unit=_unit(table, required=True),
            unit_detail=table.text("unit_detail", Indicator._meta.get_field("unit_detail")) or "",
            baseline=table.number("baseline", required=False),
            target_value=table.number("target", required=False),
            total=table.number("total", required=False),
        )
        table.boolean("in_deck")
        if len(problems) == before:
            table.model_problems(indicator, exclude=["measure"])
        indicator_ok = len(problems) == before
        dates: dict[datetime.date, int] = {}
        for reading_number, reading_data in enumerate(
            table.tables("readings", required=False), start=1
        ):
            reading = _Table(
                reading_data, f"{where}, {_('Wert')} {reading_number}", READING_KEYS, problems
            )
            before = len(problems)
            date = reading.date("date", required=True)
            if date in dates:
                reading.problem(
                    _("Für den %(date)s steht schon Wert %(number)d.")
                    % {"date": date.isoformat(), "number": dates[date]},
                    "date",
                )
            elif date:
                dates[date] = reading_number
            value = reading.number("value", required=True)
            unit = _unit(reading, required=False)
            detail = reading.text("unit_detail", Reading._meta.get_field("unit_detail")) or ""
            if detail and "unit" not in reading.table:
                reading.problem(
                    _("gehört zu einer eigenen „unit“ des Werts; ohne sie gilt die der Kennzahl."),
                    "unit_detail",
                )
            reading.text("source", Reading._meta.get_field("source"))
            if indicator_ok and len(problems) == before:
                reading.model_problems(
                    Reading(
                        indicator=indicator,
                        date=date,
                        value=value,
                        unit=unit or "",
                        unit_detail=detail,
                    ),
                    exclude=["indicator"],
                )


def _check_plan_table(plan: _Table) -> None:
    plan.text("authority", Authority._meta.get_field("name"), required=True)
    plan.text("title", Plan._meta.get_field("title"), required=True)
    plan.text("slug", Plan._meta.get_field("slug"))
    start = plan.integer("period_start", MIN_YEAR, MAX_YEAR, required=True)
    end = plan.integer("period_end", MIN_YEAR, MAX_YEAR, required=False)  # none: "ab 2017"
    if start is not None and end is not None and end < start:
        plan.problem(
            _(
                "Die Laufzeit endet (period_end = %(end)d) vor ihrem Beginn "
                "(period_start = %(start)d)."
            )
            % {"end": end, "start": start}
        )
    plan.date("as_of", required=True)
    plan.text("description", Plan._meta.get_field("description"))
    plan.date("decided_on", required=False)
    plan.text("decision_reference", Plan._meta.get_field("decision_reference"))
    plan.amount("total_budget", required=False)
    plan.text("school_authority_number", Plan._meta.get_field("school_authority_number"))
    forms = _check_forms(plan, Plan)
    if forms:
        codes = form_codes(forms)
        repeated = sorted(code for code, count in Counter(codes).items() if count > 1)
        if repeated:
            plan.problem(
                _("Schulform %(codes)s steht mehrfach.") % {"codes": ", ".join(repeated)},
                "school_forms",
            )


def _check_forms(table: _Table, model: type[models.Model]) -> str | None:
    """The table's `school_forms` (a plan's or a scope's), each a known form key."""
    forms = table.text("school_forms", model._meta.get_field("school_forms"))
    unknown = [code for code in form_codes(forms or "") if code not in SCHOOL_FORM_NAMES]
    if unknown:
        table.problem(
            _("unbekannte Schulform %(codes)s; bekannt sind: %(known)s.")
            % {"codes": ", ".join(unknown), "known": ", ".join(SCHOOL_FORM_NAMES)},
            "school_forms",
        )
    return forms


def _check_scope(table: _Table) -> None:
    """A narrower school scope: `school_forms` ("30") or `schools` (school numbers),
    not both; the schools must be in the directory (checked when loading)."""
    forms = _check_forms(table, FieldOfAction)
    numbers = table.text_list("schools", max_length=100_000)
    if numbers is not None:
        wrong = [number for number in numbers if not is_school_number(number)]
        if wrong:
            table.problem(
                _("%(numbers)s ist keine Schulnummer (sechs Ziffern).")
                % {"numbers": ", ".join(_shown(number) for number in wrong)},
                "schools",
            )
    if forms and numbers is not None:
        table.problem(
            _(
                "Entweder Schulformen („school_forms“) oder einzelne Schulen („schools“), "
                "nicht beides."
            )
        )


def _check_continues(measure: _Table) -> None:
    """ "continues" names a measure of an earlier plan as "<plan slug>/<measure slug>"."""
    continues = measure.text("continues")
    if continues and not _CONTINUES.match(continues):
        measure.problem(
            _(
                "%(value)s ist keine Maßnahme eines früheren Plans; erwartet wird "
                "„Kurzname des Plans/Kurzname der Maßnahme“, z. B. „2004-2008/wlan“."
            )
            % {"value": _shown(continues)},
            "continues",
        )


_CONTINUES = re.compile(r"^([-a-zA-Z0-9_]+)/([-a-zA-Z0-9_]+)$")


def _check_measure(measure: _Table) -> str | None:
    """Check a measure's values; return its title (None if it has none)."""
    # What staff may enter in the portal, a plan file may hold: the same limits.
    # Imported here because measures.forms imports this module (german_slugify).
    from .forms import MeasureEditForm

    limits = MeasureEditForm.base_fields
    max_rollout = limits["rollout_total"].max_value
    title = measure.text("title", Measure._meta.get_field("title"), required=True)
    measure.text("description", max_length=limits["description"].max_length)
    measure.text_list("work_items", limits["work_items"].max_length)
    measure.text("responsible", Measure._meta.get_field("responsible"))
    status = measure.text("status")
    if status:
        try:
            Status.from_label(status)
        except ValueError:
            with translation.override("de"):  # the file names them as the deck does
                labels = [str(label) for label in Status.labels]
            measure.problem(
                _("Unbekannter Status %(value)s; erlaubt sind: %(labels)s.")
                % {
                    "value": _shown(status),
                    "labels": ", ".join(_quoted(label) for label in labels),
                },
                "status",
            )
    target = measure.text("target", max_length=limits["target"].max_length)
    if target:
        try:
            Target.parse(target)
        except ValidationError as error:
            measure.problem(" ".join(error.messages), "target")
    rollout = measure.text("rollout")
    if rollout:
        match = _ROLLOUT.match(rollout)
        if not match:
            measure.problem(
                _("%(value)s ist keine Angabe „erledigt/gesamt“ wie „59/74“.")
                % {"value": _shown(rollout)},
                "rollout",
            )
        elif not 0 <= int(match[1]) <= int(match[2]) or not 1 <= int(match[2]) <= max_rollout:
            measure.problem(
                _(
                    "%(value)s: erledigt darf nicht mehr als gesamt sein, gesamt muss "
                    "zwischen 1 und %(max)d liegen."
                )
                % {"value": _shown(rollout), "max": max_rollout},
                "rollout",
            )
    measure.boolean("rollout_in_deck")
    return title


def check_plan(data: dict) -> None:
    """Raise PlanFileError naming every problem of the file, or return if there is none."""
    problems: list[str] = []
    top = _Table(data, _("Datei"), ("plan", "fields"), problems)
    if "plan" not in data:
        problems.append(_("Datei: Die Tabelle [plan] fehlt."))
    else:
        _check_plan_table(_Table(data["plan"], _("Plan ([plan])"), PLAN_KEYS, problems))
    fields = top.tables("fields", required=True)
    if "fields" in data and isinstance(data["fields"], list) and not fields:
        problems.append(_("Datei: Der Plan hat kein Handlungsfeld ([[fields]])."))
    field_slugs: dict[str, str] = {}
    measure_slugs: dict[str, str] = {}
    for field_number, field_data in enumerate(fields, start=1):
        where = _("Handlungsfeld %(number)d") % {"number": field_number}
        field = _Table(
            field_data, _where(_("Handlungsfeld"), field_number, field_data), FIELD_KEYS, problems
        )
        title = field.text("title", FieldOfAction._meta.get_field("title"), required=True)
        slug = _check_slug(field, FieldOfAction, title)
        if slug in field_slugs:
            field.problem(
                _("Der Kurzname „%(slug)s“ hat schon %(other)s.")
                % {"slug": slug, "other": field_slugs[slug]}
            )
        elif slug:
            field_slugs[slug] = where
        _check_scope(field)
        for number, measure_data in enumerate(field.tables("measures", required=False), start=1):
            place = _where(f"{where}, {_('Maßnahme')}", number, measure_data)
            measure = _Table(measure_data, place, MEASURE_KEYS, problems)
            title = _check_measure(measure)
            _check_budget(measure, place, problems)
            _check_indicators(measure, place, problems)
            _check_continues(measure)
            _check_scope(measure)
            slug = _check_slug(measure, Measure, title)
            if slug in measure_slugs:
                measure.problem(
                    _("Der Kurzname „%(slug)s“ hat schon %(other)s.")
                    % {"slug": slug, "other": measure_slugs[slug]}
                )
            elif slug:
                measure_slugs[slug] = _("%(field)s, Maßnahme %(number)d") % {
                    "field": where,
                    "number": number,
                }
    if problems:
        raise PlanFileError(
            "\n".join(
                [
                    _("Die Plandatei ist fehlerhaft (%(count)d Fehler); nichts wurde geladen:")
                    % {"count": len(problems)},
                    *(f"- {problem}" for problem in problems),
                ]
            )
        )


# --- Writing a plan ------------------------------------------------------------------


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
        "rollout_in_deck": entry.get("rollout_in_deck", False),
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


def _scope_values(entry: dict) -> dict:
    """A field's or a measure's scope columns from its checked table; `schools = []`
    is a list that names no school yet (its measures are on no school's page)."""
    if entry.get("school_forms"):
        return {
            "school_scope": Scope.FORMS,
            "school_forms": scope_forms(entry["school_forms"]),
        }
    if "schools" in entry:
        return {"school_scope": Scope.LIST, "school_forms": ""}
    return {"school_scope": Scope.PLAN, "school_forms": ""}


def _write_listed(owner: FieldOfAction | Measure, entry: dict, where: str) -> bool:
    """Make the owner's listed schools the file's; ValueError naming `where` and
    the numbers the directory does not know. Whether the list changed."""
    numbers = [number.strip() for number in entry.get("schools", [])]
    schools = School.objects.in_bulk(numbers, field_name="school_number")
    missing = [number for number in numbers if number not in schools]
    if missing:
        raise ValueError(
            _(
                "%(where)s: Die Schulnummer %(numbers)s steht nicht im Schulverzeichnis; "
                "importieren Sie es zuerst (import_schools)."
            )
            % {"where": where, "numbers": ", ".join(missing)}
        )
    wanted = {school.pk for school in schools.values()}
    if set(owner.listed_schools.values_list("pk", flat=True)) == wanted:
        return False
    owner.listed_schools.set(wanted)
    return True


def _continued(entry: dict, plan: Plan, field: int, number: int) -> Measure | None:
    """The earlier plan's measure that the file's "continues" names (checked by
    check_plan for its form); ValueError naming the measure if there is none."""
    if not entry.get("continues"):
        return None
    plan_slug, measure_slug = _CONTINUES.match(entry["continues"].strip()).groups()
    earlier = (
        Measure.objects.filter(plan__owner=plan.owner_id, plan__slug=plan_slug, slug=measure_slug)
        .exclude(plan=plan)
        .select_related("field__plan")
        .first()
    )
    if earlier is None:
        raise ValueError(
            _(
                "Handlungsfeld %(field)d, Maßnahme %(number)d: „continues“ nennt "
                "„%(name)s“, aber einen Plan „%(plan)s“ mit einer Maßnahme „%(measure)s“ "
                "gibt es nicht. Laden Sie den früheren Plan zuerst."
            )
            % {
                "field": field,
                "number": number,
                "name": entry["continues"].strip(),
                "plan": plan_slug,
                "measure": measure_slug,
            }
        )
    return earlier


def _plan_values(plan_data: dict) -> dict:
    """The plan's columns from its checked [plan] table; an optional key left out is empty."""
    return {
        "period_start": plan_data["period_start"],
        "period_end": plan_data.get("period_end"),
        "as_of": plan_data["as_of"],
        "description": plan_data.get("description", "").strip(),
        "decided_on": plan_data.get("decided_on"),
        "decision_reference": plan_data.get("decision_reference", "").strip(),
        "total_budget": _amount(plan_data.get("total_budget")),
        **{k: plan_data.get(k, "") for k in PLAN_SCOPE_KEYS},
    }


def _amount(value: float | None) -> Decimal | None:
    """A checked amount of the file (see _Table.amount) as stored."""
    return None if value is None else Decimal(repr(value)).quantize(Decimal("0.01"))


def _write_budget(measure: Measure, entries: list[dict]) -> bool:
    """Make the measure's budget lines those of the file; whether any changed.

    Lines are matched by source and year: an unchanged line keeps its row and
    its history records nothing."""
    sources = _funding_sources()
    wanted = {
        (sources[entry["source"].strip()], entry.get("year")): (
            _amount(entry["planned"]),
            _amount(entry.get("spent", 0)),
        )
        for entry in entries
    }
    changed = False
    for line in measure.budget_lines.all():
        amounts = wanted.pop((line.source, line.year), None)
        if amounts is None:
            line._change_reason = CHANGE_REASON
            line.delete()
            changed = True
        elif (line.planned, line.spent) != amounts:
            line.planned, line.spent = amounts
            line._change_reason = CHANGE_REASON
            line.save()
            changed = True
    for (source, year), (planned, spent) in wanted.items():
        line = BudgetLine(measure=measure, source=source, year=year, planned=planned, spent=spent)
        line._change_reason = CHANGE_REASON
        line.full_clean()
        line.save()
        changed = True
    return changed


def _write_indicators(measure: Measure, entries: list[dict]) -> bool:
    """Make the measure's indicators and their readings those of the file; whether
    any changed. Indicators are matched by name, readings by date: what is
    unchanged keeps its row and its history records nothing."""
    units = _units()
    existing = {indicator.name: indicator for indicator in measure.indicators.all()}
    changed = False
    for position, entry in enumerate(entries, start=1):
        name = entry["name"].strip()
        values = {
            "position": position,
            "unit": units[entry["unit"].strip()],
            "unit_detail": entry.get("unit_detail", "").strip(),
            "baseline": _amount(entry.get("baseline")),
            "target_value": _amount(entry.get("target")),
            "total": _amount(entry.get("total")),
            "in_deck": entry.get("in_deck", True),
        }
        indicator = existing.pop(name, None)
        if indicator is None:
            indicator = Indicator(measure=measure, name=name)
        changed |= _update(indicator, values, new=indicator.pk is None)
        readings = {reading.date: reading for reading in indicator.readings.all()}
        for row in entry.get("readings", []):
            own_unit = row.get("unit", "").strip()
            reading = readings.pop(row["date"], None) or Reading(
                indicator=indicator, date=row["date"]
            )
            reading_values = {
                "value": _amount(row["value"]),
                # Without a unit of its own, a reading is taken in the indicator's.
                "unit": units[own_unit] if own_unit else indicator.unit,
                "unit_detail": row.get("unit_detail", "").strip()
                if own_unit
                else indicator.unit_detail,
                "source": row.get("source", "").strip(),
            }
            changed |= _update(reading, reading_values, new=reading.pk is None)
        for reading in readings.values():
            reading._change_reason = CHANGE_REASON
            reading.delete()
            changed = True
    for indicator in existing.values():
        indicator._change_reason = CHANGE_REASON
        indicator.delete()
        changed = True
    return changed


def _update(obj, values: dict, *, new: bool = False) -> bool:
    """Set `values` on `obj`; save only what differs (all of them if `new`). Returns
    whether anything changed."""
    changed = [name for name, value in values.items() if new or getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.full_clean()
        if isinstance(obj, Measure):  # an editor who loaded the old state must not overwrite this
            obj.save_new_version(user=None, reason=CHANGE_REASON)
        else:
            obj._change_reason = CHANGE_REASON
            obj.save()
    return bool(changed)


@transaction.atomic
def load_plan(data: dict, *, reset: bool = False) -> Counter:
    """Create the plan in `data`; with `reset`, make an existing one match it exactly.

    A new plan becomes current only if no plan is (Plan.make_current_if_first);
    stats["current"] says whether the plan is current. Its address (slug) is the
    file's, else made from its period (Plan.free_slug).

    Without `reset` an existing plan is left alone (stats["kept"] is 1): staff
    edit the plan in the portal, and loading the file again must not undo that.
    With `reset` the plan is found by authority and title, fields and measures by
    slug; what the file no longer lists is deleted. Either way it is idempotent.
    """
    check_plan(data)
    refuse_unsafe_text(data)
    stats: Counter = Counter()
    try:
        plan_data = data["plan"]
        # The Schulträger the file names: its plans are its address's (a new name, a
        # new authority of the installation).
        owner, _created = Authority.objects.get_or_create(name=plan_data["authority"].strip())
        number = plan_data.get("school_authority_number", "")
        if problem := Plan(owner=owner, school_authority_number=number).number_problem():
            raise ValueError(_("Plan ([plan]), „school_authority_number“: %s") % problem)
        owner.adopt_number(number)
        existing = Plan.objects.of(owner).filter(title=plan_data["title"]).first()
        if existing and not reset:
            stats["kept"] = 1
            stats["current"] = int(existing.is_current)
            stats["fields"] = existing.fields.count()
            stats["measures"] = Measure.objects.for_plan(existing).count()
            return stats
        plan_values = _plan_values(plan_data)
        slug = plan_data.get("slug", "").strip()
        other = Plan.objects.of(owner).filter(slug=slug).exclude(title=plan_data["title"])
        if slug and other.exists():
            raise ValueError(
                _(
                    "Plan ([plan]), „slug“: Die Adresse „%(slug)s“ hat schon der Plan "
                    "„%(other)s“; geben Sie diesem Plan eine eigene."
                )
                % {"slug": slug, "other": other.get()}
            )
        plan, created = Plan.objects.get_or_create(
            owner=owner,
            title=plan_data["title"],
            defaults={**plan_values, "slug": slug or Plan.free_slug(plan_values, owner)},
        )
        if slug:
            plan_values["slug"] = slug
        stats["changed"] += created or _update(plan, plan_values)
        if created:
            plan.make_current_if_first(reason=PUBLIC_REASON)
        stats["current"] = int(plan.is_current)

        seen_fields, seen_measures = [], []
        for field_position, field_data in enumerate(data["fields"], start=1):
            slug = field_data.get("slug", "").strip() or german_slugify(field_data["title"])
            where = _("Handlungsfeld %(number)d") % {"number": field_position}
            field_values = {
                "title": field_data["title"],
                "position": field_position,
                **_scope_values(field_data),
            }
            field, created = FieldOfAction.objects.get_or_create(
                plan=plan, slug=slug, defaults=field_values
            )
            stats["changed"] += created or _update(field, field_values)
            stats["changed"] += _write_listed(field, field_data, where)
            seen_fields.append(field.pk)

            for position, entry in enumerate(field_data.get("measures", []), start=1):
                slug = entry.get("slug", "").strip() or german_slugify(entry["title"])
                values = _measure_values(entry, field, position)
                values["continues"] = _continued(entry, plan, field_position, position)
                values.update(_scope_values(entry))
                place = _("Handlungsfeld %(field)d, Maßnahme %(number)d") % {
                    "field": field_position,
                    "number": position,
                }
                measure = Measure.objects.filter(plan=plan, slug=slug).first()
                if measure is None:
                    measure = Measure(slug=slug, **values)
                    measure._change_reason = CHANGE_REASON
                    measure.full_clean()
                    measure.save()
                    stats["changed"] += 1
                    _write_listed(measure, entry, place)
                    _write_budget(measure, entry.get("budget", []))
                    _write_indicators(measure, entry.get("indicators", []))
                else:
                    changed = _update(measure, values)
                    parts_changed = _write_listed(measure, entry, place)
                    parts_changed |= _write_budget(measure, entry.get("budget", []))
                    parts_changed |= _write_indicators(measure, entry.get("indicators", []))
                    if parts_changed and not changed:
                        # Budget lines and indicators are part of the measure: an
                        # editor's older form is refused.
                        measure.save_new_version(user=None, reason=CHANGE_REASON)
                        changed = True
                    stats["changed"] += changed
                seen_measures.append(measure.pk)

        removed_measures, _details = (
            Measure.objects.for_plan(plan).exclude(pk__in=seen_measures).delete()
        )
        removed_fields, _details = plan.fields.exclude(pk__in=seen_fields).delete()
        stats["changed"] += removed_measures + removed_fields
    except (KeyError, TypeError, ValueError, ValidationError, DatabaseError) as error:
        # check_plan should have found it; still no traceback for the operator.
        raise PlanFileError(
            _("Die Plandatei ist fehlerhaft: %(error)s") % {"error": error}
        ) from error
    stats["fields"] = len(seen_fields)
    stats["measures"] = len(seen_measures)
    return stats


_TOML_PLACE = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)$")
_TOML_PROBLEMS = {
    "Cannot overwrite a value": gettext_lazy("Ein Schlüssel steht doppelt."),
    "Cannot declare": gettext_lazy("Eine Tabelle steht doppelt."),
    "Invalid value": gettext_lazy("Ungültiger Wert."),
    "Unterminated string": gettext_lazy("Ein Text ist nicht mit Anführungszeichen abgeschlossen."),
}


def read_plan_file(path: Path) -> dict:
    """The TOML file's data; PlanFileError (in German, with the place) if it is none."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise PlanFileError(
            _("Die Plandatei %(path)s kann nicht gelesen werden: %(error)s")
            % {"path": path, "error": os_error_text(error)}
        ) from error
    return parse_plan_file(data, path)


def parse_plan_file(data: bytes, path: Path | str) -> dict:
    """The data of a plan file's bytes (from disk or an upload, named `path` in the
    messages); PlanFileError (in German, with the place) if they are no TOML."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PlanFileError(
            _(
                "Die Plandatei %(path)s kann nicht gelesen werden: Sie ist nicht UTF-8-kodiert "
                "(ungültiges Byte 0x%(byte)02X in Zeile %(line)d). TOML-Dateien sind UTF-8."
            )
            % {
                "path": path,
                "byte": data[error.start],
                "line": data.count(b"\n", 0, error.start) + 1,
            }
        ) from error
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        detail = str(error)
        place = _TOML_PLACE.search(detail)
        detail = detail[: place.start()] if place else detail
        problem = next(
            (str(german) for start, german in _TOML_PROBLEMS.items() if detail.startswith(start)),
            detail,
        )
        where = (
            _("Zeile %(line)s, Spalte %(column)s") % {"line": place[1], "column": place[2]}
            if place and place[1]
            else _("am Ende der Datei")
        )
        raise PlanFileError(
            _(
                "Die Plandatei %(path)s kann nicht gelesen werden: kein gültiges TOML "
                "(%(where)s): %(problem)s"
            )
            % {"path": path, "where": where, "problem": problem}
        ) from error
    except RecursionError:  # tomllib parses nested lists and tables recursively
        raise PlanFileError(
            _(
                "Die Plandatei %(path)s kann nicht gelesen werden: kein gültiges TOML (Listen "
                "oder Tabellen sind zu tief ineinander verschachtelt)."
            )
            % {"path": path}
        ) from None


def load_plan_file(path: Path, *, reset: bool = False) -> Counter:
    return load_plan(read_plan_file(path), reset=reset)
