"""The admin's users and groups (with the fields of action and measures a group is
responsible for), the login lock's records, and the admin site's own settings."""

import logging
import smtplib

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group, Permission, User
from django.db import models
from django.db.models import Count
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin import SecondFactorUserAdminMixin
from authorities.admin import AuthorityAdmin, StaffAreaAdmin
from authorities.models import AUTHORITY_NUMBER, Authority
from bielefeld_digital.admin import RefusedChangeFormMixin, yes_no_icon
from bielefeld_digital.forms import refuse_unsafe_text
from editions.models import Edition
from measures.models import EDIT_ALL_PERMISSION, FieldOfAction, Measure
from schools.importers import authority_name

from .forms import (
    PortalAdminAuthenticationForm,
    PortalAdminPasswordChangeForm,
    PortalAdminSetPasswordForm,
    PortalAdminUserCreationForm,
)
from .setup import invitation_link, send_invitation, set_up_authority

logger = logging.getLogger(__name__)

admin.site.site_header = _("Schuldigital-Monitor – Administration")
admin.site.site_title = _("Schuldigital-Monitor")
admin.site.index_title = _("Administration")
# Over-long usernames and passwords are refused by the form, before axes stores them.
admin.site.login_form = PortalAdminAuthenticationForm
admin.site.password_change_form = PortalAdminPasswordChangeForm


# Users and groups ------------------------------------------------------------

# Django stores the names of its default permissions in English at migrate time
# ("Can add group"), so the German admin names them itself.
PERMISSION_ACTIONS = {
    "add": _("Darf anlegen"),
    "change": _("Darf ändern"),
    "delete": _("Darf löschen"),
    "view": _("Darf ansehen"),
}


def permission_label(permission: Permission) -> str:
    """ "Maßnahmen | Maßnahme | Darf ändern"; custom permissions keep their (German) name."""
    model = permission.content_type.model_class()
    if model is None:
        return str(permission)
    name = model._meta.verbose_name
    if hasattr(model, "instance_type"):  # simple_history's model of the past versions
        name = _gettext("Verlauf: %s") % model.instance_type._meta.verbose_name
    action, _sep, model_name = permission.codename.partition("_")
    if action in PERMISSION_ACTIONS and model_name == model._meta.model_name:
        text = PERMISSION_ACTIONS[action]
    else:
        text = permission.name
    return f"{model._meta.app_config.verbose_name} | {name} | {text}"


class GermanPermissionsMixin:
    """The permissions of a user or group named in German; someone who is no
    platform administrator gives only permissions they hold themselves (and
    keeps those given already), directly or as a group's member: else an
    authority's administrator could give themselves, through a group, what opens
    another authority's data or the installation's security log."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.remote_field.model is Permission:
            field.queryset = field.queryset.select_related("content_type")
            field.label_from_instance = permission_label
        return field

    def get_form(self, request, obj=None, *args, **kwargs):
        form = super().get_form(request, obj, *args, **kwargs)
        if request.user.is_superuser:
            return form
        own = request.user.get_all_permissions()

        class OwnPermissionsForm(form):
            def __init__(self, *args, **kwargs) -> None:
                super().__init__(*args, **kwargs)
                for name in ("permissions", "user_permissions"):
                    if name in self.fields:
                        given = getattr(self.instance, name).all() if self.instance.pk else []
                        self.fields[name].queryset = grantable(
                            self.fields[name].queryset, own, given
                        )
                if "groups" in self.fields:  # a user's
                    given = self.instance.groups.all() if self.instance.pk else Group.objects.none()
                    groups = self.fields["groups"].queryset
                    self.fields["groups"].queryset = groups.filter(
                        models.Q(pk__in=within_own(groups, own).values("pk"))
                        | models.Q(pk__in=given.values("pk"))
                    )

        OwnPermissionsForm.__name__ = form.__name__
        return OwnPermissionsForm


def grantable(permissions, own: set[str], given) -> "models.QuerySet[Permission]":
    """Of `permissions`, those named in `own` ("app_label.codename") and those `given`."""
    return permissions.filter(_named(own) | models.Q(pk__in=[perm.pk for perm in given]))


def within_own(groups, own: set[str]) -> "models.QuerySet[Group]":
    """The `groups` that give nothing beyond `own`: joining one gives no more."""
    beyond = Permission.objects.exclude(_named(own))
    return groups.exclude(permissions__in=beyond)


def _named(own: set[str]) -> models.Q:
    """The permissions named in `own` ("app_label.codename"); none if it is empty."""
    held = models.Q(pk__in=[])
    for name in own:
        app_label, codename = name.split(".", 1)
        held |= models.Q(content_type__app_label=app_label, codename=codename)
    return held


class GroupAdminForm(forms.ModelForm):
    """A group with its members and the fields of action and measures it is responsible for."""

    members = forms.ModelMultipleChoiceField(
        User.objects.order_by("username"),
        label=_("Mitglieder"),
        required=False,
        widget=FilteredSelectMultiple(_("Mitglieder"), is_stacked=False),
    )
    fields_of_action = forms.ModelMultipleChoiceField(
        FieldOfAction.objects.select_related("plan"),
        label=_("Zuständig für Handlungsfelder"),
        required=False,
        widget=FilteredSelectMultiple(_("Handlungsfelder"), is_stacked=False),
        help_text=_("Die Mitglieder dürfen alle Maßnahmen dieser Handlungsfelder bearbeiten."),
    )
    measures = forms.ModelMultipleChoiceField(
        Measure.objects.select_related("field"),
        label=_("Zuständig für Maßnahmen"),
        required=False,
        widget=FilteredSelectMultiple(_("Maßnahmen"), is_stacked=False),
        help_text=_("Die Mitglieder dürfen diese Maßnahmen bearbeiten."),
    )

    class Meta:
        model = Group
        fields = ["name", "permissions"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        refuse_unsafe_text(self)  # Django's Group has no such validator of its own
        self.fields["measures"].label_from_instance = lambda measure: f"{measure.field}: {measure}"
        if self.instance.pk:
            self.fields["members"].initial = self.instance.user_set.all()
            self.fields["fields_of_action"].initial = self.instance.fields_of_action.all()
            self.fields["measures"].initial = self.instance.measures.all()

    def save_responsibilities(self) -> None:
        """Save the reverse relations; the group must be saved already."""
        group = self.instance
        group.user_set.set(self.cleaned_data["members"])
        group.fields_of_action.set(self.cleaned_data["fields_of_action"])
        group.measures.set(self.cleaned_data["measures"])


admin.site.unregister(Group)


@admin.register(Group)
class PortalGroupAdmin(StaffAreaAdmin, RefusedChangeFormMixin, GermanPermissionsMixin, GroupAdmin):
    form = GroupAdminForm
    fields = ["name", "members", "fields_of_action", "measures", "permissions"]
    list_display = ["name", "member_count", "field_count", "measure_count"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                member_count=Count("user", distinct=True),
                field_count=Count("fields_of_action", distinct=True),
                measure_count=Count("measures", distinct=True),
            )
        )

    @admin.display(description=_("Mitglieder"), ordering="member_count")
    def member_count(self, group: Group) -> int:
        return group.member_count

    @admin.display(description=_("Handlungsfelder"), ordering="field_count")
    def field_count(self, group: Group) -> int:
        return group.field_count

    @admin.display(description=_("Maßnahmen"), ordering="measure_count")
    def measure_count(self, group: Group) -> int:
        return group.measure_count

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.save_responsibilities()

    # A group that gives more than the user holds is theirs to read, not to change:
    # as its member they would have it (GermanPermissionsMixin).
    def has_change_permission(self, request, obj=None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self._within_own(request, obj))

    def has_delete_permission(self, request, obj=None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self._within_own(request, obj))

    # Shown instead of the form's lists where the group is read only.
    def get_fields(self, request, obj=None):
        if obj is not None and not self.has_change_permission(request, obj):
            return ["name", "member_list", "field_list", "measure_list", "permissions"]
        return super().get_fields(request, obj)

    @admin.display(description=_("Mitglieder"))
    def member_list(self, group: Group) -> str:
        return ", ".join(user.get_username() for user in group.user_set.all()) or "–"

    @admin.display(description=_("Zuständig für Handlungsfelder"))
    def field_list(self, group: Group) -> str:
        return ", ".join(str(field) for field in group.fields_of_action.all()) or "–"

    @admin.display(description=_("Zuständig für Maßnahmen"))
    def measure_list(self, group: Group) -> str:
        return ", ".join(str(measure) for measure in group.measures.all()) or "–"

    def _within_own(self, request, group: Group) -> bool:
        if request.user.is_superuser:
            return True
        own = request.user.get_all_permissions()
        return within_own(Group.objects.filter(pk=group.pk), own).exists()


admin.site.unregister(User)


# Django's User has no validator against bidi overrides and control characters
# in names and addresses; the admin's forms add it.
class PortalUserChangeForm(UserChangeForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        refuse_unsafe_text(self)


@admin.register(User)
class PortalUserAdmin(
    StaffAreaAdmin,
    SecondFactorUserAdminMixin,
    RefusedChangeFormMixin,
    GermanPermissionsMixin,
    UserAdmin,
):
    form = PortalUserChangeForm
    add_form = PortalAdminUserCreationForm
    change_password_form = PortalAdminSetPasswordForm
    list_display = [
        "username",
        "first_name",
        "last_name",
        "email",
        "group_names",
        "staff_flag",
        "superuser_flag",
        "second_factor_flag",
        "active_flag",
    ]
    fieldsets = [*UserAdmin.fieldsets, (_("Zuständigkeiten"), {"fields": ["responsibilities"]})]
    # The groups filter names only the groups of the listed users (StaffAreaAdmin).
    list_filter = [
        "is_staff",
        "is_superuser",
        "is_active",
        ("groups", admin.RelatedOnlyFieldListFilter),
    ]
    actions = [*SecondFactorUserAdminMixin.actions, "resend_invitation"]
    readonly_fields = ["responsibilities"]

    def get_readonly_fields(self, request, obj=None):
        """Only a platform administrator makes one (StaffAreaAdmin: the others
        neither see nor edit them)."""
        fields = super().get_readonly_fields(request, obj)
        return fields if request.user.is_superuser else [*fields, "is_superuser"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def get_deleted_objects(self, objs, request):
        """Say why a publisher stays, and list the editions as what protects them.

        Without this the admin names editions among the objects that would be
        deleted (nobody may delete editions), which is not what would happen.
        """
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if Edition.objects.filter(
            models.Q(published_by__in=objs) | models.Q(withdrawn_by__in=objs)
        ).exists():
            perms_needed.discard(Edition._meta.verbose_name)
            messages.error(
                request,
                _(
                    "Wer einen Bericht veröffentlicht oder zurückgezogen hat, kann nicht "
                    "gelöscht werden: Die Berichtsausgabe nennt ihn dauerhaft. Deaktivieren "
                    "Sie das Konto stattdessen (Häkchen „Aktiv“ entfernen)."
                ),
            )
        return deleted, model_count, perms_needed, protected

    @admin.action(description=_("Einladung erneut senden"), permissions=["change"])
    def resend_invitation(self, request, queryset) -> None:
        """A new set-password link for those who have not set a password yet (the
        link expired, the mail was lost); the others reset theirs themselves."""
        invited = queryset.filter(last_login=None).exclude(email="")
        sent = []
        for user in invited:
            if user.has_usable_password():
                continue
            authority = user.authorities.first() or Authority.objects.for_host("")
            send_invitation(user, authority, invitation_link(user, authority, request))
            sent.append(user.email)
        if sent:
            self.message_user(
                request,
                _gettext("Einladung erneut gesendet an %(emails)s.") % {"emails": ", ".join(sent)},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                _gettext(
                    "Keiner der Benutzer wartet auf eine Einladung: Wer schon ein Passwort "
                    "hat, setzt es mit „Passwort vergessen“ selbst zurück."
                ),
                messages.WARNING,
            )

    @admin.display(description=_("Gruppen"))
    def group_names(self, user: User) -> str:
        return ", ".join(group.name for group in user.groups.all()) or "–"

    @admin.display(description=User._meta.get_field("is_staff").verbose_name, ordering="is_staff")
    def staff_flag(self, user: User) -> str:
        return yes_no_icon(user.is_staff)

    @admin.display(
        description=User._meta.get_field("is_superuser").verbose_name,
        ordering="is_superuser",
    )
    def superuser_flag(self, user: User) -> str:
        return yes_no_icon(user.is_superuser)

    @admin.display(description=_("Zwei-Faktor-Anmeldung"), ordering="has_second_factor")
    def second_factor_flag(self, user: User) -> str:
        return yes_no_icon(user.has_second_factor)

    @admin.display(description=User._meta.get_field("is_active").verbose_name, ordering="is_active")
    def active_flag(self, user: User) -> str:
        return yes_no_icon(user.is_active)

    @admin.display(description=_("Darf bearbeiten"))
    def responsibilities(self, user: User) -> str:
        if user.pk is None:
            return "–"
        if user.is_active and user.has_perm(EDIT_ALL_PERMISSION):
            return _gettext("Alle Maßnahmen (Berechtigung „Darf alle Maßnahmen bearbeiten“)")
        measures = Measure.objects.editable_by(user).select_related("field")
        if not measures:
            return _gettext("Keine Maßnahme. Zuständigkeiten werden über die Gruppen vergeben.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "", "<li>{}: {}</li>", ((measure.field, measure) for measure in measures)
            ),
        )


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class PortalAccessAttemptAdmin(AccessAttemptAdmin):
    @admin.action(description=_("Abgelaufene Anmeldeversuche löschen"))
    def cleanup_expired_attempts(self, request, queryset):
        # axes reads the request's time, which its middleware sets on login
        # requests only: in the admin the action answered 500.
        request.axes_attempt_time = timezone.now()
        count = self.handler.clean_expired_user_attempts(request=request)
        self.message_user(
            request,
            ngettext(
                "%(count)s abgelaufener Anmeldeversuch gelöscht.",
                "%(count)s abgelaufene Anmeldeversuche gelöscht.",
                count,
            )
            % {"count": count},
        )


# Setting up a Schulträger ------------------------------------------------------


class AuthoritySetupForm(forms.ModelForm):
    """A new Schulträger from its NRW Trägernummer (its name from the directory's
    key table) or, outside NRW, by its name; with its first administrator."""

    administrator_email = forms.EmailField(
        # It is the user name too: at most as long, of the characters it allows.
        max_length=User._meta.get_field("username").max_length,
        validators=[User.username_validator],
        label=_("E-Mail-Adresse der ersten Administratorin oder des ersten Administrators"),
        help_text=_(
            "Sie erhält eine Einladung mit einem Link, der 7 Tage lang gilt, um ihr Passwort "
            "festzulegen. Ihr Benutzername ist diese Adresse."
        ),
    )

    class Meta:
        model = Authority
        fields = ["school_authority_number", "name", "host", "path_prefix"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        refuse_unsafe_text(self)
        self.fields["name"].required = False
        self.fields["name"].help_text = _(
            "Mit Trägernummer leer lassen: Der Name kommt aus dem Schulverzeichnis NRW."
        )

    def clean_school_authority_number(self) -> str:
        """Its form first: the key table is asked only for a well-formed number."""
        number = self.cleaned_data["school_authority_number"].strip()
        if number:
            AUTHORITY_NUMBER(number)
        return number

    def clean_administrator_email(self) -> str:
        email = self.cleaned_data["administrator_email"].strip()
        taken = User.objects.filter(
            models.Q(username__iexact=email) | models.Q(email__iexact=email)
        )
        if taken.exists():
            raise forms.ValidationError(_("Es gibt schon ein Konto mit dieser Adresse."))
        return email

    def clean(self) -> dict:
        data = super().clean()
        number = data.get("school_authority_number", "")
        if number and not self.has_error("school_authority_number"):
            name = authority_name(number)
            if name is None:
                self.add_error(
                    "school_authority_number",
                    _("Die Trägernummer %(number)s steht nicht im Schulverzeichnis NRW.")
                    % {"number": number},
                )
            elif not data.get("name"):
                data["name"] = name
        elif not number and not data.get("name"):
            self.add_error(
                "name",
                _("Bitte nennen Sie die Trägernummer oder, außerhalb von NRW, den Namen."),
            )
        return data


admin.site.unregister(Authority)


@admin.register(Authority)
class PortalAuthorityAdmin(RefusedChangeFormMixin, AuthorityAdmin):
    """The authorities, with the set-up of a new one (AuthoritySetupForm)."""

    add_form = AuthoritySetupForm
    fields = ["name", "school_authority_number", "host", "path_prefix", "staff", "groups"]
    list_display = ["name", "school_authority_number", "host", "path_prefix"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
            kwargs["fields"] = None
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["school_authority_number", "name", "host", "path_prefix", "administrator_email"]
        return super().get_fields(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change:
            return
        user, schools = set_up_authority(obj, email=form.cleaned_data["administrator_email"])
        link = invitation_link(user, obj, request)
        request.invitation = (user, obj, link)  # sent once all is saved (add_view)
        self.message_user(
            request,
            _gettext(
                "„%(name)s“ ist eingerichtet. Schulen aus dem Schulverzeichnis NRW: %(schools)s."
            )
            % {"name": obj, "schools": schools.summary() if schools else _gettext("keine")},
            messages.SUCCESS,
        )

    def add_view(self, request, form_url="", extra_context=None):
        # Django's add_view saves in a transaction of its own: when it returns, the
        # authority and its administrator are committed, and the mail may go.
        response = super().add_view(request, form_url, extra_context)
        if hasattr(request, "invitation"):
            self._invite(request, *request.invitation)
        return response

    def _invite(self, request, user, authority, link: str) -> None:
        try:
            send_invitation(user, authority, link)
        except (OSError, smtplib.SMTPException):
            logger.exception("Einladung an %s nicht versandt", user.get_username())
            self.message_user(
                request,
                _gettext(
                    "Die Einladung an %(email)s konnte nicht versandt werden. Senden Sie sie "
                    "später unter „Benutzer“ mit der Aktion „Einladung erneut senden“."
                )
                % {"email": user.email},
                messages.WARNING,
            )
            return
        self.message_user(
            request,
            _gettext("Die Einladung ist an %(email)s versandt.") % {"email": user.email},
            messages.SUCCESS,
        )
