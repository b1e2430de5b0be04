from django.core.management.base import BaseCommand, CommandError

from audit.models import RETENTION_DAYS, SecurityEvent

MAX_DAYS = 36_500  # 100 years; far more reaches past the calendar's start


class Command(BaseCommand):
    help = (
        f"Löscht Einträge des Sicherheitsprotokolls, die älter als {RETENTION_DAYS} Tage "
        "sind (--tage). Täglich laufen lassen (z. B. per cron)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--tage",
            type=int,
            default=RETENTION_DAYS,
            help=f"Wie viele Tage die Einträge bleiben (Vorgabe {RETENTION_DAYS}).",
        )

    def handle(self, *args, tage: int, **options) -> None:
        if tage < 1:
            raise CommandError(f"--tage muss mindestens 1 sein, nicht {tage}.")
        if tage > MAX_DAYS:
            raise CommandError(f"--tage darf höchstens {MAX_DAYS} sein, nicht {tage}.")
        deleted, _ = SecurityEvent.objects.expired(days=tage).delete()
        self.stdout.write(f"{deleted} Einträge des Sicherheitsprotokolls gelöscht.")
