"""The open data the portal's school list is built from, with the attribution each
licence asks for (for the public "Datenquellen" page and schools/data/README.md).

Each import records what it read for which Schulträger (schools.models.ImportRecord);
the page lists a Schulträger's records with their source's attribution, the changes
the import made marked as the licence asks. The attribution texts are fixed German
wording, not translated: the licence asks for the publisher's and the dataset's
names as they are.
"""

import datetime
from dataclasses import dataclass

DL_DE_BY_2_0 = "Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0)"
DL_DE_BY_2_0_URL = "https://www.govdata.de/dl-de/by-2-0"


@dataclass(frozen=True)
class DataSource:
    key: str  # as ImportRecord.source stores it
    title: str
    publisher: str
    dataset_url: str
    licence_name: str
    licence_url: str
    # Whether we checked the licence at the source; unchecked ones need checking
    # before the data is published.
    licence_verified: bool
    # What the shipped file changed (schools/data/README.md); an import's own
    # changes are its record's (ImportRecord.changes).
    changes: str
    attribution: str  # without the changes: `attribution()` adds an import's
    files: tuple[str, ...]


SCHULGRUNDDATEN_NRW = DataSource(
    key="schulgrunddaten-nrw",
    title="Schulgrunddaten NRW",
    publisher="Ministerium für Schule und Bildung des Landes NRW",
    dataset_url="https://ckan.open.nrw.de/dataset/001ec65e-9b58-4809-878a-34b182d5e0e3",
    licence_name=DL_DE_BY_2_0,
    licence_url=DL_DE_BY_2_0_URL,
    licence_verified=True,
    changes=(
        "Daten wurden verändert: nur die Schulen in Bielefeld (Gemeindeschlüssel "
        "05711000) übernommen; die drei Namensteile zu einem Namen verbunden."
    ),
    attribution=(
        "Ministerium für Schule und Bildung des Landes NRW; Schulgrunddaten NRW; "
        "dl-de/by-2-0; https://ckan.open.nrw.de/dataset/001ec65e-9b58-4809-878a-34b182d5e0e3"
    ),
    files=("schools/data/schuldaten-bielefeld.csv",),
)

BIELEFELD_SCHUELERZAHLEN = DataSource(
    key="bielefeld-schuelerzahlen",
    title="Schülerzahlen städtischer Schulen nach Klassen (Stand 01.10.2022)",
    publisher="Stadt Bielefeld",
    dataset_url=(
        "https://ckan.open.nrw.de/km/dataset/schulerzahlen-stadtischer-schulen-nach-klassen-bi"
    ),
    # Not stated in the file; the city's portal usually publishes under dl-de/by-2-0,
    # but nobody has checked this dataset's page yet.
    licence_name="nicht geprüft (vermutlich " + DL_DE_BY_2_0 + ")",
    licence_url=DL_DE_BY_2_0_URL,
    licence_verified=False,
    changes=(
        "Daten wurden verändert: nur der Stadtbezirk je Schule übernommen; "
        "„Joellenbeck“ in der amtlichen Schreibweise „Jöllenbeck“."
    ),
    attribution=(
        "Stadt Bielefeld; Schülerzahlen städtischer Schulen nach Klassen, Stand 01.10.2022; "
        "https://ckan.open.nrw.de/km/dataset/schulerzahlen-stadtischer-schulen-nach-klassen-bi"
    ),
    files=("schools/data/bielefeld-schuelerzahlen-nach-klasse-stand-2022-10-01.csv",),
)

DATA_SOURCES: tuple[DataSource, ...] = (SCHULGRUNDDATEN_NRW, BIELEFELD_SCHUELERZAHLEN)

SOURCES = {source.key: source for source in DATA_SOURCES}
# A Schulträger's own file of districts: its own data, no licence to name.
OWN_DISTRICTS = "eigene-bezirke"

# What an import of the NRW directory changed, as its record says it.
JOINED_NAMES = "Namensteile verbunden"
BIELEFELD_ONLY = "auf Bielefeld gefiltert, Namensteile verbunden"
BIELEFELD_DISTRICTS_ONLY = "nur Stadtbezirk je Schule, Schreibweise „Jöllenbeck“"


def only_authority(number: str) -> str:
    return f"auf die Schulen des Schulträgers {number} gefiltert, Namensteile verbunden"


def attribution(source: DataSource, changes: str) -> str:
    """The attribution the licence asks for, the changes an import made marked."""
    if not changes:
        return source.attribution
    return f"{source.attribution}; Daten wurden verändert ({changes})"


@dataclass(frozen=True)
class ShownSource:
    """A source as the Datenquellen page names it: from an import's record."""

    title: str
    publisher: str
    dataset_url: str  # "" for a Schulträger's own file
    licence_name: str
    licence_url: str
    licence_verified: bool
    changes: str
    attribution: str
    file_name: str
    imported_at: datetime.datetime


def shown_sources(records) -> list[ShownSource]:
    """The sources of `records` (schools.models.ImportRecord), the licence's
    attribution with each import's changes; a Schulträger's own district file as
    its own data."""
    shown = []
    for record in records:
        if record.source == OWN_DISTRICTS:
            owner = record.owner.name if record.owner else ""
            shown.append(
                ShownSource(
                    title="Bezirke der Schulen",
                    publisher=owner,
                    dataset_url="",
                    licence_name="",
                    licence_url="",
                    licence_verified=True,
                    changes="",
                    attribution=f"{owner}; Bezirke der Schulen ({record.file_name})",
                    file_name=record.file_name,
                    imported_at=record.imported_at,
                )
            )
            continue
        source = SOURCES.get(record.source)
        if source is None:  # a source this release no longer knows
            continue
        shown.append(
            ShownSource(
                title=source.title,
                publisher=source.publisher,
                dataset_url=source.dataset_url,
                licence_name=source.licence_name,
                licence_url=source.licence_url,
                licence_verified=source.licence_verified,
                changes=f"Daten wurden verändert: {record.changes}." if record.changes else "",
                attribution=attribution(source, record.changes),
                file_name=record.file_name,
                imported_at=record.imported_at,
            )
        )
    return shown
