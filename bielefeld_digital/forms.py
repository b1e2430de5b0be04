"""How the portal renders form fields: KERN markup and GOV.UK-style error messages."""

import re

from django import forms
from django.core.validators import MaxLengthValidator
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from .text import MULTI_LINE, SINGLE_LINE, TextValidator

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
        refuse_unsafe_text(self)

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
        # No maxlength: browsers cut a longer pasted text (a description from a
        # document) without a word; the form refuses it and keeps it instead.
        field.widget.attrs.pop("maxlength", None)


def refuse_unsafe_text(form: forms.BaseForm) -> None:
    """Every text field of `form` refuses bidi overrides and control characters.

    Multi-line (TAB, LF, CR allowed) where the widget is a textarea. Passwords
    are left alone: they are only hashed, never shown, and refusing one at
    login would only lock its owner out.
    """
    for field in form.fields.values():
        if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.PasswordInput):
            continue
        add_text_validator(field)


def add_text_validator(field: forms.CharField) -> None:
    if not any(isinstance(v, TextValidator) for v in field.validators):
        multiline = isinstance(field.widget, forms.Textarea)
        field.validators.append(MULTI_LINE if multiline else SINGLE_LINE)


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


# How long a reason typed with a change may be, wherever it is typed (staff
# editor, checklist, matrix, bulk form, admin): it is shown in the public
# timeline, and a longer text is refused, never cut.
REASON_MAX_LENGTH = 300


class ReasonLengthValidator(MaxLengthValidator):
    message = _(
        "Der Grund darf höchstens %(limit_value)d Zeichen lang sein; eingegeben sind "
        "%(show_value)d Zeichen. Bitte kürzen Sie ihn."
    )

    def __init__(self) -> None:
        super().__init__(REASON_MAX_LENGTH)


class ReasonField(forms.CharField):
    """The reason typed with a change, at most REASON_MAX_LENGTH characters.

    No `max_length`: it would put `maxlength` on the input, and browsers cut a
    longer pasted text without a word. The validator refuses it instead and
    the form keeps what was typed.
    """

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("Grund der Änderung"))
        super().__init__(**kwargs)
        self.validators.append(ReasonLengthValidator())
        # Also in forms that are no PortalForm (the admin's actions).
        add_text_validator(self)


# The longest username and password any login or password form takes. 150 is
# the longest username Django's User allows; django-axes stores what was typed
# in a 255-character column, so a longer name reached the database and was a
# 500. No passphrase comes near 4096 characters, and each one is hashed.
USERNAME_MAX_LENGTH = 150
PASSWORD_MAX_LENGTH = 4096


class CredentialLengthMixin:
    """Refuses an over-long username or password with a form error, and (like
    every form) bidi overrides and control characters in the username.

    For Django's login and password forms, whose username field is only
    marked `maxlength` in HTML and whose password fields have no limit: the
    refusal comes before `authenticate()`, so neither the check of the
    password nor django-axes ever sees such input.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        refuse_unsafe_text(self)
        for name, field in self.fields.items():
            if any(isinstance(v, MaxLengthValidator) for v in field.validators):
                continue  # e.g. the user creation form's, from the model field
            if name == "username":
                field.validators.append(
                    MaxLengthValidator(
                        USERNAME_MAX_LENGTH,
                        message=_(
                            "Der Benutzername darf höchstens %(limit_value)d Zeichen lang sein; "
                            "eingegeben sind %(show_value)d Zeichen."
                        ),
                    )
                )
            elif isinstance(field.widget, forms.PasswordInput):
                field.validators.append(
                    MaxLengthValidator(
                        PASSWORD_MAX_LENGTH,
                        message=_("Das Passwort darf höchstens %(limit_value)d Zeichen lang sein."),
                    )
                )


# "16.200", "1.880.000,50", "93,5", also "93.5": groups of three digits after a
# dot are thousands, as a German writes them (never after a leading zero: "0.500"
# is a half); a comma is the decimal point.
_THOUSANDS = re.compile(r"^[1-9]\d{0,2}(\.\d{3})+(,\d+)?$")


class GermanDecimalField(forms.DecimalField):
    """A number as people in a German office type it (see _THOUSANDS); Django's own
    field reads "16.200" as sixteen point two unless thousand separators are on."""

    default_error_messages = {"invalid": _("Bitte eine Zahl eingeben, z. B. 16.200 oder 93,5.")}

    def to_python(self, value):
        if isinstance(value, str):
            text = value.strip().replace("\u00a0", "").replace(" ", "")
            if _THOUSANDS.match(text) or "," in text:
                text = text.replace(".", "").replace(",", ".")
            value = text
        return super().to_python(value)
