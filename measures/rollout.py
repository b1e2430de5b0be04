"""The rollout of measures at each school: one row per measure and school with its
state, the writers that change them, and what the school directory's querysets
learn from them.

Part of the measures app: a measure's progress is its per-school rows
(`Measure.rollout`, the report's counts, the timeline and the switch to
per-school tracking all need them), and the rows need the measure. The model is
imported by `measures.models`, so Django registers it there.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import models, transaction
from django.db.models import Count, Exists, F, FilteredRelation, Func, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from schools.models import UNKNOWN_DISTRICT, School, SchoolQuerySet

if TYPE_CHECKING:
    from .models import Measure, Plan


@dataclass(frozen=True)
class DistrictRollout:
    """One district's schools and how far a measure is at them."""

    district: str
    total: int
    done: int
    in_progress: int

    @property
    def open(self) -> int:
        return self.total - self.done - self.in_progress

    @property
    def label(self) -> str:
        return self.district or gettext("Stadtbezirk nicht bekannt")

    @property
    def query_value(self) -> str:
        """The district as `?bezirk=` names it."""
        return self.district or UNKNOWN_DISTRICT


class RolloutState(models.TextChoices):
    OPEN = "open", _("offen")
    IN_PROGRESS = "in_progress", _("in Arbeit")
    DONE = "done", _("abgeschlossen")

    @property
    def badge_modifier(self) -> str:
        """KERN badge colour; the badge always says the state in words too."""
        return {"open": "neutral", "in_progress": "info", "done": "success"}[self.value]

    # Rows are made when a school's state is first set (or all at once by
    # start_tracking): a school without a row is open. The one rule, here and
    # in its SQL twin; every reader of a row that may be missing asks these.
    @classmethod
    def of(cls, state: str | None) -> "RolloutState":
        """The state a row holds; None (no row) is open."""
        return cls(state or cls.OPEN)

    @classmethod
    def of_in_sql(cls, state: str) -> Coalesce:
        """`of` in SQL, for the `state` column of a row joined with LEFT OUTER JOIN."""
        return Coalesce(F(state), Value(cls.OPEN.value))


def _lock(measure) -> None:
    """Make the writers of one measure's rows wait for each other.

    Locking the rows is not enough: two first changes at a school without a row
    would both insert one (the second fails on the unique constraint), so lock
    the measure itself for the rest of the transaction.
    """
    list(type(measure).objects.select_for_update().filter(pk=measure.pk).values_list("pk"))


@dataclass(frozen=True)
class SchoolState:
    """One school's state for one measure; a school without a row is open."""

    school: School
    state: str
    date: datetime.date | None = None

    @classmethod
    def of(cls, school: School, row: "SchoolRollout | None") -> "SchoolState":
        """`school`'s state from its row, or from none (open)."""
        if row is None:
            return cls(school, RolloutState.of(None))
        return cls(school, RolloutState.of(row.state), row.date)

    @property
    def state_label(self) -> str:
        return str(RolloutState(self.state).label)

    @property
    def state_badge(self) -> str:
        return RolloutState(self.state).badge_modifier


@dataclass
class StateChanges:
    """What `set_states` did: rows written, and schools someone else changed first."""

    changed: int = 0
    conflicts: list[School] = field(default_factory=list)


@dataclass
class WantedStates:
    """What an editor asks of one measure's rows: each school's new state, and the
    states the editor saw there (set_states's `wanted` and `expected`)."""

    wanted: dict[School, str] = field(default_factory=dict)
    expected: dict[School, str] = field(default_factory=dict)


class SchoolRolloutQuerySet(models.QuerySet):
    def states(self, measure, schools: Iterable[School]) -> list[SchoolState]:
        """Each of `schools` with its state for `measure` (one query for the rows)."""
        schools = list(schools)
        rows = {
            row.school_id: row
            for row in self.filter(measure=measure, school__in=[school.pk for school in schools])
        }
        return [SchoolState.of(school, rows.get(school.pk)) for school in schools]

    def grid(self, measures, schools) -> dict[tuple[int, int], "SchoolRollout"]:
        """The rows of `measures` at `schools`, by (measure pk, school pk); one query."""
        rows = self.filter(measure__in=[m.pk for m in measures], school__in=[s.pk for s in schools])
        return {(row.measure_id, row.school_id): row for row in rows}

    def start_tracking(self, measure, *, user, reason: str = "") -> int:
        """Track `measure` per school: an open row at every school of its plan's scope.

        The count entered so far stays on the measure: `Measure.rollout` shows it,
        marked as reported, until the ticked schools reach it. The switch is a
        change of the measure too (user, reason, a new version), so its timeline,
        the comparison and an editor's conflict check see it. Returns the rows made.
        """
        plan = measure.field.plan
        with transaction.atomic():
            # Locks the measure (see _lock): two switches at once wait for each
            # other, and the second finds the rows and the switch already made.
            measure = type(measure).objects.select_for_update().get(pk=measure.pk)
            was_tracked = self.filter(measure=measure).exists()
            schools = measure.schools(timezone.localdate())
            rows = [
                SchoolRollout(measure=measure, school=school)
                for school in schools.exclude(rollouts__measure=measure)
            ]
            if not reason:  # the public timeline shows it: in the plan's language
                with translation.override(plan.language):
                    reason = str(_("Erfassung pro Schule begonnen"))
            bulk_create_with_history(
                rows, SchoolRollout, default_user=user, default_change_reason=reason
            )
            if rows and not was_tracked:
                measure.tracked_per_school_since = timezone.localdate()
                measure.save_new_version(
                    user=user, reason=reason, update_fields=["tracked_per_school_since"]
                )
        return len(rows)

    def set_states(
        self,
        measure,
        wanted: dict[School, str],
        *,
        user,
        reason: str = "",
        expected: dict[School, str] | None = None,
        date: datetime.date | None = None,
    ) -> StateChanges:
        """Give each school in `wanted` its state for `measure`; rows are made as needed.

        With `expected` (the states the editor saw), a school whose state someone
        else changed meanwhile is left as it is and reported as a conflict, so a
        stale page never undoes another person's work. The date is the day of
        the change unless `date` says otherwise (none for open). One transaction,
        rows locked; history records carry `user` and `reason`.
        """
        result = StateChanges()
        today = date or timezone.localdate()
        with transaction.atomic():
            _lock(measure)
            rows = {
                row.school_id: row
                for row in self.select_for_update().filter(
                    measure=measure, school__in=[school.pk for school in wanted]
                )
            }
            new, changed = [], []
            for school, state in wanted.items():
                row = rows.get(school.pk)
                current = RolloutState.of(row.state if row else None)
                if expected is not None and school in expected and expected[school] != current:
                    if current != state:
                        result.conflicts.append(school)
                    continue
                if current == state:
                    continue
                date = None if state == RolloutState.OPEN else today
                if row is None:
                    new.append(
                        SchoolRollout(measure=measure, school=school, state=state, date=date)
                    )
                else:
                    row.state, row.date = state, date
                    changed.append(row)
            # One moment for the whole change: the timeline shows it as one entry.
            history = {
                "default_user": user,
                "default_change_reason": reason,
                "default_date": timezone.now(),
            }
            bulk_create_with_history(new, SchoolRollout, **history)
            bulk_update_with_history(changed, SchoolRollout, ["state", "date"], **history)
        result.changed = len(new) + len(changed)
        return result

    def set_states_of_many(
        self, changes: "dict[Measure, WantedStates]", *, user, reason: str = ""
    ) -> "dict[Measure, StateChanges]":
        """`set_states` for several measures in one transaction: all of them or
        none. The measures are locked in the order given. Returns each measure's
        result."""
        with transaction.atomic():
            return {
                measure: self.set_states(
                    measure, states.wanted, user=user, reason=reason, expected=states.expected
                )
                for measure, states in changes.items()
            }


class SchoolRollout(models.Model):
    """The state of one measure at one school."""

    # The tables keep the names they had in the schools app (migration 0018's docstring).

    measure = models.ForeignKey(
        "measures.Measure",
        on_delete=models.CASCADE,
        related_name="school_rollouts",
        verbose_name=_("Maßnahme"),
    )
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="rollouts", verbose_name=_("Schule")
    )
    state = models.CharField(
        _("Umsetzungsstand"), max_length=20, choices=RolloutState.choices, default=RolloutState.OPEN
    )
    date = models.DateField(_("Datum"), null=True, blank=True)

    objects = SchoolRolloutQuerySet.as_manager()
    authority_path = "measure__plan__owner"  # its Schulträger (authorities.models.in_staff_area)
    history = HistoricalRecords(
        history_change_reason_field=models.TextField(null=True),
        table_name="schools_historicalschoolrollout",
    )

    class Meta:
        db_table = "schools_schoolrollout"
        verbose_name = _("Umsetzung an einer Schule")
        verbose_name_plural = _("Umsetzung an den Schulen")
        ordering = ["measure", "school__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "school"],
                name="rollout_one_row_per_measure_and_school",
                violation_error_message=_("Für diese Schule gibt es schon einen Eintrag."),
            ),
            models.CheckConstraint(
                condition=~Q(state=RolloutState.DONE) | Q(date__isnull=False),
                name="rollout_done_has_date",
                violation_error_message=_("Eine abgeschlossene Umsetzung braucht ein Datum."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} – {self.school}: {self.get_state_display()}"

    def get_absolute_url(self) -> str:
        return self.measure.get_absolute_url()


# What the school directory's querysets learn from the rows. Functions over a
# school queryset, not its methods: the directory knows nothing of measures.


def with_rollout_share(schools: SchoolQuerySet, plan: "Plan") -> SchoolQuerySet:
    """Annotate `measures_tracked`, the number of `plan`'s measures tracked per
    school whose scope includes the school, and `measures_done`, how many of
    them are done at this school.

    Correlated subqueries rather than a join with GROUP BY: the database
    evaluates them only for the rows it returns, so a page of 50 schools
    costs the same whether the scope holds 76 schools or 5,600.
    """
    from .models import Measure  # measures.models imports this module

    # Which measures have rows: one index probe per measure, not a scan of
    # every row (280,000 with all of NRW's schools in a plan).
    tracked = Measure.objects.for_plan(plan).tracked_per_school().order_by()
    if plan.narrows_scope:
        # Only the measures whose scope includes the school, and of those the
        # ones done here (a row left from a wider scope does not count): one
        # probe of the (measure, school) index per measure.
        # A school the plan's scope leaves out (a Berufskolleg of the excursus)
        # is counted by the narrower scopes only.
        of_plan = Exists(plan.schools(timezone.localdate()).filter(pk=OuterRef(OuterRef("pk"))))
        counted = tracked.covering_in_sql(OuterRef("school_form"), OuterRef("pk"), of_plan)
        done_here = SchoolRollout.objects.filter(
            measure=OuterRef("pk"), school=OuterRef(OuterRef("pk")), state=RolloutState.DONE
        )
        done = counted.filter(Exists(done_here))
    else:
        # Every tracked measure concerns every school of the plan: its done rows.
        counted = tracked
        done = SchoolRollout.objects.filter(
            measure__field__plan=plan, school=OuterRef("pk"), state=RolloutState.DONE
        ).order_by()
    return schools.annotate(
        measures_tracked=Subquery(counted.values(n=Func(F("pk"), function="COUNT"))),
        measures_done=Subquery(done.values(n=Func(F("pk"), function="COUNT"))),
    )


def _row_of(schools: SchoolQuerySet, measure: "Measure") -> SchoolQuerySet:
    # At most one row per school and measure (a unique constraint), so the
    # join never multiplies schools.
    return schools.alias(row=FilteredRelation("rollouts", condition=Q(rollouts__measure=measure)))


def with_state_of(schools: SchoolQuerySet, measure: "Measure") -> SchoolQuerySet:
    """Annotate `rollout_state` and `rollout_date`: the state of `measure` at each
    school; a school without a row is open."""
    return _row_of(schools, measure).annotate(
        rollout_state=RolloutState.of_in_sql("row__state"),
        rollout_date=F("row__date"),
    )


# Above this many schools (a plan of a Land's schools) a map's dots would merge
# into a blot, and the page would grow by hundreds of kilobytes: no map then
# (measures.charts.school_map), the district table and the school list stay.
MAX_MAP_SCHOOLS = 1500


def map_of(schools: SchoolQuerySet, measure: "Measure") -> list[tuple[int, int, str, str]]:
    """(UTM east, UTM north, state, name) of `measure` at each of `schools` that
    the directory places, one more than a map draws at most (charts.school_map
    then draws none). One query."""
    placed = with_state_of(schools, measure).filter(utm_east__isnull=False, utm_north__isnull=False)
    rows = placed.order_by("school_number").values_list(
        "utm_east", "utm_north", "rollout_state", "name"
    )
    return list(rows[: MAX_MAP_SCHOOLS + 1])


def rollout_by_district(schools: SchoolQuerySet, measure: "Measure") -> list["DistrictRollout"]:
    """How far `measure` is at these schools, per district (the unknown district
    last); a school without a row counts as open. One query, grouped in the
    database, so 5,600 schools cost no more than 76."""
    counts = (
        _row_of(schools, measure)
        .order_by()
        .values("district")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(row__state=RolloutState.DONE)),
            in_progress=Count("pk", filter=Q(row__state=RolloutState.IN_PROGRESS)),
        )
    )
    districts = [DistrictRollout(**row) for row in counts]
    return sorted(districts, key=lambda d: (not d.district, d.district.casefold()))
