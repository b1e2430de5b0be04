from django import forms
from django.utils.translation import gettext_lazy as _

from bielefeld_digital.forms import PortalForm

from .models import SchoolQuerySet


class RolloutFilterForm(PortalForm):
    """Narrow the per-school checklist down by school form and district."""

    schulform = forms.ChoiceField(label=_("Schulform"), required=False)
    bezirk = forms.ChoiceField(label=_("Stadtbezirk"), required=False)

    def __init__(self, *args, schools: SchoolQuerySet, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        in_scope = schools
        forms_ = in_scope.values_list("school_form", "school_form_name").distinct()
        self.fields["schulform"].choices = [("", _("Alle Schulformen"))] + sorted(
            (code, name or code) for code, name in forms_
        )
        districts = in_scope.exclude(district="").values_list("district", flat=True).distinct()
        self.fields["bezirk"].choices = [("", _("Alle Stadtbezirke"))] + [
            (district, district) for district in sorted(districts)
        ]

    def filter(self, schools: SchoolQuerySet) -> SchoolQuerySet:
        """`schools` narrowed down by the chosen form and district, by name."""
        criteria = self.criteria()
        if criteria["school_form"]:
            schools = schools.filter(school_form=criteria["school_form"])
        if criteria["district"]:
            schools = schools.filter(district=criteria["district"])
        return schools.order_by("name", "school_number")

    def criteria(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {"school_form": data.get("schulform", ""), "district": data.get("bezirk", "")}
