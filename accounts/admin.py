from django.contrib import admin, messages
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import second_factor

# django-otp's own device pages would show who has which device and let anyone
# with admin access delete one without a log line; the user action below does
# that, logged. Secrets never appear in the admin.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.action(description=_("Zwei-Faktor-Anmeldung zurücksetzen"), permissions=["change"])
def reset_second_factor(modeladmin, request, queryset) -> None:
    """Remove the chosen users' devices: they set up a new one at their next login."""
    reset = []
    for user in queryset:
        if second_factor.remove_devices(user):
            second_factor.log_removed(request, user, by=request.user.get_username())
            reset.append(user.get_username())
    if reset:
        modeladmin.message_user(
            request,
            ngettext(
                "Zwei-Faktor-Anmeldung zurückgesetzt für %(names)s.",
                "Zwei-Faktor-Anmeldung zurückgesetzt für %(names)s.",
                len(reset),
            )
            % {"names": ", ".join(reset)},
            messages.SUCCESS,
        )
    else:
        modeladmin.message_user(
            request,
            _gettext("Keiner der Benutzer hatte eine Zwei-Faktor-Anmeldung."),
            messages.INFO,
        )


class SecondFactorUserAdminMixin:
    """For the user admin: the reset action, and `has_second_factor` on every row
    (one EXISTS in the list's query, not a query per row)."""

    actions = [reset_second_factor]

    def get_queryset(self, request):
        confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(has_second_factor=Exists(confirmed))
