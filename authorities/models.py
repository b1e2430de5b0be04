"""The Schulträger (school authorities) of an installation.

Several authorities share one installation, each with its own public address:
its own host name (schuldigital.example-stadt.de), else the installation's
default address. Plans belong to an authority (measures.Plan.owner); the pages
show the plans of the authority the request is for (`Authority.objects.for_host`).
"""

import posixpath
import secrets

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Subquery, Value, When
from django.http.request import split_domain_port, validate_host
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from bielefeld_digital.text import MULTI_LINE, SINGLE_LINE, german_slugify

from .logos import Logo

# A host name as a browser sends it, lower case, without port (RFC 1123 labels).
HOST_NAME = RegexValidator(
    r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$",
    _("Ein Hostname in Kleinbuchstaben ohne Protokoll und Port, z. B. schuldigital.example.de."),
)


# Where the authorities with a path prefix of their own are: /traeger/<prefix>/.
PREFIX_ROOT = "traeger"

# A Schulträger's number in the NRW school directory (Traegernummer).
AUTHORITY_NUMBER = RegexValidator(r"^\d{5}$", _("Fünf Ziffern, z. B. 10261."))


class AuthorityQuerySet(models.QuerySet):
    def serving(self, host: str, prefix: str = "") -> "AuthorityQuerySet":
        """The authority whose address `host` (as the request names it, perhaps with
        a port) is, or whose path `prefix` the request came under (/traeger/<prefix>/);
        else the installation's default one: the first authority with neither a host
        name nor a path of its own. At most one, and a query yet: the plans' queries
        take it as a subquery (measures.Plan.objects.of), no query more."""
        if prefix:
            return self.filter(path_prefix=prefix)[:1]
        domain, _port = split_domain_port(host)
        own_first = Case(When(host=domain, then=Value(0)), default=Value(1))
        default = Q(host="", path_prefix="")
        return self.filter(Q(host=domain) | default).order_by(own_first, "pk")[:1]

    def staffed_by(self, user) -> "AuthorityQuerySet":
        """The authorities in whose staff area `user` works: every one for a platform
        administrator (superuser), else those naming them among their staff; someone
        no authority names works for the default one, so an installation with one
        Schulträger names nobody. A query yet, for the plans' queries to take in."""
        if user.is_superuser:
            return self.all()
        if not user.is_authenticated:
            return self.none()
        named = Authority.staff.through.objects.filter(user=user.pk)
        default = Authority.objects.serving("").values("pk")
        return self.filter(Q(staff=user.pk) | (Q(pk__in=default) & ~Q(Exists(named))))

    def for_host(self, host: str) -> "Authority | None":
        """`serving(host)` read: None in an installation without any authority."""
        return self.serving(host).first()


def logo_path(authority: "Authority", filename: str) -> str:
    """Each authority's logo in a folder of its own, under a new name each time: its
    address changes with it, so browsers may keep a logo for good."""
    extension = filename.rsplit(".", 1)[-1]
    return f"authorities/{authority.pk}/logo-{secrets.token_hex(6)}.{extension}"


class Authority(models.Model):
    name = models.CharField(
        _("Name"),
        max_length=200,
        unique=True,
        validators=[SINGLE_LINE],
        help_text=_(
            "Wie die Seiten den Schulträger nennen, z. B. „Stadt Bielefeld – Amt für Schule“."
        ),
    )
    host = models.CharField(
        _("Hostname"),
        max_length=253,
        blank=True,
        validators=[SINGLE_LINE, HOST_NAME],
        help_text=_(
            "Die eigene Adresse seiner Seiten, z. B. schuldigital.example-stadt.de; sie muss "
            "auch in ALLOWED_HOSTS stehen. Leer: die Standardadresse der Installation "
            "(der erste Schulträger ohne eigenen Hostnamen)."
        ),
    )

    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="authorities",
        verbose_name=_("Mitarbeitende"),
        help_text=_(
            "Wer im Verwaltungsbereich dieses Schulträgers arbeitet. Wer bei keinem "
            "Schulträger eingetragen ist, arbeitet für den der Standardadresse."
        ),
    )

    school_authority_number = models.CharField(
        _("Trägernummer (NRW)"),
        max_length=10,
        blank=True,
        validators=[SINGLE_LINE, AUTHORITY_NUMBER],
        help_text=_(
            "Die Nummer des Schulträgers im Schulverzeichnis NRW (Stadt Bielefeld: 10261); "
            "leer außerhalb von NRW. Neue Pläne im Admin übernehmen sie."
        ),
    )
    path_prefix = models.SlugField(
        _("Adresspfad"),
        max_length=60,
        blank=True,
        validators=[SINGLE_LINE],
        help_text=_(
            "Für Installationen ohne eigene Hostnamen: Die Seiten des Schulträgers stehen "
            "unter /traeger/<Adresspfad>/, z. B. „kreis-guetersloh“. Leer bei eigenem "
            "Hostnamen und für die Standardadresse."
        ),
    )
    # Its identity: how the header, the decks and the legal pages present it.
    office = models.CharField(
        _("Dienststelle"),
        max_length=200,
        blank=True,
        validators=[SINGLE_LINE],
        help_text=_(
            "Das Amt, das das Portal betreibt, z. B. „Amt für Schule“; leer, wenn der "
            "Name es schon nennt."
        ),
    )
    committee = models.CharField(
        _("Ausschuss"),
        max_length=200,
        default="Schulausschuss",
        validators=[SINGLE_LINE],
        help_text=_(
            "Der Ausschuss, dem die Berichte vorgelegt werden, wie nach „Berichte an den …“: "
            "z. B. „Schulausschuss“ oder „Ausschuss für Schule und Sport“."
        ),
    )
    contact = models.TextField(
        _("Kontakt"),
        max_length=1000,
        blank=True,
        validators=[MULTI_LINE],
        help_text=_("Anschrift, Telefon und E-Mail, wie die Fußzeile jeder Seite sie nennt."),
    )
    logo = models.FileField(
        _("Logo"),
        upload_to=logo_path,
        blank=True,
        help_text=_(
            "PNG oder SVG, höchstens 512 KB. Ein SVG wird beim Hochladen bereinigt "
            "(ohne Skripte und Verweise nach außen)."
        ),
    )

    groups = models.ManyToManyField(
        "auth.Group",
        blank=True,
        related_name="authorities",
        verbose_name=_("Gruppen"),
        help_text=_(
            "Die Gruppen dieses Schulträgers. Eine Gruppe, die kein Schulträger nennt, "
            "gehört dem der Standardadresse. Wer als Mitarbeitende eine Gruppe anlegt, "
            "legt sie für die eigenen Schulträger an."
        ),
    )

    objects = AuthorityQuerySet.as_manager()
    authority_path = ""  # the authority of its own data (in_staff_area)

    class Meta:
        verbose_name = _("Schulträger")
        verbose_name_plural = _("Schulträger")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_authority_number"],
                condition=~Q(school_authority_number=""),
                name="authority_number_unique",
                violation_error_message=_("Diese Trägernummer hat schon ein anderer Schulträger."),
            ),
            models.UniqueConstraint(
                fields=["path_prefix"],
                condition=~Q(path_prefix=""),
                name="authority_path_prefix_unique",
                violation_error_message=_("Diesen Adresspfad hat schon ein anderer Schulträger."),
            ),
            models.UniqueConstraint(
                fields=["host"],
                condition=~Q(host=""),
                name="authority_host_unique",
                violation_error_message=_("Diesen Hostnamen hat schon ein anderer Schulträger."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.host and self.path_prefix:
            raise ValidationError(
                {
                    "path_prefix": _(
                        "Ein Schulträger mit eigenem Hostnamen braucht keinen Adresspfad."
                    )
                }
            )
        if (self.host or self.path_prefix) and self.is_default_with_unnamed_members():
            raise ValidationError(
                {
                    "host": _(
                        "Dieser Schulträger hat die Standardadresse, und Mitarbeitende oder "
                        "Gruppen, die kein Schulträger ausdrücklich nennt, arbeiten für ihn. "
                        "Tragen Sie sie zuerst unter „Mitarbeitende“ und „Gruppen“ ein: Mit "
                        "einem Hostnamen arbeiteten sie sonst für den nächsten Schulträger "
                        "ohne Hostnamen."
                    )
                }
            )
        if self.host and not validate_host(self.host, settings.ALLOWED_HOSTS):
            raise ValidationError(
                {
                    "host": _(
                        "Diese Installation nimmt Anfragen an %(host)s nicht an: Der Hostname "
                        "muss zuerst in ALLOWED_HOSTS eingetragen werden."
                    )
                    % {"host": self.host}
                }
            )

    def is_default_with_unnamed_members(self) -> bool:
        """Whether it has the default address now and staff or groups work for it
        because no authority names them (AuthorityQuerySet.staffed_by)."""
        default = Authority.objects.for_host("")
        if default is None or default.pk != self.pk:
            return False
        users = Authority.staff.field.related_model.objects.filter(is_superuser=False)
        groups = Authority.groups.field.related_model.objects.all()
        return any(
            rows.filter(~Exists(_naming(members))).exists()
            for members, rows in ((Authority.staff, users), (Authority.groups, groups))
        )

    def adopt_number(self, number: str) -> None:
        """Take `number` (a plan's Trägernummer) as its own if it has none yet and no
        other authority has it: what a plan file names, the authority is."""
        number = number.strip()
        if self.school_authority_number or not number:
            return
        if not Authority.objects.filter(school_authority_number=number).exists():
            self.school_authority_number = number
            self.save(update_fields=["school_authority_number"])

    def stored_logo(self) -> "Logo | None":
        """The logo's checked bytes (as stored on upload), for the decks; None
        without one or if its file is gone."""
        if not self.logo:
            return None
        try:
            with self.logo.open("rb") as file:
                return Logo(file.read(), self.logo.name.rsplit(".", 1)[-1])
        except FileNotFoundError:
            return None

    @property
    def logo_url(self) -> str:
        """The logo's address at the authority's host (authorities.views.logo)."""
        if not self.logo:
            return ""
        return reverse("authorities:logo", args=[posixpath.basename(self.logo.name)])

    def file_name(self, stem: str) -> str:
        """A download's name that says whose it is: "stadt-bielefeld-…-bericht.pdf"."""
        return f"{german_slugify(self.name)[:40].strip('-')}-{stem}"

    def address(self, path: str) -> str:
        """`path` (a page's address on the site, as reverse() gives it) at this
        authority's host or under its path prefix: for links from elsewhere, such as
        the admin's "Auf der Website ansehen"; as it is for the default address."""
        return f"//{self.host}{self.site_path(path)}" if self.host else self.site_path(path)

    def site_path(self, path: str) -> str:
        """`path` (as reverse() gives it, perhaps under another authority's prefix)
        under this authority's path prefix, if it has one."""
        path = "/" + path.removeprefix(get_script_prefix()).lstrip("/")
        return f"/{PREFIX_ROOT}/{self.path_prefix}{path}" if self.path_prefix else path


def absolute_address(request, authority: "Authority", path: str) -> str:
    """`authority.address(path)` as a full URL, for a mail or a redirect: its host
    name at the port `request` came to, else `request`'s own host name."""
    host = request.get_host()
    if authority.host:
        _domain, port = split_domain_port(host)
        host = f"{authority.host}:{port}" if port else authority.host
    return f"{request.scheme}://{host}{authority.site_path(path)}"


def one_authority(authority):
    """An authority for a filter (`owner=one_authority(...)`): an Authority, its pk,
    or a query of one (`authority_of`), which becomes its subquery, no query more."""
    if isinstance(authority, models.QuerySet):
        return Subquery(authority.values("pk")[:1])
    return authority


def authority_of(request) -> AuthorityQuerySet:
    """The authority `request` is for (Authority.objects.serving: by its host name or
    the path prefix authorities.middleware found), as a query for the plans'
    queries to take in (measures.Plan.objects.of)."""
    return Authority.objects.serving(request.get_host(), getattr(request, "authority_prefix", ""))


def authority_for(request) -> "Authority | None":
    """`authority_of(request)` read: None in an installation without any authority."""
    return authority_of(request).first()


# Isolation ---------------------------------------------------------------------
# A model of one authority's data names the way to its authority, as a lookup:
# `authority_path = "plan__owner"` (Authority itself: ""). Whatever lists or
# offers such rows to staff (the admin, its choices and filters) goes through
# the two functions below, so staff of one Schulträger never see another's.


def in_staff_area(queryset: models.QuerySet, user) -> models.QuerySet:
    """The rows of `queryset` that belong to the authorities `user` works for
    (AuthorityQuerySet.staffed_by): all of them for a platform administrator.

    Users and groups belong to the authorities that name them (`staff`,
    `groups`), those named by none to the default one, as in `staffed_by`;
    a platform administrator belongs to none."""
    if user.is_superuser:
        return queryset
    authorities = Authority.objects.staffed_by(user).values("pk")
    if _membership(queryset.model) is not None:
        return members_of(queryset, authorities)
    path = queryset.model.authority_path
    return queryset.filter(**{f"{path}__in" if path else "pk__in": authorities})


def has_authority(model) -> bool:
    """Whether `in_staff_area` knows how `model`'s rows belong to an authority."""
    return hasattr(model, "authority_path") or _membership(model) is not None


def _membership(model):
    """The authorities' list of `model`'s rows (staff or groups), if they keep one."""
    for members in (Authority.staff, Authority.groups):
        if members.field.related_model is model:
            return members
    return None


def members_of(queryset: models.QuerySet, authorities) -> models.QuerySet:
    """The users or groups of `queryset` that belong to `authorities` (a query of
    their pks): those they name, and those named by none if the default one is
    among them; never a platform administrator."""
    members = _membership(queryset.model)
    named = _naming(members)
    mine = named.filter(**{f"{members.field.m2m_field_name()}__in": authorities})
    default = Authority.objects.filter(pk__in=authorities).filter(
        pk__in=Authority.objects.serving("").values("pk")
    )
    rows = queryset.filter(Exists(mine) | (~Exists(named) & Exists(default)))
    if members is Authority.staff:
        rows = rows.filter(is_superuser=False)  # a platform administrator's own matter
    return rows


def _naming(members):
    """The authorities' entries naming the outer row (a user or group) as theirs."""
    return members.through.objects.filter(
        **{members.field.m2m_reverse_field_name(): OuterRef("pk")}
    )


def join_staff_area(obj: models.Model, user) -> None:
    """A user or group that `user` just made belongs to the authorities that name
    `user` (none: the default one's, like `user` themselves). Other rows belong to
    their authority by their own fields (`authority_path`): nothing to do."""
    if _membership(type(obj)) is not None:
        obj.authorities.add(*Authority.objects.filter(staff=user.pk))


def authority_pk_of(obj: models.Model) -> int | None:
    """The pk of the authority `obj` belongs to, by its `authority_path`, also for
    a past version of a deleted row (simple_history's `instance`); None when the
    way there is gone."""
    *way, last = obj.authority_path.split("__") if obj.authority_path else [""]
    try:
        for name in way:
            obj = getattr(obj, name)
    except ObjectDoesNotExist:
        return None
    return getattr(obj, f"{last}_id") if last else obj.pk


def is_in_staff_area(obj: models.Model, user) -> bool:
    """Whether `obj` belongs to an authority `user` works for (`in_staff_area`)."""
    if user.is_superuser:
        return True
    return Authority.objects.staffed_by(user).filter(pk=authority_pk_of(obj)).exists()


class Identity(Authority):
    """An authority's identity as its own administrators edit it (the admin's
    "Auftritt", a permission of its own): name, address, staff and groups stay a
    platform administrator's."""

    class Meta:
        proxy = True
        verbose_name = _("Auftritt")
        verbose_name_plural = _("Auftritt")
