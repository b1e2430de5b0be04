from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts import second_factor


class Command(BaseCommand):
    help = (
        "Entfernt die Zwei-Faktor-Anmeldung eines Kontos (verlorenes Telefon): "
        "bei der nächsten Anmeldung richtet es sie neu ein."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username", help="Benutzername des Kontos")

    def handle(self, *args, username: str, **options) -> None:
        User = get_user_model()
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"Kein Konto mit dem Benutzernamen „{username}“.") from None
        if not second_factor.remove_devices(user):
            self.stdout.write(f"{username} hatte keine Zwei-Faktor-Anmeldung.")
            return
        second_factor.log_removed(None, user, by="manage.py reset_second_factor")
        self.stdout.write(
            f"Zwei-Faktor-Anmeldung von {username} entfernt; "
            "bei der nächsten Anmeldung richtet das Konto sie neu ein."
        )
