from django.core.management import call_command
from django.core.management.base import BaseCommand

from measures.importers import BIELEFELD_PLAN


class Command(BaseCommand):
    help = (
        "Lädt den Medienentwicklungsplan der Stadt Bielefeld (Stand des Fortschrittsberichts "
        "2023) genau wie im Foliensatz. Ein schon geladener Plan bleibt unverändert."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Den Plan auf den Stand des Foliensatzes zurücksetzen.",
        )

    def handle(self, *args, reset: bool, **options) -> None:
        call_command("load_plan", BIELEFELD_PLAN, reset=reset, stdout=self.stdout)
