"""How the portal renders form fields: KERN markup and GOV.UK-style error messages."""

from django import forms
from django.forms.renderers import TemplatesSetting

_INPUT_CLASSES = {
    forms.DateInput: "kern-form-input__input",
    forms.EmailInput: "kern-form-input__input",
    forms.Select: "kern-form-input__select",
    forms.Textarea: "kern-form-input__input",
    forms.TextInput: "kern-form-input__input",
    forms.NumberInput: "kern-form-input__input kern-form-input__input--width-4",
    forms.PasswordInput: "kern-form-input__input",
}


class PortalFormRenderer(TemplatesSetting):
    field_template_name = "forms/field.html"


class PortalFormMixin:
    """Fields carry KERN classes and point to their error messages."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)

    def full_clean(self) -> None:
        super().full_clean()
        describe_errors(self)


class PortalForm(PortalFormMixin, forms.Form):
    pass


def style_fields(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        css = _INPUT_CLASSES.get(type(field.widget))
        if css:
            field.widget.attrs.setdefault("class", css)
        # No field jumps the page's heading (Django's login and password forms
        # autofocus one): a screen reader starts at the top and hears the heading.
        field.widget.attrs.pop("autofocus", None)


def describe_errors(form: forms.BaseForm) -> None:
    """Link each invalid field to its message (and hint) for screen readers."""
    for name in form.errors:
        if name not in form.fields:
            continue
        bound = form[name]
        ids = [f"{bound.auto_id}_error"]
        if form.fields[name].help_text:
            ids.append(f"{bound.auto_id}_helptext")
        form.fields[name].widget.attrs.update(
            {"aria-describedby": " ".join(ids), "aria-invalid": "true"}
        )
