from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from measures.importers import PlanFileError, load_plan_file


class Command(BaseCommand):
    help = "Lädt einen Plan aus einer TOML-Datei (Format: measures/data/bielefeld.toml)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options) -> None:
        try:
            stats = load_plan_file(path)
        except PlanFileError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{stats['fields']} Handlungsfelder, {stats['measures']} Maßnahmen; "
            f"{stats['changed']} Änderungen."
        )
