from django import forms
from django.utils.translation import gettext_lazy as _

from bielefeld_digital.forms import PortalForm, ReasonField

from .models import (
    NO_STATUS_LABEL,
    EditConflict,
    FieldOfAction,
    Measure,
    Status,
)
from .targets import TARGET_HELP, Target

NO_STATUS = "ohne"


class ReportFilterForm(forms.Form):
    """The filters of the public report; a plain GET form."""

    status = forms.MultipleChoiceField(
        label=_("Status"),
        required=False,
        choices=[*Status.choices, (NO_STATUS, NO_STATUS_LABEL)],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("„%(value)s“ ist kein bekannter Status.")},
    )
    feld = forms.ChoiceField(
        label=_("Handlungsfeld"),
        required=False,
        error_messages={"invalid_choice": _("„%(value)s“ ist kein Handlungsfeld dieses Plans.")},
    )
    ueberfaellig = forms.BooleanField(label=_("Nur überfällige Maßnahmen"), required=False)

    def __init__(self, data=None, *, fields: list[FieldOfAction], **kwargs) -> None:
        if data is not None:
            # "?status=" (an empty value) means no restriction, not an unknown status.
            data = data.copy()
            data.setlist("status", [value for value in data.getlist("status") if value])
        super().__init__(data, **kwargs)
        self.fields["feld"].choices = [("", _("Alle Handlungsfelder"))] + [
            (field.slug, field.title) for field in fields
        ]

    def criteria(self) -> dict:
        """The valid filters as keyword arguments for Measure.matches()."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        statuses = {"" if value == NO_STATUS else value for value in data.get("status", [])}
        return {
            "statuses": statuses,
            "field_slug": data.get("feld", ""),
            "overdue_only": data.get("ueberfaellig", False),
        }

    @property
    def is_filtering(self) -> bool:
        criteria = self.criteria()
        return bool(criteria["statuses"] or criteria["field_slug"] or criteria["overdue_only"])


class MeasureEditForm(PortalForm):
    """What school office staff change on a measure, with the reason for the change."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", NO_STATUS_LABEL), *Status.choices]
    )
    target = forms.CharField(
        label=_("Abschluss"),
        required=False,
        max_length=40,
        help_text=TARGET_HELP,
    )
    description = forms.CharField(
        label=_("Kurzbeschreibung"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    work_items = forms.CharField(
        label=_("Arbeitspakete"),
        required=False,
        max_length=4000,
        help_text=_("Ein Arbeitspaket pro Zeile."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    rollout_done = forms.IntegerField(
        label=_("Schulen abgeschlossen"), required=False, min_value=0, max_value=100_000
    )
    rollout_total = forms.IntegerField(
        label=_("Schulen gesamt"), required=False, min_value=1, max_value=100_000
    )
    reason = ReasonField(
        help_text=_("Wird mit der Änderung gespeichert und im öffentlichen Verlauf gezeigt."),
        error_messages={"required": _("Bitte geben Sie kurz an, warum Sie die Maßnahme ändern.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, measure: Measure, **kwargs) -> None:
        self.measure = measure
        if not args and "data" not in kwargs:
            kwargs.setdefault("initial", self.initial_for(measure))
        super().__init__(*args, **kwargs)
        if measure.tracks_schools:
            # The count follows the per-school rows; it is not entered here.
            del self.fields["rollout_done"], self.fields["rollout_total"]

    @staticmethod
    def initial_for(measure: Measure) -> dict:
        return {
            "status": measure.status,
            "target": str(measure.target) if measure.target else "",
            "description": measure.description,
            "work_items": measure.work_items,
            "rollout_done": measure.rollout_done,
            "rollout_total": measure.rollout_total,
            "version": measure.version,
        }

    def clean_target(self) -> Target | None:
        text = self.cleaned_data["target"].strip()
        return Target.parse(text) if text else None

    def clean_work_items(self) -> str:
        lines = self.cleaned_data["work_items"].splitlines()
        return "\n".join(line.strip() for line in lines if line.strip())

    def clean(self) -> dict:
        data = super().clean()
        if "rollout_done" in self.fields:
            done, total = data.get("rollout_done"), data.get("rollout_total")
            refused = self.has_error("rollout_done") or self.has_error("rollout_total")
            if (done is None) != (total is None) and not refused:
                self.add_error(
                    "rollout_done" if done is None else "rollout_total",
                    _("Geben Sie beide Zahlen an oder keine."),
                )
            elif done is not None and total is not None and done > total:
                self.add_error(
                    "rollout_done",
                    _(
                        "Es können nicht mehr Schulen abgeschlossen sein (%(done)s) als es "
                        "insgesamt gibt (%(total)s)."
                    )
                    % {"done": done, "total": total},
                )
        return data

    def changes(self) -> dict:
        """The values to save, for Measure.objects.apply_change()."""
        names = ["status", "target", "description", "work_items", "rollout_done", "rollout_total"]
        return {name: self.cleaned_data[name] for name in names if name in self.fields}

    def clean_description(self) -> str:
        return self.cleaned_data["description"].replace("\r\n", "\n").strip()

    @staticmethod
    def comparable(measure: Measure) -> dict:
        """A measure's values in the form of cleaned_data, to tell what someone changed."""
        return {
            "status": measure.status,
            "target": measure.target,
            "description": measure.description.replace("\r\n", "\n").strip(),
            "work_items": measure.work_items,
            "rollout_done": measure.rollout_done,
            "rollout_total": measure.rollout_total,
        }

    def show_conflict(self, conflict: EditConflict) -> None:
        """Merge the editor's changes onto the current state, for a deliberate second save.

        Fields the editor did not touch take the other person's current values, so
        saving again cannot undo them; fields both changed keep the editor's input
        and are named in `clashes`. The next save starts from the current version.
        """
        data = self.data.copy()
        data["version"] = str(conflict.current.version)
        self.clashes = []
        if conflict.loaded is not None:
            loaded = self.comparable(conflict.loaded)
            current = self.comparable(conflict.current)
            current_text = self.initial_for(conflict.current)
            for name, value in self.changes().items():
                if value == loaded[name]:
                    shown = current_text[name]
                    data[name] = "" if shown is None else str(shown)
                elif current[name] != loaded[name]:
                    self.clashes.append(self.fields[name].label)
        self.data = data
        self.conflict = conflict
