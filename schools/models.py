"""Schools and the per-school rollout of measures."""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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
        _("Stand"), max_length=20, choices=RolloutState.choices, default=RolloutState.OPEN
    )
    date = models.DateField(_("Datum"), null=True, blank=True)

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
