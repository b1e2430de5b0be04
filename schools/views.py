"""The public school pages: the plan's schools, one school's page, the data sources."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from bielefeld_digital.pager import paginate
from measures.models import Measure
from measures.views import current_plan

from .forms import SchoolFilterForm
from .models import is_school_number
from .sources import DATA_SOURCES

SCHOOLS_PER_PAGE = 50


def _not_found(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "schools/not_found.html", {"message": message}, status=404)


@require_safe
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def school_list(request: HttpRequest) -> HttpResponse:
    """The schools in the plan's scope today, searched and filtered; with HTMX only
    the results. Invalid filters: 400 with the errors, above the unfiltered list."""
    plan = current_plan()
    scope = plan.schools(timezone.localdate())
    form = SchoolFilterForm(request.GET or None, schools=scope)
    schools = form.filter(scope).with_rollout_share(plan).order_by("name", "school_number")
    pager = paginate(schools, form.page_number, SCHOOLS_PER_PAGE, form.query_string)
    if pager is None:
        return _not_found(
            request,
            _("Diese Seite der Schulliste gibt es nicht: Die Liste hat weniger Seiten."),
        )
    template = "schools/list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request,
        template,
        {"plan": plan, "form": form, "pager": pager, "schools": pager.items},
        status=status,
    )


@require_safe
def school_detail(request: HttpRequest, school_number: str) -> HttpResponse:
    """ "Meine Schule": one school of the plan's scope and every measure's state there."""
    if not is_school_number(school_number):
        return _not_found(request, _("Eine Schulnummer besteht aus sechs Ziffern."))
    plan = current_plan()
    school = plan.schools(timezone.localdate()).filter(school_number=school_number).first()
    if school is None:
        return _not_found(
            request,
            _("Eine Schule mit der Schulnummer %(number)s gehört nicht zum Plan.")
            % {"number": school_number},
        )
    # No per-school counts: the page shows this school's state, and entered counts.
    measures = list(Measure.objects.for_plan(plan).for_report().with_tracking().at_school(school))
    return render(
        request,
        "schools/detail.html",
        {
            "plan": plan,
            "school": school,
            "tracked": [measure for measure in measures if measure.tracks_schools],
            "city_wide": [
                measure
                for measure in measures
                if not measure.tracks_schools and measure.field.for_plan_schools
            ],
            "content_lang": plan.language,
        },
    )


@require_safe
def sources(request: HttpRequest) -> HttpResponse:
    return render(request, "schools/sources.html", {"sources": DATA_SOURCES})
