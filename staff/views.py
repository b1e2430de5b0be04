"""The staff area (/verwaltung/): school office staff keep their measures current."""

import dataclasses
import datetime
import re
from dataclasses import dataclass

from axes.utils import reset as reset_axes_lockouts
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)
from django_ratelimit.decorators import ratelimit

from bielefeld_digital import signals
from bielefeld_digital.htmx import page_or_partial
from bielefeld_digital.pager import Pager, paginate
from editions import decks, markup
from editions.models import Edition
from editions.permissions import check_may_publish, check_may_record_past
from editions.reports import build_snapshot, frozen_report, snapshot_fingerprint
from measures.exporters import PLAN_FILE_CONTENT_TYPE, plan_file
from measures.forms import MeasureEditForm
from measures.models import EditConflict, Measure, Plan
from measures.permissions import check_may_set_schools, editable_measures, measure_for_edit
from measures.rollout import (
    RolloutState,
    SchoolRollout,
    SchoolState,
    StateChanges,
    WantedStates,
)
from measures.views import staff_plan
from schools.models import School

from .forms import (
    UNKNOWN_SCHOOLS,
    BulkStateForm,
    ChecklistForm,
    EditionForm,
    MatrixFilterForm,
    MatrixForm,
    PastEditionForm,
    ReadingForm,
    Refusal,
    RolloutFilterForm,
    StaffPasswordResetForm,
    StaffSetPasswordForm,
    StartTrackingForm,
    empty_selection_message,
)
from .setup import invitation_tokens

# --- Forgotten passwords (Django's views, German templates) -------------------

# Requests per client address (a school office shares one) and per typed address.
# Every POST counts, whether or not the address is known.
RESET_RATE_PER_ADDRESS = "10/h"
RESET_RATE_PER_EMAIL = "3/h"


def _typed_email(group: str, request: HttpRequest) -> str:
    return request.POST.get("email", "").strip().casefold()[:254]


def _reset_link_minutes() -> int:
    return settings.PASSWORD_RESET_TIMEOUT // 60


class StaffPasswordResetView(auth_views.PasswordResetView):
    form_class = StaffPasswordResetForm
    template_name = "staff/password_reset.html"
    email_template_name = "staff/password_reset_email.txt"
    subject_template_name = "staff/password_reset_subject.txt"
    success_url = reverse_lazy("staff:password-reset-done")

    @property
    def extra_email_context(self) -> dict:
        return {"valid_minutes": _reset_link_minutes()}

    def form_valid(self, form: StaffPasswordResetForm) -> HttpResponse:
        response = super().form_valid(form)  # mails the link, if there is anyone to mail
        signals.log_password_reset_requested(
            self.request, form.cleaned_data["email"], form.recipients
        )
        return response

    def form_invalid(self, form: StaffPasswordResetForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=422)


_password_reset = StaffPasswordResetView.as_view()


@require_http_methods(["GET", "POST"])
@ratelimit(
    group="password-reset-address",
    key="ip",
    rate=RESET_RATE_PER_ADDRESS,
    method="POST",
    block=False,
)
@ratelimit(
    group="password-reset-email",
    key=_typed_email,
    rate=RESET_RATE_PER_EMAIL,
    method="POST",
    block=False,
)
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link; the same answer whether or not the address is known."""
    if request.limited:
        signals.log_password_reset_refused(request, request.POST.get("email", ""))
        return render(request, "staff/password_reset_limited.html", status=429)
    return _password_reset(request)


@require_GET
def password_reset_done(request: HttpRequest) -> HttpResponse:
    return render(
        request, "staff/password_reset_done.html", {"valid_minutes": _reset_link_minutes()}
    )


class StaffPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Set a new password from a reset link (and, as AcceptInvitationView, from an
    invitation's)."""

    form_class = StaffSetPasswordForm
    template_name = "staff/password_reset_confirm.html"
    success_url = reverse_lazy("staff:password-reset-complete")

    def render_to_response(self, context: dict, **kwargs) -> HttpResponse:
        if not self.validlink:  # used, expired or mistyped: a link that leads nowhere
            kwargs["status"] = 400
        return super().render_to_response(context, **kwargs)

    def form_invalid(self, form: StaffSetPasswordForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=422)

    def form_valid(self, form: StaffSetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        # Whoever forgot the password has often locked themselves out trying.
        reset_axes_lockouts(username=form.user.get_username())
        signals.log_password_reset_done(self.request, form.user)
        return response


class AcceptInvitationView(StaffPasswordResetConfirmView):
    """The first administrator of a new Schulträger sets their password from the
    invitation's link (staff.setup: valid for days, once)."""

    token_generator = invitation_tokens


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """ "Meine Maßnahmen" first, then the others (read only)."""
    plan = staff_plan(request, required=False)
    measures = list(Measure.objects.for_plan(plan).for_report(plan)) if plan else []
    editable = editable_measures(request.user)
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
    template = page_or_partial(request, "staff/edit_measure.html", "editor")
    return render(request, template, {"measure": measure, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def edit_indicators(request: HttpRequest, slug: str) -> HttpResponse:
    """Enter a new value of one of the measure's indicators (their names, units and
    targets are set in the admin). A value is added, never overwritten: the same
    day twice is refused, and the measure gets a new version."""
    measure = measure_for_edit(request, slug)
    indicators = list(measure.indicators.with_series())
    chosen = request.POST.get("kennzahl") if request.method == "POST" else None
    forms_by_pk = {
        indicator.pk: ReadingForm(
            request.POST if chosen == str(indicator.pk) else None, indicator=indicator
        )
        for indicator in indicators
    }
    form, status = None, 200
    if chosen is not None:
        indicator = next((i for i in indicators if str(i.pk) == chosen), None)
        if indicator is None:
            messages.error(request, _("Diese Kennzahl gehört nicht zu dieser Maßnahme."))
            status = 400
        else:
            form = forms_by_pk[indicator.pk]
            status = 422
            if form.is_valid():
                try:
                    indicator.add_reading(form.instance, user=request.user)
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    name = indicator.name
                    messages.success(request, _("Der neue Wert von „%s“ ist gespeichert.") % name)
                    return redirect("staff:edit-indicators", slug=slug)
    rows = [(indicator, forms_by_pk[indicator.pk]) for indicator in indicators]
    return render(
        request,
        "staff/edit_indicators.html",
        {"measure": measure, "rows": rows, "form": form},
        status=status,
    )


# The checklist's schools per page (all of them for Bielefeld).
CHECKLIST_PAGE_SIZE = 100


@login_required
@require_http_methods(["GET", "POST"])
def edit_rollout(request: HttpRequest, slug: str) -> HttpResponse:
    """The per-school checklist: tick the schools where the measure is done."""
    measure = measure_for_edit(request, slug)
    scope = measure.schools(timezone.localdate())
    filters = RolloutFilterForm(request.GET or None, schools=scope)
    checklist = ChecklistForm(request.POST if request.method == "POST" else None, scope=scope)
    track_form = StartTrackingForm(request.POST if request.POST.get("action") == "track" else None)
    status, saved = 200, CHECKLIST_UNCHANGED
    if request.method == "POST":
        if track_form.is_bound:
            status = _start_tracking(request, measure, track_form)
        elif not measure.tracks_schools:  # switching is a step of its own, with a warning
            messages.error(
                request,
                _(
                    "Diese Maßnahme wird noch nicht pro Schule erfasst. Stellen Sie sie zuerst "
                    "mit „Ab jetzt pro Schule erfassen“ um."
                ),
            )
            status = 422
        else:
            status, saved = _save_checklist(request, measure, checklist, filters, scope)
        if status == 200 and not request.htmx:  # post-redirect-get
            return redirect(request.get_full_path())
        measure = Measure.objects.for_report().get(pk=measure.pk)
    pager = _page_of_schools(request, filters.filter(scope), CHECKLIST_PAGE_SIZE)
    rows = SchoolRollout.objects.states(measure, pager.items)
    # An HTMX answer brings the clicked box's "before" state (and, if refused,
    # the box) up to date, so the next click compares with what is saved.
    updated = [
        (row, row.school in saved.conflicts)
        for row in SchoolRollout.objects.states(measure, saved.touched)
    ]
    # A tick updates only the count and message; the boxes stay as they are,
    # so further clicks made while a request runs are not lost.
    template = page_or_partial(
        request, "staff/edit_rollout.html", _answer_partial(request, "checklist")
    )
    return render(
        request,
        template,
        {
            "measure": measure,
            "filters": filters,
            "rows": rows,
            "pager": pager,
            "updated": updated,
            "checklist": checklist,
            "kept": saved.kept,
            "track_form": track_form,
        },
        status=422 if filters.errors else status,
    )


def _answer_partial(request: HttpRequest, shown: str) -> str:
    """The fragment an HTMX request of the checklist or the matrix gets: after a
    save only the status (count, messages, the cells or boxes it wrote, out of
    band), else the `shown` part of the page."""
    return "status-update" if request.method == "POST" else shown


@dataclass(frozen=True)
class ChecklistSaved:
    """What a checklist post did, for its answer: the schools whose boxes it brings
    up to date, those of them reset (someone else's change, a refused click), and
    the ticks a refused page keeps (None: the saved states)."""

    touched: list[School] = dataclasses.field(default_factory=list)
    conflicts: set[School] = dataclasses.field(default_factory=set)
    kept: set[str] | None = None


CHECKLIST_UNCHANGED = ChecklistSaved()


def _start_tracking(request: HttpRequest, measure: Measure, form: StartTrackingForm) -> int:
    """ "Ab jetzt pro Schule erfassen"; returns the status."""
    # Once switched, a second click (or a stale page) needs no reason: it
    # only adds rows for schools new in the scope, and records no switch.
    already = measure.tracks_schools
    if not form.is_valid() and not already:
        return 422
    changed = SchoolRollout.objects.start_tracking(
        measure, user=request.user, reason=form.cleaned_data.get("reason", "")
    )
    _say_tracking_started(request, measure, changed, already=already)
    return 200


def _save_checklist(
    request: HttpRequest,
    measure: Measure,
    checklist: ChecklistForm,
    filters: RolloutFilterForm,
    scope,
) -> tuple[int, ChecklistSaved]:
    """Write the boxes the editor changed; returns the status and what the answer shows."""
    if refusal := checklist.refusal():
        _say_refusal(request, refusal)
        if not refusal.keeps_choices:
            return 422, CHECKLIST_UNCHANGED
        # Nothing is written; the page keeps the ticks and the text as typed.
        toggled = checklist.toggled_number
        if toggled:  # the clicked box goes back to its saved state
            touched = list(scope.filter(school_number=toggled))
            return 422, ChecklistSaved(touched, conflicts=set(touched))
        return 422, ChecklistSaved(kept=None if request.htmx else checklist.posted_ticks())
    if checklist.is_empty:
        messages.warning(request, empty_selection_message(filters.selection))
        return 200, CHECKLIST_UNCHANGED
    changes = checklist.changes()
    if changes is None:
        messages.error(request, UNKNOWN_SCHOOLS)
        return 422, CHECKLIST_UNCHANGED
    result = SchoolRollout.objects.set_states(
        measure,
        changes.states.wanted,
        user=request.user,
        reason=checklist.cleaned_data["reason"],
        expected=changes.states.expected,
    )
    _warn_of_conflicts(request, [school.name for school in result.conflicts])
    messages.success(
        request,
        ngettext(
            "%(count)s Schule aktualisiert.",
            "%(count)s Schulen aktualisiert.",
            result.changed,
        )
        % {"count": result.changed},
    )
    return 200, ChecklistSaved(changes.schools, conflicts=set(result.conflicts))


def _say_tracking_started(
    request: HttpRequest, measure: Measure, added: int, *, already: bool
) -> None:
    """After "Ab jetzt pro Schule erfassen", which added `added` schools' rows."""
    values = {"measure": measure, "count": added}
    if not already:
        messages.success(
            request, _("„%(measure)s“ wird jetzt pro Schule erfasst (%(count)s Schulen).") % values
        )
    elif added:  # a second click (a stale page) only adds schools new in the scope
        messages.success(
            request,
            ngettext(
                "„%(measure)s“ wird schon pro Schule erfasst; %(count)s neue Schule des Plans "
                "ist jetzt in der Liste.",
                "„%(measure)s“ wird schon pro Schule erfasst; %(count)s neue Schulen des Plans "
                "sind jetzt in der Liste.",
                added,
            )
            % values,
        )
    else:  # not "jetzt ... (0 Schulen)", which reads as if no school were tracked
        messages.info(
            request,
            _("„%(measure)s“ wird schon pro Schule erfasst; es wurde nichts geändert.") % values,
        )


def _say_refusal(request: HttpRequest, refusal: Refusal) -> None:
    """Say why nothing was saved where HTMX answers show it: in the messages."""
    for message in refusal.messages:
        messages.error(request, message)


# The steps of publishing, as the buttons of the form and the preview send them.
PREVIEW, EDIT, PUBLISH = "vorschau", "aendern", "veroeffentlichen"


@login_required
@require_http_methods(["GET", "POST"])
def publish_edition(request: HttpRequest) -> HttpResponse:
    """Freeze the current plan as a progress report edition, after a preview.

    The form leads to the preview (built from the same snapshot, never saved);
    "Jetzt veröffentlichen" there publishes, unless the plan changed meanwhile:
    then staff see the new preview first.
    """
    check_may_publish(request)
    plan = staff_plan(request)
    form = EditionForm(request.POST or None, plan=plan)
    step = request.POST.get("schritt", PREVIEW)
    if request.method == "GET" or step == EDIT or not form.is_valid():
        return _edition_form(request, form, plan)
    snapshot = build_snapshot(plan, form.cleaned_data["date"])
    status = 200
    if step == PUBLISH:
        if form.cleaned_data["fingerprint"] != snapshot_fingerprint(snapshot):
            messages.warning(
                request,
                _(
                    "Der Stand der Maßnahmen hat sich seit der Vorschau geändert. Es wurde "
                    "nichts veröffentlicht. Prüfen Sie die neue Vorschau."
                ),
            )
            status = 409
        else:
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
                return _edition_form(request, form, plan)
            messages.success(request, _("„%s“ ist veröffentlicht.") % edition)
            return redirect(edition)
    preview = Edition(plan=plan, snapshot=snapshot, **_edition_values(form))  # never saved
    return render(
        request,
        "staff/preview_edition.html",
        {
            "form": form,
            "edition": preview,
            "plan": plan,
            "report": frozen_report(snapshot),
            "preface": markup.to_html(preview.preface),
            "content_lang": snapshot["plan"]["language"],
            "editable": set(),
            "fingerprint": snapshot_fingerprint(snapshot),
        },
        status=status,
    )


@login_required
@require_POST
def preview_edition_pdf(request: HttpRequest) -> HttpResponse:
    """The preview's PDF, from the preview's fields; nothing is saved."""
    check_may_publish(request)
    plan = staff_plan(request)
    form = EditionForm(request.POST, plan=plan)
    if not form.is_valid():
        return _edition_form(request, form, plan)
    values = _edition_values(form)
    snapshot = build_snapshot(plan, values["date"])
    # The mark goes where the deck prints the reference, under the Stand on the cover.
    mark = _("Vorschau – noch nicht veröffentlicht")
    reference = f"{mark} · {values['reference']}" if values["reference"] else mark
    # Compared with the latest edition, as the published edition's deck will be.
    baseline = decks.Baseline.of(plan.editions.published().first())
    content = decks.render_pdf(
        snapshot,
        values["title"],
        values["date"],
        reference,
        values["preface"],
        baseline,
        logo=plan.owner.stored_logo(),
    )
    response = HttpResponse(content, content_type="application/pdf")
    filename = plan.owner.file_name(f"vorschau-{values['slug']}.pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def record_past_edition(request: HttpRequest) -> HttpResponse:
    """Record an earlier report as an edition, from a plan file of its values; it is
    marked publicly as recorded later (Edition.record_past)."""
    check_may_record_past(request)
    plan = staff_plan(request)
    form = PastEditionForm(request.POST or None, request.FILES or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            edition = Edition.record_past(
                plan,
                user=request.user,
                plan_file=data["plan_file"],
                date=data["date"],
                today=timezone.localdate(),
                recorded_from=data["recorded_from"],
                title=data["title"],
                slug=data["slug"],
                reference=data["reference"],
                preface=data["preface"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("„%s“ ist nachträglich erfasst.") % edition)
            return redirect(edition)
    status = 422 if form.is_bound and form.errors else 200
    return render(
        request, "staff/record_past_edition.html", {"form": form, "plan": plan}, status=status
    )


@login_required
@require_safe
def plan_file_download(request: HttpRequest) -> HttpResponse:
    """The current plan as a plan file, with today's values: the template for an
    earlier report (change the values to those of that time and upload it on
    "Früheren Bericht nachträglich erfassen"), and a copy to keep. Staff only,
    as who may record a report; it holds what the public pages show."""
    check_may_record_past(request)
    plan = staff_plan(request)
    response = HttpResponse(plan_file(plan), content_type=PLAN_FILE_CONTENT_TYPE)
    filename = plan.owner.file_name(f"plan-{plan.slug}-{timezone.localdate():%Y-%m-%d}.toml")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _edition_values(form: EditionForm) -> dict:
    return {
        name: form.cleaned_data[name] for name in ["title", "slug", "date", "reference", "preface"]
    }


def _edition_form(request: HttpRequest, form: EditionForm, plan: Plan) -> HttpResponse:
    status = 422 if form.is_bound and form.errors else 200
    return render(
        request, "staff/publish_edition.html", {"form": form, "plan": plan}, status=status
    )


# --- The matrix: measures tracked per school x the plan's schools --------------

MATRIX_PAGE_SIZE = 30
# Columns shown unless staff choose: 30 rows of 50 selects would be 1.8 MB of page.
MATRIX_COLUMNS = 6


@dataclass(frozen=True)
class MatrixCell:
    measure: Measure
    school: School
    state: str
    date: datetime.date | None
    editable: bool
    conflict: bool = False
    # What the editor chose but could not save (a refused reason): shown again,
    # while the "before" field keeps the saved state.
    chosen: str | None = None

    @property
    def name(self) -> str:
        return f"z-{self.measure.pk}-{self.school.school_number}"

    @property
    def state_label(self) -> str:
        return str(RolloutState(self.state).label)

    @property
    def shown(self) -> str:
        return self.chosen or self.state


@login_required
@require_http_methods(["GET", "POST"])
def school_matrix(request: HttpRequest) -> HttpResponse:
    """Every measure tracked per school against the plan's schools, a page at a time.
    A measure with a narrower scope (its own or its field's) is not a column: its
    checklist lists its schools.

    Staff choose states in the cells and save them with "Speichern" (the page is one
    form, which HTMX sends in place), or set one state for all schools of a form and
    district at once. Nothing is saved on a select's change: a keyboard user's arrow
    presses would each become a public timeline entry.
    """
    plan = staff_plan(request)
    scope = plan.schools(timezone.localdate())
    tracked = list(Measure.objects.for_plan(plan).tracked_per_school().of_plan_scope().for_report())
    editable = editable_measures(request.user, among=tracked)
    filters = MatrixFilterForm(request.GET or None, schools=scope, measures=tracked)
    columns = filters.columns(tracked, editable, MATRIX_COLUMNS)

    def counted() -> list[Measure]:
        """The columns' measures with their counts (only these: counting costs)."""
        pks = [measure.pk for measure in columns]
        measures = Measure.objects.filter(pk__in=pks).for_report(plan)
        return sorted(measures, key=lambda measure: pks.index(measure.pk))

    measures = counted()
    bulk = BulkStateForm(
        request.POST if "alle-massnahme" in request.POST else None,
        measures=[m for m in tracked if m.pk in editable],
        filters=filters,
        initial={  # the schools on screen
            "schulform": filters.criteria()["school_form"],
            "bezirk": filters.criteria()["district"],
        },
    )
    posted_cells = request.method == "POST" and not bulk.is_bound
    cells = MatrixForm(request.POST if posted_cells else None, scope=scope, measures=tracked)
    status, touched = 200, []
    if request.method == "POST":
        if bulk.is_bound:
            status = _apply_bulk(request, bulk, scope)
        else:
            status, touched = _apply_cells(request, cells, editable)
        if status == 200 and not request.htmx:  # post-redirect-get
            return redirect(request.get_full_path())
        measures = counted()
    pager = _page_of_schools(request, filters.filter(scope), MATRIX_PAGE_SIZE)
    schools = pager.items
    grid = SchoolRollout.objects.grid(measures, schools)
    # A refused save re-renders the page (without HTMX) with the editor's choices.
    chosen = cells.chosen() if status == 422 and not request.htmx else {}
    rows = [
        (school, [_cell(measure, school, grid, editable, chosen) for measure in measures])
        for school in schools
    ]
    # The cells an HTMX post wrote or refused, as they are now: the answer updates
    # their "before" value and date (and, if refused, the select) in the page.
    now = SchoolRollout.objects.grid([m for m, _s, _c in touched], [s for _m, s, _c in touched])
    updated = [
        dataclasses.replace(_cell(measure, school, now, editable), conflict=conflict)
        for measure, school, conflict in touched
    ]
    template = page_or_partial(request, "staff/matrix.html", _answer_partial(request, "matrix"))
    return render(
        request,
        template,
        {
            "plan": plan,
            "measures": measures,
            "hidden_columns": len(tracked) - len(measures),
            "filters": filters,
            "bulk": bulk,
            "cells": cells,
            "pager": pager,
            "rows": rows,
            "can_edit": any(measure.pk in editable for measure in measures),
            "updated": updated,
            "states": RolloutState.choices,
        },
        status=422 if filters.errors else status,
    )


def _page_of_schools(request: HttpRequest, schools, per_page: int) -> Pager:
    """The page `?seite=` of `schools`, links keeping the other parameters; a page
    that is no more (the list got shorter since) falls back to the first."""
    number = request.GET.get("seite", "")
    number = int(number) if re.fullmatch(r"[0-9]{1,4}", number) and int(number) else 1

    def query_string(page: int) -> str:
        query = request.GET.copy()  # keeps repeated parameters (the chosen columns)
        query["seite"] = page
        return query.urlencode()

    return paginate(schools, number, per_page, query_string) or paginate(
        schools, 1, per_page, query_string
    )


def _cell(
    measure: Measure, school: School, grid: dict, editable: set[int], chosen: dict | None = None
) -> MatrixCell:
    state = SchoolState.of(school, grid.get((measure.pk, school.pk)))
    cell = MatrixCell(measure, school, state.state, state.date, measure.pk in editable)
    return dataclasses.replace(cell, chosen=(chosen or {}).get(cell.name))


def _apply_bulk(request: HttpRequest, bulk: BulkStateForm, scope) -> int:
    if not bulk.is_valid():
        measure = _measure_not_offered(bulk)
        if measure is not None:  # someone else's measure: a real attempt
            check_may_set_schools(request, measure)
        # The user's own mistake (or a stale page): a message, no alarm.
        messages.error(request, _bulk_refusal(measure))
        return 422
    measure, state = bulk.measure, bulk.cleaned_data["stand"]
    schools = list(bulk.schools(scope))
    if not schools:  # "0 von 0 Schulen gesetzt" would read as a success
        messages.warning(request, empty_selection_message(bulk.selection))
        return 200
    result = SchoolRollout.objects.set_states(
        measure,
        dict.fromkeys(schools, state),
        user=request.user,
        reason=bulk.cleaned_data["reason"],
        date=bulk.cleaned_data["datum"],
    )
    messages.success(
        request,
        ngettext(
            "„%(measure)s“: %(changed)s von %(count)s Schule auf „%(state)s“ gesetzt.",
            "„%(measure)s“: %(changed)s von %(count)s Schulen auf „%(state)s“ gesetzt.",
            len(schools),
        )
        % {
            "measure": measure,
            "changed": result.changed,
            "count": len(schools),
            "state": RolloutState(state).label,
        },
    )
    return 200


def _measure_not_offered(bulk: BulkStateForm) -> Measure | None:
    """The existing measure the bulk form names but does not offer, if any."""
    chosen = str(bulk.data.get("alle-massnahme", ""))
    if chosen in bulk.measures or not re.fullmatch(r"[0-9]{1,18}", chosen):
        return None
    return Measure.objects.filter(pk=chosen).first()


def _bulk_refusal(measure: Measure | None) -> str:
    """Why "Alle Schulen setzen" changed nothing, for a measure the user may edit."""
    if measure is None:
        return _("Bitte prüfen Sie die Angaben für „Alle Schulen setzen“.")
    tracked = Measure.objects.tracked_per_school().of_current_plan(measure.plan.owner_id)
    if not tracked.filter(pk=measure.pk).exists():
        return (
            _(
                "„%s“ wird nicht pro Schule erfasst und steht deshalb nicht in dieser Übersicht. "
                "Es wurde nichts geändert. Den Stand dieser Maßnahme ändern Sie auf ihrer Seite."
            )
            % measure
        )
    if not Measure.objects.of_plan_scope().filter(pk=measure.pk).exists():
        return (
            _(
                "„%s“ betrifft eigene Schulen, nicht die des Plans, und steht deshalb nicht in "
                "dieser Übersicht. Es wurde nichts geändert. Ihre Schulen setzen Sie in ihrer "
                "Schulliste."
            )
            % measure
        )
    return (
        _(
            "„%s“ kann hier nicht gesetzt werden. Es wurde nichts geändert. Bitte laden Sie "
            "die Seite neu."
        )
        % measure
    )


def _apply_cells(
    request: HttpRequest, cells: MatrixForm, editable: set[int]
) -> tuple[int, list[tuple[Measure, School, bool]]]:
    """The cells of the page's form that the editor changed (with or without HTMX).

    Returns the status and the cells written or refused as (measure, school,
    conflict), so that an HTMX answer can bring those cells up to date.
    """
    refusal = cells.refusal()
    if refusal and not refusal.keeps_choices:  # unknown cells
        _say_refusal(request, refusal)
        return 422, []
    changes = cells.changes()
    for measure in changes:
        check_may_set_schools(request, measure, editable=editable)
    if refusal:
        # Nothing is written, and the cells keep the editor's choices: saving is an
        # explicit step, so a reset would leave a shortened reason nothing to save.
        _say_refusal(request, refusal)
        return 422, _cells_of(changes)
    results = SchoolRollout.objects.set_states_of_many(
        changes, user=request.user, reason=cells.cleaned_data["reason"]
    )
    if changes:
        changed = sum(result.changed for result in results.values())
        messages.success(
            request,
            ngettext("%(count)s Eintrag gespeichert.", "%(count)s Einträge gespeichert.", changed)
            % {"count": changed},
        )
    else:  # "Speichern" with nothing chosen would otherwise answer with silence
        messages.info(
            request,
            _("Sie haben keinen Stand geändert; es wurde nichts gespeichert."),
        )
    _warn_of_conflicts(
        request,
        [
            f"{measure.title}: {school.name}"
            for measure, result in results.items()
            for school in result.conflicts
        ],
    )
    return 200, _cells_of(changes, results)


def _cells_of(
    changes: dict[Measure, WantedStates], results: dict[Measure, StateChanges] | None = None
) -> list[tuple[Measure, School, bool]]:
    """The changed cells as (measure, school, whether someone else changed it first)."""
    return [
        (measure, school, results is not None and school in results[measure].conflicts)
        for measure, states in changes.items()
        for school in states.wanted
    ]


def _warn_of_conflicts(request: HttpRequest, names: list[str]) -> None:
    if names:
        messages.warning(
            request,
            _(
                "Inzwischen von jemand anderem geändert und daher nicht überschrieben: "
                "%(cells)s. Die Seite zeigt jetzt den neuen Stand."
            )
            % {"cells": "; ".join(names)},
        )
