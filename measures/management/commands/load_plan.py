from pathlib import Path

from django.core.management.base import CommandError, CommandParser

from bielefeld_digital.commands import ImportCommand
from measures.importers import PlanFileError, load_plan_file


class Command(ImportCommand):
    help = "Lädt einen Plan aus einer TOML-Datei (Format: measures/data/bielefeld.toml)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Einen schon geladenen Plan auf den Stand der Datei zurücksetzen "
            "(überschreibt Änderungen aus dem Portal; der Verlauf bleibt erhalten).",
        )

    def run(self, *args, path: Path, reset: bool, **options) -> None:
        try:
            stats = load_plan_file(path, reset=reset)
        except PlanFileError as error:
            raise CommandError(str(error)) from error
        if stats["kept"]:
            self.stdout.write(
                f"Der Plan ist schon geladen ({stats['fields']} Handlungsfelder, "
                f"{stats['measures']} Maßnahmen) und bleibt unverändert; "
                "--reset setzt ihn auf den Stand der Datei zurück."
            )
        else:
            self.stdout.write(
                f"{stats['fields']} Handlungsfelder, {stats['measures']} Maßnahmen; "
                f"{stats['changed']} Änderungen."
            )
        self.stdout.write(CURRENT if stats["current"] else NOT_CURRENT)


CURRENT = "Der Plan ist der aktuelle Plan."
NOT_CURRENT = (
    "Der Plan ist nicht der aktuelle: Ein anderer Plan ist es. Ein Administrator kann ihn im "
    "Admin unter „Pläne“ als aktuellen Plan festlegen oder als früheren Plan veröffentlichen."
)
