import time

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bielefeld_digital.forms import PortalForm

from .models import Feedback, LegalPage, PageKind
from .video import inspect_video

# A person needs more than a few seconds to write a message; a form open for a
# day is more likely a replayed page than a person (who gets a fresh form).
MIN_SECONDS = 3
MAX_SECONDS = 24 * 60 * 60
_TOKEN_SALT = "legal.feedback.form-time"  # noqa: S105 - a salt, not a secret


def form_token(issued_at: float | None = None) -> str:
    """A signed record of when the form was served; refused if forged."""
    return signing.Signer(salt=_TOKEN_SALT).sign(str(int(issued_at or time.time())))


class FeedbackForm(PortalForm):
    RATE_LIMITED = _(
        "Von Ihrer Adresse kamen in der letzten Stunde zu viele Nachrichten. Ihre Angaben "
        "sind noch da: Bitte senden Sie das Formular später noch einmal."
    )

    name = forms.CharField(
        label=_("Ihr Name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Ihre E-Mail-Adresse"),
        required=False,
        # The portal's renderer styles no e-mail inputs (no other form has one).
        widget=forms.EmailInput(attrs={"class": "kern-form-input__input", "autocomplete": "email"}),
        help_text=_("Nur nötig, wenn Sie eine Antwort möchten."),
    )
    wants_reply = forms.BooleanField(label=_("Ich möchte eine Antwort."), required=False)
    page = forms.CharField(
        label=_("Betroffene Seite"),
        max_length=500,
        required=False,
        help_text=_("Die Adresse oder der Name der Seite, z. B. „Schulen“."),
    )
    message = forms.CharField(
        label=_("Ihre Nachricht"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Was ist nicht barrierefrei? Höchstens 5000 Zeichen."),
        error_messages={"required": _("Bitte schreiben Sie uns, was nicht barrierefrei ist.")},
    )
    # Honeypot: hidden by the stylesheet and from assistive technology; bots fill it in.
    website = forms.CharField(
        label=_("Dieses Feld bitte leer lassen"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["token"].initial = form_token()

    def token_error(self) -> ValidationError | None:
        """Too old, forged or missing: the form was not served to this person lately."""
        try:
            issued_at = int(signing.Signer(salt=_TOKEN_SALT).unsign(self.data.get("token", "")))
        except (signing.BadSignature, ValueError):
            issued_at = None
        age = time.time() - issued_at if issued_at is not None else None
        if age is None or age > MAX_SECONDS:
            return ValidationError(
                _(
                    "Das Formular war zu lange geöffnet. Ihre Angaben sind noch da: Bitte "
                    "senden Sie es noch einmal."
                ),
                code="expired",
            )
        if age < MIN_SECONDS:
            return ValidationError(
                _(
                    "Das ging zu schnell für eine Nachricht von einem Menschen. Ihre Angaben "
                    "sind noch da: Bitte senden Sie das Formular in einigen Sekunden noch einmal."
                ),
                code="too_fast",
            )
        return None

    def clean(self) -> dict:
        data = super().clean()
        # A form-wide error: the token is a hidden field the person cannot correct.
        if (error := self.token_error()) is not None:
            self.add_error(None, error)
        if data.get("website"):
            raise ValidationError(
                _("Das Feld „Dieses Feld bitte leer lassen“ muss leer bleiben."), code="honeypot"
            )
        if data.get("wants_reply") and not data.get("email"):
            self.add_error("email", _("Für eine Antwort brauchen wir Ihre E-Mail-Adresse."))
        return data

    def renew_token(self) -> None:
        """The form shown again carries a fresh time token: an old one could have expired."""
        self.data = self.data.copy()
        self.data["token"] = form_token()

    def save(self, *, owner) -> Feedback:
        """Store the feedback for `owner`, the authority at whose address it came."""
        data = self.cleaned_data
        feedback = Feedback(
            owner=owner,
            name=data["name"],
            email=data["email"],
            wants_reply=data["wants_reply"],
            page=data["page"],
            message=data["message"],
        )
        # clean() has checked what the model's constraint (reply needs an address) holds.
        feedback.save()
        return feedback


class LegalPageAdminForm(forms.ModelForm):
    confirmed = forms.BooleanField(
        label=_("Geprüft und bestätigt"),
        required=False,
        help_text=_(
            "Ankreuzen, wenn die Angaben geprüft sind. Bis dahin sehen angemeldete "
            "Mitarbeitende auf der Seite den Hinweis „Entwurf“."
        ),
    )

    class Meta:
        model = LegalPage
        fields = [
            "owner",
            "kind",
            "title",
            "body",
            "compliance",
            "known_gaps",
            "prepared_on",
            "reviewed_on",
            "method",
            "ombuds_contact",
            "ombuds_contact_confirmed",
            "video",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirmed"].initial = self.instance.is_confirmed

    def clean_video(self):
        video = self.cleaned_data.get("video")
        # A newly uploaded file is inspected; a kept or cleared one needs nothing.
        if video and hasattr(video, "content_type"):
            self.video_info = inspect_video(video, video.size)
        return video

    def _post_clean(self) -> None:
        instance = self.instance
        if self.cleaned_data.get("confirmed"):
            instance.confirmed_at = instance.confirmed_at or timezone.now()
        else:
            instance.confirmed_at = None
        info = getattr(self, "video_info", None)
        if info is not None:
            instance.video_type, instance.video_size = info.content_type, info.size
            instance.video_seconds = info.seconds
        elif "video" in self.fields and not self.cleaned_data.get("video"):
            instance.video_type, instance.video_size, instance.video_seconds = "", None, None
        if self.has_changed():
            # An administrator's text: load_legal_drafts no longer replaces it.
            instance.edited_at = timezone.now()
        super()._post_clean()

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("kind") or self.instance.kind
        if kind != PageKind.SIGN_LANGUAGE and data.get("video"):
            self.add_error("video", _("Ein Video gehört nur auf die Seite „Gebärdensprache“."))
        return data
