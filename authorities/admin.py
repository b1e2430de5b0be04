from django import forms
from django.contrib import admin
from django.core.files.base import ContentFile
from django.http import Http404

from bielefeld_digital.admin import RefusedChangeFormMixin

from .logos import check_size, checked_logo
from .models import (
    Authority,
    Identity,
    has_authority,
    in_staff_area,
    is_in_staff_area,
    join_staff_area,
)


class StaffAreaAdmin:
    """For the ModelAdmin of one authority's data (its model names `authority_path`)
    and of its users and groups: its staff see, choose and change only their own
    authorities' rows; a user or group they add is their authorities' too.

    The list, search, actions, autocomplete and every view that looks an object
    up take `get_queryset`, so another authority's id is not found, as if it
    did not exist. The form's choices (also those a form sets itself) offer only
    the own authorities' rows; a past version of another authority's row is not
    found either (simple_history's views look it up without `get_queryset`).
    The changelist's filters of such rows use RelatedOnlyFieldListFilter, which
    offers only what the listed rows name.
    """

    def get_queryset(self, request):
        return in_staff_area(super().get_queryset(request), request.user)

    def get_form(self, request, obj=None, *args, **kwargs):
        form = super().get_form(request, obj, *args, **kwargs)
        return own_choices_only(form, request.user)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            join_staff_area(obj, request.user)

    def has_view_history_or_change_history_permission(self, request, obj=None) -> bool:
        """simple_history's history views ask this with the object they found."""
        if obj is not None and not is_in_staff_area(obj, request.user):
            raise Http404
        return super().has_view_history_or_change_history_permission(request, obj)


def own_choices_only(form_class, user):
    """`form_class` whose choices of one authority's rows offer only those of the
    authorities `user` works for, whoever set them (the field or the form's
    `__init__`); a value posted from elsewhere is refused like any unknown one.
    A list (a group's members, a user's groups) keeps the rows it has that the
    user is not offered: saving it must not drop another authority's."""

    class OwnChoicesForm(form_class):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.kept_rows: dict[str, list[int]] = {}
            for name, field in self.fields.items():
                queryset = getattr(field, "queryset", None)
                if queryset is None or not has_authority(queryset.model):
                    continue
                offered = in_staff_area(queryset, user)
                if isinstance(field, forms.ModelMultipleChoiceField):
                    current = self.get_initial_for_field(field, name) or []
                    pks = [getattr(row, "pk", row) for row in current]
                    kept = queryset.filter(pk__in=pks).exclude(pk__in=offered.values("pk"))
                    self.kept_rows[name] = list(kept.values_list("pk", flat=True)) if pks else []
                field.queryset = offered

        def clean(self) -> dict:
            data = super().clean()
            for name, kept in self.kept_rows.items():
                if kept and data.get(name) is not None:
                    rows = [row.pk for row in data[name]]
                    model = self.fields[name].queryset.model
                    data[name] = model._default_manager.filter(pk__in=[*rows, *kept])
            return data

    OwnChoicesForm.__name__ = form_class.__name__
    return OwnChoicesForm


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    """The installation's Schulträger: a platform administrator's (superuser's)
    matter only. A permission given to a group does not open it: with it, one
    authority's administrator could name themselves staff of another."""

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    has_add_permission = has_module_permission

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    has_delete_permission = has_change_permission

    list_display = ["name", "host"]
    search_fields = ["name", "host"]
    fields = ["name", "host", "staff", "groups"]
    filter_horizontal = ["staff", "groups"]


class IdentityForm(forms.ModelForm):
    class Meta:
        model = Identity
        fields = ["office", "committee", "contact", "logo"]

    def clean_logo(self):
        """A new upload is checked and stored as checked (an SVG rebuilt)."""
        logo = self.cleaned_data.get("logo")
        if not logo or not hasattr(logo, "content_type"):
            return logo  # kept or cleared
        check_size(logo.size)  # before reading it
        checked = checked_logo(logo.read())
        return ContentFile(checked.content, name=f"logo.{checked.extension}")


@admin.register(Identity)
class IdentityAdmin(StaffAreaAdmin, RefusedChangeFormMixin, admin.ModelAdmin):
    """An authority's identity, edited by its own administrators (StaffAreaAdmin:
    their authorities only) with the permission "Auftritt ändern"."""

    form = IdentityForm
    list_display = ["name", "office", "committee"]
    fields = ["name", "office", "committee", "contact", "logo"]
    readonly_fields = ["name"]

    def has_add_permission(self, request) -> bool:
        return False  # a platform administrator adds authorities

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        previous = form.initial.get("logo")
        previous_name = previous.name if previous else ""
        super().save_model(request, obj, form, change)
        if previous_name and previous_name != obj.logo.name:
            obj.logo.storage.delete(previous_name)  # replaced or cleared: served no more
