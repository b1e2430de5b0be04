from django.contrib import admin
from django.http import Http404

from .models import Authority, has_authority, in_staff_area, is_in_staff_area, join_staff_area


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
    `__init__`); a value posted from elsewhere is refused like any unknown one."""

    class OwnChoicesForm(form_class):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            for field in self.fields.values():
                queryset = getattr(field, "queryset", None)
                if queryset is not None and has_authority(queryset.model):
                    field.queryset = in_staff_area(queryset, user)

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
