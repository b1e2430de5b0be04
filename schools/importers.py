"""Read the NRW school directory and Bielefeld's Stadtbezirke into `School` rows.

Reading (`read_directory`, `read_districts`) turns a file into checked values and
per-row rejections without touching the database; importing
(`import_directory`, `import_districts`) writes them in one transaction with bulk
queries, because the full directory has some 5,600 schools.
"""

import csv
import datetime
import io
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from authorities.models import Authority
from bielefeld_digital.commands import os_error_text
from bielefeld_digital.text import unsafe_character, visible

from . import sources
from .models import SCHOOL_FORM_NAMES, ImportRecord, OperationKey, School, is_school_number

BATCH_SIZE = 500

# An import may mark at most this share of a Schulträger's listed schools as no
# longer in the directory without the operator's explicit confirmation: the
# ministry's yearly file drops a school or two, a truncated or filtered file drops
# dozens (the first 40 lines of Bielefeld's file would take 79 of its 117). One
# school is always allowed: a Schulträger with a single school may close it.
MAX_DELISTED_SHARE = 0.05

# What `load_bielefeld` imports; see schools/data/README.md.
DATA_DIR = Path(__file__).resolve().parent / "data"
BIELEFELD_DIRECTORY_FILE = DATA_DIR / "schuldaten-bielefeld.csv"
# The whole NRW directory and its key table of Schulträger (data/README.md): what a
# Schulträger set up from its Trägernummer is named and starts with.
NRW_DIRECTORY_FILE = DATA_DIR / "schuldaten-nrw.csv"
AUTHORITY_KEY_FILE = DATA_DIR / "key_traeger.csv"
BIELEFELD_DISTRICTS_FILE = DATA_DIR / "bielefeld-schuelerzahlen-nach-klasse-stand-2022-10-01.csv"

# Columns of schuldaten.csv that the import reads. The published format has 24
# columns; the files up to 2022 lack Bezirksregierung, which is therefore optional.
DIRECTORY_COLUMNS = (
    "Schulnummer",
    "Schulform",
    "Schulbezeichnung_1",
    "Schulbezeichnung_2",
    "Schulbezeichnung_3",
    "Kurzbezeichnung",
    "PLZ",
    "Ort",
    "Strasse",
    "Homepage",
    "Rechtsform",
    "Traegernummer",
    "Gemeindeschluessel",
    "Schulbetriebsschluessel",
    "Schulbetriebsdatum",
)
OPTIONAL_DIRECTORY_COLUMNS = ("Bezirksregierung", "UTMRechtswert", "UTMHochwert")
# Where NRW lies in UTM zone 32N (EPSG:25832), with room to spare: a coordinate
# outside is a mistake of the file, and the school is imported without a place.
UTM_EAST_RANGE = range(200_000, 600_001)
UTM_NORTH_RANGE = range(5_500_000, 5_900_001)

# A Schulträger's districts, one school a row (docs/districts.md): any names.
DISTRICT_COLUMNS = ("Schulnummer", "Bezirk")
# The Stadt Bielefeld's own file ("Schülerzahlen … nach Klassen"): a row per
# class, its Stadtbezirke spelled as below.
BIELEFELD_DISTRICT_COLUMN = "Stadtbezirk"

# The Stadt Bielefeld's official Stadtbezirke. Its open data spells them in ASCII
# ("Joellenbeck"); we store the official spelling.
BIELEFELD_DISTRICTS = (
    "Mitte",
    "Schildesche",
    "Gadderbaum",
    "Brackwede",
    "Dornberg",
    "Jöllenbeck",
    "Heepen",
    "Stieghorst",
    "Sennestadt",
    "Senne",
)
_ASCII = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_DISTRICT_SPELLINGS = {
    spelling.casefold(): name
    for name in BIELEFELD_DISTRICTS
    for spelling in (name, name.translate(_ASCII))
}

# The directory's fields as they map onto the model, in the order of the report.
_FIELD_COLUMNS = {
    "short_name": "Kurzbezeichnung",
    "regional_authority": "Bezirksregierung",
    "postcode": "PLZ",
    "city": "Ort",
    "street": "Strasse",
    "homepage": "Homepage",
    "legal_form": "Rechtsform",
    "authority_number": "Traegernummer",
    "municipality_key": "Gemeindeschluessel",
    "operation_key": "Schulbetriebsschluessel",
}


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message says why, in German."""


class DelistingRefused(ImportFileError):
    """The import would mark too many of a Schulträger's schools as no longer listed."""


@dataclass(frozen=True)
class Rejection:
    """A data row that was not imported, and why."""

    line: int
    reason: str
    school_number: str = ""

    def __str__(self) -> str:
        if self.school_number:
            return _("Zeile %(line)d (Schulnummer %(number)s): %(reason)s") % {
                "line": self.line,
                "number": self.school_number,
                "reason": self.reason,
            }
        return _("Zeile %(line)d: %(reason)s") % {"line": self.line, "reason": self.reason}


@dataclass
class DirectoryFile:
    """The checked rows of a directory file, by school number."""

    records: dict[str, dict] = field(default_factory=dict)
    rejections: list[Rejection] = field(default_factory=list)
    # Every school number and municipality the (Träger-filtered) rows name,
    # rejected rows included: what the file vouches for when schools go missing.
    seen_numbers: set[str] = field(default_factory=set)
    municipalities: set[str] = field(default_factory=set)
    skipped: int = 0


@dataclass
class DirectoryImport:
    created: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)
    unchanged: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    delisted: list[School] = field(default_factory=list)
    skipped: int = 0

    def summary(self) -> str:
        text = _(
            "%(created)d neu, %(updated)d geändert, %(unchanged)d unverändert, "
            "%(rejected)d abgelehnt"
        ) % {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
            "rejected": len(self.rejections),
        }
        if self.delisted:
            text += _(", %(count)d nicht mehr im Schulverzeichnis") % {"count": len(self.delisted)}
        if self.skipped:
            text += _(" (%(count)d Zeilen anderer Schulträger übersprungen)") % {
                "count": self.skipped
            }
        return text


@dataclass
class DistrictImport:
    set: list[str] = field(default_factory=list)
    unchanged: int = 0
    unknown: dict[str, str] = field(default_factory=dict)
    conflicts: dict[str, list[str]] = field(default_factory=dict)
    rejections: list[Rejection] = field(default_factory=list)
    others: list[str] = field(default_factory=list)  # another Schulträger's schools

    def summary(self) -> str:
        text = _(
            "Bezirke: %(set)d gesetzt, %(unchanged)d unverändert; unbekannte Schulen: "
            "%(unknown)d; widersprüchliche Schulen: %(conflicts)d; abgelehnte Zeilen: "
            "%(rejected)d"
        ) % {
            "set": len(self.set),
            "unchanged": self.unchanged,
            "unknown": len(self.unknown),
            "conflicts": len(self.conflicts),
            "rejected": len(self.rejections),
        }
        if self.others:
            text += _("; Schulen anderer Schulträger (nicht geändert): %(count)d") % {
                "count": len(self.others)
            }
        return text


# --- Reading files -------------------------------------------------------------


def _read_bytes(path: Path, encoding: str) -> bytes:
    """The file's bytes, unless it is evidently no text file in `encoding`."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ImportFileError(
            _("Die Datei %(path)s kann nicht gelesen werden: %(error)s")
            % {"path": path, "error": os_error_text(error)}
        ) from error
    if not data.strip():
        raise ImportFileError(_("Die Datei ist leer."))
    if data.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            _(
                "Die Datei ist keine CSV-Datei, sondern ein ZIP-Archiv (etwa eine "
                "Excel-Datei .xlsx). Bitte die CSV-Datei verwenden."
            )
        )
    if data.startswith(b"%PDF"):
        raise ImportFileError(_("Die Datei ist keine CSV-Datei, sondern ein PDF."))
    if b"\x00" in data[:4096]:
        raise ImportFileError(
            _(
                "Die Datei ist keine Textdatei in %(encoding)s (sie enthält Null-Bytes, "
                "etwa weil sie als UTF-16 oder in einem Tabellenformat gespeichert wurde)."
            )
            % {"encoding": encoding}
        )
    return data


def _line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def _rows(text: str, first_line: int) -> Iterator[tuple[int, list[str]]]:
    """The file's rows with the number of the line each starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", strict=True)
    line = first_line
    try:
        for row in reader:
            yield line, row
            line = first_line + reader.line_num
    except csv.Error as error:
        raise ImportFileError(
            _("Die Datei ist keine gültige CSV-Datei (Zeile %(line)d: %(error)s).")
            % {"line": line, "error": _csv_problem(error)}
        ) from error


def _csv_problem(error: csv.Error) -> str:
    """The csv module's reason in German where we know it; else its own words."""
    text = str(error)
    if text == "unexpected end of data":
        return _("ein Anführungszeichen wird bis zum Ende der Datei nicht geschlossen")
    if text.startswith("field larger than field limit"):
        return _("ein Wert ist länger als %(limit)d Zeichen") % {"limit": csv.field_size_limit()}
    if "expected after" in text:  # '";" expected after '"'' under strict=True
        return _("nach einem schließenden Anführungszeichen muss ein Semikolon folgen")
    return text


def _header(rows: Iterator[tuple[int, list[str]]], required: tuple[str, ...]) -> list[str]:
    try:
        _line, header = next(rows)
    except StopIteration:
        raise ImportFileError(_("Die Datei ist leer.")) from None
    header = [name.strip() for name in header]
    # The directory's header ends with ";", which gives an empty last name.
    while header and not header[-1]:
        header.pop()
    if len(header) <= 1:
        shown = ";".join(header)[:80]
        raise ImportFileError(
            _(
                "Die Datei ist keine CSV-Datei mit Semikolon als Trennzeichen "
                "(Kopfzeile: „%(header)s“)."
            )
            % {"header": visible(shown)}
        )
    missing = [name for name in required if name not in header]
    if missing:
        raise ImportFileError(
            _("In der Kopfzeile fehlen die Spalten: %(columns)s. Gefunden: %(found)s.")
            % {"columns": ", ".join(missing), "found": visible(", ".join(header))}
        )
    return header


def _values(header: list[str], row: list[str]) -> dict[str, str] | None:
    """The row by column name, or None if it has the wrong number of values."""
    if len(row) == len(header) + 1 and not row[-1].strip():
        row = row[:-1]  # a trailing ";" like the header's
    if len(row) != len(header):
        return None
    return {name: value.strip() for name, value in zip(header, row, strict=True)}


def _refuse_unsafe_text(line: int, raw: dict[str, str], columns: Iterable[str]) -> None:
    """A bidi override or control character in one of `columns` refuses the whole
    file, not the row.

    No file as published contains one; a file that does was altered, and nothing
    of it should be imported (not even its other rows).
    """
    for column in columns:
        problem = unsafe_character(raw.get(column, ""))
        if problem:
            raise ImportFileError(
                _("Zeile %(line)d, Spalte %(column)s: %(problem)s Nichts wurde importiert.")
                % {"line": line, "column": column, "problem": problem}
            )


def _date(text: str) -> datetime.date:
    return datetime.datetime.strptime(text, "%d.%m.%Y").date()


def _school_values(raw: dict[str, str]) -> dict:
    """The model's values for one directory row; ValueError says what is wrong."""
    number = raw["Schulnummer"]
    if not is_school_number(number):
        raise ValueError(
            _("Die Schulnummer „%(number)s“ hat nicht sechs Ziffern.") % {"number": number}
        )
    name = " ".join(
        part for part in (raw[f"Schulbezeichnung_{n}"] for n in (1, 2, 3)) if part
    ).strip()
    if not name:
        raise ValueError(_("Der Name der Schule fehlt."))
    form = raw["Schulform"]
    if form not in SCHOOL_FORM_NAMES:
        if not form:
            raise ValueError(_("Die Schulform fehlt."))
        raise ValueError(_("Die Schulform „%(form)s“ ist unbekannt.") % {"form": form})
    values = {
        "school_number": number,
        "name": name,
        "school_form": form,
        "school_form_name": SCHOOL_FORM_NAMES[form],
        "opens_on": None,
        "closes_on": None,
        "listed": True,
    }
    values.update({attr: raw.get(column, "") for attr, column in _FIELD_COLUMNS.items()})
    values.update(_place(raw))
    key = values["operation_key"]
    date_text = raw["Schulbetriebsdatum"]
    try:
        date = _date(date_text) if date_text else None
    except ValueError:
        raise ValueError(
            _("Das Schulbetriebsdatum „%(date)s“ ist kein Datum (TT.MM.JJJJ).")
            % {"date": date_text}
        ) from None
    if key == OperationKey.OPENING or key in OperationKey.closing():
        if date is None:
            raise ValueError(
                _("Zum Schulbetriebsschlüssel %(key)s fehlt das Schulbetriebsdatum.") % {"key": key}
            )
        values["opens_on" if key == OperationKey.OPENING else "closes_on"] = date
    return values


def _place(raw: dict[str, str]) -> dict[str, int | None]:
    """The school's UTM coordinates, both or neither (none where they are missing
    or outside NRW)."""
    try:
        east, north = int(raw.get("UTMRechtswert", "")), int(raw.get("UTMHochwert", ""))
    except ValueError:
        return {"utm_east": None, "utm_north": None}
    if east not in UTM_EAST_RANGE or north not in UTM_NORTH_RANGE:
        return {"utm_east": None, "utm_north": None}
    return {"utm_east": east, "utm_north": north}


def _check_fields(values: dict) -> None:
    """Lengths and choices as the model defines them; ValueError says what is wrong."""
    school = School(**values)
    try:
        school.clean_fields(exclude=["district"])
    except ValidationError as error:
        problems = [
            f"{School._meta.get_field(name).verbose_name}: {' '.join(messages)}"
            for name, messages in error.message_dict.items()
        ]
        raise ValueError("; ".join(problems)) from None


def read_directory(path: Path, *, authority_number: str | None = None) -> DirectoryFile:
    """Read `schuldaten.csv` as published; only one Schulträger's rows if given.

    Raises ImportFileError for a file that cannot be the directory at all.
    """
    data = _read_bytes(path, "UTF-8")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _(
                "Die Datei ist nicht UTF-8-kodiert (ungültiges Byte 0x%(byte)02X in Zeile "
                "%(line)d). Das Schulverzeichnis wird in UTF-8 veröffentlicht; diese Datei "
                "wurde wohl in Windows-1252 (cp1252) oder CP850 gespeichert, etwa von Excel. "
                "Bitte die Originaldatei verwenden oder als UTF-8 speichern."
            )
            % {"byte": data[error.start], "line": _line_of(data, error.start)}
        ) from error

    first_line = 1
    if text[:4].lower() == "sep=":
        hint, _newline, text = text.partition("\n")
        if hint[4:].strip() != ";":
            raise ImportFileError(
                _(
                    "Die Datei gibt „%(hint)s“ als Trennzeichen an; das Schulverzeichnis "
                    "trennt mit Semikolon."
                )
                % {"hint": hint.strip()}
            )
        first_line = 2
    rows = _rows(text, first_line)
    header = _header(rows, DIRECTORY_COLUMNS)

    directory = DirectoryFile()
    first_line_of: dict[str, int] = {}
    data_rows = 0
    for line, row in rows:
        if not any(value.strip() for value in row):
            continue
        data_rows += 1
        raw = _values(header, row)
        if raw is None:
            number = row[0].strip() if header[0] == "Schulnummer" else ""
            # Such a school is not missing from the file, only broken in it.
            directory.seen_numbers.add(number)
            directory.rejections.append(
                Rejection(
                    line,
                    _("%(found)d statt %(expected)d Werte.")
                    % {"found": len(row), "expected": len(header)},
                    number if is_school_number(number) else "",
                )
            )
            continue
        if authority_number is not None and raw["Traegernummer"] != authority_number:
            directory.skipped += 1
            continue
        _refuse_unsafe_text(line, raw, (*DIRECTORY_COLUMNS, *OPTIONAL_DIRECTORY_COLUMNS))
        number = raw["Schulnummer"]
        directory.seen_numbers.add(number)
        directory.municipalities.add(raw["Gemeindeschluessel"])
        if number in first_line_of:
            directory.rejections.append(
                Rejection(
                    line,
                    _("Die Schulnummer steht schon in Zeile %(line)d.")
                    % {"line": first_line_of[number]},
                    number,
                )
            )
            continue
        try:
            values = _school_values(raw)
            _check_fields(values)
        except ValueError as error:
            directory.rejections.append(Rejection(line, str(error), number))
            continue
        first_line_of[number] = line
        directory.records[number] = values
    if not data_rows:
        raise ImportFileError(_("Die Datei enthält keine Datenzeilen."))
    return directory


def _decode_cp1252(data: bytes) -> str:
    """The city publishes Windows-1252; a file saved as UTF-8 is fine too."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _(
                "Die Datei ist weder Windows-1252 (cp1252), wie die Stadt Bielefeld sie "
                "veröffentlicht, noch UTF-8 (ungültiges Byte 0x%(byte)02X in Zeile %(line)d)."
            )
            % {"byte": data[error.start], "line": _line_of(data, error.start)}
        ) from error


@dataclass
class DistrictFile:
    districts: dict[str, set[str]] = field(default_factory=dict)
    bielefeld: bool = False  # the city's pupil counts, not a "Schulnummer;Bezirk" file
    names: dict[str, str] = field(default_factory=dict)
    rejections: list[Rejection] = field(default_factory=list)


def read_districts(path: Path) -> DistrictFile:
    """Read each school's district: from a Schulträger's file of the columns
    "Schulnummer;Bezirk" (any district names), or from the Stadt Bielefeld's pupil
    counts per class (column "Stadtbezirk", only its ten Stadtbezirke)."""
    text = _decode_cp1252(_read_bytes(path, "UTF-8 oder Windows-1252 (cp1252)"))
    rows = _rows(text, 1)
    header = _header(rows, ("Schulnummer",))
    if DISTRICT_COLUMNS[1] in header:
        district_of = _any_district
    elif BIELEFELD_DISTRICT_COLUMN in header:
        district_of = _bielefeld_district
    else:
        raise ImportFileError(
            _(
                "In der Kopfzeile fehlt die Spalte „Bezirk“ (die Datei der Stadt Bielefeld "
                "hat „Stadtbezirk“). Gefunden: %(found)s."
            )
            % {"found": visible(", ".join(header))}
        )
    result = DistrictFile(bielefeld=district_of is _bielefeld_district)
    _refuse_unsafe_text(1, dict(zip(header, header, strict=True)), header)
    data_rows = 0
    for line, row in rows:
        # Every cell as it is, before any other check: one altered cell refuses
        # the file, even in a row that would be rejected anyway.
        cells = {(header[i] if i < len(header) else str(i + 1)): v for i, v in enumerate(row)}
        _refuse_unsafe_text(line, cells, cells)
        if not any(value.strip() for value in row):
            continue
        data_rows += 1
        raw = _values(header, row)
        if raw is None:
            result.rejections.append(
                Rejection(
                    line,
                    _("%(found)d statt %(expected)d Werte.")
                    % {"found": len(row), "expected": len(header)},
                )
            )
            continue
        number = raw["Schulnummer"]
        if not is_school_number(number):
            result.rejections.append(
                Rejection(
                    line,
                    _("Die Schulnummer „%(number)s“ hat nicht sechs Ziffern.")
                    % {"number": visible(number)},
                )
            )
            continue
        district, problem = district_of(raw)
        if problem:
            result.rejections.append(Rejection(line, problem, number))
            continue
        result.districts.setdefault(number, set()).add(district)
        result.names.setdefault(number, raw.get("Schulname", "").replace("_", " "))
    if not data_rows:
        raise ImportFileError(_("Die Datei enthält keine Datenzeilen."))
    return result


def _any_district(raw: dict[str, str]) -> tuple[str, str]:
    """A Schulträger's district name as its file gives it; else why not."""
    name = raw[DISTRICT_COLUMNS[1]]
    limit = School._meta.get_field("district").max_length
    if not name:
        return "", _("Der Bezirk fehlt.")
    if len(name) > limit:
        return "", _("Der Bezirk ist %(length)d Zeichen lang, erlaubt sind %(limit)d.") % {
            "length": len(name),
            "limit": limit,
        }
    return name, ""


def _bielefeld_district(raw: dict[str, str]) -> tuple[str, str]:
    """One of Bielefeld's Stadtbezirke in its official spelling; else why not."""
    name = raw[BIELEFELD_DISTRICT_COLUMN]
    district = _DISTRICT_SPELLINGS.get(name.casefold())
    if district is None:
        return "", _("„%(district)s“ ist kein Bielefelder Stadtbezirk.") % {
            "district": visible(name)
        }
    return district, ""


# --- Writing to the database -----------------------------------------------------


@transaction.atomic
def import_directory(
    directory: DirectoryFile,
    *,
    authority_number: str | None = None,
    allow_delisting: bool = False,
) -> DirectoryImport:
    """Create and update schools by school number; mark missing ones as unlisted.

    A school missing from the file is never deleted (rollout data hangs on it).
    It is marked `listed=False` if the file covers it: its municipality has rows
    in the file and, with `authority_number`, it belongs to that Schulträger.
    Unless `allow_delisting`, DelistingRefused is raised before anything is
    written if that would be more than MAX_DELISTED_SHARE of one Schulträger's
    listed schools. Districts are not in the directory and are left alone.
    """
    if authority_number is not None and not directory.seen_numbers:
        raise ImportFileError(
            _("Die Datei enthält keine Schule des Schulträgers %(number)s.")
            % {"number": visible(authority_number)}
        )
    result = DirectoryImport(rejections=directory.rejections, skipped=directory.skipped)
    existing = School.objects.in_bulk(field_name="school_number")
    new: list[School] = []
    changed: list[School] = []
    changed_fields: set[str] = set()
    for number, values in directory.records.items():
        school = existing.get(number)
        if school is None:
            new.append(School(**values))
            result.created.append(number)
            continue
        names = [name for name, value in values.items() if getattr(school, name) != value]
        if not names:
            result.unchanged += 1
            continue
        for name in names:
            setattr(school, name, values[name])
        changed.append(school)
        changed_fields.update(names)
        result.updated[number] = names

    # Before any is marked: the share of delisted schools is out of these.
    listed = Counter(school.authority_number for school in existing.values() if school.listed)
    for school in existing.values():
        covered = school.listed and school.municipality_key in directory.municipalities
        if authority_number is not None:
            covered = covered and school.authority_number == authority_number
        if covered and school.school_number not in directory.seen_numbers:
            school.listed = False
            changed.append(school)
            changed_fields.add("listed")
            result.delisted.append(school)

    if not allow_delisting:
        _refuse_mass_delisting(result.delisted, listed)

    School.objects.bulk_create(new, batch_size=BATCH_SIZE)
    if changed:
        School.objects.bulk_update(changed, sorted(changed_fields), batch_size=BATCH_SIZE)
    return result


_LISTED_TRAEGER = 10  # a refusal names the Schulträger with most missing schools, not all


def format_percent(share: float) -> str:
    """ "67,5" for 0.675 in German; no decimals where there are none ("5")."""
    value = round(100 * share, 1)
    return number_format(int(value) if value.is_integer() else value)


def _refuse_mass_delisting(delisted: list[School], listed: Counter) -> None:
    """Raise DelistingRefused if `delisted` is too large a share of any Schulträger.

    The share is counted per Schulträger, out of its schools the database knows
    as listed (`listed`, by Trägernummer): with --traeger that is the one
    Schulträger, and a whole-NRW file that lacks one city's schools is refused
    although they are 2 % of NRW.
    """
    if not delisted:
        return
    missing = Counter(school.authority_number for school in delisted)
    too_many = [
        (number, count, listed[number])
        for number, count in sorted(missing.items(), key=lambda item: (-item[1], item[0]))
        if count > max(MAX_DELISTED_SHARE * listed[number], 1)
    ]
    if not too_many:
        return
    lines = [
        _(
            "Der Import würde zu viele Schulen als „nicht mehr im Schulverzeichnis“ markieren; "
            "ohne Bestätigung sind es höchstens %(share)s %% der bekannten Schulen eines "
            "Schulträgers (eine Schule immer):"
        )
        % {"share": format_percent(MAX_DELISTED_SHARE)}
    ]
    for number, count, known_count in too_many[:_LISTED_TRAEGER]:
        lines.append(
            _("  Schulträger %(number)s: %(count)d von %(known)d bekannten Schulen (%(share)s %%)")
            % {
                "number": number or _("ohne Trägernummer"),
                "count": count,
                "known": known_count,
                "share": format_percent(count / known_count),
            }
        )
    if len(too_many) > _LISTED_TRAEGER:
        lines.append(
            _("  und %(count)d weitere Schulträger") % {"count": len(too_many) - _LISTED_TRAEGER}
        )
    lines.append(_("Ist die Datei vollständig? Es wurde nichts geändert."))
    raise DelistingRefused("\n".join(lines))


@transaction.atomic
def import_districts(
    districts: DistrictFile, *, only_missing: bool = False, authority_number: str | None = None
) -> DistrictImport:
    """Set each known school's district; one school in two districts is left alone.

    With `only_missing`, a school that has a district keeps it (one an
    administrator corrected must not be undone by loading the file again). With
    `authority_number`, only that Schulträger's schools: the district names are
    each Schulträger's own, a file of one never changes another's schools.
    """
    result = DistrictImport(rejections=districts.rejections)
    schools = School.objects.in_bulk(list(districts.districts), field_name="school_number")
    changed = []
    for number, names in sorted(districts.districts.items()):
        school = schools.get(number)
        if school is None:
            result.unknown[number] = districts.names.get(number, "")
        elif authority_number and school.authority_number != authority_number:
            result.others.append(number)
        elif len(names) > 1:
            result.conflicts[number] = sorted(names)
        elif school.district == (district := next(iter(names))) or (
            only_missing and school.district
        ):
            result.unchanged += 1
        else:
            school.district = district
            changed.append(school)
            result.set.append(number)
    School.objects.bulk_update(changed, ["district"], batch_size=BATCH_SIZE)
    return result


def authority_name(number: str, path: Path = AUTHORITY_KEY_FILE) -> str | None:
    """The name the directory's key table gives the Schulträger `number`
    (Traegerbezeichnung_1 to _3 joined), None if it has no such number."""
    text = path.read_text(encoding="utf-8")
    rows = csv.reader(io.StringIO(text.removeprefix("sep=;\n")), delimiter=";")
    header = next(rows, [])
    for row in rows:
        values = dict(zip(header, row, strict=False))
        if values.get("Traegernummer") == number.strip():
            parts = [values.get(f"Traegerbezeichnung_{i}", "").strip() for i in (1, 2, 3)]
            return " ".join(part for part in parts if part)
    return None


# --- Import records: what the Datenquellen page names -------------------------------


def add_owner_argument(parser) -> None:
    """An import command's --authority: for whom its record is (record_owner)."""
    parser.add_argument(
        "--authority",
        help="Für welchen Schulträger der Import auf seiner Seite „Datenquellen“ steht "
        "(Vorgabe: der mit der Trägernummer von --traeger, sonst die ganze Installation).",
    )


def record_owner(name: str | None, number: str | None) -> "Authority | None":
    """For whom an import is recorded: the authority `name`d, else the one whose
    Trägernummer it was read for, else the whole installation (None)."""
    if name:
        owner = Authority.objects.filter(name=name.strip()).first()
        if owner is None:
            raise ImportFileError(
                _("Einen Schulträger „%(name)s“ gibt es nicht.") % {"name": visible(name)}
            )
        return owner
    if number:
        return Authority.objects.filter(school_authority_number=number.strip()).first()
    return None


def record_directory_import(
    path: Path, result: DirectoryImport, *, owner, authority_number: str | None
) -> ImportRecord | None:
    """Record an import of the NRW directory, with the changes it made to it. One
    for a Schulträger none of the installation is yet concerns nobody: unrecorded."""
    if owner is None and authority_number:
        return None
    if path.resolve() == BIELEFELD_DIRECTORY_FILE.resolve():
        changes = sources.BIELEFELD_ONLY
    elif authority_number:
        changes = sources.only_authority(authority_number)
    else:
        changes = sources.JOINED_NAMES
    changed = bool(result.created or result.updated or result.delisted)
    return _record(owner, sources.SCHULGRUNDDATEN_NRW.key, path, changes, changed)


def record_district_import(
    path: Path, districts: DistrictFile, result: DistrictImport, *, owner
) -> ImportRecord | None:
    """Record an import of districts: the city's published file, or a Schulträger's
    own (only for whom it is: --traeger or --authority)."""
    if owner is None and not districts.bielefeld:
        return None
    if districts.bielefeld:
        source, changes = sources.BIELEFELD_SCHUELERZAHLEN.key, sources.BIELEFELD_DISTRICTS_ONLY
    else:
        source, changes = sources.OWN_DISTRICTS, ""
    return _record(owner, source, path, changes, bool(result.set))


def _record(owner, source: str, path: Path, changes: str, changed: bool) -> ImportRecord:
    """One record per authority, source and file, dated by the last import that
    changed something: importing the same file again writes nothing."""
    record, created = ImportRecord.objects.get_or_create(
        owner=owner, source=source, file_name=path.name[:200], defaults={"changes": changes}
    )
    if not created and (changed or record.changes != changes):
        record.changes, record.imported_at = changes, timezone.now()
        record.save(update_fields=["changes", "imported_at"])
    return record
