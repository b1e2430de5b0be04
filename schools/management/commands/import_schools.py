from pathlib import Path

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from bielefeld_digital.commands import ImportCommand
from schools.importers import (
    MAX_DELISTED_SHARE,
    DelistingRefused,
    ImportFileError,
    add_owner_argument,
    format_percent,
    import_directory,
    read_directory,
    record_directory_import,
    record_owner,
)
from schools.models import School


class Command(ImportCommand):
    help = (
        "Importiert das Schulverzeichnis NRW (schuldaten.csv der Schulgrunddaten NRW): "
        "legt Schulen nach Schulnummer an oder aktualisiert sie. Eine Schule, die in der "
        "Datei fehlt, wird nicht gelöscht, sondern als nicht mehr verzeichnet markiert."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--traeger",
            metavar="NUMMER",
            help="Nur die Schulen dieses Schulträgers (Trägernummer, z. B. 10261 für die "
            "Stadt Bielefeld) importieren.",
        )
        parser.add_argument(
            "--delisting-erlaubt",
            action="store_true",
            dest="allow_delisting",
            help=_(
                "Auch mehr als %(share)s %%%% der bekannten Schulen eines Schulträgers als "
                "nicht mehr im Schulverzeichnis markieren (sonst wird ein solcher Import "
                "abgelehnt: Die Datei ist wohl unvollständig)."
            )
            % {"share": format_percent(MAX_DELISTED_SHARE)},
        )
        add_owner_argument(parser)

    def run(
        self,
        *args,
        path: Path,
        traeger: str | None,
        allow_delisting: bool,
        authority: str | None,
        verbosity: int,
        **options,
    ) -> None:
        try:
            owner = record_owner(authority, traeger)
            directory = read_directory(path, authority_number=traeger)
            result = import_directory(
                directory, authority_number=traeger, allow_delisting=allow_delisting
            )
            record_directory_import(path, result, owner=owner, authority_number=traeger)
        except DelistingRefused as error:
            raise CommandError(
                "\n".join(
                    [
                        str(error),
                        _(
                            "Welche Schulen es wären, zeigt --dry-run --delisting-erlaubt; "
                            "mit --delisting-erlaubt werden sie markiert."
                        ),
                    ]
                )
            ) from error
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        if verbosity < 1:
            return
        self.stdout.write(result.summary())
        for rejection in result.rejections:
            self.stdout.write(_("  abgelehnt: %s") % rejection)
        for school in result.delisted:
            self.stdout.write(_("  nicht mehr im Schulverzeichnis: %s") % school)
        if verbosity >= 2:
            for number, names in result.updated.items():
                fields = ", ".join(str(School._meta.get_field(name).verbose_name) for name in names)
                self.stdout.write(
                    _("  geändert: %(number)s: %(fields)s") % {"number": number, "fields": fields}
                )
