from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bielefeld_digital.forms import PortalForm

from .models import RolloutState, SchoolQuerySet


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


class MatrixFilterForm(RolloutFilterForm):
    """The matrix's filters: form and district, and a search by name or number."""

    suche = forms.CharField(label=_("Schule suchen"), required=False, max_length=100)

    def filter(self, schools: SchoolQuerySet) -> SchoolQuerySet:
        schools = super().filter(schools)
        text = self.cleaned_data.get("suche", "").strip() if self.is_valid() else ""
        if text:
            schools = schools.filter(Q(name__icontains=text) | Q(school_number=text))
        return schools


class BulkStateForm(PortalForm):
    """ "Alle Grundschulen in Heepen: abgeschlossen" for one measure at once."""

    massnahme = forms.ChoiceField(label=_("Maßnahme"))
    schulform = forms.ChoiceField(label=_("Schulform"), required=False)
    bezirk = forms.ChoiceField(label=_("Stadtbezirk"), required=False)
    stand = forms.ChoiceField(label=_("Neuer Stand"), choices=RolloutState.choices)
    grund = forms.CharField(label=_("Grund der Änderung"), required=False, max_length=300)

    def __init__(self, *args, measures, filters: RolloutFilterForm, **kwargs) -> None:
        super().__init__(*args, prefix="alle", **kwargs)
        self.measures = {str(measure.pk): measure for measure in measures}
        self.fields["massnahme"].choices = [(pk, m.title) for pk, m in self.measures.items()]
        self.fields["schulform"].choices = filters.fields["schulform"].choices
        self.fields["bezirk"].choices = filters.fields["bezirk"].choices

    def schools(self, scope: SchoolQuerySet) -> SchoolQuerySet:
        data = self.cleaned_data
        if data["schulform"]:
            scope = scope.filter(school_form=data["schulform"])
        if data["bezirk"]:
            scope = scope.filter(district=data["bezirk"])
        return scope

    @property
    def measure(self):
        return self.measures[self.cleaned_data["massnahme"]]
