import datetime

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

from bielefeld_digital.forms import CredentialLengthMixin, PortalForm, PortalFormMixin, ReasonField

from .importers import german_slugify
from .models import (
    NO_STATUS_LABEL,
    PREFACE_MAX_LENGTH,
    PREFACE_TOO_LONG,
    EditConflict,
    Edition,
    FieldOfAction,
    Measure,
    Plan,
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


class EditionSelect(forms.Select):
    """Options named by edition titles, which staff write in the plan's language:
    each says so (`lang`), so that an English page reads them in German. The
    live state's label is the page's own text and keeps the page's language."""

    def __init__(self, *args, content_lang: str, ui_values: tuple = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.content_lang, self.ui_values = content_lang, ui_values

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value not in self.ui_values:
            option["attrs"]["lang"] = self.content_lang
        return option


class ComparisonForm(PortalForm):
    """Which two states to compare: two editions, or an edition and the live plan."""

    LIVE = "aktuell"

    von = forms.ChoiceField(label=_("Von"))
    bis = forms.ChoiceField(label=_("Bis"))

    def __init__(self, *args, editions: list, content_lang: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [(edition.slug, edition.title) for edition in editions]
        self.fields["von"].choices = choices
        self.fields["bis"].choices = [(self.LIVE, _("Aktueller Stand")), *choices]
        for name, ui_values in [("von", ()), ("bis", (self.LIVE,))]:
            field = self.fields[name]  # keeps the KERN class given above
            field.widget = EditionSelect(
                attrs=field.widget.attrs, choices=field.choices,
                content_lang=content_lang, ui_values=ui_values,
            )  # fmt: skip

    def clean(self) -> dict:
        data = super().clean()
        if data.get("von") and data.get("von") == data.get("bis"):
            raise forms.ValidationError(
                _("Wählen Sie zwei verschiedene Stände zum Vergleich."), code="same"
            )
        return data
