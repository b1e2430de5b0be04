from pathlib import Path

from django.core.management.base import CommandError

from bielefeld_digital.commands import ImportCommand
from legal.importers import BIELEFELD_DRAFTS, DraftError, load_drafts


class Command(ImportCommand):
    help = (
        "Legt die Pflichtseiten (Impressum, Datenschutz, Barrierefreiheit, Leichte Sprache, "
        "Gebärdensprache) als Entwürfe an. Eine Seite, die in der Verwaltung bearbeitet oder "
        "bestätigt wurde, bleibt unverändert."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "directory",
            nargs="?",
            type=Path,
            default=BIELEFELD_DRAFTS,
            help="Ordner mit pages.toml (Vorgabe: die Entwürfe der Stadt Bielefeld).",
        )

    def run(self, *args, directory: Path, **options) -> None:
        try:
            counts = load_drafts(directory)
        except DraftError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] < 1:
            return
        self.stdout.write(
            f"Pflichtseiten: {counts['created']} angelegt, {counts['updated']} aktualisiert, "
            f"{counts['unchanged']} unverändert, {counts['kept']} in der Verwaltung bearbeitet "
            "und beibehalten."
        )
