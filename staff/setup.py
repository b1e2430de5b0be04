"""Setting up a Schulträger without a developer (issue 13): a platform administrator
names its NRW Trägernummer (or, outside NRW, its name), its address and its first
administrator's e-mail address; the portal takes the name from the directory's
key table, imports its schools from the directory, makes drafts of its legal pages
(legal/data/generic, its name filled in), makes the administrator with a
group of the authority's own and sends them an invitation: a link to set their
password that expires after INVITATION_DAYS days.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.translation import gettext as _

from authorities.models import Authority, absolute_address
from legal.importers import GENERIC_DRAFTS, put_drafts, read_drafts
from schools.importers import (
    NRW_DIRECTORY_FILE,
    DirectoryImport,
    import_directory,
    read_directory,
    record_directory_import,
)

INVITATION_DAYS = 7
security_log = logging.getLogger("portal.security")

# What an authority's first administrator may do: everything with its plans,
# editions, legal pages and feedback, its identity, its users and groups. Not the
# authorities themselves, the school directory or the security log: the platform's.
ADMINISTRATOR_PERMISSIONS = (
    Q(content_type__app_label__in=["measures", "editions", "legal"])
    | Q(content_type__app_label="authorities", content_type__model="identity")
    | Q(content_type__app_label="auth", content_type__model__in=["user", "group"])
)


class InvitationTokens(PasswordResetTokenGenerator):
    """Django's password-reset tokens with a salt of their own and a longer life:
    an invitation's link works INVITATION_DAYS days, once (the password it sets
    changes the token's hash), and a reset link cannot stand in for it."""

    key_salt = "staff.setup.InvitationTokens"

    def check_token(self, user, token) -> bool:
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except (ValueError, AttributeError):
            return False
        if not (user and token):
            return False
        valid = any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )
        age = self._num_seconds(self._now()) - timestamp
        return valid and age <= INVITATION_DAYS * 24 * 3600


invitation_tokens = InvitationTokens()


def administrator_group(authority: Authority) -> Group:
    """A new group of the authority's own, "Administration – <name>", with
    ADMINISTRATOR_PERMISSIONS: never one that exists already, which someone else
    (another authority's administrator) could have made and would still manage."""
    base = f"Administration – {authority.name}"[:140]
    name, number = base, 1
    while Group.objects.filter(name=name).exists():
        number += 1
        name = f"{base} ({number})"
    group = Group.objects.create(name=name)
    group.permissions.set(Permission.objects.filter(ADMINISTRATOR_PERMISSIONS))
    authority.groups.add(group)
    return group


@transaction.atomic
def set_up_authority(authority: Authority, *, email: str) -> tuple[User, DirectoryImport | None]:
    """After `authority` is saved: its schools (if it has a Trägernummer) and its
    first administrator, in the authority's group. Returns the administrator and
    what the import of the schools did."""
    result = None
    if authority.school_authority_number:
        number = authority.school_authority_number
        directory = read_directory(NRW_DIRECTORY_FILE, authority_number=number)
        result = import_directory(directory, authority_number=number)
        record_directory_import(
            NRW_DIRECTORY_FILE, result, owner=authority, authority_number=number
        )
    put_drafts(read_drafts(GENERIC_DRAFTS), authority)  # its legal pages, to be completed
    user = User.objects.create_user(email.lower(), email=email, is_staff=True)  # no password yet
    authority.staff.add(user)
    user.groups.add(administrator_group(authority))
    return user, result


def invitation_link(user: User, authority: Authority, request) -> str:
    """The set-password link of `user`'s invitation, at the authority's address
    (its host name at the port the platform administrator's request came to)."""
    path = reverse(
        "staff:accept-invitation",
        args=[urlsafe_base64_encode(force_bytes(user.pk)), invitation_tokens.make_token(user)],
    )
    return absolute_address(request, authority, path)


def send_invitation(user: User, authority: Authority, link: str) -> None:
    """The invitation mail: who invites them to what, the link, until when it works."""
    until = timezone.localtime() + datetime.timedelta(days=INVITATION_DAYS)
    send_mail(
        subject=_("Einladung in den Schuldigital-Monitor: %(authority)s")
        % {"authority": authority.name},
        message=_(
            "Guten Tag,\n\nSie sind als Administratorin oder Administrator des "
            "Schuldigital-Monitors für %(authority)s eingetragen. Legen Sie hier Ihr "
            "Passwort fest (der Link gilt bis %(until)s und nur einmal):\n\n%(link)s\n\n"
            "Ihr Benutzername ist %(username)s. Bei der ersten Anmeldung im Admin richten "
            "Sie die Zwei-Faktor-Anmeldung mit einer Authenticator-App ein.\n\nWenn Sie "
            "diese Einladung nicht erwartet haben, können Sie sie ignorieren.\n"
        )
        % {
            "authority": authority.name,
            "until": until.strftime("%d.%m.%Y %H:%M"),
            "link": link,
            "username": user.get_username(),
        },
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )
    security_log.warning("Einladung versandt: %s für %s", user.get_username(), authority.name)
