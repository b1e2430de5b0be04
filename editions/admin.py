"""Editions in the admin: read only, withdrawn by those with the permission."""

import logging

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation, helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from authorities.admin import StaffAreaAdmin
from bielefeld_digital.admin import RefusedChangeFormMixin
from bielefeld_digital.forms import ReasonField

from .models import Edition
from .permissions import check_may_withdraw, may_withdraw

security_log = logging.getLogger("portal.security")


class WithdrawForm(forms.Form):
    reason = ReasonField(label=_("Grund für das Zurückziehen"))


@admin.register(Edition)
class EditionAdmin(StaffAreaAdmin, RefusedChangeFormMixin, admin.ModelAdmin):
    """Editions are published in the staff area and never edited; only withdrawn here."""

    def view_on_site(self, edition: Edition) -> str:
        """At its authority's address (Authority.address)."""
        return edition.plan.owner.address(edition.get_absolute_url())

    list_display = ["title", "plan", "date", "reference", "published_by", "withdrawn_at"]
    list_filter = [
        ("plan", admin.RelatedOnlyFieldListFilter),
        "date",
        ("withdrawn_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["title", "reference"]
    date_hierarchy = "date"
    actions = ["withdraw"]
    readonly_fields = [
        "plan",
        "title",
        "slug",
        "date",
        "reference",
        "preface",
        "published_at",
        "published_by",
        "withdrawn_at",
        "withdrawn_by",
        "withdrawal_reason",
    ]
    exclude = ["snapshot"]

    def has_add_permission(self, request) -> bool:
        return False  # publishing freezes the plan: /verwaltung/berichte/neu/

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # an edition is withdrawn, never deleted

    def get_action_choices(
        self, request, default_choices=None, action_location=ActionLocation.CHANGE_LIST
    ):
        """Offer "Zurückziehen" only to those allowed; a posted attempt is still refused."""
        choices = super().get_action_choices(request, default_choices, action_location)
        if may_withdraw(request.user):
            return choices
        return [(name, label) for name, label in choices if name != "withdraw"]

    def response_action(self, request, queryset, action_location=ActionLocation.CHANGE_LIST):
        # Before the admin's own check, which would refuse the action unknown to
        # the user's menu silently: a withdrawal without the permission is logged.
        if request.POST.get("action") == "withdraw":
            check_may_withdraw(request, request.POST.getlist(helpers.ACTION_CHECKBOX_NAME))
        return super().response_action(request, queryset, action_location)

    @admin.action(description=_("Zurückziehen …"))
    def withdraw(self, request, queryset):
        check_may_withdraw(request, request.POST.getlist(helpers.ACTION_CHECKBOX_NAME))
        form = WithdrawForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            for edition in queryset.filter(withdrawn_at__isnull=True):
                edition.withdraw(user=request.user, reason=form.cleaned_data["reason"])
                security_log.warning(
                    "Bericht zurückgezogen: „%s“ von %s (%s)",
                    edition,
                    request.user.get_username(),
                    form.cleaned_data["reason"],
                )
            self.message_user(request, _("Die Ausgaben sind zurückgezogen."), messages.SUCCESS)
            return None
        return TemplateResponse(
            request,
            "admin/editions/edition/withdraw.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Berichtsausgaben zurückziehen"),
                "form": form,
                "editions": queryset,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            },
        )
