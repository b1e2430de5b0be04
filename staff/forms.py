"""The staff area's forms: logins and passwords (also the admin's), the editor's
switch to per-school tracking, publishing an edition, and the checklist and
the matrix of per-school states as they are posted."""

import datetime
import re
from dataclasses import dataclass

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm, AdminPasswordChangeForm
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bielefeld_digital.forms import (
    CredentialLengthMixin,
    GermanDecimalField,
    PortalForm,
    PortalFormMixin,
    ReasonField,
)
from bielefeld_digital.text import SINGLE_LINE, german_slugify
from editions.models import (
    PREFACE_MAX_LENGTH,
    PREFACE_TOO_LONG,
    RECORDED_FROM_MAX_LENGTH,
    Edition,
)
from measures.importers import PlanFileError, parse_plan_file
from measures.indicators import Indicator, Reading
from measures.models import Measure, Plan
from measures.rollout import RolloutState, WantedStates
from schools.forms import name_selects, narrowed, offer_school_choices
from schools.models import (
    SCHOOL_NUMBER_DIGITS,
    UNKNOWN_DISTRICT,
    School,
    SchoolQuerySet,
    is_school_number,
)


class StartTrackingForm(PortalForm):
    """The switch to per-school tracking: a change of the measure, with its reason."""

    reason = ReasonField(
        label=_("Grund der Umstellung"),
        help_text=_("Wird mit der Umstellung gespeichert und im öffentlichen Verlauf gezeigt."),
        error_messages={
            "required": _(
                "Bitte geben Sie kurz an, warum die Maßnahme ab jetzt pro Schule erfasst wird."
            )
        },
    )


class StaffAuthenticationForm(PortalFormMixin, CredentialLengthMixin, AuthenticationForm):
    pass


class StaffPasswordChangeForm(PortalFormMixin, CredentialLengthMixin, PasswordChangeForm):
    pass


class StaffPasswordResetForm(PortalFormMixin, PasswordResetForm):
    """Asks for the address; mails a link to its active accounts with a usable password."""

    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def get_users(self, email: str) -> list:
        # Kept for the security log; the page never tells whether there were any.
        self.recipients = list(super().get_users(email))
        return self.recipients


class StaffSetPasswordForm(PortalFormMixin, CredentialLengthMixin, SetPasswordForm):
    pass


# The admin's own forms with the same limits (admin markup, not the portal's).
class PortalAdminAuthenticationForm(CredentialLengthMixin, AdminAuthenticationForm):
    pass


class PortalAdminPasswordChangeForm(CredentialLengthMixin, AdminPasswordChangeForm):
    """An administrator changes their own password."""


class PortalAdminSetPasswordForm(CredentialLengthMixin, auth_forms.AdminPasswordChangeForm):
    """An administrator sets another user's password."""


class PortalAdminUserCreationForm(CredentialLengthMixin, auth_forms.AdminUserCreationForm):
    pass


# Addresses under /berichte/ that are not editions.
RESERVED_EDITION_SLUGS = {"vergleich"}


def preface_limit_hint() -> str:
    """ "Höchstens 10.000 Zeichen.", the number grouped as the page's language does."""
    limit = number_format(PREFACE_MAX_LENGTH, force_grouping=True)
    return gettext("Höchstens %(limit)s Zeichen.") % {"limit": limit}


class EditionForm(PortalForm):
    """What staff enter when they publish a progress report."""

    title = forms.CharField(
        label=_("Titel"),
        max_length=200,
        help_text=_("z. B. „Fortschrittsbericht Schulausschuss März 2025“"),
    )
    date = forms.DateField(
        label=_("Stand"),
        help_text=_(
            "TT.MM.JJJJ, z. B. 12.03.2025: heute oder bis zu 31 Tage zurück. "
            "Überfällig heißt im Bericht: überfällig an diesem Tag."
        ),
    )
    reference = forms.CharField(label=_("Sitzung / Drucksache"), max_length=200, required=False)
    preface = forms.CharField(
        label=_("Vorwort"),
        required=False,
        # The limit is checked in clean_preface, with grouped numbers (no maxlength
        # attribute either: an over-long text is kept for shortening).
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=format_lazy(
            "{} {}",
            _(
                "Absätze trennen Sie durch eine Leerzeile; Markdown wird umgesetzt: **fett**, "
                "*kursiv* und Listen mit „- “ am Zeilenanfang."
            ),
            lazy(lambda: preface_limit_hint(), str)(),
        ),
    )
    # The digest of the previewed snapshot (reports.snapshot_fingerprint).
    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, plan: Plan, **kwargs) -> None:
        self.plan = plan
        super().__init__(*args, **kwargs)

    def clean_preface(self) -> str:
        """At most PREFACE_MAX_LENGTH characters; the message groups the numbers
        ("10.000") like the field's hint, where Django's max_length says "10000"."""
        preface = self.cleaned_data["preface"]
        if len(preface) > PREFACE_MAX_LENGTH:
            raise ValidationError(
                PREFACE_TOO_LONG,
                code="max_length",
                params={
                    "limit_value": number_format(PREFACE_MAX_LENGTH, force_grouping=True),
                    "show_value": number_format(len(preface), force_grouping=True),
                },
            )
        return preface

    def clean_date(self) -> datetime.date:
        date = self.cleaned_data["date"]
        problem = Edition.date_problem(date, timezone.localdate())
        if problem:
            raise ValidationError(problem)
        return date

    def clean(self) -> dict:
        data = super().clean()
        title = data.get("title")
        if title:
            data["slug"] = german_slugify(title)[:120]
            if data["slug"] in RESERVED_EDITION_SLUGS:
                data["slug"] = f"bericht-{data['slug']}"
            if not data["slug"]:
                self.add_error("title", _("Der Titel braucht Buchstaben oder Ziffern."))
            elif self.plan.editions.filter(slug=data["slug"]).exists():
                self.add_error(
                    "title",
                    _("Es gibt schon eine Ausgabe mit diesem Titel. Wählen Sie einen anderen."),
                )
        return data


class ReadingForm(PortalFormMixin, forms.ModelForm):
    """A new value of one indicator, as staff enter it in the staff area: the day,
    the value in the indicator's unit and its public source. The model's rules
    (one value a day, 0 to 100 for a percentage, whole schools) give the messages."""

    class Meta:
        model = Reading
        fields = ["date", "value", "source"]
        labels = {"date": _("Stand (TT.MM.JJJJ)"), "value": _("Wert")}
        field_classes = {"value": GermanDecimalField}
        # Text, not a number input: browsers refuse "16.200" and "93,5" there.
        widgets = {"value": forms.TextInput(attrs={"inputmode": "decimal"})}

    def __init__(self, *args, indicator: Indicator, **kwargs) -> None:
        super().__init__(*args, prefix=f"kennzahl-{indicator.pk}", **kwargs)
        self.instance.indicator = indicator
        self.fields["value"].help_text = _("In %(unit)s, z. B. 16.200 oder 93,5.") % {
            "unit": indicator.quantity.label
        }


# A plan file of a few hundred measures is some 100 KB; anything far beyond is no plan.
PLAN_FILE_MAX_BYTES = 2 * 1024 * 1024


class PastEditionForm(EditionForm):
    """What an administrator enters to record an earlier report: its Stand, what it
    is recorded after, and a plan file with the values of that time."""

    plan_file = forms.FileField(
        label=_("Plandatei mit den damaligen Werten"),
        help_text=_("Eine TOML-Datei im Format von docs/plan-format.md, höchstens 2 MB."),
    )
    recorded_from = forms.CharField(
        label=_("Quelle: erfasst nach"),
        max_length=RECORDED_FROM_MAX_LENGTH,
        validators=[SINGLE_LINE],
        help_text=_("z. B. „Vorlage an den Schulausschuss vom 12.03.2024, Drucksache 7654/2020“"),
    )
    field_order = ["title", "date", "reference", "recorded_from", "plan_file", "preface"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].help_text = _(
            "TT.MM.JJJJ: der Stand des damaligen Berichts, vor heute. Überfällig heißt im "
            "Bericht: überfällig an diesem Tag."
        )

    def clean_date(self) -> datetime.date:
        return self.cleaned_data["date"]  # Edition.record_past says what a past Stand may be

    def clean_plan_file(self) -> dict:
        upload = self.cleaned_data["plan_file"]
        if upload.size > PLAN_FILE_MAX_BYTES:
            raise ValidationError(
                _(
                    "Die Datei ist größer als 2 MB. Bitte laden Sie eine Plandatei von "
                    "höchstens 2 MB hoch."
                )
            )
        try:
            return parse_plan_file(upload.read(), upload.name)
        except PlanFileError as error:
            raise ValidationError(str(error)) from None


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


@dataclass(frozen=True)
class Refusal:
    """Why a checklist or matrix post writes nothing: the messages to show, and
    whether the page keeps the editor's choices (a refused reason: once it is
    shortened they are saved with it) or shows what is saved (unknown rows)."""

    messages: list[str]
    keeps_choices: bool


UNKNOWN_SCHOOLS = _("Die Auswahl enthält unbekannte Schulen.")


class PostedValuesField(forms.Field):
    """The values posted under one name (hidden inputs, ticked boxes), as text;
    the form says which of them must be school numbers."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[str]:
        return [str(item) for item in value or []]


@dataclass(frozen=True)
class ChecklistChanges:
    """What a checklist post asks for: the schools it named (the answer brings
    their boxes up to date) and the states to set at them."""

    schools: list[School]
    states: WantedStates


class ChecklistForm(PortalForm):
    """The per-school checklist as posted: the schools shown ("shown"), those ticked
    ("done"), the state each had when the page was shown ("v-<number>"), and the
    optional reason.

    HTMX sends each box on its own ("toggle", with the whole form): then only the
    clicked school's fields are read. Without JavaScript the whole form comes and
    only the boxes the editor changed count. Validation costs no query:
    `refusal()` says why nothing is written, if so, and then `changes()` looks the
    schools up.
    """

    reason = ReasonField(
        required=False,
        help_text=_("Wird mit jedem Haken gespeichert und im öffentlichen Verlauf gezeigt."),
    )
    shown = PostedValuesField(required=False)
    done = PostedValuesField(required=False)
    toggle = forms.CharField(required=False, strip=False)

    def __init__(self, data=None, *, scope: SchoolQuerySet) -> None:
        super().__init__(data)
        self.scope = scope
        self.toggled = data is not None and "toggle" in data  # a click: a change by definition

    @property
    def is_empty(self) -> bool:
        """Saved with no school on the page (a filter that matched none)."""
        return not self["shown"].value() and not self.toggled

    @property
    def toggled_number(self) -> str | None:
        """The clicked box's school number, if the click named one."""
        number = self["toggle"].value() if self.toggled else None
        return number if isinstance(number, str) and is_school_number(number) else None

    def posted_ticks(self) -> set[str]:
        """The ticked boxes as posted: a refused reason keeps them on the page."""
        return set(self["done"].value() or [])

    def _named(self) -> tuple[list[str], set[str]]:
        """The school numbers the post names, and those of them ticked."""
        data = self.cleaned_data
        if self.toggled:  # the other ticked boxes come along: only this one counts
            return [data["toggle"]], set(data["done"]) & {data["toggle"]}
        return data["shown"], set(data["done"])

    def clean(self) -> dict:
        data = super().clean()
        # A refused reason is said alone; an empty page has nothing to check.
        if self.errors or self.is_empty:
            return data
        shown, done = self._named()
        if not all(is_school_number(number) for number in shown) or not done <= set(shown):
            raise ValidationError(UNKNOWN_SCHOOLS, code="unknown")
        return data

    def refusal(self) -> Refusal | None:
        """Validate; why nothing is written, or None if the post is valid."""
        if self.is_valid():
            return None
        if "reason" in self.errors:
            return Refusal(list(self.errors["reason"]), keeps_choices=True)
        return Refusal([str(UNKNOWN_SCHOOLS)], keeps_choices=False)

    def changes(self) -> ChecklistChanges | None:
        """Once `refusal()` found none, for a page with schools: the changes, or
        None if the post names schools outside `scope`. One query.

        A school whose state someone else changed since the page was shown is
        left alone and reported (set_states compares with the expected states)."""
        shown, done = self._named()
        schools = self.scope.in_bulk(shown, field_name="school_number")
        if len(schools) != len(set(shown)):
            return None
        states = WantedStates()
        for number, school in schools.items():
            before = self.data.get(f"v-{number}")
            if not self.toggled and (number in done) == (before == RolloutState.DONE):
                continue  # not changed by the editor
            states.wanted[school] = RolloutState.DONE if number in done else RolloutState.OPEN
            if before in RolloutState.values:
                states.expected[school] = before
        return ChecklistChanges(list(schools.values()), states)


UNKNOWN_CELLS = _("Die Auswahl enthält unbekannte Maßnahmen, Schulen oder Stände.")
# A cell's select: "z-<measure pk>-<school number>"; its state when the page
# was shown comes as "v-<measure pk>-<school number>".
CELL = re.compile(rf"z-([0-9]+)-({SCHOOL_NUMBER_DIGITS})")


class MatrixForm(PortalForm):
    """The matrix's cells as posted, and the optional reason.

    Unknown measures, schools or states are refused before the reason is (one
    query looks the schools up). `refusal()` says why nothing is written, if so,
    and `changes()` are the cells the editor changed, by measure (also when only
    the reason is refused: their measures' permissions are checked before it).
    """

    reason = ReasonField(required=False)

    def __init__(self, data=None, *, scope: SchoolQuerySet, measures: list) -> None:
        super().__init__(data)
        self.scope = scope
        self.measures = {str(measure.pk): measure for measure in measures}

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
        changes: dict[Measure, WantedStates] = {}
        for name, match in zip(names, parsed, strict=True):
            state, before = self.data[name], self.data.get("v" + name[1:])
            if before == state:
                continue  # not changed by the editor
            states = changes.setdefault(self.measures[match[1]], WantedStates())
            school = schools[match[2]]
            states.wanted[school] = state
            if before in RolloutState.values:
                states.expected[school] = before
        data["changes"] = changes
        return data

    def refusal(self) -> Refusal | None:
        """Validate; why nothing is written (unknown cells first, then the reason),
        or None if the post is valid."""
        if self.is_valid():
            return None
        if self.non_field_errors():
            return Refusal([str(UNKNOWN_CELLS)], keeps_choices=False)
        return Refusal(list(self.errors["reason"]), keeps_choices=True)

    def changes(self) -> dict[Measure, WantedStates]:
        """The changed cells as `set_states_of_many` takes them, once `refusal()`
        found no unknown cells."""
        return self.cleaned_data["changes"]


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
