"""Report editions: the plan frozen as data, read back, and compared.

A snapshot is plain JSON (stored in Edition.snapshot), so an edition shows
exactly what it showed when it was published, whatever is edited later.
`FrozenMeasure` offers the attributes the report templates use, so frozen and
live reports render through the same templates.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from measures.indicators import Comparison as ReadingComparison
from measures.indicators import Indicator, Reading
from measures.models import FieldOfAction, Measure, Plan, ProgressReport, Rollout, StatusCount
from measures.money import BudgetLine, PlanBudget, Sums, euros
from measures.rollout import RolloutState, SchoolRollout, SchoolState
from measures.targets import Target
from schools.models import School

SNAPSHOT_VERSION = 1


def build_snapshot(plan: Plan, today: datetime.date) -> dict:
    """The complete state of `plan` on `today` as JSON-serialisable data.

    A measure tracked per school lists every school in its scope that day
    (Measure.schools), a school without a row as open; every measure its budget lines and its
    indicators with their readings. Costs eight queries (seven without any
    indicator).
    """
    order = ("district", "name", "school_number")
    schools = plan.schools(today)
    scope = list(schools.order_by(*order))
    # Every row of the measures: a school left out of a scope is left out below.
    rows = SchoolRollout.objects.order_by()
    measures = list(
        Measure.objects.for_plan(plan)
        .for_report(plan, today)
        .prefetch_related(Prefetch("school_rollouts", queryset=rows, to_attr="rows"))
        .prefetch_related("budget_lines")
        .with_indicators()
    )
    # The rollout's course, where the plan's reports are to show it (two queries):
    # up to the Stand, ending with the snapshot's own figure, as every figure here
    # of a Stand up to 31 days back (Edition.date_problem) is the data of today.
    Measure.read_histories([measure for measure in measures if measure.rollout_in_deck])
    by_field: dict[int, list[dict]] = {}
    for measure in measures:
        rollout = measure.rollout
        series = measure.rollout_series(today) if measure.rollout_in_deck else None
        states = {row.school_id: row for row in measure.rows}
        if measure.tracks_schools and measure.scope_owner is not None:
            # A narrower scope than the plan's: its own schools (one query more).
            listed = list(measure.schools(today).order_by(*order))
        else:
            listed = scope
        by_field.setdefault(measure.field_id, []).append(
            {
                "id": measure.pk,
                "title": measure.title,
                "slug": measure.slug,
                "description": measure.description,
                "work_items": measure.work_item_list,
                "status": measure.status,
                "target": str(measure.target) if measure.target else None,
                "original_target": str(measure.original_target)
                if measure.original_target
                else None,
                "postponements": measure.postponements,
                "overdue": measure.is_overdue(today),
                "responsible": measure.responsible,
                "rollout": [rollout.done, rollout.total] if rollout else None,
                # Only while the figure is a count reported before per-school tracking.
                "rollout_ticked": rollout.ticked if rollout else None,
                "tracked": measure.tracks_schools,
                "schools": [
                    _school_state(school, states.get(school.pk))
                    for school in (listed if measure.tracks_schools else [])
                ],
                "indicators": [_indicator_data(indicator) for indicator in measure.indicator_list],
                "budget": [
                    {
                        "source": line.source,
                        "year": line.year,
                        "planned": str(line.planned),
                        "spent": str(line.spent),
                    }
                    for line in measure.budget_lines.all()
                ],
                # Only where there is a course to show: snapshots without stay as they were.
                **(
                    {"rollout_series": _indicator_data(series)}
                    if series and len(series.series) > 1
                    else {}
                ),
            }
        )
    return {
        "version": SNAPSHOT_VERSION,
        "date": today.isoformat(),
        "plan": {
            "authority": plan.authority,
            "title": plan.title,
            "period": plan.period,
            "as_of": plan.as_of.isoformat(),
            "language": plan.language,
            "total_budget": _amount(plan.total_budget),
            "description": plan.description,
            "decided_on": plan.decided_on.isoformat() if plan.decided_on else None,
            "decision_reference": plan.decision_reference,
        },
        "fields": [
            {
                "id": field_.pk,
                "title": field_.title,
                "slug": field_.slug,
                "measures": by_field.get(field_.pk, []),
            }
            for field_ in FieldOfAction.objects.filter(plan=plan).order_by("position", "pk")
        ],
    }


def _school_state(school: School, row: SchoolRollout | None) -> dict:
    state = SchoolState.of(school, row)
    return {
        "number": school.school_number,
        "name": school.name,
        "district": school.district,
        "state": state.state.value,
        "date": state.date.isoformat() if state.date else None,
    }


def recorded_later(snapshot: dict) -> tuple[datetime.date, str] | None:
    """For an edition recorded later (Edition.record_past): the day it was recorded
    and what it says of itself, "Nachträglich erfasst am 03.12.2026 nach …", in the
    reader's language. None for one frozen from the live plan."""
    recorded = snapshot.get("recorded")
    if not recorded:
        return None
    day = datetime.date.fromisoformat(recorded["on"])
    note = gettext("Nachträglich erfasst am %(date)s nach %(source)s") % {
        "date": date_format(day, "SHORT_DATE_FORMAT"),
        "source": recorded["after"],
    }
    return day, note


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _indicator_data(indicator: Indicator) -> dict:
    return {
        "id": indicator.pk,
        "name": indicator.name,
        "unit": indicator.unit,
        "unit_detail": indicator.unit_detail,
        "baseline": _amount(indicator.baseline),
        "target": _amount(indicator.target_value),
        "total": _amount(indicator.total),
        "in_deck": indicator.in_deck,
        # The public part of a reading only: never who entered it.
        "readings": [
            {
                "date": reading.date.isoformat(),
                "value": str(reading.value),
                "unit": reading.unit,
                "unit_detail": reading.unit_detail,
                "source": reading.source,
            }
            for reading in indicator.series
        ],
    }


def _frozen_indicator(data: dict) -> Indicator:
    """An indicator as an edition recorded it: an unsaved `Indicator` with its
    readings, so that every rule of a live one (current value, unit break, what
    it adds to the sums) holds for it alike."""

    def amount(text: str | None) -> Decimal | None:
        return None if text is None else Decimal(text)

    indicator = Indicator(
        pk=data["id"],
        name=data["name"],
        unit=data["unit"],
        unit_detail=data["unit_detail"],
        baseline=amount(data["baseline"]),
        target_value=amount(data["target"]),
        total=amount(data["total"]),
        in_deck=data.get("in_deck", True),  # snapshots before the choice showed each
    )
    indicator.series = [
        Reading(
            indicator=indicator,
            date=datetime.date.fromisoformat(row["date"]),
            value=Decimal(row["value"]),
            unit=row["unit"],
            unit_detail=row["unit_detail"],
            source=row["source"],
        )
        for row in data["readings"]
    ]
    return indicator


def _frozen_rollout(data: dict | None) -> Indicator | None:
    """A measure's frozen rollout course, named in the reader's language."""
    if data is None:
        return None
    course = _frozen_indicator(data)
    Measure.name_course(course)
    return course


def snapshot_fingerprint(snapshot: dict) -> str:
    """A short digest of `snapshot`: equal digests, equal editions.

    A preview carries it, so that publishing can tell whether the plan changed
    since staff looked at the preview.
    """
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class FrozenField:
    pk: int
    title: str
    slug: str


@dataclass(frozen=True)
class FrozenSchool:
    number: str
    name: str
    district: str
    state: str
    date: datetime.date | None

    @property
    def state_label(self) -> str:
        return str(RolloutState(self.state).label)


@dataclass(frozen=True)
class FrozenMeasure:
    """A measure as an edition recorded it; quacks like Measure for the templates."""

    pk: int
    field: FrozenField
    title: str
    slug: str
    description: str
    work_item_list: list[str]
    status: str
    target: Target | None
    original_target: Target | None
    postponements: int
    is_overdue_today: bool
    responsible: str
    rollout: Rollout | None
    schools: list[FrozenSchool] = field(default_factory=list)
    tracks_schools: bool = False
    # None: the snapshot is older than indicators or money (see from_data).
    indicator_list: list[Indicator] | None = field(default_factory=list)
    budget_lines: list[BudgetLine] | None = field(default_factory=list)
    # The rollout's course, frozen where the measure's reports show it (rollout_in_deck).
    rollout_series: Indicator | None = None

    @classmethod
    def from_data(cls, data: dict, field_: FrozenField) -> "FrozenMeasure":
        def target(text: str | None) -> Target | None:
            return Target.parse(text) if text else None

        return cls(
            pk=data["id"],
            field=field_,
            title=data["title"],
            slug=data["slug"],
            description=data["description"],
            work_item_list=data["work_items"],
            status=data["status"],
            target=target(data["target"]),
            original_target=target(data["original_target"]),
            postponements=data["postponements"],
            is_overdue_today=data["overdue"],
            responsible=data["responsible"],
            rollout=Rollout(*data["rollout"], ticked=data.get("rollout_ticked"))
            if data["rollout"]
            else None,
            schools=[
                FrozenSchool(
                    row["number"],
                    row["name"],
                    row["district"],
                    row["state"],
                    datetime.date.fromisoformat(row["date"]) if row["date"] else None,
                )
                for row in data["schools"]
            ],
            # Snapshots before the flag: a tracked measure listed its schools.
            tracks_schools=data.get("tracked", bool(data["schools"])),
            # None in snapshots from before indicators and money: not known, which
            # the comparison must not take for "none" (every one would look new).
            indicator_list=None
            if "indicators" not in data
            else [_frozen_indicator(row) for row in data["indicators"]],
            budget_lines=None
            if "budget" not in data
            else [
                BudgetLine(
                    source=row["source"],
                    year=row["year"],
                    planned=Decimal(row["planned"]),
                    spent=Decimal(row["spent"]),
                )
                for row in data["budget"]
            ],
            rollout_series=_frozen_rollout(data.get("rollout_series")),
        )

    @property
    def field_id(self) -> int:
        return self.field.pk

    status_label = Measure.status_label
    status_badge = Measure.status_badge
    slip = Measure.slip
    slip_label = Measure.slip_label

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """As recorded on the edition's date: an edition does not age."""
        return self.is_overdue_today

    matches = Measure.matches

    @property
    def school_indicators(self) -> list[Indicator]:
        return self.indicator_list or []

    school_figures = Measure.school_figures

    @property
    def edition_indicators(self) -> list[Indicator]:
        """What the edition's "Kennzahlen" show of the measure: the rollout's course
        (if frozen), then every indicator."""
        course = [self.rollout_series] if self.rollout_series else []
        return course + (self.indicator_list or [])

    @property
    def deck_indicators(self) -> list[Indicator]:
        """What the deck's "Kennzahlen" pages show: as the edition, but only the
        indicators chosen for the slides (Indicator.in_deck)."""
        return [indicator for indicator in self.edition_indicators if indicator.in_deck]

    def get_absolute_url(self) -> str:
        return f"#m-{self.slug}"


@dataclass(frozen=True)
class FrozenPlan:
    authority: str
    title: str
    period: str
    as_of: datetime.date
    language: str
    total_budget: Decimal | None = None
    # Snapshots before these had none.
    description: str = ""
    decided_on: datetime.date | None = None
    decision_reference: str = ""


def read_snapshot(snapshot: dict) -> tuple[FrozenPlan, list[FrozenField], list[FrozenMeasure]]:
    plan_data = snapshot["plan"]
    plan = FrozenPlan(
        plan_data["authority"],
        plan_data["title"],
        plan_data["period"],
        datetime.date.fromisoformat(plan_data["as_of"]),
        plan_data["language"],
        None if plan_data.get("total_budget") is None else Decimal(plan_data["total_budget"]),
        plan_data.get("description", ""),
        datetime.date.fromisoformat(plan_data["decided_on"])
        if plan_data.get("decided_on")
        else None,
        plan_data.get("decision_reference", ""),
    )
    fields, measures = [], []
    for field_data in snapshot["fields"]:
        field_ = FrozenField(field_data["id"], field_data["title"], field_data["slug"])
        fields.append(field_)
        measures += [FrozenMeasure.from_data(data, field_) for data in field_data["measures"]]
    return plan, fields, measures


@dataclass(frozen=True)
class Frozen:
    """A snapshot read once (read_snapshot), for what a page or deck shows of it."""

    plan: FrozenPlan
    fields: list[FrozenField]
    measures: list[FrozenMeasure]
    date: datetime.date

    @classmethod
    def of(cls, snapshot: dict) -> "Frozen":
        return cls(*read_snapshot(snapshot), datetime.date.fromisoformat(snapshot["date"]))

    def report(self, criteria: dict | None = None) -> ProgressReport:
        return ProgressReport.build(
            self.plan, self.fields, self.measures, self.date, criteria=criteria
        )

    def budget(self) -> PlanBudget | None:
        """The money as the edition recorded it, summed as the live report sums."""
        return PlanBudget.summed(
            self.plan.total_budget,
            (
                (measure.field.pk, measure.field.title, line.source, line.planned, line.spent)
                for measure in self.measures
                for line in measure.budget_lines or []
            ),
        )


def frozen_budget(snapshot: dict) -> PlanBudget | None:
    return Frozen.of(snapshot).budget()


def frozen_report(snapshot: dict, criteria: dict | None = None) -> ProgressReport:
    return Frozen.of(snapshot).report(criteria)


# --- Statuses across editions ------------------------------------------------


@dataclass(frozen=True)
class StatusHistoryRow:
    """The measures per status in one edition (`title` set) or today."""

    date: datetime.date
    title: str
    counts: list[StatusCount]


def status_history(plan: Plan, editions: list, today: datetime.date) -> list[StatusHistoryRow]:
    """The statuses of each of `editions` (published, any order), oldest first, and
    today's. Reads the snapshots' statuses only; one query for today's."""
    rows = [
        StatusHistoryRow(
            edition.date,
            edition.title,
            StatusCount.tally(
                measure["status"]
                for field_data in edition.snapshot["fields"]
                for measure in field_data["measures"]
            ),
        )
        for edition in sorted(editions, key=lambda edition: (edition.date, edition.published_at))
    ]
    live = Measure.objects.for_plan(plan).values_list("status", flat=True)
    return [*rows, StatusHistoryRow(today, "", StatusCount.tally(live))]


# --- Comparison --------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorChange:
    """What changed in one of a measure's indicators: its name, in the plan's
    language, and the change in words ("1.500 am 01.07.2023 → 2.420 Access Points.")."""

    name: str
    text: str


def indicator_changes(old: list[Indicator], new: list[Indicator]) -> tuple[IndicatorChange, ...]:
    """The indicators whose current value changed, came or went; matched by id.
    A value after a change of unit is never subtracted from one before it."""
    before = {indicator.pk: indicator for indicator in old}
    changes = []
    for indicator in new:
        previous = before.pop(indicator.pk, None)
        current = indicator.current
        if previous is None:
            text = gettext("neue Kennzahl")
            if current is not None:
                text += f": {current.text}"
        else:
            earlier = previous.current
            if Reading.same(earlier, current):
                continue
            if current is None:
                text = gettext("kein Wert mehr")
            elif earlier is None:
                text = gettext("erster Wert: %(value)s") % {"value": current.text}
            else:
                text = ReadingComparison(earlier, current).text
        changes.append(IndicatorChange(indicator.name, text))
    changes += [IndicatorChange(i.name, gettext("Kennzahl entfallen")) for i in before.values()]
    return tuple(changes)


@dataclass(frozen=True)
class MeasureDiff:
    """What changed in one measure between two snapshots; the one place that knows.

    The comparison page and the decks render it; new facts are new fields.
    """

    title: str
    slug: str
    old_title: str = ""
    old_status: str = ""
    new_status: str = ""
    old_target: str = ""
    new_target: str = ""
    quarters_moved: int | None = None
    old_rollout: Rollout | None = None
    new_rollout: Rollout | None = None
    newly_overdue: bool = False
    # Per-school tracking began in between; `old_rollout` is the count before.
    tracking_started: bool = False
    old_description: str = ""
    new_description: str = ""
    work_items_added: tuple[str, ...] = ()
    work_items_removed: tuple[str, ...] = ()
    indicators: tuple[IndicatorChange, ...] = ()
    old_budget: Sums | None = None
    new_budget: Sums | None = None

    @property
    def budget_changed(self) -> bool:
        return self.old_budget != self.new_budget

    @property
    def budget_text(self) -> str:
        """ "geplant 1.200.000,00 € → 1.500.000,00 €, ausgegeben 0,00 € → 42.000,50 €"."""

        def amount(sums: Sums | None, name: str) -> str:
            return euros(getattr(sums, name)) if sums else "–"

        return gettext(
            "geplant %(old_planned)s → %(new_planned)s, ausgegeben %(old_spent)s → %(new_spent)s"
        ) % {
            "old_planned": amount(self.old_budget, "planned"),
            "new_planned": amount(self.new_budget, "planned"),
            "old_spent": amount(self.old_budget, "spent"),
            "new_spent": amount(self.new_budget, "spent"),
        }

    @property
    def description_changed(self) -> bool:
        return self.old_description != self.new_description

    @property
    def work_items_changed(self) -> bool:
        return bool(self.work_items_added or self.work_items_removed)

    @property
    def renamed(self) -> bool:
        return bool(self.old_title) and self.old_title != self.title

    @property
    def status_changed(self) -> bool:
        return self.old_status != self.new_status

    @property
    def target_moved(self) -> bool:
        return self.old_target != self.new_target

    @property
    def quarters_later(self) -> int:
        return max(self.quarters_moved or 0, 0)

    @property
    def quarters_earlier(self) -> int:
        return max(-(self.quarters_moved or 0), 0)

    @property
    def schools_gained_signed(self) -> str:
        """ "+12", "-3": the change in completed schools with its sign."""
        return f"{self.schools_gained:+d}" if self.schools_gained is not None else ""

    @property
    def schools_gained(self) -> int | None:
        if self.old_rollout and self.new_rollout and self.old_rollout != self.new_rollout:
            return self.new_rollout.done - self.old_rollout.done
        return None


@dataclass
class Comparison:
    added: list[FrozenMeasure]
    removed: list[FrozenMeasure]
    changed: list[MeasureDiff]

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    @property
    def newly_overdue(self) -> list[MeasureDiff]:
        return [diff for diff in self.changed if diff.newly_overdue]


def compare(old: dict, new: dict) -> Comparison:
    """What changed from snapshot `old` to snapshot `new`, measure by measure."""
    _, _, old_measures = read_snapshot(old)
    _, _, new_measures = read_snapshot(new)
    before = {measure.pk: measure for measure in old_measures}
    after = {measure.pk: measure for measure in new_measures}
    changed = []
    for pk, measure in after.items():
        previous = before.get(pk)
        if previous is None:
            continue
        diff = _diff(previous, measure)
        if diff is not None:
            changed.append(diff)
    return Comparison(
        added=[measure for pk, measure in after.items() if pk not in before],
        removed=[measure for pk, measure in before.items() if pk not in after],
        changed=changed,
    )


def _budget_of(measure: FrozenMeasure) -> Sums | None:
    return Sums.of(measure.budget_lines) if measure.budget_lines else None


def _diff(old: FrozenMeasure, new: FrozenMeasure) -> MeasureDiff | None:
    old_target = old.target.label if old.target else str(_("nicht festgelegt"))
    new_target = new.target.label if new.target else str(_("nicht festgelegt"))
    moved = None
    if old.target != new.target:
        moved = old.target.quarters_to(new.target) if old.target and new.target else None
    budgets_known = old.budget_lines is not None and new.budget_lines is not None
    diff = MeasureDiff(
        title=new.title,
        slug=new.slug,
        old_title=old.title,
        old_status=old.status_label,
        new_status=new.status_label,
        old_target=old_target,
        new_target=new_target,
        quarters_moved=moved,
        old_rollout=old.rollout,
        new_rollout=new.rollout,
        newly_overdue=new.is_overdue_today and not old.is_overdue_today,
        tracking_started=new.tracks_schools and not old.tracks_schools,
        old_description=old.description,
        new_description=new.description,
        # Items in their order; one reworded is one removed and one added.
        work_items_added=tuple(i for i in new.work_item_list if i not in old.work_item_list),
        work_items_removed=tuple(i for i in old.work_item_list if i not in new.work_item_list),
        # Only where both snapshots know them: an older one says nothing of them.
        indicators=indicator_changes(old.indicator_list, new.indicator_list)
        if old.indicator_list is not None and new.indicator_list is not None
        else (),
        old_budget=_budget_of(old) if budgets_known else None,
        new_budget=_budget_of(new) if budgets_known else None,
    )
    interesting = (
        diff.renamed
        or diff.status_changed
        or diff.target_moved
        or old.rollout != new.rollout
        or diff.newly_overdue
        or diff.tracking_started
        or diff.description_changed
        or diff.work_items_changed
        or diff.indicators
        or diff.budget_changed
    )
    return diff if interesting else None
