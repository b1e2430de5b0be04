"""Which characters a stored text may contain: the rule for every text field.

Texts typed or loaded here are published (editions for ever), so they must
read as they look. Refused everywhere:

- bidi overrides, embeddings and isolates (U+202A–U+202E, U+2066–U+2069) and
  the bidi marks (U+200E, U+200F, U+061C): they reorder what is shown, so a
  title can read differently from what it says;
- control characters: C0 (except TAB, LF and CR in multi-line texts), DEL, C1;
- U+200B (zero-width space) and U+FEFF (byte order mark): invisible, no
  meaning in German or English text; they arrive by copying from web pages or
  files and make "Biele\u200bfeld" a different word from "Bielefeld" for search
  and comparison without looking different.

Allowed: U+200C and U+200D (zero-width non-joiner and joiner). They reorder
nothing, and names in Persian or Indic scripts and emoji sequences need them
(feedback from parents, a name in the admin).

Model fields carry `SINGLE_LINE` (CharField) or `MULTI_LINE` (TextField), so
ModelForms and the admin refuse such texts; `check_text_fields` (a system
check) fails for a field of our apps without one. Plain forms get it from the
shared helpers in bielefeld_digital/forms.py, loaders call `unsafe_character`.
"""

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.text import slugify
from django.utils.translation import gettext as _

_ALWAYS = (
    "\x00-\x08\x0b\x0c\x0e-\x1f"  # C0 without TAB, LF, CR
    "\x7f-\x9f"  # DEL, C1
    "\u061c\u200e\u200f"  # bidi marks
    "\u202a-\u202e\u2066-\u2069"  # bidi embeddings, overrides, isolates
    "\u200b\ufeff"  # zero-width space, byte order mark
)
_MULTI_LINE = re.compile(f"[{_ALWAYS}]")
_SINGLE_LINE = re.compile(f"[{_ALWAYS}\t\n\r]")


def unsafe_character(text: str, *, multiline: bool = False) -> str | None:
    """What is wrong with `text` in German ("Zeichen 12: …"), or None if nothing.

    Names the first refused character by its position (counted from 1; in a
    multi-line text also its line) and its code point, which is all a person
    can go by when the character itself is invisible.
    """
    match = (_MULTI_LINE if multiline else _SINGLE_LINE).search(text)
    if match is None:
        return None
    character = match.group()
    start = match.start()
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    if line > 1:
        where = _("Zeile %(line)d, Zeichen %(column)d") % {"line": line, "column": column}
    else:
        where = _("Zeichen %(column)d") % {"column": column}
    if character in "\n\r":
        problem = _("Zeilenumbruch ist in diesem Feld nicht erlaubt")
    elif character == "\t":
        problem = _("Tabulator ist in diesem Feld nicht erlaubt")
    else:
        problem = _("unsichtbares Steuerzeichen %(code)s ist nicht erlaubt") % {
            "code": f"U+{ord(character):04X}"
        }
    return f"{where}: {problem}."


def visible(text: str) -> str:
    """`text` with each character the rule refuses (and TAB, LF, CR) as its code point.

    For quoting a refused value in a message: "Bös<U+202E>artig", so the override
    does not reorder the terminal line and an ESC starts no escape sequence.
    """
    return _SINGLE_LINE.sub(lambda match: f"<U+{ord(match.group()):04X}>", text)


@deconstructible
class TextValidator:
    """Refuses the characters listed above; `multiline` allows TAB, LF and CR."""

    code = "unsafe_character"

    def __init__(self, multiline: bool = False) -> None:
        self.multiline = multiline

    def __call__(self, value: object) -> None:
        if not isinstance(value, str):
            return
        problem = unsafe_character(value, multiline=self.multiline)
        if problem:
            raise ValidationError(problem, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextValidator) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash((TextValidator, self.multiline))


SINGLE_LINE = TextValidator()
MULTI_LINE = TextValidator(multiline=True)


def _text_validator(field: models.Field) -> TextValidator | None:
    return next((v for v in field.validators if isinstance(v, TextValidator)), None)


@checks.register(checks.Tags.models)
def check_text_fields(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Every text field of our apps refuses unsafe characters.

    Our apps are the ones in the project folder. Not checked: fields with
    choices (only their values can be stored), fields no form edits
    (editable=False: computed from checked fields), and django-simple-history's
    copies (their fields are copies of the checked ones; the change reason
    comes from a ReasonField or from code).
    """
    project = Path(settings.BASE_DIR).resolve()
    errors = []
    for config in app_configs or apps.get_app_configs():
        if Path(config.path).resolve().parent != project:
            continue
        for model in config.get_models():
            if hasattr(model, "instance_type"):  # a historical model
                continue
            for field in model._meta.get_fields():
                if not isinstance(field, models.CharField | models.TextField):
                    continue
                if field.choices or not field.editable:
                    continue
                validator = _text_validator(field)
                single_line = isinstance(field, models.CharField)
                if validator is None or (single_line and validator.multiline):
                    expected = "SINGLE_LINE" if single_line else "MULTI_LINE"
                    errors.append(
                        checks.Error(
                            f"{model._meta.label}.{field.name} does not refuse bidi "
                            "overrides and control characters.",
                            hint=f"Add validators=[bielefeld_digital.text.{expected}].",
                            obj=field,
                            id="bielefeld_digital.E001",
                        )
                    )
    return errors


_UMLAUTS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)


def german_slugify(text: str) -> str:
    """ "Gründung Medienlabor" -> "gruendung-medienlabor"."""
    return slugify(text.translate(_UMLAUTS).replace(":", "-"))
