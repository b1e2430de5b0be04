"""The pages the law requires (Impressum, Datenschutz, Barrierefreiheit, Leichte Sprache,
Gebärdensprache) and the feedback sent from the accessibility statement."""

import datetime
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from authorities.models import Authority, members_of, one_authority
from bielefeld_digital.text import MULTI_LINE, SINGLE_LINE

from .rendering import render_markdown

# Stated in the privacy text (legal/data/bielefeld/datenschutz.md); a test keeps them in step.
FEEDBACK_RETENTION = datetime.timedelta(days=365)

# "[vom Amt für Schule zu ergänzen: Telefonnummer]": a fact the draft could not know.
PLACEHOLDER = re.compile(r"\[[^\]]*zu (ergänzen|prüfen)[^\]]*\]")

# The accounts backend, named because settings list two (axes checks locks first).
_MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


class PageKind(models.TextChoices):
    IMPRINT = "impressum", _("Impressum")
    PRIVACY = "datenschutz", _("Datenschutz")
    ACCESSIBILITY = "barrierefreiheit", _("Barrierefreiheit")
    EASY_LANGUAGE = "leichte-sprache", _("Leichte Sprache")
    SIGN_LANGUAGE = "gebaerdensprache", _("Gebärdensprache")

    @property
    def url_name(self) -> str:
        return _URL_NAMES[self]

    @property
    def description(self) -> str:
        """The page's meta description."""
        return _DESCRIPTIONS[self]


_URL_NAMES = {
    PageKind.IMPRINT: "legal:imprint",
    PageKind.PRIVACY: "legal:privacy",
    PageKind.ACCESSIBILITY: "legal:accessibility",
    PageKind.EASY_LANGUAGE: "legal:easy-language",
    PageKind.SIGN_LANGUAGE: "legal:sign-language",
}


_DESCRIPTIONS = {
    PageKind.IMPRINT: _(
        "Impressum: wer den Schuldigital-Monitor anbietet und wie Sie uns erreichen."
    ),
    PageKind.PRIVACY: _(
        "Datenschutzerklärung: welche Daten der Schuldigital-Monitor verarbeitet, wozu und "
        "wie lange."
    ),
    PageKind.ACCESSIBILITY: _(
        "Erklärung zur Barrierefreiheit des Schuldigital-Monitors nach BITV NRW, mit Formular "
        "für Rückmeldungen."
    ),
    PageKind.EASY_LANGUAGE: _(
        "Der Schuldigital-Monitor in Leichter Sprache: was die Seite anbietet und wie Sie sie "
        "benutzen."
    ),
    PageKind.SIGN_LANGUAGE: _(
        "Der Schuldigital-Monitor in Deutscher Gebärdensprache: ein Video und seine Textfassung."
    ),
}


class Compliance(models.TextChoices):
    FULL = "full", _("vollständig vereinbar")
    PARTIAL = "partial", _("teilweise vereinbar")
    NONE = "none", _("nicht vereinbar")


class Method(models.TextChoices):
    SELF_ASSESSMENT = "self", _("Selbstbewertung")
    EXTERNAL = "external", _("Prüfung durch eine unabhängige Stelle")


class LegalPageQuerySet(models.QuerySet):
    def of(self, authority) -> "LegalPageQuerySet":
        """The pages of `authority` (an Authority, its pk or a query of one)."""
        return self.filter(owner=one_authority(authority))

    def unconfirmed(self) -> "LegalPageQuerySet":
        return self.filter(confirmed_at__isnull=True)

    def put_draft(self, owner: Authority, kind: PageKind, **values) -> str:
        """Create `owner`'s page or refresh an untouched draft; never replace an
        administrator's text. Returns "created", "updated", "unchanged" or "kept"."""
        with transaction.atomic():
            # Locked, so that an administrator's save cannot fall between check and write.
            page = self.select_for_update().filter(owner=owner, kind=kind).first()
            if page is None:
                self.create(owner=owner, kind=kind, **values)
                return "created"
            if not page.is_untouched_draft:
                return "kept"
            changed = [name for name, value in values.items() if getattr(page, name) != value]
            if not changed:
                return "unchanged"
            for name in changed:
                setattr(page, name, values[name])
            page.save(update_fields=changed)
            return "updated"

    def missing_kinds(self) -> list[PageKind]:
        """The required pages nobody has created yet (ask `of(authority)`). One query."""
        present = set(self.values_list("kind", flat=True))
        return [kind for kind in PageKind if kind not in present]


def video_path(page: "LegalPage", filename: str) -> str:
    """Each Schulträger's uploads in a folder of their own: names never clash."""
    return f"legal/{page.owner_id}/video/{filename}"


def lacking_pages(authorities: models.QuerySet) -> models.QuerySet:
    """The `authorities` that lack one of the required pages."""
    return authorities.annotate(page_count=Count("legal_pages")).filter(
        page_count__lt=len(PageKind)
    )


class LegalPage(models.Model):
    """One required page. Its text is Markdown (no raw HTML), written in German.

    Drafts come from `load_legal_drafts`; an administrator confirms a page once its
    facts are checked. Until then staff see a notice on it, the public sees the text.
    """

    # The Schulträger whose page it is: its address shows its own pages only.
    owner = models.ForeignKey(
        "authorities.Authority",
        on_delete=models.PROTECT,
        related_name="legal_pages",
        verbose_name=_("Schulträger"),
    )
    kind = models.CharField(_("Seite"), max_length=30, choices=PageKind.choices)
    title = models.CharField(_("Überschrift"), max_length=200, validators=[SINGLE_LINE])
    body = models.TextField(
        _("Text"),
        blank=True,
        help_text=_(
            "Markdown: „## Überschrift“, Absätze durch eine Leerzeile, „- “ für Listen, "
            "[Linktext](https://…). HTML wird nicht übernommen."
        ),
        validators=[MULTI_LINE],
    )
    # The accessibility statement (the parts BITV NRW asks for).
    compliance = models.CharField(
        _("Stand der Vereinbarkeit"), max_length=10, choices=Compliance.choices, blank=True
    )
    known_gaps = models.TextField(
        _("Nicht barrierefreie Inhalte"),
        blank=True,
        help_text=_("Was nicht barrierefrei ist und warum, in Markdown."),
        validators=[MULTI_LINE],
    )
    prepared_on = models.DateField(_("Erklärung erstellt am"), null=True, blank=True)
    reviewed_on = models.DateField(_("Zuletzt überprüft am"), null=True, blank=True)
    method = models.CharField(
        _("Methode"), max_length=10, choices=Method.choices, default=Method.SELF_ASSESSMENT
    )
    ombuds_contact = models.TextField(
        _("Kontakt der Schlichtungsstelle"),
        blank=True,
        help_text=_("Anschrift und Kontaktwege der Ombudsstelle, in Markdown."),
        validators=[MULTI_LINE],
    )
    ombuds_contact_confirmed = models.BooleanField(
        _("Kontakt der Schlichtungsstelle geprüft"),
        default=False,
        help_text=_("Erst ankreuzen, wenn Anschrift und Kontaktwege bei der Stelle geprüft sind."),
    )
    # The sign-language video, uploaded in the admin and served by legal.views.video.
    video = models.FileField(_("Video in Gebärdensprache"), upload_to=video_path, blank=True)
    video_type = models.CharField(_("Videoformat"), max_length=20, blank=True, editable=False)
    video_size = models.PositiveBigIntegerField(_("Dateigröße"), null=True, editable=False)
    video_seconds = models.FloatField(_("Länge in Sekunden"), null=True, editable=False)

    edited_at = models.DateTimeField(
        _("in der Verwaltung bearbeitet am"), null=True, editable=False
    )
    confirmed_at = models.DateTimeField(_("bestätigt am"), null=True, blank=True, editable=False)

    objects = LegalPageQuerySet.as_manager()
    authority_path = "owner"  # authorities.models.in_staff_area

    class Meta:
        verbose_name = _("Pflichtseite")
        verbose_name_plural = _("Pflichtseiten")
        ordering = ["owner", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "kind"],
                name="legalpage_one_of_each_kind",
                violation_error_message=_("Diese Seite hat der Schulträger schon."),
            ),
            models.CheckConstraint(
                condition=Q(reviewed_on__gte=models.F("prepared_on"))
                | Q(reviewed_on__isnull=True)
                | Q(prepared_on__isnull=True),
                name="legalpage_reviewed_after_prepared",
                violation_error_message=_(
                    "Die Erklärung kann nicht vor ihrer Erstellung überprüft worden sein."
                ),
            ),
            models.CheckConstraint(
                condition=Q(video="")
                | Q(video_type__gt="", video_size__isnull=False, video_seconds__isnull=False),
                name="legalpage_video_described",
                violation_error_message=_("Zu einem Video gehören Format, Größe und Länge."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(PageKind(self.kind).url_name)

    @property
    def description(self) -> str:
        return PageKind(self.kind).description

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def is_untouched_draft(self) -> bool:
        """Nobody has edited or confirmed it: a newer shipped draft may replace it."""
        return self.edited_at is None and self.confirmed_at is None

    @property
    def video_length(self) -> str:
        """ "4:05" (minutes and seconds), as the page states it."""
        minutes, seconds = divmod(round(self.video_seconds or 0), 60)
        return f"{minutes}:{seconds:02d}"

    def body_html(self) -> str:
        return render_markdown(self.body, line_breaks=self.kind == PageKind.EASY_LANGUAGE)

    def known_gaps_html(self) -> str:
        return render_markdown(self.known_gaps)

    def ombuds_contact_html(self) -> str:
        return render_markdown(self.ombuds_contact)

    def placeholders(self) -> list[str]:
        """The "[… zu ergänzen …]" marks still in the texts."""
        texts = [self.title, self.body, self.known_gaps, self.ombuds_contact]
        return [match.group(0) for text in texts for match in PLACEHOLDER.finditer(text)]

    def confirmation_problems(self) -> list[str]:
        """Why the page cannot be confirmed yet; empty when it can."""
        problems = []
        if not self.body.strip():
            problems.append(_("Der Text ist leer."))
        if self.placeholders():
            problems.append(
                _("Der Text enthält noch Platzhalter: %(marks)s")
                % {"marks": "; ".join(self.placeholders())}
            )
        if self.kind == PageKind.ACCESSIBILITY:
            if not self.compliance:
                problems.append(_("Der Stand der Vereinbarkeit fehlt."))
            if not (self.prepared_on and self.reviewed_on):
                problems.append(_("Das Datum der Erstellung und der letzten Überprüfung fehlen."))
            if not self.ombuds_contact_confirmed:
                problems.append(_("Der Kontakt der Schlichtungsstelle ist noch nicht geprüft."))
        return problems

    def clean(self) -> None:
        super().clean()
        if self.is_confirmed and (problems := self.confirmation_problems()):
            raise ValidationError(problems)


class FeedbackQuerySet(models.QuerySet):
    def expired(self, now: datetime.datetime | None = None) -> "FeedbackQuerySet":
        """Feedback older than the retention period the privacy text promises."""
        return self.filter(received_at__lt=(now or timezone.now()) - FEEDBACK_RETENTION)


class Feedback(models.Model):
    """A report of an accessibility barrier (the feedback mechanism BITV NRW asks for).

    Only what answering needs: a name and address are optional, the address is
    required only when the person wants an answer.
    """

    # The Schulträger at whose address it was sent: its staff receive it.
    owner = models.ForeignKey(
        "authorities.Authority",
        on_delete=models.PROTECT,
        related_name="feedback",
        verbose_name=_("Schulträger"),
    )
    received_at = models.DateTimeField(_("eingegangen am"), default=timezone.now, db_index=True)
    name = models.CharField(_("Name"), max_length=200, blank=True, validators=[SINGLE_LINE])
    email = models.EmailField(_("E-Mail-Adresse"), blank=True, validators=[SINGLE_LINE])
    wants_reply = models.BooleanField(_("möchte eine Antwort"), default=False)
    page = models.CharField(
        _("Betroffene Seite"), max_length=500, blank=True, validators=[SINGLE_LINE]
    )
    message = models.TextField(_("Nachricht"), max_length=5000, validators=[MULTI_LINE])
    handled = models.BooleanField(_("erledigt"), default=False)

    objects = FeedbackQuerySet.as_manager()
    authority_path = "owner"  # authorities.models.in_staff_area

    class Meta:
        verbose_name = _("Rückmeldung zur Barrierefreiheit")
        verbose_name_plural = _("Rückmeldungen zur Barrierefreiheit")
        ordering = ["-received_at", "-pk"]
        permissions = [("receive_feedback", _("Erhält Rückmeldungen zur Barrierefreiheit"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(wants_reply=False) | ~Q(email=""),
                name="feedback_reply_needs_email",
                violation_error_message=_("Für eine Antwort brauchen wir Ihre E-Mail-Adresse."),
            ),
        ]

    def __str__(self) -> str:
        return _("Rückmeldung vom %(date)s") % {
            "date": timezone.localtime(self.received_at).strftime("%d.%m.%Y %H:%M")
        }

    def get_absolute_url(self) -> str:
        return reverse("admin:legal_feedback_change", args=[self.pk])

    @staticmethod
    def recipients(owner: Authority) -> list[str]:
        """Addresses of `owner`'s active staff accounts given "Erhält Rückmeldungen
        zur Barrierefreiheit". Staff status, because the mail's link leads into the
        admin.

        Superusers are left out on purpose: receiving is an explicit assignment.
        """
        users = get_user_model().objects.with_perm(
            "legal.receive_feedback", include_superusers=False, backend=_MODEL_BACKEND
        )
        users = members_of(users, Authority.objects.filter(pk=owner.pk).values("pk"))
        users = users.filter(is_staff=True).exclude(email="")
        return sorted(set(users.values_list("email", flat=True)))

    def notify(self, link: str) -> int:
        """Tell the recipients there is new feedback; returns how many were told.

        The mail carries a link to the admin, not the message or the sender's data:
        personal data stays in the portal instead of spreading across mailboxes.
        """
        recipients = self.recipients(self.owner)
        if not recipients:
            return 0
        send_mail(
            subject=str(_("Neue Rückmeldung zur Barrierefreiheit")),
            message=str(
                _(
                    "Über das Formular der Erklärung zur Barrierefreiheit ist eine Rückmeldung "
                    "eingegangen%(reply)s.\n\nSie steht in der Verwaltung:\n%(link)s\n"
                )
                % {
                    "reply": _(" (eine Antwort ist erbeten)") if self.wants_reply else "",
                    "link": link,
                }
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=recipients,
        )
        return len(recipients)
