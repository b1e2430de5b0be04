from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Konten")
    default = True

    def ready(self) -> None:
        from . import second_factor

        second_factor.connect()


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin on a site that lets in only users verified by a second factor."""

    default = False
    default_site = "accounts.sites.SecondFactorAdminSite"
