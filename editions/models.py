"""Report editions: the plan frozen when it was published to the council.

An edition never changes after publishing (the model, its QuerySet, the admin
and the database's triggers refuse it); an administrator may only withdraw it.
"""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from bielefeld_digital.forms import REASON_MAX_LENGTH
from bielefeld_digital.text import MULTI_LINE, SINGLE_LINE
from measures.importers import PlanFileError, load_plan
from measures.indicators import Reading
from measures.models import Plan
from measures.rollout import SchoolRollout

from .reports import build_snapshot, recorded_later

# How an edition recorded later names what its values come from.
RECORDED_FROM_MAX_LENGTH = 300


def _as_the_file_says(plan: Plan, date: datetime.date) -> None:
    """Inside Edition.record_past's savepoint: the plan as its file of `date` says,
    not as the portal knows it today. The per-school rows are today's, so they go
    (each measure's figure is the file's count), and a value dated after the
    Stand cannot have been known then."""
    SchoolRollout.objects.filter(measure__field__plan=plan).delete()
    later = (
        Reading.objects.filter(indicator__measure__field__plan=plan, date__gt=date)
        .select_related("indicator__measure")
        .first()
    )
    if later is not None:
        raise PlanFileError(
            _(
                "Die Plandatei enthält einen Wert nach dem Stand des Berichts: "
                "%(measure)s, Kennzahl „%(name)s“, %(date)s."
            )
            % {
                "measure": later.indicator.measure.title,
                "name": later.indicator.name,
                "date": date_format(later.date, "SHORT_DATE_FORMAT"),
            }
        )


class EditionIsFrozen(Exception):
    """An edition was about to change after publishing; publish a new one instead."""


class EditionQuerySet(models.QuerySet):
    def published(self) -> "EditionQuerySet":
        """The editions the public sees: not withdrawn, newest first."""
        return self.filter(withdrawn_at__isnull=True).order_by("-date", "-published_at")

    # Bulk writes skip Edition.save()'s check (and on SQLite nothing else stands
    # behind it), so they are refused outright.
    def update(self, **kwargs) -> int:
        raise EditionIsFrozen(
            "editions cannot be updated in bulk: a published edition never changes;"
            " withdraw one with Edition.withdraw()"
        )

    def bulk_update(self, objs, fields, batch_size=None) -> int:
        return self.update()  # refused before bulk_update()'s transaction begins

    def delete(self) -> tuple[int, dict[str, int]]:
        raise EditionIsFrozen(
            "editions cannot be deleted: a published edition stays; withdraw it with"
            " Edition.withdraw()"
        )

    delete.alters_data = True
    delete.queryset_only = True


# A preface is a page or two for the council; a real one never comes near this.
# Without a limit 100,000 characters were accepted, then published for ever.
PREFACE_MAX_LENGTH = 10_000
PREFACE_TOO_LONG = _(
    "Das Vorwort darf höchstens %(limit_value)s Zeichen lang sein, dieses hat "
    "%(show_value)s. Bitte kürzen Sie es; Ausführliches gehört in die Sitzungsvorlage."
)


class Edition(models.Model):
    """A progress report as published to the council: the plan frozen at one moment.

    Nothing of it changes after publishing (a correction is a new edition); an
    administrator may only withdraw it.
    """

    # Set once, together, when an administrator withdraws the edition; every
    # other field is frozen at publishing (the database's trigger agrees, 0016).
    WITHDRAWAL_FIELDS = ["withdrawn_at", "withdrawn_by_id", "withdrawal_reason"]

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="editions", verbose_name=_("Plan")
    )
    title = models.CharField(_("Titel"), max_length=200, validators=[SINGLE_LINE])
    slug = models.SlugField(_("Kurzname"), max_length=120, validators=[SINGLE_LINE])
    date = models.DateField(_("Datum"))
    reference = models.CharField(
        _("Sitzung / Drucksache"),
        max_length=200,
        blank=True,
        help_text=_("z. B. die Drucksachennummer des Schulausschusses"),
        validators=[SINGLE_LINE],
    )
    preface = models.TextField(
        _("Vorwort"),
        blank=True,
        validators=[MULTI_LINE, MaxLengthValidator(PREFACE_MAX_LENGTH, message=PREFACE_TOO_LONG)],
    )
    snapshot = models.JSONField(_("Stand des Plans"), editable=False)
    published_at = models.DateTimeField(_("Veröffentlicht am"), auto_now_add=True)
    published_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("Veröffentlicht von"),
    )
    withdrawn_at = models.DateTimeField(_("Zurückgezogen am"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Zurückgezogen von"),
    )
    withdrawal_reason = models.CharField(
        _("Grund für das Zurückziehen"),
        max_length=REASON_MAX_LENGTH,
        blank=True,
        validators=[SINGLE_LINE],
    )

    objects = EditionQuerySet.as_manager()
    authority_path = "plan__owner"  # its Schulträger (authorities.models.in_staff_area)

    class Meta:
        # The table keeps the name it had in measures (migration 0001's docstring).
        db_table = "measures_edition"
        verbose_name = _("Berichtsausgabe")
        verbose_name_plural = _("Berichtsausgaben")
        ordering = ["-date", "-published_at"]
        permissions = [
            ("publish_edition", _("Darf Berichtsausgaben veröffentlichen")),
            ("withdraw_edition", _("Darf Berichtsausgaben zurückziehen")),
            ("record_past_edition", _("Darf frühere Berichte nachträglich erfassen")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "slug"],
                name="edition_slug_unique_per_plan",
                violation_error_message=_("Dieser Kurzname ist schon vergeben."),
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawal_reason=""),
                name="edition_withdrawal_has_reason",
                violation_error_message=_("Wer einen Bericht zurückzieht, gibt einen Grund an."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            self._check_change()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return self.plan.reverse("editions:detail", slug=self.slug)

    def delete(self, *args, **kwargs):
        raise EditionIsFrozen(
            f"edition {self.pk} cannot be deleted: a published edition stays; withdraw it instead"
        )

    def _check_change(self) -> None:
        """Refuse what the database's trigger refuses: any change but one withdrawal."""
        names = [field.attname for field in self._meta.concrete_fields]
        saved = type(self).objects.filter(pk=self.pk).values(*names).first()
        if saved is None:
            return
        changed = {name for name in names if getattr(self, name) != saved[name]}
        withdrawing = saved["withdrawn_at"] is None and self.withdrawn_at is not None
        if withdrawing:
            changed -= set(self.WITHDRAWAL_FIELDS)
        if changed & set(self.WITHDRAWAL_FIELDS) and saved["withdrawn_at"] is not None:
            raise EditionIsFrozen(f"edition {self.pk} was withdrawn already, once and for all")
        if changed:
            raise EditionIsFrozen(
                f"edition {self.pk} was published and cannot change ({', '.join(sorted(changed))})"
            )

    def previous(self) -> "Edition | None":
        """The plan's published edition before this one, in the public list's order.

        What the edition's "Änderungen seit dem letzten Bericht" compare with.
        """
        return self._earlier().first()

    def previous_pk(self) -> int | None:
        """The pk of `previous()`, without reading its (large) snapshot."""
        return self._earlier().values_list("pk", flat=True).first()

    def _earlier(self) -> "EditionQuerySet":
        earlier = Q(date__lt=self.date) | Q(date=self.date, published_at__lt=self.published_at)
        return type(self).objects.published().filter(earlier, plan_id=self.plan_id)

    # The date is the edition's "Stand": overdue measures are judged as of it. The
    # data itself is today's, so the date may not lie ahead of it, nor far behind.
    MAX_BACKDATING = datetime.timedelta(days=31)

    @classmethod
    def date_problem(cls, date: datetime.date, today: datetime.date) -> str | None:
        """Why `date` cannot be the Stand of an edition published `today`, or None."""
        if date > today:
            return _(
                "Der Stand eines Berichts kann nicht in der Zukunft liegen: Der Bericht zeigt "
                "die Daten von heute. Veröffentlichen Sie ihn am Tag des Stands oder danach."
            )
        if date < today - cls.MAX_BACKDATING:
            return _(
                "Der Stand darf höchstens %(days)d Tage zurückliegen, weil der Bericht die "
                "Daten von heute zeigt."
            ) % {"days": cls.MAX_BACKDATING.days}
        return None

    @classmethod
    def publish(
        cls, plan: Plan, *, user: User, date: datetime.date, today: datetime.date, **values
    ) -> "Edition":
        """Freeze the plan's current state as a new edition with the Stand `date`."""
        problem = cls.date_problem(date, today)
        if problem:
            raise ValidationError({"date": problem})
        with transaction.atomic():
            edition = cls(plan=plan, published_by=user, date=date, **values)
            edition.snapshot = build_snapshot(plan, date)
            edition.full_clean()
            edition.save()
        return edition

    @classmethod
    def record_past(
        cls,
        plan: Plan,
        *,
        user: User,
        plan_file: dict,
        date: datetime.date,
        today: datetime.date,
        recorded_from: str,
        **values,
    ) -> "Edition":
        """Record an edition of a past report, with the Stand `date`, from a plan
        file of the values of that time (`plan_file`, read by parse_plan_file).

        The file is loaded into the plan inside a savepoint, the snapshot taken and
        everything rolled back: the live plan stays as it is, and measures keep
        their ids, so the comparison with other editions matches them. The
        snapshot says publicly that it was recorded `today` after `recorded_from`.
        """
        errors = {}
        # Its date only: a snapshot is large.
        first = (
            cls.objects.published()
            .filter(plan=plan)
            .order_by("date")
            .values_list("date", flat=True)
        ).first()
        if date >= today:
            errors["date"] = _(
                "Ein nachträglich erfasster Bericht hat einen Stand vor heute; den heutigen "
                "Stand hält „Bericht veröffentlichen“ fest."
            )
        elif first is not None and date >= first:
            # Between two published editions it would change what the later one
            # compares with, after its publishing.
            errors["date"] = _(
                "Ein nachträglich erfasster Bericht liegt vor allen veröffentlichten "
                "Ausgaben; die erste hat den Stand %(date)s."
            ) % {"date": date_format(first, "SHORT_DATE_FORMAT")}
        if not recorded_from.strip():
            errors["recorded_from"] = _(
                "Bitte nennen Sie die Quelle, z. B. die Vorlage mit Datum und Drucksache."
            )
        plan_data = plan_file.get("plan") if isinstance(plan_file, dict) else None
        if not isinstance(plan_data, dict) or (
            plan_data.get("authority"),
            plan_data.get("title"),
        ) != (plan.authority, plan.title):
            errors["plan_file"] = _(
                "Die Plandatei gehört nicht zu diesem Plan: In [plan] müssen „authority“ "
                "und „title“ lauten wie beim Plan („%(authority)s“, „%(title)s“)."
            ) % {"authority": plan.authority, "title": plan.title}
        if errors:
            raise ValidationError(errors)
        with transaction.atomic():
            state = transaction.savepoint_create()
            try:
                load_plan(plan_file, reset=True)
                _as_the_file_says(plan, date)
                snapshot = build_snapshot(Plan.objects.get(pk=plan.pk), date)
            except PlanFileError as error:
                raise ValidationError({"plan_file": str(error)}) from None
            finally:
                transaction.savepoint_rollback(state)
            snapshot["recorded"] = {"on": today.isoformat(), "after": recorded_from.strip()}
            edition = cls(plan=plan, published_by=user, date=date, **values)
            edition.snapshot = snapshot
            edition.full_clean()
            edition.save()
        return edition

    @property
    def recorded_note(self) -> str:
        """ "Nachträglich erfasst am 03.12.2026 nach …" for an edition recorded later."""
        recorded = recorded_later(self.snapshot)
        return recorded[1] if recorded else ""

    def withdraw(self, *, user: User, reason: str) -> None:
        self.withdrawn_at = timezone.now()
        self.withdrawn_by = user
        self.withdrawal_reason = reason
        self.full_clean()
        self.save()
