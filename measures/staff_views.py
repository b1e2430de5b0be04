"""The staff area (/verwaltung/): school office staff keep their measures current."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from schools.forms import RolloutFilterForm
from schools.models import RolloutState, SchoolRollout

from .forms import EditionForm, MeasureEditForm
from .models import EditConflict, Edition, Measure, Plan

security_log = logging.getLogger("portal.security")


def measure_for_edit(request: HttpRequest, slug: str) -> Measure:
    """The measure `slug` if the user may edit it; 404 if unknown, 403 (logged) if not theirs."""
    measure = get_object_or_404(Measure.objects.for_report(), slug=slug)
    if not measure.can_be_edited_by(request.user):
        security_log.warning(
            "Zugriff verweigert: %s wollte die Maßnahme %s bearbeiten (%s %s)",
            request.user.get_username(),
            slug,
            request.method,
            request.path,
        )
        raise PermissionDenied
    return measure


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """ "Meine Maßnahmen" first, then the others (read only)."""
    plan = Plan.objects.current()
    measures = list(Measure.objects.for_plan(plan).for_report(plan)) if plan else []
    editable = set(Measure.objects.editable_by(request.user).values_list("pk", flat=True))
    return render(
        request,
        "staff/dashboard.html",
        {
            "plan": plan,
            "mine": [measure for measure in measures if measure.pk in editable],
            "others": [measure for measure in measures if measure.pk not in editable],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_measure(request: HttpRequest, slug: str) -> HttpResponse:
    measure = measure_for_edit(request, slug)
    status = 200
    if request.method == "POST":
        form = MeasureEditForm(request.POST, measure=measure)
        if form.is_valid():
            try:
                Measure.objects.apply_change(
                    measure.pk,
                    expected_version=form.cleaned_data["version"],
                    user=request.user,
                    reason=form.cleaned_data["reason"],
                    **form.changes(),
                )
            except EditConflict as conflict:
                form.show_conflict(conflict)
                status = 409
            else:
                messages.success(request, _("Die Änderungen an „%s“ sind gespeichert.") % measure)
                if not request.htmx:
                    return redirect("staff:edit-measure", slug=slug)
                measure = Measure.objects.for_report().get(pk=measure.pk)
                form = MeasureEditForm(measure=measure)
        else:
            # 422, not 400: the request was well-formed, its content is not valid.
            status = 422
    else:
        form = MeasureEditForm(measure=measure)
    template = "staff/edit_measure.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#editor"
    return render(request, template, {"measure": measure, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def edit_rollout(request: HttpRequest, slug: str) -> HttpResponse:
    """The per-school checklist: tick the schools where the measure is done."""
    measure = measure_for_edit(request, slug)
    scope = measure.field.plan.schools(timezone.localdate())
    filters = RolloutFilterForm(request.GET or None, schools=scope)
    status = 200
    if request.method == "POST":
        reason = request.POST.get("reason", "").strip()[:300]
        if request.POST.get("action") == "track":
            changed = SchoolRollout.objects.start_tracking(measure, user=request.user)
            messages.success(
                request,
                _("„%(measure)s“ wird jetzt pro Schule erfasst (%(count)s Schulen).")
                % {"measure": measure, "count": changed},
            )
        else:
            changed = _apply_checklist(request, measure, scope, reason)
        if changed is None:
            messages.error(request, _("Die Auswahl enthält unbekannte Schulen."))
            status = 422
        elif "action" not in request.POST:
            messages.success(
                request,
                ngettext(
                    "%(count)s Schule aktualisiert.", "%(count)s Schulen aktualisiert.", changed
                )
                % {"count": changed},
            )
        if status == 200 and not request.htmx:  # post-redirect-get
            return redirect(request.get_full_path())
        measure = Measure.objects.for_report().get(pk=measure.pk)
    rows = SchoolRollout.objects.states(measure, filters.filter(scope))
    template = "staff/edit_rollout.html"
    if request.htmx and not request.htmx.history_restore_request:
        # A tick updates only the count and message; the boxes stay as they are,
        # so further clicks made while a request runs are not lost.
        template += "#status-update" if request.method == "POST" else "#checklist"
    return render(
        request,
        template,
        {"measure": measure, "filters": filters, "rows": rows},
        status=422 if filters.errors else status,
    )


def _apply_checklist(request: HttpRequest, measure: Measure, scope, reason: str) -> int | None:
    """Write what the editor changed on the checklist; None if it names unknown schools.

    HTMX sends each box on its own ("toggle"). Without JavaScript the whole form
    comes: only the boxes the editor changed are written, and a box someone else
    changed meanwhile is left alone, so a stale page never undoes their work.
    """
    done = set(request.POST.getlist("done"))
    if "toggle" in request.POST:
        shown, before = [request.POST["toggle"]], None
    else:
        shown, before = request.POST.getlist("shown"), set(request.POST.getlist("before"))
    schools = scope.in_bulk(shown, field_name="school_number")
    if len(schools) != len(set(shown)) or not done <= schools.keys():
        return None
    wanted, expected = {}, {}
    for number, school in schools.items():
        if before is not None and (number in done) == (number in before):
            continue
        wanted[school] = RolloutState.DONE if number in done else RolloutState.OPEN
        if before is not None and number in before:
            expected[school] = RolloutState.DONE
    result = SchoolRollout.objects.set_states(
        measure, wanted, user=request.user, reason=reason, expected=expected
    )
    return result.changed


@login_required
@require_http_methods(["GET", "POST"])
def publish_edition(request: HttpRequest) -> HttpResponse:
    """Freeze the current plan as a progress report edition."""
    if not request.user.has_perm("measures.publish_edition"):
        security_log.warning(
            "Zugriff verweigert: %s wollte einen Bericht veröffentlichen",
            request.user.get_username(),
        )
        raise PermissionDenied
    plan = Plan.objects.current()
    if plan is None:
        raise Http404("Es ist noch kein Plan geladen.")
    form = EditionForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            edition = Edition.publish(
                plan,
                user=request.user,
                today=timezone.localdate(),
                title=form.cleaned_data["title"],
                slug=form.cleaned_data["slug"],
                date=form.cleaned_data["date"],
                reference=form.cleaned_data["reference"],
                preface=form.cleaned_data["preface"],
            )
        except ValidationError as error:  # e.g. the same title published a moment ago
            form.add_error(None, error)
        else:
            messages.success(request, _("„%s“ ist veröffentlicht.") % edition)
            return redirect(edition)
    status = 422 if form.is_bound and form.errors else 200
    return render(
        request, "staff/publish_edition.html", {"form": form, "plan": plan}, status=status
    )
