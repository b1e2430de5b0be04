from pathlib import Path

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from bielefeld_digital.commands import ImportCommand
from bielefeld_digital.text import visible
from schools.importers import (
    ImportFileError,
    add_owner_argument,
    import_districts,
    read_districts,
    record_district_import,
    record_owner,
)


class Command(ImportCommand):
    help = (
        "Setzt den Bezirk der Schulen aus einer CSV-Datei des Schulträgers mit den "
        "Spalten „Schulnummer;Bezirk“ (UTF-8 oder cp1252, Semikolon; docs/districts.md) "
        "oder aus der Datei der Stadt Bielefeld „Schülerzahlen städtischer Schulen nach "
        "Klassen“ (Spalte „Stadtbezirk“)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--nur-fehlende",
            action="store_true",
            dest="only_missing",
            help="Nur Schulen ohne Stadtbezirk setzen; schon gesetzte (etwa von der "
            "Administration berichtigte) bleiben, wie sie sind.",
        )
        parser.add_argument(
            "--traeger",
            metavar="NUMMER",
            help="Nur die Schulen dieses Schulträgers (Trägernummer, z. B. 10261) ändern; "
            "Zeilen für Schulen anderer Schulträger bleiben ohne Wirkung.",
        )
        add_owner_argument(parser)

    def run(
        self,
        *args,
        path: Path,
        only_missing: bool,
        traeger: str | None,
        authority: str | None,
        verbosity: int,
        **options,
    ) -> None:
        try:
            owner = record_owner(authority, traeger)
            districts = read_districts(path)
            result = import_districts(
                districts, only_missing=only_missing, authority_number=traeger
            )
            record_district_import(path, districts, result, owner=owner)
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        if verbosity < 1:
            return
        self.stdout.write(result.summary())
        for rejection in result.rejections:
            self.stdout.write(_("  abgelehnt: %s") % rejection)
        for number, name in result.unknown.items():
            self.stdout.write(
                _("  unbekannte Schule: %(number)s %(name)s")
                % {"number": number, "name": visible(name)}
            )
        for number, districts in result.conflicts.items():
            self.stdout.write(
                _("  widersprüchlich: %(number)s in %(districts)s")
                % {"number": number, "districts": ", ".join(districts)}
            )
