from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = _("Maßnahmen")

    def ready(self) -> None:
        from bielefeld_digital import checks, signals  # noqa: F401 - checks registers itself

        # Logins, logouts and failed logins go to the security log.
        signals.connect()
