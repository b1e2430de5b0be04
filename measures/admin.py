"""The Django admin: administrators run the plan, its measures, users and groups here.

Every change goes through simple_history with the admin user and a reason. A
measure's change form is locked optimistically like the staff editor: it
carries the version it was loaded with and refuses to save over a newer one.
"""

import dataclasses
import logging

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation, helpers
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import display_for_field, label_for_field, unquote
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import formats, timezone
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from authorities.admin import StaffAreaAdmin
from authorities.models import Authority, authority_of
from bielefeld_digital.admin import RefusedChangeFormMixin, yes_no_icon
from bielefeld_digital.forms import ReasonField
from measures.indicators import Indicator, Reading
from measures.money import BudgetLine
from measures.rollout import SchoolRollout

from .forms import NO_STATUS
from .models import (
    NO_STATUS_LABEL,
    FieldOfAction,
    Measure,
    Plan,
    Stage,
    Status,
)
from .permissions import check_may_make_public, log_refusal, may_make_public
from .targets import TARGET_HELP, Target

# The reasons stored with admin changes. They are data (shown in the measure's
# timeline), not interface text, so they are stored in German whatever the
# admin's language.
REASON_ADDED = "Im Admin angelegt"
REASON_CHANGED = "Geändert im Admin"
REASON_DELETED = "Im Admin gelöscht"
REASON_BULK = "Sammeländerung im Admin"

security_log = logging.getLogger("portal.security")


class LabelledChanges(HistoricalRecordContextHelper):
    """A history entry's old and new values as the change form shows them.

    simple_history prints the stored values ("in_progress → waiting"); administrators
    read the labels ("In Bearbeitung → Wartend"), dates in German and "Ja"/"Nein".
    """

    def __init__(self, *args, blank_labels: dict, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.blank_labels = blank_labels

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if field.many_to_many:
            return super().prepare_delta_change_value(change, value)
        if value in field.empty_values:
            return self.blank_labels.get(change.field, "–")
        if isinstance(field, models.BooleanField):
            return _gettext("Ja") if value else _gettext("Nein")
        return display_for_field(value, field, "–")


class HistoryAdmin(RefusedChangeFormMixin, SimpleHistoryAdmin):
    """Records who changed what in the admin, and why, for the object and its inlines."""

    # simple_history's own list has an inline style, which the CSP refuses.
    object_history_list_template = "admin/simple_history_list.html"
    # What an empty value means, where "–" would say too little.
    history_blank_labels: dict = {}

    def get_historical_record_context_helper(self, request, historical_record):
        return LabelledChanges(
            self.model, historical_record, blank_labels=self.history_blank_labels
        )

    def history_view(self, request, object_id, extra_context=None):
        # The column headings as the change list shows them, not the attribute names.
        columns = [
            (name, label_for_field(name, self.model, self))
            for name in self.get_history_list_display(request)
        ]
        return super().history_view(
            request, object_id, {"history_columns": columns, **(extra_context or {})}
        )

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # simple_history calls select_related() without names for models without
        # foreign keys, which Django 6.1 deprecates; name them here.
        related = [
            field.name
            for field in history_manager.model.tracked_fields
            if isinstance(field, models.ForeignKey)
        ]
        return history_manager.filter(**{pk_name: object_id}).select_related(
            "history_user", *related
        )

    def change_reason(self, request, obj, form, change: bool) -> str:
        return REASON_CHANGED if change else REASON_ADDED

    def save_model(self, request, obj, form, change):
        obj._change_reason = self.change_reason(request, obj, form, change)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj._history_user = request.user
            obj._change_reason = REASON_DELETED
            obj.delete()
        for obj in instances:
            obj._history_user = request.user
            obj._change_reason = REASON_ADDED if obj._state.adding else REASON_CHANGED
            obj.save()
        formset.save_m2m()

    def delete_model(self, request, obj):
        obj._history_user = request.user
        obj._change_reason = REASON_DELETED
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)

    def not_editable(self, request, queryset):
        """The objects of `queryset` that `request.user` is not responsible for,
        by the model's `editable_by` (a per-school row: by its measure's)."""
        return queryset.exclude(pk__in=self.model.objects.editable_by(request.user).values("pk"))

    def responsible_for(self, obj):
        """The object whose groups decide about `obj`: `obj` itself, unless it
        belongs to one (a per-school row belongs to its measure)."""
        return obj

    # The groups' responsibilities hold in the admin too, not only in /verwaltung/:
    # the others read (the model's `can_be_edited_by`, its `editable_by` for lists).
    def has_change_permission(self, request, obj=None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self.responsible_for(obj).can_be_edited_by(request.user))

    def has_delete_permission(self, request, obj=None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self.responsible_for(obj).can_be_edited_by(request.user))

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        """Django's "Ausgewählte … löschen", with the responsibilities checked first."""
        actions = super().get_actions(request, action_location=action_location)
        if "delete_selected" in actions:  # the user has the model's delete permission
            action = actions["delete_selected"]
            actions["delete_selected"] = dataclasses.replace(
                action, func=type(self).delete_selected
            )
        return actions

    def delete_selected(self, request, queryset):
        """A selection with objects of others is refused as a whole and logged, like
        "Status setzen": Django's own refusal names model permissions the user has
        ("Umsetzung an einer Schule") and logs nothing. A posted confirmation with
        such objects (never offered) is a 403."""
        foreign = list(self.not_editable(request, queryset))
        if foreign:
            message = refuse_foreign(request, "delete_selected", foreign)
            if request.POST.get("post"):
                raise PermissionDenied
            self.message_user(request, message, messages.ERROR)
            return None
        return django_delete_selected(self, request, queryset)

    # Reverting to an old version saves the old values without the checks of the
    # change form: the version of a measure, the responsibilities (a reverted
    # rollout row could even be moved to another group's measure). The old values
    # are entered on the change form instead.
    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class LabelledInlineFormSet(BaseInlineFormSet):
    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = _gettext("Löschen")


class LabelledTabularInline(admin.TabularInline):
    """A table of inline rows whose inputs have names.

    Django heads the columns with <th>s, not <label>s, so its inputs are
    unnamed for screen readers (axe: label, critical); each input here carries
    its column's label, the delete box "Löschen". Works without JavaScript.
    """

    formset = LabelledInlineFormSet

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None:
            field.widget.attrs.setdefault("aria-label", str(field.label))
        return field


def offer_only_editable(form, name: str, user, current: int | None) -> None:
    """Let the form's foreign key `name` choose only what `user` may edit (the
    model's `objects.editable_by`) and the value it has now."""
    if name not in form.base_fields:
        return
    field = form.base_fields[name]
    model = field.queryset.model
    editable = model.objects.editable_by(user).values("pk")
    field.queryset = field.queryset.filter(Q(pk__in=editable) | Q(pk=current))


def refuse_foreign(request, action: str, foreign) -> str:
    """Log a bulk change that names objects the user is not responsible for, and
    say in German why nothing was changed."""
    names = [str(obj) for obj in foreign[:11]]
    log_refusal(
        request,
        "%s für fremde Einträge ausführen (%s)",
        action,
        ", ".join(str(obj.pk) for obj in foreign),
    )
    shown = ", ".join(_gettext("„%(text)s“") % {"text": name} for name in names[:10])
    shown += " …" if len(names) > 10 else ""
    return _gettext(
        "Sie sind nicht für alle ausgewählten Einträge zuständig (nicht für %(names)s). "
        "Es wurde nichts geändert. Bitte wählen Sie nur Einträge aus, für die Sie "
        "zuständig sind."
    ) % {"names": shown}


# Plan and fields of action -------------------------------------------------


class FieldOfActionInline(LabelledTabularInline):
    model = FieldOfAction
    fields = ["position", "title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    extra = 0
    show_change_link = True


class MakeCurrentForm(forms.Form):
    # A ReasonField, not max_length: the browser would cut a longer pasted reason.
    reason = ReasonField(
        label=_("Grund"),
        help_text=_("Wird mit Ihrem Namen im Verlauf beider Pläne gespeichert."),
    )
    # The plan current when the page was shown: if another administrator chose
    # meanwhile, the page no longer says what will change.
    replacing = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PublishEarlierForm(forms.Form):
    reason = ReasonField(
        label=_("Grund"),
        help_text=_("Wird mit Ihrem Namen im Verlauf des Plans gespeichert."),
    )


@admin.register(Plan)
class PlanAdmin(StaffAreaAdmin, HistoryAdmin):
    list_display = ["title", "owner", "period_display", "as_of", "stage", "field_count"]
    list_filter = ["stage", ("owner", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "owner__name", "slug"]
    date_hierarchy = "as_of"
    ordering = ["-as_of", "-pk"]
    inlines = [FieldOfActionInline]
    # Current or public only through the two actions; shown, never a form field.
    readonly_fields = ["stage", "schools_today"]
    actions = ["make_current", "publish_as_earlier"]

    def get_readonly_fields(self, request, obj=None):
        """A plan stays with its Schulträger: moved, its current plan would leave
        the authority's address without one."""
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "owner"] if obj is not None else fields

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(field_count=Count("fields"))

    def get_changeform_initial_data(self, request) -> dict:
        """A new plan of the user's one Schulträger covers its schools (its Trägernummer)."""
        initial = super().get_changeform_initial_data(request)
        authorities = list(Authority.objects.staffed_by(request.user)[:2])
        if len(authorities) == 1:
            owner = authorities[0]
            initial.setdefault("owner", owner.pk)
            initial.setdefault("school_authority_number", owner.school_authority_number)
        return initial

    def get_urls(self):
        current = self.admin_site.admin_view(self.make_current_view)
        earlier = self.admin_site.admin_view(self.publish_as_earlier_view)
        return [
            path("<path:object_id>/aktuell/", current, name="measures_plan_make_current"),
            path("<path:object_id>/frueher/", earlier, name="measures_plan_publish_earlier"),
            *super().get_urls(),
        ]

    def view_on_site(self, plan: Plan) -> str | None:
        """Only public plans are on the site, at their authority's address; one in
        preparation is not."""
        return plan.owner.address(plan.get_absolute_url()) if plan.is_public else None

    def has_make_public_permission(self, request) -> bool:
        return may_make_public(request.user)

    # A plan's data and its fields of action (the inline) are the matter of those
    # responsible for all its fields (Plan.objects.editable_by); the others read.
    def has_delete_permission(self, request, obj=None) -> bool:
        """The current plan stays until another one is made current: deleting it
        would leave the public pages without a plan."""
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or not obj.is_current)

    def _one_plan(self, request, queryset, url_name: str):
        """To the confirmation page `url_name` of the one selected plan."""
        plans = list(queryset[:2])
        if len(plans) != 1:
            self.message_user(
                request, _gettext("Bitte wählen Sie genau einen Plan aus."), messages.WARNING
            )
            return None
        return redirect(url_name, plans[0].pk)

    @admin.action(description=_("Als aktuellen Plan festlegen …"), permissions=["make_public"])
    def make_current(self, request, queryset):
        return self._one_plan(request, queryset, "admin:measures_plan_make_current")

    @admin.action(description=_("Als früheren Plan veröffentlichen …"), permissions=["make_public"])
    def publish_as_earlier(self, request, queryset):
        return self._one_plan(request, queryset, "admin:measures_plan_publish_earlier")

    def make_current_view(self, request, object_id: str):
        """Confirm which plan is current now and which afterwards, with a reason."""
        check_may_make_public(request)
        plan = self.get_object(request, unquote(object_id))
        if plan is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if plan.is_current:
            self.message_user(request, _gettext("„%s“ ist schon der aktuelle Plan.") % plan)
            return redirect("admin:measures_plan_change", plan.pk)
        current = Plan.objects.of(plan.owner_id).current()
        expected = current.pk if current else None
        form = MakeCurrentForm(
            request.POST if request.method == "POST" else None, initial={"replacing": expected}
        )
        status = 422 if form.is_bound and not form.is_valid() else 200
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            if form.cleaned_data["replacing"] == expected:
                previous = plan.make_current(user=request.user, reason=reason)
                security_log.warning(
                    "Aktueller Plan gewechselt: „%s“ statt „%s“ von %s (%s)",
                    plan,
                    previous or "–",
                    request.user.get_username(),
                    reason,
                )
                self.message_user(
                    request,
                    _gettext("„%(plan)s“ ist jetzt der aktuelle Plan.") % {"plan": plan},
                    messages.SUCCESS,
                )
                return redirect("admin:measures_plan_changelist")
            # Another administrator chose meanwhile: show what changes now, keep the reason.
            form = MakeCurrentForm({"reason": reason, "replacing": expected or ""})
            form.is_valid()
            form.add_error(
                None,
                _gettext(
                    "Inzwischen ist ein anderer Plan aktuell geworden. Die Seite zeigt jetzt, "
                    "was sich ändert; bitte prüfen und bestätigen Sie erneut."
                ),
            )
            status = 409
        return TemplateResponse(
            request,
            "admin/measures/plan/make_current.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Als aktuellen Plan festlegen"),
                "opts": self.opts,
                "plan": plan,
                "current": current,
                "measure_count": Measure.objects.for_plan(plan).count(),
                "current_measure_count": Measure.objects.for_plan(current).count()
                if current
                else 0,
                "form": form,
                "media": self.media + form.media,
            },
            status=status,
        )

    def publish_as_earlier_view(self, request, object_id: str):
        """Confirm that a plan in preparation becomes public as an earlier plan."""
        check_may_make_public(request)
        plan = self.get_object(request, unquote(object_id))
        if plan is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if plan.stage != Stage.DRAFT:
            self.message_user(request, _gettext("„%s“ ist schon öffentlich.") % plan)
            return redirect("admin:measures_plan_change", plan.pk)
        form = PublishEarlierForm(request.POST if request.method == "POST" else None)
        status = 422 if form.is_bound and not form.is_valid() else 200
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            if plan.publish_as_earlier(user=request.user, reason=reason):
                security_log.warning(
                    "Früherer Plan veröffentlicht: „%s“ von %s (%s)",
                    plan,
                    request.user.get_username(),
                    reason,
                )
            self.message_user(
                request,
                _gettext("„%(plan)s“ ist jetzt als früherer Plan öffentlich.") % {"plan": plan},
                messages.SUCCESS,
            )
            return redirect("admin:measures_plan_changelist")
        return TemplateResponse(
            request,
            "admin/measures/plan/publish_earlier.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Als früheren Plan veröffentlichen"),
                "opts": self.opts,
                "plan": plan,
                "address": plan.slug,
                "measure_count": Measure.objects.for_plan(plan).count(),
                "form": form,
                "media": self.media + form.media,
            },
            status=status,
        )

    @admin.display(description=_("Laufzeit"), ordering="period_start")
    def period_display(self, plan: Plan) -> str:
        return plan.period

    @admin.display(description=_("Schulen des Plans heute"))
    def schools_today(self, plan: Plan) -> int | str:
        """What the Schulträger number and school forms pick from the directory today."""
        return plan.schools(timezone.localdate()).count() if plan.pk else "–"

    @admin.display(description=_("Handlungsfelder"), ordering="field_count")
    def field_count(self, plan: Plan) -> int:
        return plan.field_count


class MeasureInline(LabelledTabularInline):
    """The measures of a field of action, to see and order them.

    Everything else is edited on the measure's own page, where the target is
    parsed and the version checked; new measures are added there too.
    """

    model = Measure
    fields = ["position", "title", "status", "target_display"]
    readonly_fields = ["title", "status", "target_display"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Abschluss"))
    def target_display(self, measure: Measure) -> str:
        return measure.target.label if measure.target else "–"


@admin.register(FieldOfAction)
class FieldOfActionAdmin(StaffAreaAdmin, HistoryAdmin):
    list_display = ["title", "plan", "position", "measure_count", "group_names"]
    list_filter = [
        ("plan", admin.RelatedOnlyFieldListFilter),
        ("responsible_groups", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["title", "slug"]
    list_select_related = ["plan"]
    ordering = ["plan", "position", "pk"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["responsible_groups"]
    # A Land's directory has thousands of schools: searched, not listed.
    autocomplete_fields = ["listed_schools"]
    inlines = [MeasureInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(measure_count=Count("measures", distinct=True))
            .prefetch_related("responsible_groups")
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        """A field of action is added to (or moved into) a plan the user is
        responsible for as a whole; it may stay in its own plan."""
        form = super().get_form(request, obj, change, **kwargs)
        offer_only_editable(form, "plan", request.user, obj.plan_id if obj else None)
        return form

    # A field of action, its groups and its measures (the inline) are its groups'
    # matter: the same rule as for the measures (FieldOfAction.objects.editable_by),
    # so whoever may change the field may change each of its measures.

    @admin.display(description=_("Maßnahmen"), ordering="measure_count")
    def measure_count(self, field: FieldOfAction) -> int:
        return field.measure_count

    @admin.display(description=_("Zuständige Gruppen"))
    def group_names(self, field: FieldOfAction) -> str:
        return ", ".join(group.name for group in field.responsible_groups.all()) or "–"


# Measures ------------------------------------------------------------------


class OverdueFilter(admin.SimpleListFilter):
    """Overdue as on the public report: target passed, not done (Measure.objects.overdue)."""

    title = _("überfällig")
    parameter_name = "ueberfaellig"

    def lookups(self, request, model_admin):
        return [("ja", _("Ja")), ("nein", _("Nein"))]

    def queryset(self, request, queryset):
        overdue = Measure.objects.overdue(timezone.localdate()).values("pk")
        if self.value() == "ja":
            return queryset.filter(pk__in=overdue)
        if self.value() == "nein":
            return queryset.exclude(pk__in=overdue)
        return queryset


class StatusFilter(admin.SimpleListFilter):
    """The statuses and "Ohne Status": Django's choices filter offers no blank value."""

    title = _("Status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*Status.choices, (NO_STATUS, NO_STATUS_LABEL)]

    def queryset(self, request, queryset):
        if self.value() == NO_STATUS:
            return queryset.filter(status="")
        if self.value() in Status.values:
            return queryset.filter(status=self.value())
        return queryset


class MeasureAdminForm(forms.ModelForm):
    """The measure with its target in the deck's notation and the version it was loaded with.

    `clean()` locks the measure's row (the admin validates and saves in one
    transaction) and refuses the form if somebody saved the measure meanwhile.
    """

    target = forms.CharField(
        label=_("Abschluss"), required=False, max_length=40, help_text=TARGET_HELP
    )
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    change_reason = ReasonField(
        required=False,
        help_text=_(
            "Wird mit der Änderung gespeichert und im öffentlichen Verlauf gezeigt. "
            "Ohne Angabe: „Geändert im Admin“."
        ),
    )

    class Meta:
        model = Measure
        # Target, original target, postponements and version are set by the form
        # (target) and by save_model (version), never entered directly.
        fields = [
            "field",
            "title",
            "slug",
            "continues",
            "position",
            "description",
            "work_items",
            "school_scope",
            "school_forms",
            "listed_schools",
            "status",
            "rollout_done",
            "rollout_total",
            "rollout_in_deck",
            "responsible",
            "responsible_groups",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        measure = self.instance
        if "target" in self.fields:
            self.fields["target"].initial = str(measure.target) if measure.target else ""
        if "loaded_version" in self.fields:
            self.fields["loaded_version"].initial = measure.version
        if "continues" in self.fields:
            # Measures of the authority's other plans, each named with its plan's
            # period (Measure.clean refuses one of a plan not earlier).
            choices = self.fields["continues"]
            others = Measure.objects.select_related("field__plan").order_by(
                "-plan__period_start", "plan", "field__position", "position", "pk"
            )
            if measure.plan_id:
                others = others.filter(plan__owner=measure.plan.owner_id).exclude(
                    plan=measure.plan_id
                )
            choices.queryset = others
            choices.label_from_instance = lambda other: f"{other.field.plan.period}: {other}"
        self.locked_version: int | None = None

    def clean_target(self) -> Target | None:
        text = self.cleaned_data["target"].strip()
        return Target.parse(text) if text else None

    def clean(self) -> dict:
        data = super().clean()
        if self.instance.pk is not None and not self._check_version(data.get("loaded_version")):
            return data
        if "target" in data and not self.has_error("target"):
            # Keeps the first target and counts postponements; the row is locked.
            self.instance.move_target(data["target"])
        return data

    def _check_version(self, loaded: int | None) -> bool:
        current = Measure.objects.select_for_update().filter(pk=self.instance.pk).first()
        if current is None:
            self.add_error(None, _("Diese Maßnahme wurde inzwischen gelöscht."))
            return False
        if loaded is None:
            self.add_error(
                None,
                _("Die Version der Maßnahme fehlt. Bitte laden Sie die Seite neu."),
            )
            return False
        if current.version != loaded:
            self.add_error(None, conflict_message(current, loaded))
            return False
        self.locked_version = current.version
        return True


def conflict_message(current: Measure, loaded: int) -> str:
    message = _(
        "Diese Maßnahme wurde inzwischen von jemand anderem geändert (Version %(loaded)s "
        "wurde bearbeitet, aktuell ist Version %(current)s). Ihre Änderungen wurden nicht "
        "gespeichert. Bitte laden Sie die Seite neu und tragen Sie sie erneut ein."
    ) % {"loaded": loaded, "current": current.version}
    for change in current.changes_since(loaded):
        what = "; ".join(f"{item.label}: {item.old} → {item.new}" for item in change.fields)
        message += " " + _("Am %(date)s von %(user)s: %(what)s.") % {
            "date": formats.date_format(timezone.localtime(change.date), "SHORT_DATETIME_FORMAT"),
            "user": change.user or "–",
            "what": what or _("keine sichtbare Änderung"),
        }
    return message


class SetStatusForm(forms.Form):
    # Nothing is preselected: one careless click must not wipe the status of every
    # selected measure. "Ohne Status" is a deliberate choice of its own.
    status = forms.ChoiceField(
        label=_("Neuer Status"),
        choices=[("", _("– Bitte wählen –")), *Status.choices, (NO_STATUS, NO_STATUS_LABEL)],
        error_messages={"required": _("Bitte wählen Sie den neuen Status.")},
    )
    reason = ReasonField(
        initial=REASON_BULK,
        help_text=_("Wird mit jeder Änderung gespeichert und im öffentlichen Verlauf gezeigt."),
    )

    def clean_status(self) -> str:
        status = self.cleaned_data["status"]
        return "" if status == NO_STATUS else status


class SchoolRolloutInline(LabelledTabularInline):
    """Read only: the rows change through the staff checklist, which writes only the
    rows an editor changed. An editable inline would post every row's old state and
    silently undo ticks made while the admin page was open."""

    model = SchoolRollout
    fields = ["school", "state", "date"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("school")


class PartInline(LabelledTabularInline):
    """Rows that are part of the object edited (a measure's budget lines and
    indicators, an indicator's readings): whoever may see or change the object
    may see or change its rows (the measure's responsibilities). A measure's
    changed rows make a new version of it (MeasureAdmin.save_related), so two
    administrators editing them from the same version cannot overwrite each other."""

    extra = 1  # an empty row to fill in, also without JavaScript

    def has_view_permission(self, request, obj=None) -> bool:
        return self.admin_site.get_model_admin(self.parent_model).has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.admin_site.get_model_admin(self.parent_model).has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)


class BudgetLineInline(PartInline):
    model = BudgetLine
    fields = ["source", "year", "planned", "spent"]


# An indicator's definition, in the measure's inline and on its own page.
INDICATOR_FIELDS = [
    "name",
    "position",
    "unit",
    "unit_detail",
    "baseline",
    "target_value",
    "total",
    "in_deck",
]


class IndicatorInline(PartInline):
    """The indicators' definitions; their readings are entered on each indicator's
    own page (the link "Ändern")."""

    model = Indicator
    fields = INDICATOR_FIELDS
    show_change_link = True


@admin.register(Measure)
class MeasureAdmin(StaffAreaAdmin, HistoryAdmin):
    form = MeasureAdminForm

    def view_on_site(self, measure: Measure) -> str:
        """At its authority's address (Authority.address)."""
        return measure.plan.owner.address(measure.get_absolute_url())

    list_display = [
        "title",
        "field",
        "status",
        "target_display",
        "overdue",
        "rollout_display",
        "postponements",
        "version",
    ]
    list_filter = [
        ("field__plan", admin.RelatedOnlyFieldListFilter),
        ("field", admin.RelatedOnlyFieldListFilter),
        StatusFilter,
        OverdueFilter,
        "target_year",
        "target_kind",
        ("responsible_groups", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["title", "slug", "description", "work_items", "responsible", "field__title"]
    list_select_related = ["field"]
    ordering = ["field__position", "field__pk", "position", "pk"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["responsible_groups"]
    autocomplete_fields = ["listed_schools"]
    readonly_fields = ["original_target_display", "postponements", "version"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "field",
                    "title",
                    "slug",
                    "continues",
                    "position",
                    "description",
                    "work_items",
                    "loaded_version",
                ]
            },
        ),
        (
            _("Stand"),
            {
                "fields": [
                    "status",
                    "target",
                    "rollout_done",
                    "rollout_total",
                    "rollout_in_deck",
                    "change_reason",
                ]
            },
        ),
        (
            _("Betroffene Schulen"),
            {
                "fields": ["school_scope", "school_forms", "listed_schools"],
                "description": _(
                    "Ohne eigene Angabe betrifft die Maßnahme die Schulen ihres "
                    "Handlungsfelds, sonst die des Plans."
                ),
            },
        ),
        (_("Zuständigkeit"), {"fields": ["responsible", "responsible_groups"]}),
        (
            _("Verschiebungen und Version"),
            {"fields": ["original_target_display", "postponements", "version"]},
        ),
    ]
    inlines = [BudgetLineInline, IndicatorInline, SchoolRolloutInline]
    actions = ["set_status"]
    history_list_display = ["status_label"]
    history_blank_labels = {"status": NO_STATUS_LABEL, "target_kind": _("nicht festgelegt")}

    def get_form(self, request, obj=None, change=False, **kwargs):
        """A measure is added to (or moved into) a field of action the user is
        responsible for; it may stay in its own field."""
        form = super().get_form(request, obj, change, **kwargs)
        offer_only_editable(form, "field", request.user, obj.field_id if obj else None)
        return form

    def get_search_results(self, request, queryset, search_term):
        """The rollout's and the indicator's measure field suggest only measures the
        user may edit (Django's autocomplete names the asking field in the query)."""
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        asking = (request.GET.get("model_name"), request.GET.get("field_name"))
        if asking in {("schoolrollout", "measure"), ("indicator", "measure")}:
            queryset = queryset.filter(
                pk__in=Measure.objects.editable_by(request.user).values("pk")
            )
        return queryset, duplicates

    def get_fieldsets(self, request, obj=None):
        """View only (another group's measure): no form-only fields to render."""
        if obj is None or self.has_change_permission(request, obj):
            return self.fieldsets
        form_only = {"loaded_version", "change_reason"}
        return [
            (
                name,
                {
                    **options,
                    "fields": [
                        "target_display" if field == "target" else field
                        for field in options["fields"]
                        if field not in form_only
                    ],
                },
            )
            for name, options in self.fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not self.has_change_permission(request, obj):
            fields.append("target_display")
        return fields

    def get_queryset(self, request):
        # The counts of the plan the portal shows at this address, if the user
        # works for its Schulträger, else of their own Schulträger's current plan
        # (measures of other plans, if any, are counted against its schools too).
        measures = super().get_queryset(request)
        own = Plan.objects.filter(owner__in=Authority.objects.staffed_by(request.user))
        plan = own.filter(owner__in=authority_of(request).values("pk")).current() or own.current()
        return measures.with_school_counts(plan) if plan else measures

    @admin.display(description=_("Abschluss"), ordering="target_year")
    def target_display(self, measure: Measure) -> str:
        return measure.target.label if measure.target else "–"

    @admin.display(description=_("Status"))
    def status_label(self, record) -> str:
        """The status of a measure or of one of its historical records, as a label."""
        return Status.label_of(record.status)

    @admin.display(description=_("Ursprünglicher Abschluss"))
    def original_target_display(self, measure: Measure) -> str:
        return measure.original_target.label if measure.original_target else "–"

    @admin.display(description=_("überfällig"))
    def overdue(self, measure: Measure) -> str:
        return yes_no_icon(measure.is_overdue(timezone.localdate()))

    @admin.display(description=_("Schulen"))
    def rollout_display(self, measure: Measure) -> str:
        return str(measure.rollout) if measure.rollout else "–"

    def change_reason(self, request, obj, form, change: bool) -> str:
        reason = form.cleaned_data.get("change_reason", "").strip()
        return reason or super().change_reason(request, obj, form, change)

    def save_model(self, request, obj, form, change):
        if change:
            if not obj.differs_from_saved():
                return  # nothing to record; open editors keep their version
            # The form locked the row and checked the version (MeasureAdminForm.clean).
            obj.version = form.locked_version
            obj.next_version(
                user=request.user, reason=self.change_reason(request, obj, form, change)
            )
        super().save_model(request, obj, form, change)  # history user and reason, save

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        parts_changed = any(
            formset.model in (BudgetLine, Indicator) and formset.has_changed()
            for formset in formsets
        )
        measure = form.instance
        if change and parts_changed and measure.version == form.locked_version:
            # Only its rows changed (save_model made no version): they make one.
            measure.next_version(
                user=request.user, reason=self.change_reason(request, measure, form, change)
            )
            measure.save()

    @admin.action(description=_("Status setzen …"), permissions=["change"])
    def set_status(self, request, queryset):
        """Ask for the status, then set it through apply_change (history, version).

        A selection with measures the user is not responsible for is refused as a
        whole, before the status is asked for."""
        foreign = list(self.not_editable(request, queryset))
        if foreign:
            self.message_user(
                request, refuse_foreign(request, "set_status", foreign), messages.ERROR
            )
            return None
        form = SetStatusForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            changed = self.apply_status(
                request, queryset, form.cleaned_data["status"], form.cleaned_data["reason"]
            )
            self.message_user(
                request,
                ngettext(
                    "Status von %(count)s Maßnahme gesetzt.",
                    "Status von %(count)s Maßnahmen gesetzt.",
                    changed,
                )
                % {"count": changed},
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/measures/measure/set_status.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Status setzen"),
                "opts": self.opts,
                "queryset": queryset,
                "form": form,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "media": self.media + form.media,
            },
            status=422 if form.is_bound else 200,
        )

    def apply_status(self, request, queryset, status: str, reason: str) -> int:
        """Set `status` on the measures; return how many changed (the rest had it already)."""
        pks = list(queryset.values_list("pk", flat=True))
        changed = 0
        with transaction.atomic():
            rows = Measure.objects.select_for_update().filter(pk__in=pks).order_by("pk")
            for measure in rows:
                updated = Measure.objects.apply_change(
                    measure.pk,
                    expected_version=measure.version,
                    user=request.user,
                    reason=reason,
                    status=status,
                )
                changed += updated.version != measure.version
        return changed


@admin.register(SchoolRollout)
class SchoolRolloutAdmin(StaffAreaAdmin, HistoryAdmin):
    list_display = ["measure", "school", "state", "date"]
    list_filter = [
        "state",
        ("measure__field", admin.RelatedOnlyFieldListFilter),
        ("measure", admin.RelatedOnlyFieldListFilter),
        "school__district",
    ]
    list_select_related = ["measure", "school"]
    search_fields = ["school__name", "school__school_number", "measure__title"]
    autocomplete_fields = ["measure", "school"]
    ordering = ["measure", "school__name"]
    date_hierarchy = "date"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """A row is added to (or moved to) a measure the user may edit only."""
        if db_field.name == "measure":
            kwargs["queryset"] = Measure.objects.editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def responsible_for(self, row: SchoolRollout):
        return row.measure

    def not_editable(self, request, queryset):
        editable = Measure.objects.editable_by(request.user)
        return queryset.exclude(measure__in=editable.values("pk"))


class ReadingInline(PartInline):
    model = Reading
    fields = ["date", "value", "unit", "unit_detail", "source", "entered_by"]
    readonly_fields = ["entered_by"]
    ordering = ["-date"]


@admin.register(Indicator)
class IndicatorAdmin(StaffAreaAdmin, HistoryAdmin):
    """An indicator and its readings; who may change a measure may change its
    indicators. Who entered a reading is shown here only, never publicly."""

    list_display = ["name", "measure", "unit", "current_display", "in_deck"]
    list_filter = ["unit", "in_deck", ("measure__field", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["measure"]
    search_fields = ["name", "measure__title"]
    autocomplete_fields = ["measure"]
    fields = ["measure", *INDICATOR_FIELDS]
    inlines = [ReadingInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """An indicator is added to (or moved to) a measure the user may edit only."""
        if db_field.name == "measure":
            kwargs["queryset"] = Measure.objects.editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("readings")

    @admin.display(description=_("Aktueller Wert"))
    def current_display(self, indicator: Indicator) -> str:
        current = indicator.current
        return current.text if current else "–"

    def responsible_for(self, indicator: Indicator):
        return indicator.measure

    def not_editable(self, request, queryset):
        editable = Measure.objects.editable_by(request.user)
        return queryset.exclude(measure__in=editable.values("pk"))

    def save_formset(self, request, form, formset, change):
        for reading_form in formset.forms:
            if reading_form.instance._state.adding:
                reading_form.instance.entered_by = request.user
        super().save_formset(request, form, formset, change)
