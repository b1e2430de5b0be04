from django.core.management.base import BaseCommand

from legal.models import Feedback


class Command(BaseCommand):
    help = (
        "Löscht Rückmeldungen zur Barrierefreiheit, die älter als ein Jahr sind, wie es die "
        "Datenschutzerklärung zusagt. Täglich laufen lassen (z. B. per cron)."
    )

    def handle(self, *args, **options) -> None:
        deleted, _ = Feedback.objects.expired().delete()
        self.stdout.write(f"{deleted} Rückmeldungen gelöscht.")
