from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from authorities.admin import StaffAreaAdmin
from authorities.models import Authority
from bielefeld_digital.admin import RefusedChangeFormMixin

from .forms import LegalPageAdminForm
from .models import Feedback, LegalPage, PageKind, lacking_pages

_TEXT = (None, {"fields": ["owner", "kind", "title", "body", "confirmed"]})
_FIELDSETS = {
    PageKind.ACCESSIBILITY: [
        _TEXT,
        (
            _("Erklärung zur Barrierefreiheit"),
            {
                "fields": [
                    "compliance",
                    "known_gaps",
                    ("prepared_on", "reviewed_on"),
                    "method",
                    "ombuds_contact",
                    "ombuds_contact_confirmed",
                ]
            },
        ),
    ],
    PageKind.SIGN_LANGUAGE: [
        _TEXT,
        (
            _("Video"),
            {
                "description": _(
                    "MP4 oder WebM, höchstens 300 MB. Die Seite nennt Größe und Länge selbst."
                ),
                "fields": ["video"],
            },
        ),
    ],
}


@admin.register(LegalPage)
class LegalPageAdmin(StaffAreaAdmin, RefusedChangeFormMixin, admin.ModelAdmin):
    """Each Schulträger's own pages (StaffAreaAdmin)."""

    form = LegalPageAdminForm
    list_display = ["title", "kind", "owner", "state", "edited_at"]
    list_filter = [("owner", admin.RelatedOnlyFieldListFilter), "kind"]

    @admin.display(description=_("Stand"))
    def state(self, page: LegalPage) -> str:
        if page.is_confirmed:
            return _("bestätigt")
        return _("Entwurf, noch nicht bestätigt")

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                _TEXT,
                *_FIELDSETS[PageKind.ACCESSIBILITY][1:],
                *_FIELDSETS[PageKind.SIGN_LANGUAGE][1:],
            ]
        return _FIELDSETS.get(obj.kind, [_TEXT])

    def get_readonly_fields(self, request, obj=None):
        # The kind is the page's address at its authority's: fixed once the page exists.
        return ["owner", "kind"] if obj is not None else []

    def has_add_permission(self, request) -> bool:
        """While one of the user's authorities lacks a page."""
        if not super().has_add_permission(request):
            return False
        return lacking_pages(Authority.objects.staffed_by(request.user)).exists()

    def save_model(self, request, obj: LegalPage, form, change: bool) -> None:
        previous = form.initial.get("video")
        previous_name = previous.name if previous else ""
        super().save_model(request, obj, form, change)
        if previous_name and previous_name != obj.video.name:
            # A replaced or cleared video is served no more: it must not pile up on disk.
            obj.video.storage.delete(previous_name)


@admin.register(Feedback)
class FeedbackAdmin(StaffAreaAdmin, RefusedChangeFormMixin, admin.ModelAdmin):
    """Feedback sent at a Schulträger's address is its staff's only (StaffAreaAdmin)."""

    list_display = ["received_at", "page", "wants_reply", "handled"]
    list_filter = ["handled", "wants_reply"]
    readonly_fields = ["owner", "received_at", "name", "email", "wants_reply", "page", "message"]
    fields = [*readonly_fields, "handled"]
    date_hierarchy = "received_at"

    def has_add_permission(self, request) -> bool:
        return False
