"""`manage.py check --deploy`: settings production must not leave to their defaults."""

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.utils.translation import gettext as _


@register(Tags.security, deploy=True)
def check_trusted_proxies(app_configs=None, **kwargs) -> list[Warning]:
    # Guessing is dangerous both ways: 0 behind a proxy gives every visitor the
    # proxy's address (anyone locks any account), 1 without a proxy lets every
    # visitor choose an address in X-Forwarded-For (no lock holds).
    if settings.TRUSTED_PROXY_COUNT is not None:
        return []
    return [
        Warning(
            _(
                "TRUSTED_PROXY_COUNT ist nicht gesetzt: die Adresse der Verbindung gilt als die "
                "des Besuchers."
            ),
            hint=_(
                "Hinter einem Reverse-Proxy, der X-Forwarded-For ergänzt, "
                "TRUSTED_PROXY_COUNT=1 setzen (hinter zweien 2), ohne Proxy 0. Sonst teilen "
                "sich alle Besucher die Adresse des Proxys: Sperren nach Fehlversuchen und "
                "Anfragegrenzen treffen dann alle."
            ),
            id="bielefeld_digital.W001",
        )
    ]
