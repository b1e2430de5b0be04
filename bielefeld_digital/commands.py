"""What the import and loader commands share: `--dry-run`.

A dry run is the real run in a transaction that is rolled back at the end: the
same code reads, checks, counts and refuses, so it prints the same summary
lines as the real run would, and leaves the database as it was. (PostgreSQL
sequences still advance; they are no data.)
"""

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _


class ImportCommand(BaseCommand):
    """A command that writes to the database; subclasses implement `run`, not `handle`."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            dest="dry_run",
            help=_(
                "Probelauf: zeigt, was der Befehl tun würde (dieselbe Zusammenfassung), "
                "und speichert nichts."
            ),
        )
        return parser

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        if not dry_run:
            self.run(*args, **options)
            return
        loud = options.get("verbosity", 1) >= 1
        if loud:
            self.stdout.write(_("Probelauf (--dry-run): Es wird nichts gespeichert."))
        with transaction.atomic():
            self.run(*args, **options)
            transaction.set_rollback(True)
        if loud:
            self.stdout.write(_("Probelauf beendet: Nichts wurde gespeichert."))

    def run(self, *args, **options) -> None:
        raise NotImplementedError


def os_error_text(error: OSError) -> str:
    """Why a file cannot be read, in German for the usual reasons."""
    if isinstance(error, FileNotFoundError):
        return _("Die Datei gibt es nicht.")
    if isinstance(error, IsADirectoryError):
        return _("Das ist ein Ordner, keine Datei.")
    if isinstance(error, PermissionError):
        return _("Keine Berechtigung, die Datei zu lesen.")
    return str(error.strerror or error)
