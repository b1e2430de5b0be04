"""Forms over the school directory: the list's search and filters, the district
filter, and the helpers the staff area's school forms share."""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from bielefeld_digital.forms import PortalForm

from .models import UNKNOWN_DISTRICT, SchoolQuerySet


def narrowed(schools: SchoolQuerySet, *, school_form: str, district: str) -> SchoolQuerySet:
    """`schools` of one form and district, if chosen (UNKNOWN_DISTRICT: none known)."""
    if school_form:
        schools = schools.filter(school_form=school_form)
    if district:
        schools = schools.filter(district="" if district == UNKNOWN_DISTRICT else district)
    return schools


class ProperNameSelect(forms.Select):
    """A select of school forms or districts: German names whatever the page's
    language, so their options carry lang="de"; "alle" and "nicht bekannt" are
    translated text and do not."""

    def create_option(self, name, value, *args, **kwargs) -> dict:
        option = super().create_option(name, value, *args, **kwargs)
        if value and value != UNKNOWN_DISTRICT:
            option["attrs"]["lang"] = "de"
        return option


def name_selects(form: forms.Form) -> None:
    """`form`'s "schulform" and "bezirk" selects as ProperNameSelects (keeping their
    KERN classes); before their choices are set."""
    for name in ("schulform", "bezirk"):
        field = form.fields[name]
        field.widget = ProperNameSelect(attrs=field.widget.attrs)


def offer_school_choices(form: forms.Form, schools: SchoolQuerySet) -> None:
    """The forms and districts of `schools` as choices of `form`'s "schulform" and
    "bezirk" fields, "nicht bekannt" for schools without a district. One query."""
    name_selects(form)
    school_forms, districts = schools.filter_choices()
    form.fields["schulform"].choices = [("", _("Alle Schulformen")), *school_forms]
    form.fields["bezirk"].choices = [
        ("", _("Alle Stadtbezirke")),
        *((district, district) for district in districts if district),
    ]
    if "" in districts:
        form.fields["bezirk"].choices += [(UNKNOWN_DISTRICT, _("Stadtbezirk nicht bekannt"))]


def page_field() -> forms.IntegerField:
    """`?seite=`: not shown in a form (a new search starts on page 1); pager links carry it."""
    return forms.IntegerField(
        label=_("Seite"),
        required=False,
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": _("Die Seitenzahl muss eine ganze Zahl sein."),
            "min_value": _("Die Seiten beginnen bei 1."),
        },
    )


class SchoolFilterForm(PortalForm):
    """Search and filters of the public school list; a plain GET form."""

    suche = forms.CharField(
        label=_("Suche"),
        required=False,
        max_length=100,
        help_text=_("Name, Schulnummer oder Straße"),
    )
    schulform = forms.ChoiceField(
        label=_("Schulform"),
        required=False,
        error_messages={"invalid_choice": _("„%(value)s“ ist keine Schulform dieser Liste.")},
    )
    bezirk = forms.ChoiceField(
        label=_("Stadtbezirk"),
        required=False,
        error_messages={"invalid_choice": _("„%(value)s“ ist kein Stadtbezirk dieser Liste.")},
    )
    seite = page_field()

    def __init__(self, data=None, *, schools: SchoolQuerySet, **kwargs) -> None:
        super().__init__(data, **kwargs)
        offer_school_choices(self, schools)

    @property
    def page_number(self) -> int:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return data.get("seite") or 1

    def filter(self, schools: SchoolQuerySet) -> SchoolQuerySet:
        """`schools` narrowed by the valid search and filters; all of them if invalid."""
        if not (self.is_bound and self.is_valid()):
            return schools
        data = self.cleaned_data
        schools = schools.search(data["suche"])
        return narrowed(schools, school_form=data["schulform"], district=data["bezirk"])

    @property
    def is_filtering(self) -> bool:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return any(data.get(name) for name in ("suche", "schulform", "bezirk"))

    def query_string(self, page: int) -> str:
        """The current search and filters with `page`, for the pager's plain links."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        values = {name: data[name] for name in ("suche", "schulform", "bezirk") if data.get(name)}
        return urlencode({**values, "seite": page})


class DistrictForm(PortalForm):
    """Which district's schools the measure page lists (`?bezirk=`), and the page."""

    bezirk = forms.ChoiceField(
        label=_("Stadtbezirk"),
        error_messages={"invalid_choice": _("„%(value)s“ ist kein Stadtbezirk dieser Liste.")},
    )
    seite = page_field()

    def __init__(self, data=None, *, districts: list[str], **kwargs) -> None:
        super().__init__(data, **kwargs)
        self.fields["bezirk"].choices = [
            (district or UNKNOWN_DISTRICT, district) for district in districts
        ]

    @property
    def district(self) -> str:
        """The chosen district as stored ("" for not known); call after is_valid()."""
        value = self.cleaned_data["bezirk"]
        return "" if value == UNKNOWN_DISTRICT else value

    @property
    def page_number(self) -> int:
        return self.cleaned_data.get("seite") or 1

    def query_string(self, page: int) -> str:
        return urlencode({"bezirk": self.cleaned_data["bezirk"], "seite": page})
