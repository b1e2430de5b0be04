import functools
import math

from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers
from django_ratelimit.core import get_usage

from bielefeld_digital.errors import RETRY_AFTER
from bielefeld_digital.pager import paginate
from schools.forms import DistrictForm

from . import decks, markup, renders
from .forms import ComparisonForm, ReportFilterForm
from .models import Edition, Measure, Plan, ProgressReport
from .permissions import editable_measures
from .reports import build_snapshot, compare, frozen_report


def current_plan() -> Plan:
    """The public plan (an administrator's choice), with its last change; 404
    while none is public. Shared by every page, the staff area's too."""
    plan = Plan.objects.current()
    if plan is None:
        raise Http404("Es ist noch kein Plan öffentlich.")
    return plan


@require_safe
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def report(request: HttpRequest) -> HttpResponse:
    """The public progress report; with HTMX only the filtered list."""
    plan = current_plan()
    fields = list(plan.fields.all())
    form = ReportFilterForm(request.GET or None, fields=fields)
    measures = list(Measure.objects.for_plan(plan).for_report(plan))
    progress = ProgressReport.build(
        plan, fields, measures, timezone.localdate(), criteria=form.criteria()
    )
    editable = editable_measures(request.user)  # no query for the public
    template = "measures/report.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request,
        template,
        {
            "report": progress,
            "form": form,
            "editable": editable,
            "content_lang": plan.language,
        },
        status=status,
    )


# A district's schools on the measure page, a page at a time.
SCHOOLS_PER_PAGE = 50


@require_safe
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A measure; tracked per school, with its state per district, and the schools of
    the district chosen with `?bezirk=` (never all schools at once: a plan may
    cover thousands)."""
    plan = current_plan()
    try:
        measure = Measure.objects.for_plan(plan).for_report(plan).get(slug=slug)
    except Measure.DoesNotExist:
        raise Http404("Diese Maßnahme gibt es nicht.") from None
    districts, district_form, pager = [], None, None
    if measure.tracks_schools:
        scope = plan.schools(timezone.localdate())
        districts = scope.rollout_by_district(measure)
        if "bezirk" in request.GET:
            district_form = DistrictForm(
                request.GET, districts=[district.district for district in districts]
            )
            if district_form.is_valid():
                schools = (
                    scope.filter(district=district_form.district)
                    .with_state_of(measure)
                    .order_by("name", "school_number")
                )
                pager = paginate(
                    schools,
                    district_form.page_number,
                    SCHOOLS_PER_PAGE,
                    district_form.query_string,
                )
                if pager is None:
                    raise Http404("Diese Seite der Schulliste gibt es nicht.")
    staff = request.user.is_authenticated
    return render(
        request,
        "measures/detail.html",
        {
            "measure": measure,
            "plan": plan,
            "content_lang": plan.language,
            "districts": districts,
            "district_form": district_form,
            "pager": pager,
            "timeline": measure.timeline(public=not staff),
            "can_edit": staff and measure.can_be_edited_by(request.user),
        },
        status=400 if district_form is not None and not district_form.is_valid() else 200,
    )


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For the load balancer: 200 if the database answers, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        response = JsonResponse({"status": "error", "database": "unavailable"}, status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    return JsonResponse({"status": "ok", "database": "ok"})


def _edition(plan: Plan, slug: str) -> Edition:
    """A published edition, `plan`'s first; 404 if unknown or withdrawn.

    Editions of an earlier plan keep their addresses when a new plan is loaded.
    """
    editions = Edition.objects.published().filter(slug=slug)
    edition = editions.filter(plan=plan).first() or editions.first()
    if edition is None:
        raise Http404("Diesen Bericht gibt es nicht (mehr).")
    return edition


@require_safe
def editions(request: HttpRequest) -> HttpResponse:
    plan = current_plan()
    return render(
        request,
        "measures/editions.html",
        {"plan": plan, "editions": list(plan.editions.published()), "content_lang": plan.language},
    )


@require_safe
def edition(request: HttpRequest, slug: str) -> HttpResponse:
    plan = current_plan()
    edition = _edition(plan, slug)
    return render(
        request,
        "measures/edition.html",
        {
            "edition": edition,
            "report": frozen_report(edition.snapshot),
            "preface": markup.to_html(edition.preface),
            "content_lang": edition.snapshot["plan"]["language"],
            "editable": set(),
        },
    )


@require_safe
def comparison(request: HttpRequest) -> HttpResponse:
    """Changes between two editions, or between an edition and the live plan.

    Without parameters: since the latest edition.
    """
    plan = current_plan()
    published = list(plan.editions.published())
    if not published:
        return render(request, "measures/comparison.html", {"plan": plan, "no_editions": True})
    data = request.GET or {"von": published[0].slug, "bis": ComparisonForm.LIVE}
    form = ComparisonForm(data, editions=published, content_lang=plan.language)
    if not form.is_valid():
        return render(
            request,
            "measures/comparison.html",
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
        "measures/comparison.html",
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
        "measures/download_refused.html",
        {"busy": status == 503, "minutes": minutes},
        status=status,
    )
    response["Retry-After"] = str(retry_after)
    return response


def _download(deck: renders.DeckFile, kind: str, filename: str) -> HttpResponse:
    response = HttpResponse(renders.deck_file(deck, kind), content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
@render_endpoint
def report_pdf(request: HttpRequest) -> HttpResponse:
    deck = renders.live_deck(current_plan(), timezone.localdate())
    return _download(deck, "pdf", f"fortschrittsbericht-{deck.date:%Y-%m-%d}.pdf")


@require_safe
@render_endpoint
def report_pptx(request: HttpRequest) -> HttpResponse:
    deck = renders.live_deck(current_plan(), timezone.localdate())
    return _download(deck, "pptx", f"fortschrittsbericht-{deck.date:%Y-%m-%d}.pptx")


@require_safe
@render_endpoint
def edition_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    deck = renders.edition_deck(_edition(current_plan(), slug))
    return _download(deck, "pdf", f"{slug}.pdf")


@require_safe
@render_endpoint
def edition_pptx(request: HttpRequest, slug: str) -> HttpResponse:
    deck = renders.edition_deck(_edition(current_plan(), slug))
    return _download(deck, "pptx", f"{slug}.pptx")


def _presentation(request: HttpRequest, deck: renders.DeckFile, urls: dict) -> HttpResponse:
    pages = decks.deck_pages(*deck.arguments(), live=deck.live)
    return render(request, "measures/presentation.html", {**decks.context(pages), **urls})


@require_safe
@render_endpoint
def presentation(request: HttpRequest) -> HttpResponse:
    urls = {
        "back_url": reverse("measures:report"),
        "pdf_url": reverse("measures:report-pdf"),
        "pptx_url": reverse("measures:report-pptx"),
    }
    return _presentation(request, renders.live_deck(current_plan(), timezone.localdate()), urls)


@require_safe
@render_endpoint
def edition_presentation(request: HttpRequest, slug: str) -> HttpResponse:
    urls = {
        "back_url": reverse("measures:edition", args=[slug]),
        "pdf_url": reverse("measures:edition-pdf", args=[slug]),
        "pptx_url": reverse("measures:edition-pptx", args=[slug]),
    }
    return _presentation(request, renders.edition_deck(_edition(current_plan(), slug)), urls)
