from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from bielefeld_digital.errors import RETRY_AFTER
from bielefeld_digital.pager import paginate
from schools.forms import DistrictForm

from . import decks, markup
from .forms import ComparisonForm, ReportFilterForm
from .models import Edition, Measure, Plan, ProgressReport
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
    editable = (
        set(Measure.objects.editable_by(request.user).values_list("pk", flat=True))
        if request.user.is_authenticated
        else set()
    )
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


PDF = "application/pdf"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def _live_deck() -> tuple:
    """The live plan as a deck: (snapshot, title, date, reference, preface, baseline).

    Its Stand is the plan's last change, as on the page; overdue measures are
    judged as of today, the day the deck says it was retrieved (see decks.Cover).
    Its changes are counted since the latest published edition.
    """
    plan = current_plan()
    today = timezone.localdate()
    stand = plan.last_change_date or today
    baseline = decks.Baseline.of(plan.editions.published().first())
    return build_snapshot(plan, today), _("Fortschrittsbericht"), stand, "", "", baseline


def _edition_deck(edition: Edition, previous: Edition | None) -> tuple:
    """A published edition as a deck, its changes counted since `previous`."""
    baseline = decks.Baseline.of(previous)
    return (
        edition.snapshot,
        edition.title,
        edition.date,
        edition.reference,
        edition.preface,
        baseline,
    )


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def report_pdf(request: HttpRequest) -> HttpResponse:
    deck = _live_deck()
    filename = f"fortschrittsbericht-{deck[2]:%Y-%m-%d}.pdf"
    return _download(decks.render_pdf(*deck, live=True), PDF, filename)


@require_safe
def report_pptx(request: HttpRequest) -> HttpResponse:
    deck = _live_deck()
    filename = f"fortschrittsbericht-{deck[2]:%Y-%m-%d}.pptx"
    return _download(decks.render_pptx(*deck, live=True), PPTX, filename)


def _edition_file(slug: str, kind: str, render_file) -> bytes:
    """An edition's PDF or PPTX, rendered once per language: an edition never changes.

    The cache key holds the edition's pk, so a withdrawn and republished slug
    cannot be served an old file.
    """
    edition = _edition(current_plan(), slug)
    # Withdrawing the previous edition changes what this one's deck compares with.
    # Its snapshot is read only when the file is rendered, not for every download.
    key = f"edition-file:{edition.pk}:{edition.previous_pk() or 0}:{kind}:{get_language()}"
    return cache.get_or_set(
        key, lambda: render_file(*_edition_deck(edition, edition.previous())), timeout=None
    )


@require_safe
def edition_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    content = _edition_file(slug, "pdf", decks.render_pdf)
    return _download(content, PDF, f"{slug}.pdf")


@require_safe
def edition_pptx(request: HttpRequest, slug: str) -> HttpResponse:
    content = _edition_file(slug, "pptx", decks.render_pptx)
    return _download(content, PPTX, f"{slug}.pptx")


def _presentation(
    request: HttpRequest, deck: tuple, urls: dict, *, live: bool = False
) -> HttpResponse:
    pages = decks.deck_pages(*deck, live=live)
    return render(request, "measures/presentation.html", {**decks.context(pages), **urls})


@require_safe
def presentation(request: HttpRequest) -> HttpResponse:
    urls = {
        "back_url": reverse("measures:report"),
        "pdf_url": reverse("measures:report-pdf"),
        "pptx_url": reverse("measures:report-pptx"),
    }
    return _presentation(request, _live_deck(), urls, live=True)


@require_safe
def edition_presentation(request: HttpRequest, slug: str) -> HttpResponse:
    urls = {
        "back_url": reverse("measures:edition", args=[slug]),
        "pdf_url": reverse("measures:edition-pdf", args=[slug]),
        "pptx_url": reverse("measures:edition-pptx", args=[slug]),
    }
    edition = _edition(current_plan(), slug)
    return _presentation(request, _edition_deck(edition, edition.previous()), urls)
