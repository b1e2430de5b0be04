"""The legal pages, the accessibility feedback form and the sign-language video."""

import logging
import smtplib

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.core import is_ratelimited

from authorities.models import authority_of
from bielefeld_digital.signals import client_address

from .forms import FeedbackForm
from .models import LegalPage, PageKind
from .video import ranged_response

logger = logging.getLogger(__name__)

# Per client address (as axes sees it, so a proxy is accounted for), every
# submission counted, valid or not. A school behind one address still has room.
FEEDBACK_RATE = "10/h"


def _feedback_client(group: str, request: HttpRequest) -> str:
    return client_address(request)


def _page(request: HttpRequest, kind: PageKind) -> LegalPage:
    """The page of the authority the request is for (authorities.models.authority_of)."""
    pages = LegalPage.objects.of(authority_of(request)).select_related("owner")
    return get_object_or_404(pages, kind=kind)


@require_safe
def text_page(request: HttpRequest, kind: PageKind) -> HttpResponse:
    """Impressum, Datenschutz, Leichte Sprache: a title and a text."""
    page = _page(request, kind)
    return render(request, "legal/page.html", {"page": page})


@require_http_methods(["GET", "HEAD", "POST"])
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement and its feedback form (422 invalid, 429 too many)."""
    page = _page(request, PageKind.ACCESSIBILITY)
    status = 200
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        valid = form.is_valid()
        if is_ratelimited(
            request,
            group="legal.feedback",
            key=_feedback_client,
            rate=FEEDBACK_RATE,
            increment=True,
        ):
            form.add_error(None, FeedbackForm.RATE_LIMITED)
            status = 429
        elif valid:
            feedback = form.save(owner=page.owner)
            _notify(request, feedback)
            return redirect("legal:feedback-sent")
        else:
            status = 422
        form.renew_token()
    else:
        form = FeedbackForm()
    return render(request, "legal/accessibility.html", {"page": page, "form": form}, status=status)


def _notify(request: HttpRequest, feedback) -> None:
    # The feedback is stored already; a mail server that is down must not lose it.
    try:
        feedback.notify(request.build_absolute_uri(feedback.get_absolute_url()))
    except (OSError, smtplib.SMTPException):
        logger.exception("Benachrichtigung über Rückmeldung %s nicht versandt", feedback.pk)


@require_safe
def feedback_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "legal/feedback_sent.html")


@require_safe
def sign_language(request: HttpRequest) -> HttpResponse:
    page = _page(request, PageKind.SIGN_LANGUAGE)
    return render(request, "legal/sign_language.html", {"page": page})


@require_safe
def video(request: HttpRequest) -> HttpResponse:
    """The sign-language video from MEDIA_ROOT, in byte ranges so that players can seek."""
    page = _page(request, PageKind.SIGN_LANGUAGE)
    if not page.video:
        raise Http404("Es ist noch kein Video hochgeladen.")
    try:
        file = page.video.open("rb")
    except FileNotFoundError:
        logger.error("Video der Seite Gebärdensprache fehlt: %s", page.video.name)
        raise Http404("Das Video fehlt.") from None
    return ranged_response(file, page.video.size, page.video_type, request.headers.get("Range"))
