from django import forms
from django.utils.translation import gettext_lazy as _

from bielefeld_digital.forms import PortalForm


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
