import datetime
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bielefeld_digital.forms import PortalForm, ReasonField
from measures.rollout import RolloutState

from .models import (
    SCHOOL_NUMBER_DIGITS,
    UNKNOWN_DISTRICT,
    School,
    SchoolQuerySet,
    is_school_number,
)

if TYPE_CHECKING:
    from measures.models import Measure


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


def describe_selection(form: forms.Form, *, school_form: str, district: str) -> str:
    """The schools chosen by form and district in words, from `form`'s choices:
    "Schulform „Grundschule“, Stadtbezirk „Heepen“"."""
    parts = []
    if school_form:
        label = dict(form.fields["schulform"].choices).get(school_form, school_form)
        parts.append(gettext("Schulform „%(name)s“") % {"name": label})
    if district == UNKNOWN_DISTRICT:
        parts.append(gettext("ohne bekannten Stadtbezirk"))
    elif district:
        parts.append(gettext("Stadtbezirk „%(name)s“") % {"name": district})
    return ", ".join(parts) or gettext("alle Schulen des Plans")


def empty_selection_message(selection: str) -> str:
    return gettext(
        "Keine Schule ausgewählt: Die Auswahl (%(selection)s) enthält keine Schulen. "
        "Es wurde nichts geändert."
    ) % {"selection": selection}


UNKNOWN_SCHOOLS = _("Die Auswahl enthält unbekannte Schulen.")


class SchoolNumbersField(forms.Field):
    """School numbers posted under one name (hidden inputs, ticked boxes)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": UNKNOWN_SCHOOLS}

    def to_python(self, value) -> list[str]:
        numbers = [str(number) for number in value or []]
        if not all(is_school_number(number) for number in numbers):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return numbers


class ChecklistForm(PortalForm):
    """The per-school checklist as posted: the schools shown ("shown"), those ticked
    ("done"), the state each had when the page was shown ("v-<number>"), and the
    optional reason.

    HTMX sends each box on its own ("toggle", with the whole form); without
    JavaScript the whole form comes and only the boxes the editor changed count.
    After `is_valid()`, `wanted` and `expected` are what `set_states` takes, and
    `schools` the schools named.
    """

    reason = ReasonField(
        required=False,
        help_text=_("Wird mit jedem Haken gespeichert und im öffentlichen Verlauf gezeigt."),
    )
    shown = SchoolNumbersField(required=False)
    done = SchoolNumbersField(required=False)
    toggle = forms.CharField(required=False, strip=False)

    def __init__(self, data=None, *, scope: SchoolQuerySet) -> None:
        super().__init__(data)
        self.scope = scope
        self.toggled = data is not None and "toggle" in data  # a click: a change by definition
        self.wanted: dict = {}
        self.expected: dict = {}
        self.schools: list = []

    @property
    def is_empty(self) -> bool:
        """Saved with no school on the page (a filter that matched none)."""
        return not self["shown"].value() and not self.toggled

    @property
    def toggled_number(self) -> str | None:
        """The clicked box's school number, if the click named one."""
        number = self["toggle"].value() if self.toggled else None
        return number if isinstance(number, str) and is_school_number(number) else None

    def clean(self) -> dict:
        data = super().clean()
        if self.errors or self.is_empty:  # nothing is written: no schools to look up
            return data
        done = set(data["done"])
        if self.toggled:
            shown = [data["toggle"]]
            done &= set(shown)  # the other ticked boxes come along: only this one counts
        else:
            shown = data["shown"]
        if not all(is_school_number(number) for number in shown) or not done <= set(shown):
            raise ValidationError(UNKNOWN_SCHOOLS, code="unknown")
        schools = self.scope.in_bulk(shown, field_name="school_number")
        if len(schools) != len(set(shown)):
            raise ValidationError(UNKNOWN_SCHOOLS, code="unknown")
        for number, school in schools.items():
            # A school whose state someone else changed since the page was shown
            # is left alone and reported (set_states compares with `expected`).
            before = self.data.get(f"v-{number}")
            if not self.toggled and (number in done) == (before == RolloutState.DONE):
                continue  # not changed by the editor
            self.wanted[school] = RolloutState.DONE if number in done else RolloutState.OPEN
            if before in RolloutState.values:
                self.expected[school] = before
        self.schools = list(schools.values())
        return data


UNKNOWN_CELLS = _("Die Auswahl enthält unbekannte Maßnahmen, Schulen oder Stände.")
# A cell's select: "z-<measure pk>-<school number>"; its state when the page
# was shown comes as "v-<measure pk>-<school number>".
CELL = re.compile(rf"z-([0-9]+)-({SCHOOL_NUMBER_DIGITS})")


@dataclass(frozen=True)
class PostedCell:
    measure: "Measure"
    school: School
    state: str
    before: str | None  # None if the page sent no known state


class MatrixForm(PortalForm):
    """The matrix's cells as posted, and the optional reason.

    After `is_valid()` (or a failed one with only the reason refused), `cells`
    are the cells the editor changed, by measure; an unknown measure, school or
    state is a non-field error (UNKNOWN_CELLS).
    """

    reason = ReasonField(required=False)

    def __init__(self, data=None, *, scope: SchoolQuerySet, measures: list) -> None:
        super().__init__(data)
        self.scope = scope
        self.measures = {str(measure.pk): measure for measure in measures}
        self.cells: list[PostedCell] = []

    def chosen(self) -> dict[str, str]:
        """The posted cells' states by cell name, only well-formed ones: a refused
        save shows the editor's choices again."""
        return {
            name: value
            for name, value in self.data.items()
            if CELL.fullmatch(name) and value in RolloutState.values
        }

    def clean(self) -> dict:
        data = super().clean()
        names = [name for name in self.data if name.startswith("z-")]
        parsed = [CELL.fullmatch(name) for name in names]
        if not all(parsed) or any(self.data.get(name) not in RolloutState.values for name in names):
            raise ValidationError(UNKNOWN_CELLS, code="unknown")
        numbers = {match[2] for match in parsed}
        schools = self.scope.in_bulk(numbers, field_name="school_number")
        if not numbers <= schools.keys() or any(match[1] not in self.measures for match in parsed):
            raise ValidationError(UNKNOWN_CELLS, code="unknown")
        for name, match in zip(names, parsed, strict=True):
            state, before = self.data[name], self.data.get("v" + name[1:])
            if before == state:
                continue  # not changed by the editor
            self.cells.append(
                PostedCell(
                    self.measures[match[1]],
                    schools[match[2]],
                    state,
                    before if before in RolloutState.values else None,
                )
            )
        return data

    def by_measure(self) -> dict:
        """The changed cells as `set_states` takes them: {measure: ({school: state},
        {school: the state the editor saw})}."""
        changes: dict = {}
        for cell in self.cells:
            wanted, expected = changes.setdefault(cell.measure, ({}, {}))
            wanted[cell.school] = cell.state
            if cell.before is not None:
                expected[cell.school] = cell.before
        return changes


class RolloutFilterForm(PortalForm):
    """Narrow the per-school checklist down by school form and district."""

    schulform = forms.ChoiceField(label=_("Schulform"), required=False)
    bezirk = forms.ChoiceField(label=_("Stadtbezirk"), required=False)

    def __init__(self, *args, schools: SchoolQuerySet, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        offer_school_choices(self, schools)

    def filter(self, schools: SchoolQuerySet) -> SchoolQuerySet:
        """`schools` narrowed down by the chosen form and district, by name."""
        return narrowed(schools, **self.criteria()).order_by("name", "school_number")

    def criteria(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {"school_form": data.get("schulform", ""), "district": data.get("bezirk", "")}

    @property
    def selection(self) -> str:
        """The chosen schools in words, for a message."""
        return describe_selection(self, **self.criteria())


class MatrixFilterForm(RolloutFilterForm):
    """The matrix's filters: form and district, a search, and which measures to show."""

    massnahmen = forms.MultipleChoiceField(
        label=_("Maßnahmen (Spalten)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("„%(value)s“ ist keine Maßnahme dieser Liste.")},
    )

    def __init__(self, *args, measures, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["massnahmen"].choices = [(str(m.pk), m.title) for m in measures]

    def columns(self, measures: list, editable: set[int], default: int) -> list:
        """The measures chosen as columns; unless chosen, the first `default` ones,
        those the user may edit first."""
        chosen = set(self.cleaned_data.get("massnahmen", [])) if self.is_valid() else set()
        if chosen:
            return [measure for measure in measures if str(measure.pk) in chosen]
        return sorted(measures, key=lambda measure: measure.pk not in editable)[:default]

    suche = forms.CharField(
        label=_("Schule suchen"),
        required=False,
        max_length=100,
        help_text=_("Name, Schulnummer oder Straße"),
    )

    def filter(self, schools: SchoolQuerySet) -> SchoolQuerySet:
        schools = super().filter(schools)
        return schools.search(self.cleaned_data.get("suche", "")) if self.is_valid() else schools


class BulkStateForm(PortalForm):
    """ "Alle Grundschulen in Heepen: abgeschlossen" for one measure at once."""

    massnahme = forms.ChoiceField(label=_("Maßnahme"))
    schulform = forms.ChoiceField(label=_("Schulform"), required=False)
    bezirk = forms.ChoiceField(label=_("Stadtbezirk"), required=False)
    stand = forms.ChoiceField(label=_("Neuer Stand"), choices=RolloutState.choices)
    datum = forms.DateField(
        label=_("Datum"),
        required=False,
        help_text=_("TT.MM.JJJJ; leer: heute. Zum Nachtragen eines früheren Abschlusses."),
    )
    reason = ReasonField(required=False)
    alle = forms.BooleanField(
        label=_("Ja, für alle Schulen des Plans"),
        required=False,
        help_text=_("Nötig, wenn weder Schulform noch Stadtbezirk gewählt ist."),
    )

    def __init__(self, *args, measures, filters: RolloutFilterForm, **kwargs) -> None:
        super().__init__(*args, prefix="alle", **kwargs)
        self.measures = {str(measure.pk): measure for measure in measures}
        self.fields["massnahme"].choices = [(pk, m.title) for pk, m in self.measures.items()]
        name_selects(self)
        self.fields["schulform"].choices = filters.fields["schulform"].choices
        self.fields["bezirk"].choices = filters.fields["bezirk"].choices

    # Digital infrastructure at schools is younger than this; earlier is a typo.
    EARLIEST = datetime.date(2000, 1, 1)

    def clean_datum(self):
        date = self.cleaned_data["datum"]
        if date and date > timezone.localdate():
            raise ValidationError(_("Das Datum darf nicht in der Zukunft liegen."))
        if date and date < self.EARLIEST:
            raise ValidationError(_("Das Datum darf nicht vor dem 01.01.2000 liegen."))
        return date

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("schulform") and not data.get("bezirk") and not data.get("alle"):
            self.add_error(
                "alle",
                _(
                    "Ohne Schulform und Stadtbezirk gilt die Änderung für alle Schulen des "
                    "Plans. Bitte bestätigen Sie das."
                ),
            )
        return data

    def schools(self, scope: SchoolQuerySet) -> SchoolQuerySet:
        data = self.cleaned_data
        return narrowed(scope, school_form=data["schulform"], district=data["bezirk"])

    @property
    def selection(self) -> str:
        """The chosen schools in words, for a message; call after is_valid()."""
        data = self.cleaned_data
        return describe_selection(self, school_form=data["schulform"], district=data["bezirk"])

    @property
    def measure(self):
        return self.measures[self.cleaned_data["massnahme"]]


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
