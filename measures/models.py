"""The plan as data: a plan, its fields of action and their measures."""

import dataclasses
import datetime
import itertools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser, Group, User
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    Func,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from authorities.models import Authority, one_authority
from bielefeld_digital.text import MULTI_LINE, SINGLE_LINE
from schools.models import School, SchoolQuerySet

from .indicators import Indicator, Reading, Unit  # noqa: F401 - registers the models
from .money import BudgetLine, amount_field  # noqa: F401 - registers the model
from .rollout import RolloutState, SchoolRollout
from .targets import (
    HALF_KINDS,
    MAX_YEAR,
    MIN_YEAR,
    UNDATED_KINDS,
    YEAR_ONLY_KINDS,
    Target,
    TargetKind,
    times_postponed,
)

school_forms_validator = RegexValidator(
    r"^\s*([0-9A-Za-z]{2}\s*(,\s*[0-9A-Za-z]{2}\s*)*)?$",
    _("Schulformen als zweistellige Schlüssel, durch Kommas getrennt, z. B. „02, 10, 20“."),
)


class Stage(models.TextChoices):
    """Where a plan stands in its authority's generations of plans."""

    DRAFT = "draft", _("In Vorbereitung (nicht öffentlich)")
    CURRENT = "current", _("Aktueller Plan")
    EARLIER = "earlier", _("Früherer Plan (öffentlich)")


def form_codes(text: str) -> list[str]:
    """ "02, 10,20" as ["02", "10", "20"]: school form keys as the directory writes them."""
    return [code.strip().upper() for code in text.split(",") if code.strip()]


def scope_forms(text: str) -> str:
    """School form keys as a scope stores them, "02,10": as Measure.covering matches them."""
    return ",".join(form_codes(text))


class Scope(models.TextChoices):
    """Which schools a field of action or a measure concerns."""

    PLAN = "plan", _("Die Schulen des Plans")
    FORMS = "forms", _("Schulen bestimmter Schulformen")
    LIST = "list", _("Einzelne Schulen")


class SchoolScope(models.Model):
    """A narrower school scope than its plan's (FieldOfAction, Measure): the
    Schulträger's schools of some school forms, or a list of schools. A measure
    without one has its field's, a field without one the plan's (Measure.scope_owner)."""

    school_scope = models.CharField(
        _("Betroffene Schulen"),
        max_length=10,
        choices=Scope.choices,
        default=Scope.PLAN,
        help_text=_(
            "Die Schulen des Plans, die des Schulträgers mit bestimmten Schulformen (z. B. "
            "die Berufskollegs, „30“) oder einzelne Schulen."
        ),
    )
    school_forms = models.CharField(
        _("Schulformen"),
        max_length=200,
        blank=True,
        validators=[SINGLE_LINE, school_forms_validator],
        help_text=_("Nur bei „Schulen bestimmter Schulformen“: Schlüssel, z. B. „30“."),
    )
    listed_schools = models.ManyToManyField(
        School,
        blank=True,
        related_name="+",
        verbose_name=_("Schulen"),
        help_text=_("Nur bei „Einzelne Schulen“."),
    )

    class Meta:
        abstract = True

    @property
    def has_own_scope(self) -> bool:
        return self.school_scope != Scope.PLAN

    def clean(self) -> None:
        super().clean()
        codes = form_codes(self.school_forms)
        if self.school_scope == Scope.FORMS and not codes:
            raise ValidationError(
                {"school_forms": _("Bitte nennen Sie die Schulformen, z. B. „30“.")}
            )
        if self.school_scope != Scope.FORMS and codes:
            raise ValidationError(
                {"school_forms": _("Schulformen gelten nur bei „Schulen bestimmter Schulformen“.")}
            )
        self.school_forms = scope_forms(self.school_forms)


# The plans the public sees, each at its own address.
PUBLIC_STAGES = (Stage.CURRENT, Stage.EARLIER)


class PlanQuerySet(models.QuerySet):
    def of(self, authority) -> "PlanQuerySet":
        """The plans of `authority`: an Authority or its pk, or a query of one
        (authorities.models.authority_of: a subquery, no query more)."""
        return self.filter(owner=one_authority(authority))

    def current(self) -> "Plan | None":
        """The plan `/` shows and the staff area works on: the one an administrator
        made current (Plan.make_current), with its last change (`with_last_change`)
        and its authority. One per authority: ask `of(authority).current()`."""
        return self.filter(stage=Stage.CURRENT).select_related("owner").with_last_change().first()

    def public(self) -> "PlanQuerySet":
        """The plans the public sees, each at its own address: the current one and
        the earlier ones; a plan in preparation is not among them."""
        return self.filter(stage__in=PUBLIC_STAGES).select_related("owner")

    def editable_by(self, user: "User | AnonymousUser") -> "PlanQuerySet":
        """The plans `user` is responsible for as a whole: every field of action of
        theirs (FieldOfAction.objects.editable_by). A plan's own data (its schools,
        its fields) concerns all its measures."""
        if not user.is_active:
            return self.none()
        if user.has_perm(EDIT_ALL_PERMISSION):
            return self
        others = FieldOfAction.objects.exclude(
            pk__in=FieldOfAction.objects.editable_by(user).values("pk")
        )
        return self.exclude(fields__in=others)

    def with_last_change(self) -> "PlanQuerySet":
        """Annotate the newest history record of the plan, its fields, its measures
        and their per-school rows, for `Plan.last_change`.

        Four subqueries in the plan's own query, so no query of its own. The
        per-school rows' records are many (with all of NRW's schools, hundreds of
        thousands, maybe of another plan being prepared), so their newest is taken
        measure by measure, each one probe of the index on (measure, date) that
        migration 0010 adds.
        """

        def newest(history) -> Subquery:
            return Subquery(history.order_by("-history_date").values("history_date")[:1])

        per_measure = (
            Measure.objects.filter(field__plan_id=OuterRef("pk"))
            .annotate(changed=newest(SchoolRollout.history.filter(measure_id=OuterRef("pk"))))
            .order_by(F("changed").desc(nulls_last=True))
            .values("changed")[:1]
        )
        return self.annotate(
            changed_plan=newest(Plan.history.filter(id=OuterRef("pk"))),
            changed_fields=newest(FieldOfAction.history.filter(plan_id=OuterRef("pk"))),
            changed_measures=newest(Measure.history.filter(field__plan_id=OuterRef("pk"))),
            changed_schools=Subquery(per_measure),
            # For Plan.narrows_scope, in the same query.
            narrowed=Exists(Measure.objects.narrowing().filter(field__plan_id=OuterRef("pk"))),
        )


class Plan(models.Model):
    # The Schulträger whose plan it is: its address shows its plans only.
    owner = models.ForeignKey(
        "authorities.Authority",
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name=_("Schulträger"),
    )
    title = models.CharField(_("Titel"), max_length=300, validators=[SINGLE_LINE])
    # The plan's public address, /plaene/<slug>/; the current plan is also at /.
    slug = models.SlugField(
        _("Kurzname"),
        max_length=100,
        validators=[SINGLE_LINE],
        help_text=_("Teil der Adresse des Plans, z. B. „2023-2027“ für /plaene/2023-2027/."),
    )
    period_start = models.PositiveSmallIntegerField(_("Laufzeit von"))
    period_end = models.PositiveSmallIntegerField(
        _("Laufzeit bis"), null=True, blank=True, help_text=_("Leer: ohne Ende („ab 2017“).")
    )
    description = models.TextField(
        _("Beschreibung"),
        blank=True,
        help_text=_("Worum es im Plan geht, in wenigen Sätzen; steht über dem Bericht."),
        validators=[MULTI_LINE],
    )
    total_budget = amount_field(
        _("Gesamtvolumen (Euro)"),
        null=True,
        blank=True,
        help_text=_("Was der Plan insgesamt kosten darf, wie beschlossen; leer: nicht genannt."),
    )
    # The council's decision that adopted the plan, as the public asks for it.
    decided_on = models.DateField(_("Beschlossen am"), null=True, blank=True)
    decision_reference = models.CharField(
        _("Beschluss (Fundstelle)"),
        max_length=200,
        blank=True,
        help_text=_("z. B. die Drucksachennummer der Beschlussvorlage."),
        validators=[SINGLE_LINE],
    )
    # Not the Stand of the reports: the live report's is its last change
    # (last_change), an edition's its date.
    as_of = models.DateField(
        _("Plan vom"),
        help_text=_(
            "Datum des Plandokuments, aus dem der Plan übernommen wurde (z. B. des "
            "Foliensatzes). Der Fortschrittsbericht nennt als Stand die letzte Änderung "
            "im Portal, eine Berichtsausgabe ihr eigenes Datum."
        ),
    )
    # Which plan is current, and which earlier plans the public sees, is an
    # administrator's explicit choice (make_current, publish_as_earlier), never a
    # side effect of adding or dating a plan. No form sets it (read only in the
    # admin); editable only so that the admin's history lists its changes
    # (simple_history diffs editable fields only).
    stage = models.CharField(
        _("Geltung"),
        max_length=10,
        choices=Stage.choices,
        default=Stage.DRAFT,
        help_text=_(
            "Der aktuelle Plan steht auf der Startseite und ist der, den die Verwaltung "
            "bearbeitet; frühere Pläne bleiben unter ihrer eigenen Adresse öffentlich."
        ),
    )
    language = models.CharField(
        _("Sprache der Inhalte"),
        max_length=10,
        default="de",
        help_text=_("Sprache, in der Titel und Texte des Plans geschrieben sind (z. B. „de“)."),
        validators=[SINGLE_LINE],
    )
    # The plan's scope is a rule over the school directory, not a list: the
    # Schulträger's schools of these forms that are in operation on a given day.
    school_authority_number = models.CharField(
        _("Trägernummer im Schulverzeichnis"),
        max_length=10,
        blank=True,
        help_text=_(
            "Die Schulen dieses Schulträgers gehören zum Plan (Stadt Bielefeld: 10261). "
            "Leer: Schulen jedes Trägers außer denen anderer Schulträger der Installation."
        ),
        validators=[SINGLE_LINE],
    )
    school_forms = models.CharField(
        _("Schulformen"),
        max_length=200,
        blank=True,
        validators=[SINGLE_LINE, school_forms_validator],
        help_text=_(
            "Schlüssel der Schulformen, durch Kommas getrennt (z. B. „02, 10, 20“ für "
            "Grundschule, Realschule, Gymnasium). Leer: alle Schulformen."
        ),
    )

    objects = PlanQuerySet.as_manager()
    authority_path = "owner"  # its Schulträger (authorities.models.in_staff_area)
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        verbose_name = _("Plan")
        verbose_name_plural = _("Pläne")
        ordering = ["-as_of", "-pk"]
        permissions = [
            (
                "make_plan_public",
                _("Darf festlegen, welcher Plan aktuell ist und welche früheren öffentlich sind"),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_budget__isnull=True) | Q(total_budget__gte=0),
                name="plan_total_budget_not_negative",
                violation_error_message=_("Beträge dürfen nicht negativ sein."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__isnull=True) | Q(period_end__gte=models.F("period_start")),
                name="plan_period_ordered",
                violation_error_message=_("Die Laufzeit endet vor ihrem Beginn."),
            ),
            models.CheckConstraint(
                condition=Q(stage__in=Stage.values),
                name="plan_stage_known",
                violation_error_message=_("Unbekannte Geltung des Plans."),
            ),
            models.UniqueConstraint(
                fields=["owner", "slug"],
                name="plan_slug_unique_per_authority",
                violation_error_message=_("Diese Adresse hat schon ein anderer Plan."),
            ),
            models.UniqueConstraint(
                fields=["owner"],
                condition=Q(stage=Stage.CURRENT),
                name="plan_at_most_one_current",
                violation_error_message=_(
                    "Es ist schon ein anderer Plan aktuell. Legen Sie den aktuellen Plan "
                    "im Admin mit „Als aktuellen Plan festlegen“ fest."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.authority}: {self.title}"

    def get_absolute_url(self) -> str:
        return self.reverse("measures:report")

    def clean(self) -> None:
        super().clean()
        if problem := self.number_problem():
            raise ValidationError({"school_authority_number": problem})

    def number_problem(self) -> str | None:
        """Why the plan cannot have its Trägernummer: it covers its own Schulträger's
        schools, not another's of the installation."""
        number = self.school_authority_number.strip()
        others = Authority.objects.exclude(pk=self.owner_id).filter(school_authority_number=number)
        other = others.first() if number else None
        if other is None:
            return None
        return _("Die Trägernummer %(number)s gehört dem Schulträger „%(other)s“.") % {
            "number": number,
            "other": other,
        }

    @property
    def authority(self) -> str:
        """The Schulträger's name, as the pages and decks name it."""
        return self.owner.name

    def reverse(self, name: str, **kwargs) -> str:
        """The address of the page `name` ("measures:detail", "editions:list" ...) of
        this plan: the current plan's pages are at the top (/, /massnahmen/…), every
        other plan's under /plaene/<slug>/ (the namespaces "plan-measures" and
        "plan-editions", the same views)."""
        if self.is_current:
            return reverse(name, kwargs=kwargs)
        app, page = name.split(":")
        return reverse(f"plan-{app}:{page}", kwargs={"plan": self.slug, **kwargs})

    @staticmethod
    def free_slug(values: dict, owner) -> str:
        """An address for a new plan of `owner` with `values` (its period_start and
        period_end): "2023-2027", "ab-2017", with "-2", "-3" … if another of its
        plans has it."""
        start, end = values["period_start"], values.get("period_end")
        base = f"{start}-{end}" if end else f"ab-{start}"
        taken = set(
            Plan.objects.of(owner).filter(slug__startswith=base).values_list("slug", flat=True)
        )
        return next(
            slug
            for slug in itertools.chain([base], (f"{base}-{n}" for n in itertools.count(2)))
            if slug not in taken
        )

    @cached_property
    def narrows_scope(self) -> bool:
        """Whether a measure of the plan, or its field, has a school scope of its
        own. Without one, the pages take the fast way: every measure concerns every
        school of the plan. Free on a plan from `with_last_change()`, else a query."""
        if hasattr(self, "narrowed"):
            return self.narrowed
        return Measure.objects.narrowing().filter(field__plan=self).exists()

    @property
    def is_current(self) -> bool:
        return self.stage == Stage.CURRENT

    @property
    def is_public(self) -> bool:
        """Shown to the public (PlanQuerySet.public): current or earlier."""
        return self.stage in PUBLIC_STAGES

    def can_be_edited_by(self, user: "User | AnonymousUser") -> bool:
        """Plan.objects.editable_by for one plan; costs one query."""
        return Plan.objects.editable_by(user).filter(pk=self.pk).exists()

    @property
    def period(self) -> str:
        """ "2023-2027", or "ab 2017" without an end: in the plan's language,
        as its title is, and frozen so into its editions."""
        if self.period_end is not None:
            return f"{self.period_start}-{self.period_end}"
        with translation.override(self.language):
            return gettext("ab %(start)s") % {"start": self.period_start}

    def make_current(self, *, user: User | None, reason: str) -> "Plan | None":
        """Make this the plan `/` shows and the staff area works on, in place of the
        current one (returned; None if none was current), which stays public as an
        earlier plan at its own address. Both changes are history records with
        `user` and `reason`; nothing changes if the plan is current already.

        Locks and reads all the authority's plans afresh (they are few), so two
        administrators choosing at once are serialised, the later one replacing the
        earlier one's choice, and no field edited meanwhile is saved back stale.
        """
        with transaction.atomic():
            plans = list(Plan.objects.of(self.owner_id).select_for_update().order_by("pk"))
            chosen = next(plan for plan in plans if plan.pk == self.pk)
            previous = next((plan for plan in plans if plan.is_current and plan != chosen), None)
            changes = [(previous, Stage.EARLIER), (chosen, Stage.CURRENT)]
            for plan, stage in [] if chosen.is_current else changes:
                if plan is None:
                    continue
                plan.stage = stage
                plan._history_user = user
                plan._change_reason = reason
                plan.save()
        self.stage = Stage.CURRENT
        return previous

    def publish_as_earlier(self, *, user: User | None, reason: str) -> bool:
        """Show a plan in preparation to the public as an earlier plan (an
        authority's closed plan of 2004, say), at its own address and without
        changing the current one. Returns whether it changed (only a plan in
        preparation does)."""
        with transaction.atomic():
            plan = Plan.objects.select_for_update().get(pk=self.pk)
            if plan.stage != Stage.DRAFT:
                return False
            plan.stage = Stage.EARLIER
            plan._history_user = user
            plan._change_reason = reason
            plan.save()
        self.stage = Stage.EARLIER
        return True

    def make_current_if_first(self, *, reason: str) -> bool:
        """Make the plan current if no plan of its authority is: an authority's first
        plan (loaded or generated) is served at once, while a further one waits in
        preparation for an administrator's choice. Returns whether it became current."""
        if Plan.objects.of(self.owner_id).filter(stage=Stage.CURRENT).exists():
            return False
        self.make_current(user=None, reason=reason)
        return True

    @cached_property
    def last_change(self) -> datetime.datetime | None:
        """When the plan's content last changed: its own fields, its fields of
        action, its measures or their per-school rows (the newest history record
        of any of them). None without any history.

        Free on a plan from `with_last_change()` (`Plan.objects.current()`),
        else one query.
        """
        if not hasattr(self, "changed_plan"):
            annotated = (
                Plan.objects.with_last_change()
                .filter(pk=self.pk)
                .values("changed_plan", "changed_fields", "changed_measures", "changed_schools")
            )
            for name, value in (annotated.first() or {}).items():
                setattr(self, name, value)
        dates = [
            getattr(self, name, None)
            for name in ["changed_plan", "changed_fields", "changed_measures", "changed_schools"]
        ]
        return max((date for date in dates if date is not None), default=None)

    @property
    def last_change_date(self) -> datetime.date | None:
        """The live report's Stand: the day of the last change, in local time."""
        return timezone.localdate(self.last_change) if self.last_change else None

    @property
    def school_form_codes(self) -> list[str]:
        return form_codes(self.school_forms)

    def schools(self, on: datetime.date) -> SchoolQuerySet:
        """The schools the plan covers on `on`: "x/74" becomes "x/76" when two open."""
        schools = self.authority_schools(on)
        if self.school_forms.strip():
            schools = schools.filter(school_form__in=self.school_form_codes)
        return schools

    def covered_schools(self, on: datetime.date) -> SchoolQuerySet:
        """The schools any part of the plan concerns on `on`: the plan's, and those
        only a field's or a measure's own scope adds (the Berufskollegs of
        Bielefeld's excursus). The public school list and its pages are theirs;
        the plan's counts ("x/76") stay of the plan's schools. Each annotated
        `of_plan`: whether it is one of the plan's schools. One query."""
        schools = self.schools(on)
        if not self.narrows_scope:  # free on a plan from with_last_change()
            return schools.annotate(of_plan=Value(True))
        wanted = Concat(Value(","), OuterRef("school_form"), Value(","))

        def of_forms(owners: models.QuerySet) -> Exists:
            return Exists(
                owners.filter(school_scope=Scope.FORMS)
                .alias(forms=Concat(Value(","), F("school_forms"), Value(",")))
                .filter(forms__contains=wanted)
            )

        # A field's scope counts where one of its measures has it (none of its own).
        fields = FieldOfAction.objects.filter(
            plan=self,
            pk__in=Measure.objects.filter(school_scope=Scope.PLAN).values("field"),
        )
        by_forms = self.authority_schools(on).filter(
            of_forms(fields) | of_forms(Measure.objects.filter(plan=self))
        )
        listed = (
            FieldOfAction.listed_schools.through.objects.filter(
                fieldofaction__in=fields, fieldofaction__school_scope=Scope.LIST
            ).values("school"),
            Measure.listed_schools.through.objects.filter(
                measure__plan=self, measure__school_scope=Scope.LIST
            ).values("school"),
        )
        return (
            School.objects.in_operation(on)
            .annotate(of_plan=Exists(schools.filter(pk=OuterRef("pk"))))
            .filter(
                Q(of_plan=True)
                | Q(pk__in=by_forms.values("pk"))
                | Q(pk__in=listed[0])
                | Q(pk__in=listed[1])
            )
        )

    def authority_schools(self, on: datetime.date) -> SchoolQuerySet:
        """The Schulträger's schools in operation on `on`, of any form: what a
        scope of school forms picks from (SchoolScope)."""
        schools = School.objects.in_operation(on)
        if self.school_authority_number:
            return schools.filter(authority_number=self.school_authority_number)
        # Any Schulträger's, but none that another authority of the installation is.
        others = Authority.objects.exclude(pk=self.owner_id).exclude(school_authority_number="")
        return schools.exclude(authority_number__in=others.values("school_authority_number"))


class FieldOfActionQuerySet(models.QuerySet):
    def editable_by(self, user: "User | AnonymousUser") -> "FieldOfActionQuerySet":
        """The fields of action `user` is responsible for: all with the permission to
        edit all measures, else those of their groups (and so all their measures)."""
        if not user.is_active:
            return self.none()
        if user.has_perm(EDIT_ALL_PERMISSION):
            return self
        return self.filter(responsible_groups__in=user.groups.all()).distinct()


class FieldOfAction(SchoolScope):
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="fields", verbose_name=_("Plan")
    )
    title = models.CharField(_("Titel"), max_length=200, validators=[SINGLE_LINE])
    slug = models.SlugField(_("Kurzname"), max_length=100, validators=[SINGLE_LINE])
    position = models.PositiveSmallIntegerField(_("Position"), default=0)
    responsible_groups = models.ManyToManyField(
        Group,
        blank=True,
        related_name="fields_of_action",
        verbose_name=_("Zuständige Gruppen"),
        help_text=_(
            "Mitglieder dieser Gruppen dürfen alle Maßnahmen des Handlungsfelds bearbeiten."
        ),
    )

    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    objects = FieldOfActionQuerySet.as_manager()
    authority_path = "plan__owner"  # its Schulträger (authorities.models.in_staff_area)

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

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Moved to another plan, its measures move with it (Measure.plan).
        self.measures.exclude(plan_id=self.plan_id).update(plan_id=self.plan_id)

    def get_absolute_url(self) -> str:
        return self.plan.reverse("measures:report") + f"?feld={self.slug}"

    def clean(self) -> None:
        super().clean()
        if self.pk is None or self.plan_id is None:
            return
        clashing = (
            Measure.objects.filter(plan_id=self.plan_id, slug__in=self.measures.values("slug"))
            .exclude(field=self)
            .values_list("slug", flat=True)
        )
        if clashing:
            raise ValidationError(
                {
                    "plan": _(
                        "Der Plan hat schon Maßnahmen mit den Kurznamen %(slugs)s; das "
                        "Handlungsfeld kann mit seinen Maßnahmen nicht dorthin wechseln."
                    )
                    % {"slugs": ", ".join(f"„{slug}“" for slug in sorted(clashing))}
                }
            )

    def can_be_edited_by(self, user: "User | AnonymousUser") -> bool:
        """FieldOfAction.objects.editable_by for one field; costs one query."""
        return FieldOfAction.objects.editable_by(user).filter(pk=self.pk).exists()


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

    # A measure's status may be blank: "Ohne Status", shown with the neutral
    # "none" badge. The one rule for every page, deck, filter and history.
    @classmethod
    def label_of(cls, status: str) -> str:
        """`status` (a value, or "") in words."""
        return str(cls(status).label) if status else str(NO_STATUS_LABEL)

    @classmethod
    def badge_of(cls, status: str) -> str:
        """The badge modifier of `status` (a value, or "")."""
        return cls(status).badge_modifier if status else "none"

    @classmethod
    def from_label(cls, label: str) -> "Status":
        """The status the deck writes as `label` ("In Bearbeitung"), whatever the language."""
        with translation.override("de"):
            for status in cls:
                if str(status.label).casefold() == label.strip().casefold():
                    return status
        raise ValueError(f"unknown status {label!r}")


NO_STATUS_LABEL = _("Ohne Status")


# A measure of its plan's scope: neither it nor its field narrows it (SchoolScope).
OF_PLAN_SCOPE = Q(school_scope=Scope.PLAN, field__school_scope=Scope.PLAN)


class MeasureQuerySet(models.QuerySet):
    def for_plan(self, plan: Plan) -> "MeasureQuerySet":
        return self.filter(field__plan=plan)

    def of_current_plan(self, authority) -> "MeasureQuerySet":
        """The measures of `authority`'s current plan: the only ones the staff area
        works on (other plans are prepared, or kept, in the admin)."""
        return self.filter(plan__stage=Stage.CURRENT, plan__owner=one_authority(authority))

    def for_report(
        self, plan: Plan | None = None, on: datetime.date | None = None
    ) -> "MeasureQuerySet":
        """Measures with their field in report order; given the plan, with the
        per-school rollout counts as of `on` (today) in the same query."""
        measures = self.select_related("field__plan__owner").order_by(
            "field__position", "field__pk", "position", "pk"
        )
        return measures if plan is None else measures.with_school_counts(plan, on)

    def with_school_counts(self, plan: Plan, on: datetime.date | None = None) -> "MeasureQuerySet":
        """Annotate what `Measure.rollout` needs: whether the measure is tracked per
        school, the plan's schools on `on` (one subquery, the same for all), and
        how many of them are done."""
        on = on or timezone.localdate()
        scope = plan.schools(on)
        in_scope = Subquery(scope.order_by().values(count=Func(F("pk"), function="COUNT")))
        if plan.narrows_scope:
            # A measure with a scope of its own or its field's counts its schools
            # itself (Measure.rollout, two queries): left NULL here.
            in_scope = Case(When(OF_PLAN_SCOPE, then=in_scope))
        return self.with_tracking().annotate(
            # The day a measure of its own scope counts its schools on (Measure.rollout).
            counted_on=Value(on, output_field=models.DateField()),
            schools_in_scope=in_scope,
            # Joining only the done rows: a third of the time with all of NRW's
            # schools in a plan (bench-schools), where most rows are not done.
            done_rows=FilteredRelation(
                "school_rollouts", condition=Q(school_rollouts__state=RolloutState.DONE)
            ),
            schools_done=Count("done_rows", filter=Q(done_rows__school__in=scope.values("pk"))),
        )

    def with_indicators(self) -> "MeasureQuerySet":
        """With their indicators and readings (`Measure.indicator_list`): two queries."""
        return self.prefetch_related(
            Prefetch(
                "indicators", queryset=Indicator.objects.with_series(), to_attr="indicator_list"
            )
        )

    def with_school_indicators(self) -> "MeasureQuerySet":
        """With only the indicators that can count towards "Umsetzung an Schulen"
        (`Measure.school_indicators`): two queries, which read no other indicator."""
        counted = Indicator.objects.filter(unit=Unit.SCHOOLS, total__isnull=False)
        return self.prefetch_related(
            Prefetch("indicators", queryset=counted.with_series(), to_attr="school_indicators")
        )

    def covering(self, school: School, *, of_plan: bool) -> "MeasureQuerySet":
        """The measures whose scope (Measure.schools) includes `school`, one of
        their plan's covered schools, `of_plan` if one of the plan's own: what its
        page lists (a Berufskolleg of the excursus, no measure of the plan's scope)."""
        return self.covering_in_sql(Value(school.school_form), school.pk, of_plan)

    def covering_in_sql(self, school_form, school, of_plan) -> "MeasureQuerySet":
        """`covering` for a school given by its form and pk, values or OuterRefs to
        a query of the plan's covered schools, and whether it is one of the plan's
        schools (a bool, or a boolean expression): the SQL twin of Measure.schools."""
        wanted = Concat(Value(","), school_form, Value(","))
        # The lists are a subquery further down: an OuterRef goes one level further.
        outer = OuterRef(school) if isinstance(school, OuterRef) else school
        measure_lists = Measure.listed_schools.through.objects.filter(
            measure=OuterRef("pk"), school=outer
        )
        field_lists = FieldOfAction.listed_schools.through.objects.filter(
            fieldofaction=OuterRef("field"), school=outer
        )
        own = Q(school_scope=Scope.FORMS, own_forms__contains=wanted) | Q(
            Exists(measure_lists), school_scope=Scope.LIST
        )
        fields = Q(field__school_scope=Scope.FORMS, field_forms__contains=wanted) | Q(
            Exists(field_lists), field__school_scope=Scope.LIST
        )
        covers = own | Q(fields, school_scope=Scope.PLAN)
        if of_plan is True:
            # The plan's scope first: most measures have it, and the database then
            # need not match forms or probe lists for them.
            covers = OF_PLAN_SCOPE | covers
        elif of_plan is not False:
            covers = Q(OF_PLAN_SCOPE, of_plan) | covers
        return self.alias(
            own_forms=Concat(Value(","), F("school_forms"), Value(",")),
            field_forms=Concat(Value(","), F("field__school_forms"), Value(",")),
        ).filter(covers)

    def narrowing(self) -> "MeasureQuerySet":
        """The measures of a scope narrower than their plan's (their own or their field's)."""
        return self.exclude(OF_PLAN_SCOPE)

    def of_plan_scope(self) -> "MeasureQuerySet":
        """The measures whose schools are their plan's: neither they nor their
        field narrow the scope (the matrix's columns)."""
        return self.filter(OF_PLAN_SCOPE)

    def with_lineage(self) -> "MeasureQuerySet":
        """Annotate whether a measure of a public plan of the same authority
        continues each measure, so that `Measure.lineage` asks only where there is one."""
        later = Measure.objects.filter(
            continues=OuterRef("pk"),
            plan__in=Plan.objects.public(),
            plan__owner=OuterRef("plan__owner"),
        )
        return self.annotate(is_continued=Exists(later))

    def with_tracking(self) -> "MeasureQuerySet":
        """Annotate whether each measure is tracked per school (`tracks_schools`)
        without counting its schools: cheap where the counts are not shown."""
        return self.annotate(
            has_school_rows=Exists(SchoolRollout.objects.filter(measure=OuterRef("pk")))
        )

    def at_school(self, school: School) -> "MeasureQuerySet":
        """Annotate `school_state` and `school_state_date`: the measure's row at
        `school` (None without a row; a tracked measure is then open there)."""
        row = SchoolRollout.objects.filter(measure=OuterRef("pk"), school=school)
        return self.annotate(
            school_state=Subquery(row.values("state")[:1]),
            school_state_date=Subquery(row.values("date")[:1]),
        )

    def overdue(self, today: datetime.date) -> "MeasureQuerySet":
        """Not done, and the target's last day lies before `today` (see Target.deadline)."""
        return self.filter(Target.passed_in_sql(today)).exclude(status=Status.DONE)

    def tracked_per_school(self) -> "MeasureQuerySet":
        return self.filter(Exists(SchoolRollout.objects.filter(measure=OuterRef("pk"))))

    def editable_by(self, user: "User | AnonymousUser") -> "MeasureQuerySet":
        """The measures `user` may edit: all with the permission to edit all measures,
        else their groups' measures and the measures of their groups' fields of action.

        The one rule for the staff area and every admin path (`can_be_edited_by`,
        the admin's `not_editable`, FieldOfAction.objects.editable_by for the fields)."""
        if not user.is_active:
            return self.none()
        if user.has_perm(EDIT_ALL_PERMISSION):
            return self
        fields = FieldOfAction.objects.editable_by(user).values("pk")
        return self.filter(
            Q(responsible_groups__in=user.groups.all()) | Q(field__in=fields)
        ).distinct()

    def apply_change(
        self, pk: int, *, expected_version: int, user: User, reason: str, **values
    ) -> "Measure":
        """Save `values` on measure `pk` if nobody changed it since `expected_version`.

        Locks the row, so concurrent changes are serialised: of two changes made
        from the same version, the second raises EditConflict, which lists what
        the first one changed. A change that changes nothing is not recorded.
        """
        with transaction.atomic():
            measure = self.select_for_update().get(pk=pk)
            if measure.version != expected_version:
                loaded = (
                    measure.history.filter(version=expected_version)
                    .order_by("-history_date")
                    .first()
                )
                raise EditConflict(
                    measure,
                    measure.changes_since(expected_version),
                    loaded=loaded.instance if loaded else None,
                )
            if "target" in values:
                measure.move_target(values.pop("target"))
            for name, value in values.items():
                setattr(measure, name, value)
            if not measure.differs_from_saved():
                return measure
            measure.full_clean()
            measure.save_new_version(user=user, reason=reason)
            return measure


EDIT_ALL_PERMISSION = "measures.edit_all_measures"


class EditConflict(Exception):
    """Someone else saved the measure after the editor loaded it."""

    def __init__(
        self, current: "Measure", changes: list["Change"], loaded: "Measure | None" = None
    ) -> None:
        super().__init__(f"measure {current.pk} is at version {current.version}")
        self.current = current
        self.changes = changes
        self.loaded = loaded  # the measure as the editor saw it, if history has it


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str
    # "de" when the label is school names from the directory: German proper
    # names on an English page too. "" means the page's language.
    label_lang: str = ""


@dataclass(frozen=True)
class Change:
    """One recorded change of a measure: when, by whom, why, and what."""

    date: datetime.datetime
    user: str
    reason: str
    fields: list[FieldChange]


@dataclass(frozen=True)
class Rollout:
    done: int
    total: int
    # Set while a measure tracked per school has fewer schools ticked than the
    # count reported before the switch: `done`/`total` are then that count, the
    # best we know, and `ticked` the schools ticked so far. Not compared: the
    # number the public reads is `done` of `total`.
    ticked: int | None = dataclasses.field(default=None, compare=False)

    @property
    def is_reported(self) -> bool:
        """Whether `done` is the count reported before per-school tracking began."""
        return self.ticked is not None

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    def __str__(self) -> str:
        return f"{self.done}/{self.total}"


def _target_well_formed(prefix: str, name: str) -> models.CheckConstraint:
    """A target stored in `<prefix>_kind/_year/_quarter` is complete and consistent.

    CHECK passes on NULL, so every clause says explicitly which columns are set.
    """
    kind, year, quarter = f"{prefix}_kind", f"{prefix}_year", f"{prefix}_quarter"
    year_in_range = {f"{year}__isnull": False, f"{year}__gte": MIN_YEAR, f"{year}__lte": MAX_YEAR}
    return models.CheckConstraint(
        condition=(
            Q(**{kind: "", f"{year}__isnull": True, f"{quarter}__isnull": True})
            | Q(
                **{
                    kind: TargetKind.QUARTER,
                    **year_in_range,
                    f"{quarter}__isnull": False,
                    f"{quarter}__gte": 1,
                    f"{quarter}__lte": 4,
                }
            )
            # A half year is stored by the quarter it ends with (measures/targets.py).
            | Q(
                **{
                    f"{kind}__in": HALF_KINDS,
                    **year_in_range,
                    f"{quarter}__isnull": False,
                    f"{quarter}__in": [2, 4],
                }
            )
            | Q(**{f"{kind}__in": YEAR_ONLY_KINDS, **year_in_range, f"{quarter}__isnull": True})
            | Q(
                **{
                    f"{kind}__in": UNDATED_KINDS,
                    f"{year}__isnull": True,
                    f"{quarter}__isnull": True,
                }
            )
        ),
        name=name,
        violation_error_message=_("Der Abschluss ist unvollständig oder widersprüchlich."),
    )


class Measure(SchoolScope):
    field = models.ForeignKey(
        FieldOfAction,
        on_delete=models.CASCADE,
        related_name="measures",
        verbose_name=_("Handlungsfeld"),
    )
    # Always the field's plan (save and clean set it): kept on the measure so that
    # the database holds a slug unique per plan, the measure's address in it.
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="measures", editable=False
    )
    title = models.CharField(_("Titel"), max_length=200, validators=[SINGLE_LINE])
    slug = models.SlugField(_("Kurzname"), max_length=120, validators=[SINGLE_LINE])
    position = models.PositiveSmallIntegerField(_("Position"), default=0)
    # A measure of an earlier plan that this one carries on; the earlier one's
    # page names this one (continued_by), so the link goes both ways.
    continues = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="continued_by",
        verbose_name=_("Setzt fort"),
        help_text=_("Eine Maßnahme eines früheren Plans, die diese Maßnahme fortsetzt."),
    )
    description = models.TextField(_("Kurzbeschreibung"), blank=True, validators=[MULTI_LINE])
    work_items = models.TextField(
        _("Arbeitspakete"),
        blank=True,
        help_text=_("Ein Arbeitspaket pro Zeile."),
        validators=[MULTI_LINE],
    )
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, blank=True)
    target_kind = models.CharField(
        _("Art des Abschlusses"), max_length=10, choices=TargetKind.choices, blank=True
    )
    target_year = models.PositiveSmallIntegerField(_("Abschlussjahr"), null=True, blank=True)
    target_quarter = models.PositiveSmallIntegerField(_("Abschlussquartal"), null=True, blank=True)
    rollout_done = models.PositiveIntegerField(_("Schulen abgeschlossen"), null=True, blank=True)
    rollout_total = models.PositiveIntegerField(_("Schulen gesamt"), null=True, blank=True)
    rollout_in_deck = models.BooleanField(
        _("Umsetzungsverlauf in Berichten"),
        default=False,
        help_text=_(
            "Jede neue Ausgabe hält den Verlauf der Umsetzung an den Schulen fest und "
            "zeigt ihn, mit Diagramm, auch auf den Folien „Kennzahlen“ (PDF, PowerPoint). "
            "Die Seite der Maßnahme zeigt ihn immer."
        ),
    )
    responsible = models.CharField(
        _("Verantwortlich"), max_length=200, blank=True, validators=[SINGLE_LINE]
    )
    responsible_groups = models.ManyToManyField(
        Group,
        blank=True,
        related_name="measures",
        verbose_name=_("Zuständige Gruppen"),
        help_text=_("Mitglieder dieser Gruppen dürfen die Maßnahme bearbeiten."),
    )
    # The first target a measure had, and how often it moved later since then:
    # council members ask how often a measure slipped.
    original_target_kind = models.CharField(
        _("Ursprünglicher Abschluss (Art)"), max_length=10, choices=TargetKind.choices, blank=True
    )
    original_target_year = models.PositiveSmallIntegerField(null=True, blank=True)
    original_target_quarter = models.PositiveSmallIntegerField(null=True, blank=True)
    postponements = models.PositiveSmallIntegerField(_("Verschiebungen"), default=0)
    # Set by the switch to per-school tracking (SchoolRollout.objects.start_tracking):
    # the switch is a change of the measure, so its history, timeline and
    # comparison show it. Empty for measures tracked before it was recorded.
    tracked_per_school_since = models.DateField(
        _("Pro Schule erfasst seit"), null=True, blank=True, editable=False
    )
    # Optimistic locking: every accepted change increments it; a change made
    # from an older version is refused (see Measure.objects.apply_change).
    version = models.PositiveIntegerField(_("Version"), default=1)

    objects = MeasureQuerySet.as_manager()
    authority_path = "plan__owner"  # its Schulträger (authorities.models.in_staff_area)
    # Reasons are as long as the forms allow (300), not simple-history's default 100.
    history = HistoricalRecords(
        excluded_fields=["position"], history_change_reason_field=models.TextField(null=True)
    )

    class Meta:
        verbose_name = _("Maßnahme")
        verbose_name_plural = _("Maßnahmen")
        ordering = ["field__position", "field__pk", "position", "pk"]
        permissions = [("edit_all_measures", _("Darf alle Maßnahmen bearbeiten"))]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "slug"],
                name="measure_slug_unique_per_plan",
                violation_error_message=_("Dieser Kurzname ist im Plan schon vergeben."),
            ),
            _target_well_formed("target", "measure_target_well_formed"),
            _target_well_formed("original_target", "measure_original_target_well_formed"),
            models.CheckConstraint(
                condition=Q(status__in=["", *Status.values]),
                name="measure_status_known",
                violation_error_message=_("Unbekannter Status."),
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

    def save(self, *args, **kwargs):
        self._follow_field()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return self.field.plan.reverse("measures:detail", slug=self.slug)

    def clean(self) -> None:
        super().clean()
        self._follow_field()
        self._check_continues()

    def validate_constraints(self, exclude=None) -> None:
        # No form shows the plan, which follows the field: its slug rule still holds.
        super().validate_constraints(exclude=set(exclude or ()) - {"plan"})

    @property
    def scope_owner(self) -> "SchoolScope | None":
        """Whose school scope the measure has: its own, else its field's; None for
        the plan's (no query with the field loaded)."""
        if self.has_own_scope:
            return self
        return self.field if self.field.has_own_scope else None

    def schools(self, on: datetime.date) -> SchoolQuerySet:
        """The schools the measure concerns on `on`: its plan's, or those of its
        own or its field's scope (the Schulträger's schools of some forms, or a
        list). The one rule for its count, its checklist, its map and districts."""
        plan, owner = self.field.plan, self.scope_owner
        if owner is None:
            return plan.schools(on)
        if owner.school_scope == Scope.FORMS:
            return plan.authority_schools(on).filter(school_form__in=form_codes(owner.school_forms))
        return School.objects.in_operation(on).filter(pk__in=owner.listed_schools.values("pk"))

    def lineage(self) -> "Lineage":
        """The measure this one continues and those that continue it, each of a
        public plan of its own authority only (a plan in preparation stays unseen,
        another authority's is at another address). One query; none for a measure
        from `with_lineage()` that has neither."""
        if self.continues_id is None and not getattr(self, "is_continued", True):
            return Lineage(None, [])
        related = (
            Measure.objects.filter(
                plan__in=Plan.objects.public(),
                plan__owner=Subquery(Plan.objects.filter(pk=self.plan_id).values("owner")[:1]),
            )
            .filter(Q(pk=self.continues_id) | Q(continues=self.pk))
            .select_related("field__plan")
            .order_by("plan__period_start", "pk")
        )
        earlier, later = None, []
        for measure in related:
            if measure.pk == self.continues_id:
                earlier = measure
            else:
                later.append(measure)
        return Lineage(earlier, later)

    def _follow_field(self) -> None:
        """The measure belongs to its field's plan (no query with the field loaded)."""
        if self.field_id is not None:
            self.plan_id = self.field.plan_id

    def _check_continues(self) -> None:
        """Only a measure of an earlier plan of the same authority can be carried on."""
        earlier = self.continues
        if earlier is None or self.field_id is None:
            return
        plan, before = self.field.plan, earlier.field.plan
        if before.owner_id != plan.owner_id:
            message = _("Fortgesetzt werden kann nur eine Maßnahme desselben Schulträgers.")
            raise ValidationError({"continues": message})
        if before.pk == plan.pk or before.period_start >= plan.period_start:
            raise ValidationError(
                {
                    "continues": _(
                        "Fortgesetzt werden kann nur eine Maßnahme eines früheren Plans "
                        "(eines Plans, der vor diesem beginnt)."
                    )
                }
            )

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
    def original_target(self) -> Target | None:
        if not self.original_target_kind:
            return None
        return Target(
            self.original_target_kind, self.original_target_year, self.original_target_quarter
        )

    def move_target(self, new: Target | None) -> None:
        """Set a new target; keep the first dated one and count each move to a later one.

        "wird noch bekanntgegeben" becoming a date is no slip, and neither is the
        first date: the original is the first target that named a time.
        """
        old = self.target
        if old == new:
            return
        if old is not None and old.is_dated and self.original_target is None:
            self.original_target_kind = old.kind
            self.original_target_year = old.year
            self.original_target_quarter = old.quarter
        if old is not None and old.is_dated and new is not None and new.is_later_than(old):
            self.postponements += 1
        self.target = new

    @property
    def slip(self) -> tuple[Target, Target] | None:
        """(original, current) target when the measure was postponed, else None."""
        original, current = self.original_target, self.target
        if self.postponements and original and current and current.is_later_than(original):
            return original, current
        return None

    @property
    def slip_label(self) -> str:
        """The slip in words for every page and deck: "verschoben von Q3 2023 auf
        Q3 2027 (zweimal verschoben)"; "" if the measure did not slip."""
        if not self.slip:
            return ""
        original, current = self.slip
        return gettext("verschoben von %(original)s auf %(current)s (%(times)s)") % {
            "original": original.label,
            "current": current.label,
            "times": times_postponed(self.postponements),
        }

    def can_be_edited_by(self, user: "User | AnonymousUser") -> bool:
        """Measure.objects.editable_by for one measure; costs one query."""
        return Measure.objects.editable_by(user).filter(pk=self.pk).exists()

    def save_new_version(
        self, *, user: User | None, reason: str, update_fields: list[str] | None = None
    ) -> None:
        """Save an accepted change as the next version, recorded with `user` and
        `reason`: an editor who loaded an older version is refused (apply_change).

        The way a change of a measure is saved: the staff editor, the loader and
        the switch to per-school tracking; the admin saves through its own
        save_model chain after `next_version`."""
        self.next_version(user=user, reason=reason)
        self.save(update_fields=None if update_fields is None else [*update_fields, "version"])

    def next_version(self, *, user: User | None, reason: str) -> None:
        """Make this the next version, its history record by `user` with `reason`;
        the caller saves it."""
        self.version += 1
        self._history_user = user
        self._change_reason = reason

    def differs_from_saved(self) -> bool:
        """Whether any value (but the version) differs from the row in the database.

        The staff editor and the admin both ask this before recording a change.
        """
        names = [f.attname for f in self._meta.concrete_fields if f.name not in {"id", "version"}]
        saved = type(self).objects.filter(pk=self.pk).values(*names).first()
        return saved is None or any(getattr(self, name) != saved[name] for name in names)

    @cached_property
    def _histories(self) -> tuple[list, list]:
        """The measure's history records and its per-school rows' changes, oldest
        first: read once for the timeline and the rollout's series. Two queries,
        or none after `read_histories`."""
        records, rows = _history_queries([self.pk])
        return list(records), list(rows)

    @staticmethod
    def read_histories(measures: list["Measure"]) -> None:
        """Read the `_histories` of all `measures` at once: two queries however many
        (the reports' rollout series)."""
        if not measures:
            return
        records, rows = _history_queries([measure.pk for measure in measures])
        by_measure: dict[int, tuple[list, list]] = {measure.pk: ([], []) for measure in measures}
        for record in records:
            by_measure[record.id][0].append(record)
        for row in rows:
            by_measure[row.measure_id][1].append(row)
        for measure in measures:
            measure.__dict__["_histories"] = by_measure[measure.pk]

    def timeline(self, *, public: bool = True) -> list[Change]:
        """The measure's changes of status, target and rollout, newest first.

        Includes the per-school rollout: each school's change of state is an entry.
        Costs two queries (the ones of `rollout_series`).
        """
        records, rows = self._histories
        changes = [
            describe_change(previous, record, public=public)
            for previous, record in itertools.pairwise(records)
        ]
        # A school without a row was open, so a row's first record may be a change
        # too. One change (one bulk action, one saved page) has one moment
        # (set_states writes it for all its records): its records with the same
        # person, reason and step are one entry, however many schools. Two changes
        # in the same minute stay two entries.
        together: dict[tuple, list] = {}
        state_of: dict[int, str] = {}
        for record in rows:
            before = RolloutState.of(state_of.get(record.school_id))
            state_of[record.school_id] = record.state
            if record.state != before:
                reason = record.history_change_reason or ""
                key = (record.history_date, record.history_user_id, reason)
                together.setdefault((*key, before, record.state), []).append(record)
        for (moment, _user, reason, before, after), records in together.items():
            changes.append(
                Change(
                    date=moment,
                    user="" if public else _user_name(records[0].history_user),
                    reason=reason,
                    fields=[
                        FieldChange(
                            **_schools_label([record.school.name for record in records]),
                            old=str(RolloutState(before).label),
                            new=str(RolloutState(after).label),
                        )
                    ],
                )
            )
        changes = [change for change in changes if change.fields]
        return sorted(changes, key=lambda change: change.date, reverse=True)

    def rollout_series(self, on: datetime.date | None = None) -> Indicator | None:
        """The rollout over time up to the day `on` (today if None), as an
        indicator in Schulen whose readings come from the history: the entered
        counts ("59/74") as they were changed, then, once tracked per school, the
        schools done after each tick, the entered count standing until the ticks
        reach it (the rule of `rollout`). Unsaved and never summed: `rollout` is
        the figure (counted on `on`); this shows how it came about. Its target is
        that day's total. None without a rollout. No query more than the
        timeline's (`_histories`).
        """
        figure = self.rollout
        if figure is None:
            return None
        on = on or timezone.localdate()
        records, rows = self._histories
        events = [(record.history_date, 0, record) for record in records]
        events += [(record.history_date, 1, record) for record in rows]
        entered, tracked, done_at, values = None, False, {}, {}
        ticked = 0  # kept as it goes: summing done_at at each of thousands of records is slow
        for moment, kind, record in sorted(events, key=lambda event: event[:2]):
            if timezone.localdate(moment) > on:
                break
            if kind == 0:
                entered = record.rollout_done if record.rollout_total else None
                tracked = tracked or record.tracked_per_school_since is not None
            else:
                # Rows tracked before the switch date was kept count as tracking too.
                tracked = True
                done = record.state == RolloutState.DONE and record.history_type != "-"
                ticked += done - done_at.get(record.school_id, False)
                done_at[record.school_id] = done
            if tracked:
                value = entered if entered is not None and ticked < entered else ticked
            else:
                value = entered
            if value is not None:
                values[timezone.localdate(moment)] = value  # the day's last
        # The series ends with the day's figure, which counts that day's schools
        # only (a closed school's tick drops out).
        last = max(values, default=None)
        if last is None or values[last] != figure.done:
            values[on] = figure.done
        indicator = Indicator(measure=self, unit=Unit.SCHOOLS, target_value=Decimal(figure.total))
        self.name_course(indicator)
        indicator.series = [
            Reading(indicator=indicator, date=day, value=Decimal(value), unit=Unit.SCHOOLS)
            for day, value in _without_repeats(sorted(values.items()))
        ]
        return indicator

    @staticmethod
    def name_course(course: Indicator) -> None:
        """Name a rollout's course (rollout_series, or one an edition froze) in the
        reader's language, which its heading's `lang` then says."""
        course.name = str(_("Schulen mit abgeschlossener Umsetzung"))
        course.name_language = translation.get_language()

    def changes_since(self, version: int) -> list[Change]:
        """The recorded changes after `version`, oldest first."""
        records = self.history.order_by("history_date", "history_id").select_related("history_user")
        return [
            describe_change(previous, record)
            for previous, record in itertools.pairwise(records)
            if record.version > version
        ]

    @property
    def status_badge(self) -> str:
        return Status.badge_of(self.status)

    @property
    def status_label(self) -> str:
        return Status.label_of(self.status)

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
    def tracks_schools(self) -> bool:
        """Whether the rollout is recorded school by school (else as an entered count)."""
        tracked = getattr(self, "has_school_rows", None)
        return tracked if tracked is not None else self.school_rollouts.exists()

    @property
    def school_state_label(self) -> str:
        """The state annotated by `at_school()`, in words; no row means open."""
        return RolloutState.of(self.school_state).label

    @property
    def school_state_badge(self) -> str:
        return RolloutState.of(self.school_state).badge_modifier

    @cached_property
    def indicator_list(self) -> list[Indicator]:
        """Its indicators with their readings (prefetched by `with_indicators()`)."""
        return list(self.indicators.with_series())

    @cached_property
    def school_indicators(self) -> list[Indicator]:
        """The indicators that may count schools (prefetched by `with_school_indicators()`)."""
        return [indicator for indicator in self.indicator_list if indicator.unit == Unit.SCHOOLS]

    @property
    def school_figures(self) -> list[Rollout]:
        """What the measure adds to "Umsetzung an Schulen": its rollout and each
        indicator counting schools of a total (`Indicator.school_count`). Devices,
        percentages, euros and every other unit are never added in."""
        figures = [self.rollout] if self.rollout else []
        return figures + [
            Rollout(*count)
            for indicator in self.school_indicators
            if (count := indicator.school_count)
        ]

    @cached_property
    def rollout(self) -> Rollout | None:
        """Schools done/total: the one rule for every page, deck and snapshot.

        Tracked per school: done among its schools today (Measure.schools), out
        of all of them (a school without a row is open), so the denominator
        follows the directory. Otherwise the entered count ("59/74"), as entered.

        A count entered before the switch to per-school tracking stays the figure,
        as entered and marked as reported, until the ticked schools reach it:
        switching how we record progress must not make progress vanish, nor look
        like a setback. (An administrator corrects an overstated count in the admin.)

        The per-school numbers come from `with_school_counts()`; without them this
        costs up to four queries. Cached: fetch the measure anew after a change.
        """
        if not self.tracks_schools:
            if self.rollout_total:
                return Rollout(self.rollout_done, self.rollout_total)
            return None
        total = getattr(self, "schools_in_scope", None)
        if total is None:
            scope = self.schools(getattr(self, "counted_on", None) or timezone.localdate())
            total = scope.count()
            done = self.school_rollouts.filter(state=RolloutState.DONE, school__in=scope).count()
        else:
            done = self.schools_done
        if not total:
            return None
        if self.rollout_total and done < self.rollout_done:
            # As reported, with its own total: we know no more about it.
            return Rollout(self.rollout_done, self.rollout_total, ticked=done)
        return Rollout(done, total)


@dataclass
class Lineage:
    """A measure's place among the plans: what it continues, what continues it."""

    continues: "Measure | None"
    continued_by: list["Measure"]

    def __bool__(self) -> bool:
        return self.continues is not None or bool(self.continued_by)


@dataclass
class StatusCount:
    status: str
    label: str
    count: int

    @classmethod
    def tally(cls, statuses: Iterable[str]) -> list["StatusCount"]:
        """How many of `statuses` (values, "" for none) there are of each status, in
        the statuses' order, "Ohne Status" last; a status no measure has counts 0."""
        counts = Counter(statuses)
        return [cls(s, Status.label_of(s), counts[s]) for s in [*Status.values, ""]]


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
    # Of the measures in `rollout`, those whose figure is a reported count.
    rollout_reported_count: int = 0

    @property
    def measures_with_indicators(self) -> list[Measure]:
        """The listed measures that have indicators, in report order: an edition's
        "Kennzahlen" (FrozenMeasure.edition_indicators)."""
        return [m for _, measures in self.sections for m in measures if m.edition_indicators]

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

        status_counts = StatusCount.tally(measure.status for measure in measures)
        # Like units only: schools, from rollouts and from indicators in Schulen.
        counted = [figures for measure in measures if (figures := measure.school_figures)]
        rollouts = [figure for figures in counted for figure in figures]
        return cls(
            plan=plan,
            sections=sections,
            status_counts=status_counts,
            measure_count=len(measures),
            overdue_count=sum(measure.is_overdue(today) for measure in measures),
            rollout=Rollout(sum(r.done for r in rollouts), sum(r.total for r in rollouts))
            if rollouts
            else None,
            rollout_measure_count=len(counted),
            shown_count=sum(len(items) for _, items in sections),
            rollout_reported_count=sum(rollout.is_reported for rollout in rollouts),
        )


def _without_repeats(points: list[tuple]) -> list[tuple]:
    """(date, value) points, each value only where it changed."""
    kept: list[tuple] = []
    for point in points:
        if not kept or kept[-1][1] != point[1]:
            kept.append(point)
    return kept


def _target_text(record, prefix: str = "target") -> str:
    kind = getattr(record, f"{prefix}_kind")
    if not kind:
        return str(_("nicht festgelegt"))
    return Target(
        kind, getattr(record, f"{prefix}_year"), getattr(record, f"{prefix}_quarter")
    ).label


def _rollout_text(record) -> str:
    if record.rollout_total is None:
        return "–"
    return f"{record.rollout_done}/{record.rollout_total}"


def _counted_text(record) -> str:
    """How a measure's rollout was recorded before the switch to per-school tracking."""
    if record.rollout_total is None:
        return str(_("als Anzahl"))
    return str(_("als Anzahl (%(count)s gemeldet)") % {"count": _rollout_text(record)})


def _status_text(record) -> str:
    return Status.label_of(record.status)


def _schools_label(names: list[str]) -> dict[str, str]:
    """A school's name, up to three names, or how many schools; with its language."""
    if len(names) <= 3:
        return {"label": ", ".join(sorted(names)), "label_lang": "de"}
    return {"label": _("%(count)s Schulen") % {"count": len(names)}}


def _history_queries(ids: list[int]) -> tuple[models.QuerySet, models.QuerySet]:
    """The history records of the measures `ids` and their per-school rows'
    changes, each measure's oldest first (see Measure._histories)."""
    records = (
        Measure.history.filter(id__in=ids)
        .order_by("history_date", "history_id")
        .select_related("history_user")
    )
    rows = (
        SchoolRollout.history.filter(measure_id__in=ids)
        # A row made open changes nothing (no row is open too): with all of
        # NRW those are thousands of records that need not be read.
        .exclude(history_type="+", state=RolloutState.OPEN)
        .select_related("school", "history_user")
        .order_by("school_id", "history_date", "history_id")
    )
    return records, rows


def describe_change(previous, record, *, public: bool = False) -> Change:
    """What changed between two historical records of a measure.

    `public` leaves out the texts and who made the change: the public timeline
    shows status, target and rollout with their dates and reasons.
    """
    fields = []
    for label, render in [
        (_("Status"), _status_text),
        (_("Abschluss"), _target_text),
        (_("Schulen abgeschlossen"), _rollout_text),
    ]:
        old, new = render(previous), render(record)
        if old != new:
            fields.append(FieldChange(str(label), old, new))
    if previous.tracked_per_school_since is None and record.tracked_per_school_since is not None:
        fields.append(
            FieldChange(
                str(_("Erfassung der Schulen")), _counted_text(previous), str(_("pro Schule"))
            )
        )
    for name in [] if public else ["title", "description", "work_items", "responsible"]:
        old, new = getattr(previous, name), getattr(record, name)
        if old != new:
            label = Measure._meta.get_field(name).verbose_name
            fields.append(FieldChange(str(label), old or "–", new or "–"))
    return Change(
        date=record.history_date,
        user="" if public else _user_name(record.history_user),
        reason=record.history_change_reason or "",
        fields=fields,
    )


def _user_name(user: User | None) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""
