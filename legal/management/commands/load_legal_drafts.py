from pathlib import Path

from django.core.management.base import CommandError

from authorities.models import Authority
from bielefeld_digital.commands import ImportCommand
from bielefeld_digital.text import visible
from legal.importers import BIELEFELD_DRAFTS, DraftError, put_drafts, read_drafts


class Command(ImportCommand):
    help = (
        "Legt die Pflichtseiten (Impressum, Datenschutz, Barrierefreiheit, Leichte Sprache, "
        "Gebärdensprache) eines Schulträgers als Entwürfe an. Eine Seite, die in der "
        "Verwaltung bearbeitet oder bestätigt wurde, bleibt unverändert."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "directory",
            nargs="?",
            type=Path,
            default=BIELEFELD_DRAFTS,
            help="Ordner mit pages.toml (Vorgabe: die Entwürfe der Stadt Bielefeld).",
        )
        parser.add_argument(
            "--authority",
            help="Name des Schulträgers (Vorgabe: der der Standardadresse).",
        )

    def run(self, *args, directory: Path, authority: str | None, **options) -> None:
        try:
            drafts = read_drafts(directory)
        except DraftError as error:
            raise CommandError(str(error)) from error
        owner = self._owner(authority)
        counts = put_drafts(drafts, owner)
        if options["verbosity"] < 1:
            return
        self.stdout.write(
            f"Pflichtseiten: {counts['created']} angelegt, {counts['updated']} aktualisiert, "
            f"{counts['unchanged']} unverändert, {counts['kept']} in der Verwaltung bearbeitet "
            f"und beibehalten ({owner})."
        )

    def _owner(self, name: str | None) -> Authority:
        if name is None:
            owner = Authority.objects.for_host("")
            if owner is None:
                raise CommandError(
                    "Es gibt noch keinen Schulträger. Laden Sie zuerst einen Plan (load_plan) "
                    "oder legen Sie ihn im Admin an."
                )
            return owner
        owner = Authority.objects.filter(name=name.strip()).first()
        if owner is None:
            known = ", ".join(
                f"„{name}“" for name in Authority.objects.values_list("name", flat=True)
            )
            raise CommandError(
                f"Einen Schulträger „{visible(name)}“ gibt es nicht. Bekannt: {known or 'keiner'}."
            )
        return owner
