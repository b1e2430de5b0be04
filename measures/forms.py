from django import forms
from django.utils.translation import gettext_lazy as _

from .models import FieldOfAction, Status

NO_STATUS = "ohne"


class ReportFilterForm(forms.Form):
    """The filters of the public report; a plain GET form."""

    status = forms.MultipleChoiceField(
        label=_("Status"),
        required=False,
        choices=[*Status.choices, (NO_STATUS, _("Ohne Status"))],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("„%(value)s“ ist kein bekannter Status.")},
    )
    feld = forms.ChoiceField(
        label=_("Handlungsfeld"),
        required=False,
        error_messages={"invalid_choice": _("„%(value)s“ ist kein Handlungsfeld dieses Plans.")},
    )
    ueberfaellig = forms.BooleanField(label=_("Nur überfällige Maßnahmen"), required=False)

    def __init__(self, *args, fields: list[FieldOfAction], **kwargs) -> None:
        super().__init__(*args, **kwargs)
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
