"""`manage.py check --deploy --database default`: are the legal pages ready to go live?

Like Django's own database checks, these run only when a database is named
(`--database`): `make test` runs `check --deploy` against a database where no
pages exist and need not, and a check must not query a database that may not
be migrated. An operator runs the command with `--database default` before
going live and after editing the pages. Each Schulträger's pages are checked,
each warning names the authority.
"""

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError
from django.utils.translation import gettext as _


@register(Tags.database, deploy=True)
def check_legal_pages(app_configs=None, databases=None, **kwargs) -> list[Warning]:
    if not databases or "default" not in databases:
        return []
    from authorities.models import Authority

    try:
        return [warning for owner in Authority.objects.all() for warning in _check(owner)]
    except DatabaseError as error:
        return [
            Warning(
                _("Die Pflichtseiten konnten nicht geprüft werden: %(error)s") % {"error": error},
                hint=_("Ist die Datenbank erreichbar und „manage.py migrate“ gelaufen?"),
                id="legal.W000",
            )
        ]


def _check(owner) -> list[Warning]:
    from .models import Feedback, LegalPage, PageKind

    pages = LegalPage.objects.of(owner)
    missing = pages.missing_kinds()
    unconfirmed = list(pages.unconfirmed().values_list("kind", flat=True))
    warnings = []
    if missing:
        warnings.append(
            Warning(
                _("%(authority)s: Diese Pflichtseiten fehlen: %(pages)s.")
                % {
                    "authority": owner,
                    "pages": ", ".join(str(kind.label) for kind in missing),
                },
                hint=_(
                    "„manage.py load_legal_drafts --authority NAME“ legt Entwürfe an; im Admin "
                    "bearbeiten."
                ),
                id="legal.W001",
            )
        )
    if unconfirmed:
        warnings.append(
            Warning(
                _("%(authority)s: Diese Pflichtseiten sind noch nicht bestätigt: %(pages)s.")
                % {
                    "authority": owner,
                    "pages": ", ".join(str(PageKind(kind).label) for kind in unconfirmed),
                },
                hint=_(
                    "Im Admin unter „Pflichtseiten“ die Angaben prüfen, Platzhalter ersetzen "
                    "und „Geprüft und bestätigt“ ankreuzen."
                ),
                id="legal.W002",
            )
        )
    if not Feedback.recipients(owner):
        warnings.append(
            Warning(
                _("%(authority)s: Niemand erhält Rückmeldungen zur Barrierefreiheit per E-Mail.")
                % {"authority": owner},
                hint=_(
                    "Im Admin einer Person oder Gruppe des Schulträgers mit E-Mail-Adresse die "
                    "Berechtigung „Erhält Rückmeldungen zur Barrierefreiheit“ geben."
                ),
                id="legal.W003",
            )
        )
    return warnings
