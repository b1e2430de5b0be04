from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.models import Device

from bielefeld_digital.forms import PortalForm

from .second_factor import normalise_code

CODE_ERRORS = {
    **OTPAuthenticationFormMixin.otp_error_messages,
    "token_required": _("Bitte geben Sie den Code ein."),
    "invalid_token": _(
        "Der Code stimmt nicht oder ist abgelaufen. Jeder Code gilt einmal und nur kurz."
    ),
    "n_failed_attempts": ngettext_lazy(
        "Nach %(failure_count)d falschen Code ist die Eingabe kurz gesperrt. "
        "Bitte warten Sie etwas und versuchen Sie es dann noch einmal.",
        "Nach %(failure_count)d falschen Codes ist die Eingabe eine Weile gesperrt. "
        "Bitte warten Sie etwas und versuchen Sie es dann noch einmal.",
        "failure_count",
    ),
    "verification_not_allowed": _("Die Code-Eingabe ist zurzeit gesperrt."),
    "device_required": _("Für dieses Konto ist keine Zwei-Faktor-Anmeldung eingerichtet."),
}


class CodeForm(OTPAuthenticationFormMixin, PortalForm):
    """A code from one device of the user: django-otp verifies it (once, throttled)."""

    otp_error_messages = CODE_ERRORS

    otp_token = forms.CharField(
        label=_("Code aus der Authenticator-App"),
        error_messages={"required": _("Bitte geben Sie den Code ein.")},
        max_length=20,
        help_text=_("Sechs Ziffern, zum Beispiel 123456."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, user, device: Device, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = device

    def clean_otp_token(self) -> str:
        return normalise_code(self.cleaned_data["otp_token"])

    def _chosen_device(self, user) -> Device:
        # One device per form, chosen by the page; locked for the check (django-otp).
        return type(self.device).objects.select_for_update().get(pk=self.device.pk)

    def clean(self) -> dict:
        super().clean()
        if "otp_token" not in self.errors:
            try:
                self.clean_otp(self.user)
            except forms.ValidationError as error:
                self.add_error("otp_token", error)
        return self.cleaned_data

    @property
    def throttled(self) -> bool:
        # django-otp's throttling message is the one error without a code.
        return any(error.code is None for error in self.errors.as_data().get("otp_token", []))

    @property
    def wrong_code(self) -> bool:
        return any(
            error.code == "invalid_token" for error in self.errors.as_data().get("otp_token", [])
        )

    def verified_device(self) -> Device | None:
        return getattr(self.user, "otp_device", None)


class RecoveryCodeForm(CodeForm):
    otp_token = forms.CharField(
        label=_("Wiederherstellungscode"),
        error_messages={"required": _("Bitte geben Sie einen Wiederherstellungscode ein.")},
        max_length=40,
        help_text=_("Einer der Codes, die Sie beim Einrichten erhalten haben; jeder gilt einmal."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )
