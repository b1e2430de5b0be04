"""Load the shipped drafts of the legal pages (legal/data/<authority>/pages.toml)."""

import tomllib
from collections import Counter
from pathlib import Path

from django.utils.translation import gettext as _

from authorities.models import Authority
from bielefeld_digital.text import unsafe_character, visible

from .models import Compliance, LegalPage, Method, PageKind

BIELEFELD_DRAFTS = Path(__file__).resolve().parent / "data" / "bielefeld"
# For any Schulträger: what its name and identity can say is filled in (filled_in).
GENERIC_DRAFTS = Path(__file__).resolve().parent / "data" / "generic"

_TEXT_FIELDS = ("body", "known_gaps", "ombuds_contact")
_CHOICE_FIELDS = {"compliance": Compliance, "method": Method}


class DraftError(ValueError):
    pass


def read_drafts(directory: Path) -> dict[PageKind, dict]:
    """The pages' values as the files state them; DraftError if a file is broken."""
    try:
        data = (directory / "pages.toml").read_bytes()
        spec = tomllib.loads(data.decode("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise DraftError(f"{directory / 'pages.toml'}: {error}") from error
    except UnicodeDecodeError as error:
        problem = _("nicht UTF-8-kodiert (ungültiges Byte 0x%(byte)02X in Zeile %(line)d).") % {
            "byte": data[error.start],
            "line": data.count(b"\n", 0, error.start) + 1,
        }
        raise DraftError(f"{directory / 'pages.toml'}: {problem}") from error
    except RecursionError:  # tomllib parses nested lists and tables recursively
        problem = _(
            "kein gültiges TOML (Listen oder Tabellen sind zu tief ineinander verschachtelt)."
        )
        raise DraftError(f"{directory / 'pages.toml'}: {problem}") from None
    drafts = {}
    for key, entry in spec.items():
        try:
            kind = PageKind(key)
        except ValueError:
            raise DraftError(f"Unbekannte Seite „{visible(key)}“ in pages.toml") from None
        try:
            values = {"title": entry["title"]}
            for name in _TEXT_FIELDS:
                if name in entry:
                    values[name] = (directory / entry[name]).read_text(encoding="utf-8").strip()
            for name, choices in _CHOICE_FIELDS.items():
                if name in entry:
                    values[name] = choices(entry[name]).value
        except KeyError as error:
            raise DraftError(
                _("pages.toml, [%(page)s]: „%(key)s“ fehlt.") % {"page": key, "key": error.args[0]}
            ) from error
        except (OSError, UnicodeDecodeError) as error:
            raise DraftError(
                _("pages.toml, [%(page)s]: Eine Datei kann nicht gelesen werden (%(error)s).")
                % {"page": key, "error": error}
            ) from error
        except (TypeError, ValueError) as error:
            raise DraftError(
                _("pages.toml, [%(page)s]: ungültiger Wert (%(error)s).")
                % {"page": key, "error": error}
            ) from error
        for name, text in values.items():
            problem = isinstance(text, str) and unsafe_character(
                text, multiline=name in _TEXT_FIELDS
            )
            if problem:
                raise DraftError(f"{key}.{name}: {problem}")
        drafts[kind] = values
    return drafts


def put_drafts(drafts: dict[PageKind, dict], owner: Authority) -> Counter:
    """Create `owner`'s missing pages and refresh its untouched drafts (`read_drafts`),
    its name and identity filled in; count what happened to each."""
    return Counter(
        LegalPage.objects.put_draft(
            owner,
            kind,
            **{
                name: filled_in(value, owner) if isinstance(value, str) else value
                for name, value in values.items()
            },
        )
        for kind, values in drafts.items()
    )


def filled_in(text: str, owner: Authority) -> str:
    """`text` with {schultraeger}, {dienststelle}, {kontakt} and {ausschuss} replaced
    by `owner`'s name, office, contact (a Markdown line each) and committee; a line
    or list part of a value it lacks is left out."""
    contact = "  \n".join(line.strip() for line in owner.contact.splitlines() if line.strip())
    values = {
        "{schultraeger}": owner.name,
        "{dienststelle}": owner.office,
        "{kontakt}": contact,
        "{ausschuss}": owner.committee,
    }
    for token, value in values.items():
        if not value:
            text = text.replace(f"{token}  \n", "").replace(f", {token}", "")
        text = text.replace(token, value)
    return text
