import io
import tomllib

from django.core.management import call_command
from django.utils import timezone

from authorities.models import Authority
from bielefeld_digital.commands import ImportCommand
from measures.importers import BIELEFELD_PLAN
from measures.models import Plan
from schools.importers import BIELEFELD_DIRECTORY_FILE, BIELEFELD_DISTRICTS_FILE


class Command(ImportCommand):
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

    def run(self, *args, reset: bool, **options) -> None:
        plan_file = tomllib.loads(BIELEFELD_PLAN.read_text(encoding="utf-8"))["plan"]
        self._step("Plan", "load_plan", BIELEFELD_PLAN, lines=2, reset=reset)
        # Idempotent: the shipped files change only with a new release.
        name = plan_file["authority"]
        self._step(
            "Schulverzeichnis NRW", "import_schools", BIELEFELD_DIRECTORY_FILE, authority=name
        )
        self._step(
            "Bezirke",
            "import_districts",
            BIELEFELD_DISTRICTS_FILE,
            only_missing=True,  # keeps districts an administrator corrected
            traeger=plan_file["school_authority_number"],  # the city's file: its schools
        )
        # Drafts only: pages an administrator edited or confirmed stay as they are.
        self._step("Pflichtseiten", "load_legal_drafts", authority=name)
        plan = Plan.objects.of(Authority.objects.filter(name=name)).current()
        if plan is not None:
            count = plan.schools(timezone.localdate()).count()
            self.stdout.write(f"Schulen des Plans heute: {count}")

    def _step(self, label: str, command: str, *args, lines: int = 1, **options) -> None:
        """Run `command` and say what it did: its summary `lines`, not its details."""
        output = io.StringIO()
        call_command(command, *args, stdout=output, **options)
        summary = output.getvalue().strip().splitlines()[:lines] or ["fertig"]
        for line in summary:
            self.stdout.write(f"{label}: {line.removeprefix(f'{label}: ')}")
