"""Schools and the per-school rollout of measures."""

from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

school_number_validator = RegexValidator(
    r"^\d{6}$", _("Die Schulnummer besteht aus sechs Ziffern.")
)


class School(models.Model):
    """A school as listed in the NRW school directory (Schulgrunddaten NRW)."""

    school_number = models.CharField(
        _("Schulnummer"), max_length=6, unique=True, validators=[school_number_validator]
    )
    name = models.CharField(_("Name"), max_length=300)
    # The directory's two-character code ("02" Grundschule, "0A" ...): a string,
    # because leading zeros and letters matter.
    school_form = models.CharField(_("Schulform"), max_length=2)
    school_form_name = models.CharField(_("Schulform (Bezeichnung)"), max_length=100, blank=True)
    district = models.CharField(_("Stadtbezirk"), max_length=100, blank=True)
    in_scope = models.BooleanField(
        _("im Geltungsbereich"),
        default=True,
        help_text=_("Gehört zu den Schulen, für die der Plan gilt."),
    )

    class Meta:
        verbose_name = _("Schule")
        verbose_name_plural = _("Schulen")
        ordering = ["name", "school_number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(school_number__regex=r"^[0-9]{6}$"),
                name="school_number_six_digits",
                violation_error_message=_("Die Schulnummer besteht aus sechs Ziffern."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.school_number})"


class RolloutState(models.TextChoices):
    OPEN = "open", _("offen")
    IN_PROGRESS = "in_progress", _("in Arbeit")
    DONE = "done", _("abgeschlossen")


class SchoolRolloutQuerySet(models.QuerySet):
    def checklist(self, measure, filters) -> list["SchoolRollout"]:
        """The in-scope schools' rows of `measure`, narrowed by the filter form."""
        criteria = filters.criteria()
        rows = self.filter(measure=measure, school__in_scope=True).select_related("school")
        if criteria["school_form"]:
            rows = rows.filter(school__school_form=criteria["school_form"])
        if criteria["district"]:
            rows = rows.filter(school__district=criteria["district"])
        return list(rows.order_by("school__name", "school__school_number"))

    def start_tracking(self, measure, *, user) -> int:
        """Give `measure` an open row at every in-scope school that has none yet."""
        schools = School.objects.filter(in_scope=True).exclude(rollouts__measure=measure)
        created = 0
        with transaction.atomic():
            for school in schools:
                row = SchoolRollout(measure=measure, school=school)
                row._history_user = user
                row._change_reason = str(_("Erfassung pro Schule begonnen"))
                row.save()
                created += 1
        return created

    def set_done(self, measure, pk: str, *, done: bool, user, reason: str = "") -> int | None:
        """One box ticked or unticked on its own (HTMX): set that school's state.

        Returns how many rows changed (0 or 1), or None for an unknown row.
        """
        if not pk.isdigit():
            return None
        with transaction.atomic():
            row = self.select_for_update().filter(measure=measure, pk=pk).first()
            if row is None:
                return None
            if (row.state == RolloutState.DONE) == done:
                return 0
            row.state = RolloutState.DONE if done else RolloutState.OPEN
            row.date = timezone.localdate() if done else None
            row._history_user = user
            row._change_reason = reason
            row.save()
            return 1

    def apply_ticks(
        self,
        measure,
        *,
        shown: list[str],
        before: list[str],
        done: list[str],
        user,
        reason: str = "",
    ) -> int | None:
        """Apply what the editor changed on the checklist; None if it names unknown rows.

        Only rows whose box the editor changed (ticked now but not when the page
        was shown, or the reverse) are written, so a form from an older page never
        undoes what somebody else ticked meanwhile.
        """
        ids = {*shown, *before, *done}
        if not all(value.isdigit() for value in ids):
            return None
        changed = 0
        today = timezone.localdate()
        with transaction.atomic():
            rows = {str(row.pk): row for row in self.select_for_update().filter(measure=measure)}
            if not ids <= rows.keys():
                return None
            for pk in shown:
                wanted_done = pk in done
                if wanted_done == (pk in before):
                    continue
                row = rows[pk]
                if (row.state == RolloutState.DONE) == wanted_done:
                    continue
                row.state = RolloutState.DONE if wanted_done else RolloutState.OPEN
                row.date = today if wanted_done else None
                row._history_user = user
                row._change_reason = reason
                row.save()
                changed += 1
        return changed


class SchoolRollout(models.Model):
    """The state of one measure at one school."""

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
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
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
