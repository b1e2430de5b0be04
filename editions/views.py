"""The report editions' public pages and every deck: the live report's and each
edition's PDF, PowerPoint and presentation."""

import functools
import math

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe
from django_ratelimit.core import get_usage

from measures.models import Plan
from measures.views import shown_plan

from . import decks, markup, renders
from .forms import ComparisonForm
from .models import Edition
from .reports import Frozen, build_snapshot, compare, status_history


class Moved(Exception):
    """An edition asked for at the top is one of an earlier plan: it lives at that
    plan's address now (see `with_moves`)."""

    def __init__(self, url: str):
        self.url = url


def with_moves(view):
    """Redirect where `_edition` found the edition under its plan's address."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Moved as moved:
            return redirect(moved.url)

    return wrapped


def _edition(request: HttpRequest, plan: Plan, slug: str, at_top: bool) -> Edition:
    """A published edition of `plan`; 404 if unknown or withdrawn.

    At the top (`at_top`, the current plan's addresses), an edition of an earlier
    public plan raises Moved to its plan's address of the same page: links to it
    from before the new plan keep working.
    """
    editions = Edition.objects.published().filter(slug=slug)
    edition = editions.filter(plan=plan).first()
    if edition is None and at_top:
        public = Plan.objects.of(plan.owner_id).public()
        earlier = editions.filter(plan__in=public).select_related("plan").first()
        if earlier is not None:
            page = f"editions:{request.resolver_match.url_name}"
            raise Moved(earlier.plan.reverse(page, slug=slug))
    if edition is None:
        raise Http404("Diesen Bericht gibt es nicht (mehr).")
    edition.plan = plan  # the one loaded, not a query more
    return edition


@require_safe
def editions(request: HttpRequest, plan: str | None = None) -> HttpResponse:
    plan = shown_plan(request, plan)
    published = list(plan.editions.published())
    history = status_history(plan, published, timezone.localdate()) if published else []
    return render(
        request,
        "editions/editions.html",
        {
            "plan": plan,
            "editions": published,
            "history": history,
            "content_lang": plan.language,
        },
    )


@require_safe
@with_moves
def edition(request: HttpRequest, slug: str, plan: str | None = None) -> HttpResponse:
    edition = _edition(request, shown_plan(request, plan), slug, at_top=plan is None)
    frozen = Frozen.of(edition.snapshot)
    return render(
        request,
        "editions/edition.html",
        {
            "edition": edition,
            "plan": edition.plan,
            "report": frozen.report(),
            "budget": frozen.budget(),
            "preface": markup.to_html(edition.preface),
            "content_lang": edition.snapshot["plan"]["language"],
            "editable": set(),
        },
    )


@require_safe
def comparison(request: HttpRequest, plan: str | None = None) -> HttpResponse:
    """Changes between two editions of a plan, or between one and the live plan.

    Without parameters: since the latest edition.
    """
    plan = shown_plan(request, plan)
    published = list(plan.editions.published())
    if not published:
        return render(request, "editions/comparison.html", {"plan": plan, "no_editions": True})
    data = request.GET or {"von": published[0].slug, "bis": ComparisonForm.LIVE}
    form = ComparisonForm(data, editions=published, content_lang=plan.language)
    if not form.is_valid():
        return render(
            request,
            "editions/comparison.html",
            {"plan": plan, "form": form, "content_lang": plan.language},
            status=400,
        )
    by_slug = {edition.slug: edition for edition in published}
    old = by_slug[form.cleaned_data["von"]]
    if form.cleaned_data["bis"] == ComparisonForm.LIVE:
        new_snapshot, new_label = build_snapshot(plan, timezone.localdate()), None
    else:
        new = by_slug[form.cleaned_data["bis"]]
        new_snapshot, new_label = new.snapshot, new
    return render(
        request,
        "editions/comparison.html",
        {
            "plan": plan,
            "form": form,
            "old": old,
            "new": new_label,
            "comparison": compare(old.snapshot, new_snapshot),
            "content_lang": plan.language,
        },
    )


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}

# Anonymous requests to the decks and presentations, counted per client address
# (as axes sees it, so a proxy is accounted for) over all six together. Someone
# reading the reports opens a few; a council room behind one address still has
# room; a script pulling files in a loop is stopped. Logged-in staff are not
# counted. Each gunicorn worker counts on its own (see RATELIMIT_USE_CACHE).
RENDER_RATE = "30/10m"
# How long to wait for another request rendering the same file (renders.RenderBusy).
BUSY_RETRY_SECONDS = 10


def render_endpoint(view):
    """A view that renders the deck: rate-limited for anonymous clients (429), and
    503 while the same file has been rendering too long for another request."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            usage = get_usage(
                request, group="measures.renders", key="ip", rate=RENDER_RATE, increment=True
            )
            if usage and usage["should_limit"]:
                return _refused(request, 429, max(usage["time_left"], 1))
        try:
            return view(request, *args, **kwargs)
        except renders.RenderBusy:
            return _refused(request, 503, BUSY_RETRY_SECONDS)

    return wrapped


def _refused(request: HttpRequest, status: int, retry_after: int) -> HttpResponse:
    minutes = math.ceil(retry_after / 60)
    response = render(
        request,
        "editions/download_refused.html",
        {"busy": status == 503, "minutes": minutes},
        status=status,
    )
    response["Retry-After"] = str(retry_after)
    return response


def _download(deck: renders.DeckFile, kind: str, plan: Plan, stem: str) -> HttpResponse:
    """The deck as `<authority>-<stem>.<kind>`: two Schulträger's never share a name."""
    response = HttpResponse(renders.deck_file(deck, kind), content_type=CONTENT_TYPES[kind])
    filename = plan.owner.file_name(f"{stem}.{kind}")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
@render_endpoint
def report_pdf(request: HttpRequest, plan: str | None = None) -> HttpResponse:
    shown = shown_plan(request, plan)
    deck = renders.live_deck(shown, timezone.localdate())
    return _download(deck, "pdf", shown, f"fortschrittsbericht-{deck.date:%Y-%m-%d}")


@require_safe
@render_endpoint
def report_pptx(request: HttpRequest, plan: str | None = None) -> HttpResponse:
    shown = shown_plan(request, plan)
    deck = renders.live_deck(shown, timezone.localdate())
    return _download(deck, "pptx", shown, f"fortschrittsbericht-{deck.date:%Y-%m-%d}")


@require_safe
@render_endpoint
@with_moves
def edition_pdf(request: HttpRequest, slug: str, plan: str | None = None) -> HttpResponse:
    shown = shown_plan(request, plan)
    deck = renders.edition_deck(_edition(request, shown, slug, at_top=plan is None))
    return _download(deck, "pdf", shown, slug)


@require_safe
@render_endpoint
@with_moves
def edition_pptx(request: HttpRequest, slug: str, plan: str | None = None) -> HttpResponse:
    shown = shown_plan(request, plan)
    deck = renders.edition_deck(_edition(request, shown, slug, at_top=plan is None))
    return _download(deck, "pptx", shown, slug)


def _presentation(request: HttpRequest, deck: renders.DeckFile, urls: dict) -> HttpResponse:
    pages = decks.deck_pages(*deck.arguments(), live=deck.live)
    return render(request, "editions/presentation.html", {**decks.context(pages), **urls})


@require_safe
@render_endpoint
def presentation(request: HttpRequest, plan: str | None = None) -> HttpResponse:
    plan = shown_plan(request, plan)
    urls = {
        "back_url": plan.reverse("measures:report"),
        "pdf_url": plan.reverse("editions:report-pdf"),
        "pptx_url": plan.reverse("editions:report-pptx"),
    }
    return _presentation(request, renders.live_deck(plan, timezone.localdate()), urls)


@require_safe
@render_endpoint
@with_moves
def edition_presentation(request: HttpRequest, slug: str, plan: str | None = None) -> HttpResponse:
    edition = _edition(request, shown_plan(request, plan), slug, at_top=plan is None)
    urls = {
        "back_url": edition.plan.reverse("editions:detail", slug=slug),
        "pdf_url": edition.plan.reverse("editions:pdf", slug=slug),
        "pptx_url": edition.plan.reverse("editions:pptx", slug=slug),
    }
    return _presentation(request, renders.edition_deck(edition), urls)
