from django.core.management import call_command
from django.core.management.base import BaseCommand

from measures.importers import BIELEFELD_PLAN


class Command(BaseCommand):
    help = (
        "Lädt den Medienentwicklungsplan der Stadt Bielefeld (Stand des Fortschrittsberichts "
        "2023) genau wie im Foliensatz. Ein zweiter Lauf ändert nichts."
    )

    def handle(self, *args, **options) -> None:
        call_command("load_plan", BIELEFELD_PLAN, stdout=self.stdout)
