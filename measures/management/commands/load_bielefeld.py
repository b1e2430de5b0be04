from django.core.management import call_command
from django.core.management.base import BaseCommand

from measures.importers import BIELEFELD_PLAN
from schools.importers import BIELEFELD_DIRECTORY_FILE, BIELEFELD_DISTRICTS_FILE


class Command(BaseCommand):
    help = (
        "Lädt den Medienentwicklungsplan der Stadt Bielefeld (Stand des Fortschrittsberichts "
        "2023) genau wie im Foliensatz, dazu die Bielefelder Schulen aus dem Schulverzeichnis "
        "NRW mit ihren Stadtbezirken. Ein schon geladener Plan bleibt unverändert."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Den Plan auf den Stand des Foliensatzes zurücksetzen.",
        )

    def handle(self, *args, reset: bool, **options) -> None:
        call_command("load_plan", BIELEFELD_PLAN, reset=reset, stdout=self.stdout)
        # Quiet and idempotent: the shipped files change only with a new release.
        call_command("import_schools", BIELEFELD_DIRECTORY_FILE, verbosity=0, stdout=self.stdout)
        call_command(
            "import_districts",
            BIELEFELD_DISTRICTS_FILE,
            only_missing=True,  # keeps districts an administrator corrected
            verbosity=0,
            stdout=self.stdout,
        )
        # Drafts only: pages an administrator edited or confirmed stay as they are.
        call_command("load_legal_drafts", verbosity=0, stdout=self.stdout)
