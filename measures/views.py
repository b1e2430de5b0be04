from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from authorities.models import Authority, authority_of
from bielefeld_digital.errors import RETRY_AFTER
from bielefeld_digital.htmx import page_or_partial
from bielefeld_digital.pager import paginate
from schools.forms import DistrictForm, SchoolFilterForm
from schools.models import is_school_number

from .charts import school_map
from .forms import ReportFilterForm
from .models import Measure, Plan, ProgressReport, Stage
from .money import PlanBudget
from .permissions import editable_measures, refuse
from .rollout import SchoolState, map_of, rollout_by_district, with_rollout_share, with_state_of

NO_CURRENT_PLAN = "Es ist noch kein Plan öffentlich."


def current_plan(request: HttpRequest) -> Plan:
    """The current plan of the authority the request is for (an administrator's
    choice), with its last change; 404 while none is current. Shared by the pages
    at the top and the staff area."""
    plan = Plan.objects.of(authority_of(request)).current()
    if plan is None:
        raise Http404(NO_CURRENT_PLAN)
    return plan


def staff_plan(request: HttpRequest, *, required: bool = True) -> Plan | None:
    """The current plan of the authority the request is for, for its staff area:
    403 (logged) for someone who works for another Schulträger
    (Authority.objects.staffed_by); while none is current, 404 (None if not
    `required`). The check is part of the plan's query: no query more."""
    plans = Plan.objects.of(authority_of(request))
    plan = plans.filter(owner__in=Authority.objects.staffed_by(request.user)).current()
    if plan is None and plans.filter(stage=Stage.CURRENT).exists():
        refuse(request, "im Verwaltungsbereich eines anderen Schulträgers arbeiten")
    if plan is None and required:
        raise Http404(NO_CURRENT_PLAN)
    return plan


def shown_plan(request: HttpRequest, slug: str | None) -> Plan:
    """The plan a public page shows, of the authority the request is for: the
    current one at the top (`slug` None), any public plan, earlier ones included,
    under /plaene/<slug>/ (Plan.reverse); 404 for a plan in preparation, another
    authority's or an unknown one."""
    if slug is None:
        return current_plan(request)
    plans = Plan.objects.of(authority_of(request)).public()
    plan = plans.with_last_change().filter(slug=slug).first()
    if plan is None:
        raise Http404("Diesen Plan gibt es nicht oder er ist nicht öffentlich.")
    return plan


@require_safe
def plans(request: HttpRequest) -> HttpResponse:
    """Every public plan, newest first: the current one and the earlier ones."""
    plans = Plan.objects.of(authority_of(request)).public()
    return render(request, "measures/plans.html", {"plans": list(plans)})


@require_safe
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def report(request: HttpRequest, plan: str | None = None) -> HttpResponse:
    """The public progress report; with HTMX only the filtered list."""
    plan = shown_plan(request, plan)
    fields = list(plan.fields.all())
    form = ReportFilterForm(request.GET or None, fields=fields)
    measures = list(Measure.objects.for_plan(plan).for_report(plan).with_school_indicators())
    progress = ProgressReport.build(
        plan, fields, measures, timezone.localdate(), criteria=form.criteria()
    )
    # The staff area works on the current plan only (no query for the public).
    editable = editable_measures(request.user) if plan.is_current else set()
    template = page_or_partial(request, "measures/report.html", "results")
    # The money is above the filtered list, which is all an HTMX request renders.
    budget = PlanBudget.of(plan) if template == "measures/report.html" else None
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request,
        template,
        {
            "report": progress,
            "plan": plan,
            "budget": budget,
            "form": form,
            "editable": editable,
            "content_lang": plan.language,
        },
        status=status,
    )


# A district's schools on the measure page, a page at a time.
SCHOOLS_PER_PAGE = 50


@require_safe
def detail(request: HttpRequest, slug: str, plan: str | None = None) -> HttpResponse:
    """A measure; tracked per school, with its state per district, and the schools of
    the district chosen with `?bezirk=` (never all schools at once: a plan may
    cover thousands). At the top, a measure of an earlier plan redirects to its
    plan's address, so links from before a new plan keep working."""
    at_top, plan = plan is None, shown_plan(request, plan)
    try:
        measure = Measure.objects.for_plan(plan).for_report(plan).with_lineage().get(slug=slug)
    except Measure.DoesNotExist:
        if at_top:
            public = Plan.objects.of(plan.owner_id).public()
            earlier = Measure.objects.filter(plan__in=public, slug=slug)
            moved = earlier.select_related("field__plan").order_by("-plan__period_start").first()
            if moved is not None:
                return redirect(moved)
        raise Http404("Diese Maßnahme gibt es nicht.") from None
    districts, district_form, pager, school_states, places = [], None, None, [], None
    school_pages: set[int] = set()
    if measure.tracks_schools:
        scope = measure.schools(timezone.localdate())
        districts = rollout_by_district(scope, measure)
        places = school_map(map_of(scope, measure))
        if "bezirk" in request.GET:
            district_form = DistrictForm(
                request.GET, districts=[district.district for district in districts]
            )
            if district_form.is_valid():
                schools = with_state_of(
                    scope.filter(district=district_form.district), measure
                ).order_by("name", "school_number")
                pager = paginate(
                    schools,
                    district_form.page_number,
                    SCHOOLS_PER_PAGE,
                    district_form.query_string,
                )
                if pager is None:
                    raise Http404("Diese Seite der Schulliste gibt es nicht.")
                school_states = [
                    SchoolState(school, school.rollout_state, school.rollout_date)
                    for school in pager.items
                ]
                # Every school a measure concerns has a page (Plan.covered_schools),
                # the current plan's: an earlier plan's states are not on it.
                if plan.is_current:
                    school_pages = {state.school.pk for state in school_states}
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
            "school_states": school_states,
            "school_pages": school_pages,
            "school_map": places,
            "budget_lines": list(measure.budget_lines.all()),
            "indicators": measure.indicator_list,
            "timeline": measure.timeline(public=not staff),
            "rollout_series": measure.rollout_series(),
            "lineage": measure.lineage(),
            "can_edit": staff and plan.is_current and measure.can_be_edited_by(request.user),
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


# The public school list, a page at a time.
SCHOOL_LIST_PER_PAGE = 50


def _not_found(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "measures/school_not_found.html", {"message": message}, status=404)


@require_safe
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def school_list(request: HttpRequest) -> HttpResponse:
    """The schools the plan concerns today (Plan.covered_schools), searched and
    filtered; with HTMX only the results. Invalid filters: 400 with the errors,
    above the unfiltered list."""
    plan = current_plan(request)
    scope = plan.covered_schools(timezone.localdate())
    form = SchoolFilterForm(request.GET or None, schools=scope)
    schools = with_rollout_share(form.filter(scope), plan).order_by("name", "school_number")
    pager = paginate(schools, form.page_number, SCHOOL_LIST_PER_PAGE, form.query_string)
    if pager is None:
        return _not_found(
            request,
            _("Diese Seite der Schulliste gibt es nicht: Die Liste hat weniger Seiten."),
        )
    template = page_or_partial(request, "measures/schools.html", "results")
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request,
        template,
        {
            "plan": plan,
            "form": form,
            "pager": pager,
            "schools": pager.items,
            # Not of the first school only: a Berufskolleg's measures may be untracked.
            "none_tracked": not any(school.measures_tracked for school in pager.items),
        },
        status=status,
    )


@require_safe
def school_detail(request: HttpRequest, school_number: str) -> HttpResponse:
    """ "Meine Schule": one school the plan concerns and every measure's state there."""
    if not is_school_number(school_number):
        return _not_found(request, _("Eine Schulnummer besteht aus sechs Ziffern."))
    plan = current_plan(request)
    school = plan.covered_schools(timezone.localdate()).filter(school_number=school_number).first()
    if school is None:
        return _not_found(
            request,
            _("Eine Schule mit der Schulnummer %(number)s gehört nicht zum Plan.")
            % {"number": school_number},
        )
    # No per-school counts: the page shows this school's state, and entered counts.
    # The measures whose scope includes the school: a Grundschule's page leaves
    # out the Berufskollegs' measures.
    measures = Measure.objects.for_plan(plan)
    if plan.narrows_scope:  # else every measure concerns every school of the plan
        measures = measures.covering(school, of_plan=school.of_plan)
    measures = list(measures.for_report().with_tracking().at_school(school))
    return render(
        request,
        "measures/school.html",
        {
            "plan": plan,
            "school": school,
            "tracked": [measure for measure in measures if measure.tracks_schools],
            "city_wide": [measure for measure in measures if not measure.tracks_schools],
            "content_lang": plan.language,
        },
    )
