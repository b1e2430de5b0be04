"""The plan as data: a plan, its fields of action and their measures."""

import datetime
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from schools.models import RolloutState

from .targets import Target, TargetKind


class PlanQuerySet(models.QuerySet):
    def current(self) -> "Plan | None":
        """The plan the public pages show: the one with the newest "Stand"."""
        return self.order_by("-as_of", "-pk").first()


class Plan(models.Model):
    authority = models.CharField(_("Schulträger"), max_length=200)
    title = models.CharField(_("Titel"), max_length=300)
    period_start = models.PositiveSmallIntegerField(_("Laufzeit von"))
    period_end = models.PositiveSmallIntegerField(_("Laufzeit bis"))
    as_of = models.DateField(_("Stand"))

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("Plan")
        verbose_name_plural = _("Pläne")
        ordering = ["-as_of", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="plan_period_ordered",
                violation_error_message=_("Die Laufzeit endet vor ihrem Beginn."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.authority}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("measures:report")

    @property
    def period(self) -> str:
        return f"{self.period_start}-{self.period_end}"


class FieldOfAction(models.Model):
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="fields", verbose_name=_("Plan")
    )
    title = models.CharField(_("Titel"), max_length=200)
    slug = models.SlugField(_("Kurzname"), max_length=100)
    position = models.PositiveSmallIntegerField(_("Position"), default=0)

    class Meta:
        verbose_name = _("Handlungsfeld")
        verbose_name_plural = _("Handlungsfelder")
        ordering = ["plan", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "slug"],
                name="field_slug_unique_per_plan",
                violation_error_message=_("Dieser Kurzname ist im Plan schon vergeben."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("measures:report") + f"?feld={self.slug}"


class Status(models.TextChoices):
    """A measure's status; blank means "no status yet"."""

    PREPARING = "preparing", _("In Vorbereitung")
    IN_PROGRESS = "in_progress", _("In Bearbeitung")
    WAITING = "waiting", _("Wartend")
    DONE = "done", _("Abgeschlossen")

    @property
    def badge_modifier(self) -> str:
        """KERN badge colour; the label always says the status in words too."""
        return {
            "done": "success",
            "in_progress": "info",
            "waiting": "warning",
            "preparing": "neutral",
        }[self.value]

    @classmethod
    def from_label(cls, label: str) -> "Status":
        """The status the deck writes as `label` ("In Bearbeitung"), whatever the language."""
        with translation.override("de"):
            for status in cls:
                if str(status.label).casefold() == label.strip().casefold():
                    return status
        raise ValueError(f"unknown status {label!r}")


NO_STATUS_LABEL = _("Ohne Status")


class MeasureQuerySet(models.QuerySet):
    def for_plan(self, plan: Plan) -> "MeasureQuerySet":
        return self.filter(field__plan=plan)

    def for_report(self) -> "MeasureQuerySet":
        """Measures with their field and per-school rollout counts, in report order."""
        in_scope = Q(school_rollouts__school__in_scope=True)
        return (
            self.select_related("field")
            .annotate(
                schools_total=Count("school_rollouts", filter=in_scope),
                schools_done=Count(
                    "school_rollouts",
                    filter=in_scope & Q(school_rollouts__state=RolloutState.DONE),
                ),
            )
            .order_by("field__position", "field__pk", "position", "pk")
        )

    def overdue(self, today: datetime.date) -> "MeasureQuerySet":
        """Not done, and the target's last day lies before `today` (see Target.deadline)."""
        quarter = (today.month - 1) // 3 + 1
        passed = Q(target_kind=TargetKind.QUARTER) & (
            Q(target_year__lt=today.year) | Q(target_year=today.year, target_quarter__lt=quarter)
        )
        passed |= Q(target_kind=TargetKind.YEAR, target_year__lt=today.year)
        return self.filter(passed).exclude(status=Status.DONE)


@dataclass(frozen=True)
class Rollout:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    def __str__(self) -> str:
        return f"{self.done}/{self.total}"


class Measure(models.Model):
    field = models.ForeignKey(
        FieldOfAction,
        on_delete=models.CASCADE,
        related_name="measures",
        verbose_name=_("Handlungsfeld"),
    )
    title = models.CharField(_("Titel"), max_length=200)
    slug = models.SlugField(_("Kurzname"), max_length=120, unique=True)
    position = models.PositiveSmallIntegerField(_("Position"), default=0)
    description = models.TextField(_("Kurzbeschreibung"), blank=True)
    work_items = models.TextField(
        _("Arbeitspakete"), blank=True, help_text=_("Ein Arbeitspaket pro Zeile.")
    )
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, blank=True)
    target_kind = models.CharField(
        _("Art des Abschlusses"), max_length=10, choices=TargetKind.choices, blank=True
    )
    target_year = models.PositiveSmallIntegerField(_("Abschlussjahr"), null=True, blank=True)
    target_quarter = models.PositiveSmallIntegerField(_("Abschlussquartal"), null=True, blank=True)
    rollout_done = models.PositiveIntegerField(_("Schulen abgeschlossen"), null=True, blank=True)
    rollout_total = models.PositiveIntegerField(_("Schulen gesamt"), null=True, blank=True)
    responsible = models.CharField(_("Verantwortlich"), max_length=200, blank=True)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("Maßnahme")
        verbose_name_plural = _("Maßnahmen")
        ordering = ["field__position", "field__pk", "position", "pk"]
        # CHECK passes on NULL, so every clause says explicitly which columns are set.
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(target_kind="", target_year__isnull=True, target_quarter__isnull=True)
                    | Q(
                        target_kind=TargetKind.QUARTER,
                        target_year__isnull=False,
                        target_quarter__isnull=False,
                        target_quarter__gte=1,
                        target_quarter__lte=4,
                    )
                    | Q(
                        target_kind__in=[TargetKind.YEAR, TargetKind.YEAR_ONWARDS],
                        target_year__isnull=False,
                        target_quarter__isnull=True,
                    )
                    | Q(
                        target_kind__in=[TargetKind.TBD, TargetKind.ONGOING],
                        target_year__isnull=True,
                        target_quarter__isnull=True,
                    )
                ),
                name="measure_target_well_formed",
                violation_error_message=_("Der Abschluss ist unvollständig oder widersprüchlich."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(rollout_done__isnull=True, rollout_total__isnull=True)
                    | Q(
                        rollout_done__isnull=False,
                        rollout_total__isnull=False,
                        rollout_total__gt=0,
                        rollout_done__lte=models.F("rollout_total"),
                    )
                ),
                name="measure_rollout_done_within_total",
                violation_error_message=_(
                    "Die Zahl der abgeschlossenen Schulen darf die Gesamtzahl nicht "
                    "überschreiten; beide Zahlen gehören zusammen."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("measures:detail", args=[self.slug])

    @property
    def target(self) -> Target | None:
        if not self.target_kind:
            return None
        return Target(self.target_kind, self.target_year, self.target_quarter)

    @target.setter
    def target(self, value: Target | None) -> None:
        self.target_kind = value.kind if value else ""
        self.target_year = value.year if value else None
        self.target_quarter = value.quarter if value else None

    @property
    def status_badge(self) -> str:
        return Status(self.status).badge_modifier if self.status else "none"

    @property
    def status_label(self) -> str:
        return self.get_status_display() if self.status else str(NO_STATUS_LABEL)

    @cached_property
    def work_item_list(self) -> list[str]:
        return [line.strip() for line in self.work_items.splitlines() if line.strip()]

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """Overdue: the target's last day has passed and the measure is not done."""
        today = today or timezone.localdate()
        return (
            self.status != Status.DONE and self.target is not None and self.target.has_passed(today)
        )

    @cached_property
    def is_overdue_today(self) -> bool:
        return self.is_overdue()

    def matches(
        self, *, statuses: set[str], field_slug: str, overdue_only: bool, today: datetime.date
    ) -> bool:
        """Whether the report's filters (empty = no restriction) let this measure through."""
        return (
            (not statuses or self.status in statuses)
            and (not field_slug or self.field.slug == field_slug)
            and (not overdue_only or self.is_overdue(today))
        )

    @cached_property
    def rollout(self) -> Rollout | None:
        """Schools done/total: from per-school rows when there are any, else the entered count.

        The per-school numbers come from `for_report()`'s annotations; without them
        this costs two queries. Cached per instance: fetch the measure anew after a change.
        """
        total = getattr(self, "schools_total", None)
        if total is None:
            in_scope = self.school_rollouts.filter(school__in_scope=True)
            total = in_scope.count()
            done = in_scope.filter(state=RolloutState.DONE).count() if total else 0
        else:
            done = self.schools_done
        if total:
            return Rollout(done, total)
        if self.rollout_total:
            return Rollout(self.rollout_done, self.rollout_total)
        return None


@dataclass
class StatusCount:
    status: str
    label: str
    count: int


@dataclass
class ProgressReport:
    """The public report of a plan: summary and, per field of action, the matching measures."""

    plan: Plan
    sections: list[tuple[FieldOfAction, list[Measure]]]
    status_counts: list[StatusCount]
    measure_count: int
    overdue_count: int
    rollout: Rollout | None
    rollout_measure_count: int
    shown_count: int

    @classmethod
    def build(
        cls,
        plan: Plan,
        fields: list[FieldOfAction],
        measures: list[Measure],
        today: datetime.date,
        criteria: dict | None = None,
    ) -> "ProgressReport":
        """Summarise all `measures`; list those matching `criteria` by field. No queries."""
        criteria = criteria or {"statuses": set(), "field_slug": "", "overdue_only": False}
        by_field: dict[int, list[Measure]] = {field.pk: [] for field in fields}
        for measure in measures:
            if measure.matches(**criteria, today=today):
                by_field[measure.field_id].append(measure)
        sections = [(field, by_field[field.pk]) for field in fields if by_field[field.pk]]

        statuses = [*Status.values, ""]
        counts = dict.fromkeys(statuses, 0)
        for measure in measures:
            counts[measure.status] += 1
        status_counts = [
            StatusCount(s, Status(s).label if s else str(NO_STATUS_LABEL), counts[s])
            for s in statuses
        ]
        rollouts = [measure.rollout for measure in measures if measure.rollout]
        return cls(
            plan=plan,
            sections=sections,
            status_counts=status_counts,
            measure_count=len(measures),
            overdue_count=sum(measure.is_overdue(today) for measure in measures),
            rollout=Rollout(sum(r.done for r in rollouts), sum(r.total for r in rollouts))
            if rollouts
            else None,
            rollout_measure_count=len(rollouts),
            shown_count=sum(len(items) for _, items in sections),
        )
