"""The open data the portal's school list is built from, with the attribution each
licence asks for (for a public "Datenquellen" page and schools/data/README.md).

The attribution texts are fixed German wording, not translated: the licence asks
for the publisher's and the dataset's names as they are.
"""

from dataclasses import dataclass

DL_DE_BY_2_0 = "Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0)"
DL_DE_BY_2_0_URL = "https://www.govdata.de/dl-de/by-2-0"


@dataclass(frozen=True)
class DataSource:
    title: str
    publisher: str
    dataset_url: str
    licence_name: str
    licence_url: str
    # Whether we checked the licence at the source; unchecked ones need checking
    # before the data is published.
    licence_verified: bool
    # What we changed; the licence asks for changes to be marked.
    changes: str
    attribution: str
    files: tuple[str, ...]


SCHULGRUNDDATEN_NRW = DataSource(
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
        "dl-de/by-2-0; https://ckan.open.nrw.de/dataset/001ec65e-9b58-4809-878a-34b182d5e0e3; "
        "Daten wurden verändert (auf Bielefeld gefiltert, Namensteile verbunden)"
    ),
    files=("schools/data/schuldaten-bielefeld.csv",),
)

BIELEFELD_SCHUELERZAHLEN = DataSource(
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
        "https://ckan.open.nrw.de/km/dataset/schulerzahlen-stadtischer-schulen-nach-klassen-bi; "
        "Daten wurden verändert (nur Stadtbezirk je Schule, Schreibweise „Jöllenbeck“)"
    ),
    files=("schools/data/bielefeld-schuelerzahlen-nach-klasse-stand-2022-10-01.csv",),
)

DATA_SOURCES: tuple[DataSource, ...] = (SCHULGRUNDDATEN_NRW, BIELEFELD_SCHUELERZAHLEN)
