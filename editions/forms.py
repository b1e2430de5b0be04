import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bielefeld_digital.forms import PortalForm
from measures.importers import german_slugify
from measures.models import Plan

from .models import PREFACE_MAX_LENGTH, PREFACE_TOO_LONG, Edition

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
