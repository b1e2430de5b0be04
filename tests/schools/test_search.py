"""The school search (issue 9) ignores case, accents and ü/ue, ö/oe, ä/ae, ß/ss,
over name, school number and street, on the public list and the staff matrix.
The names and the search words pass through one function (`searchable`)."""

import html as html_lib
import io
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.test import Client

from measures.models import Plan
from measures.rollout import SchoolRollout
from schools.models import School, searchable
from tests.factories import (
    BIELEFELD_AUTHORITY_NUMBER,
    make_field,
    make_measure,
    make_plan,
    make_school,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Bückardtschule", "buckardtschule"),
        ("bueckardt", "buckardt"),
        ("BÜCKARDT", "buckardt"),
        ("Straße", "strasse"),
        ("STRASSE", "strasse"),
        ("Jöllenbeck", "jollenbeck"),
        ("Joellenbeck", "jollenbeck"),
        ("Mädchen", "madchen"),
        ("Maedchen", "madchen"),
        ("École Élysée", "ecole elysee"),
        ("  zwei   Wörter ", "zwei worter"),
    ],
)
def test_searchable_folds_case_accents_and_umlaut_spellings(text, folded):
    assert searchable(text) == folded


def names(html: str) -> list[str]:
    found = re.findall(r'<h3 class="school-card__title"><a [^>]*>([^<]*)</a>', html)
    return [html_lib.unescape(name) for name in found]


@pytest.fixture
def schools(db) -> dict[str, School]:
    make_plan(school_authority_number=BIELEFELD_AUTHORITY_NUMBER, school_forms="02")
    return {
        "bückardt": make_school(
            name="Bückardtschule Städt. Gem. Grundschule",
            school_number="100106",
            street="Bückardtstraße 12",
        ),
        "élysée": make_school(name="École Élysée", school_number="100107", street="Rue 1"),
        "jöllenbeck": make_school(
            name="Grundschule Jöllenbeck", school_number="100108", street="Dorfstr. 3"
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("buckardt", ["bückardt"]),
        ("bueckardt", ["bückardt"]),
        ("BÜCKARDT", ["bückardt"]),
        ("Bückardtschule", ["bückardt"]),
        ("bückardtstrasse", ["bückardt"]),  # the street, ß typed as ss
        ("strasse 12", ["bückardt"]),
        ("ecole elysee", ["élysée"]),
        ("ÉCOLE", ["élysée"]),
        ("joellenbeck grundschule", ["jöllenbeck"]),
        ("100107", ["élysée"]),  # the school number
        ("grundschule", ["bückardt", "jöllenbeck"]),
        ("sternschule", []),
    ],
)
def test_the_public_list_finds_names_however_they_are_typed(client, schools, query, expected):
    html = client.get("/schulen/", {"suche": query}).content.decode()
    assert sorted(names(html)) == sorted(schools[key].name for key in expected)


def test_the_staff_matrix_search_finds_them_too(schools):
    measure = make_measure(make_field(Plan.objects.get()))
    admin = User.objects.create_user("ada")
    admin.user_permissions.add(*Permission.objects.filter(codename="edit_all_measures"))
    SchoolRollout.objects.start_tracking(measure, user=admin)  # the matrix shows it
    client = Client()
    client.force_login(admin)
    html = client.get("/verwaltung/schulen/", {"suche": "bueckardt"}).content.decode()
    table = html.split('id="matrix"')[1]
    assert schools["bückardt"].name in table
    assert schools["jöllenbeck"].name not in table


def test_a_renamed_school_is_found_by_its_new_name(schools):
    school = schools["jöllenbeck"]
    school.name = "Grundschule Müllerstraße"
    school.save()
    assert list(School.objects.search("muellerstrasse")) == [school]
    assert not School.objects.search("jollenbeck").exists()
    school.street = "Neuer Weg 1"
    school.save(update_fields=["street"])  # a partial save keeps the search up to date
    assert list(School.objects.search("neuer weg")) == [school]


def _directory(tmp_path: Path, name: str) -> Path:
    header = (
        "Schulnummer;Schulform;Schulbezeichnung_1;Schulbezeichnung_2;Schulbezeichnung_3;"
        "Kurzbezeichnung;PLZ;Ort;Strasse;Homepage;Rechtsform;Traegernummer;"
        "Gemeindeschluessel;Schulbetriebsschluessel;Schulbetriebsdatum\n"
    )
    row = f"100106;02;{name};;;;33602;Bielefeld;Bückardtstraße 12;;1;10261;05711000;1;\n"
    path = tmp_path / "schuldaten.csv"
    path.write_text(header + row, encoding="utf-8")
    return path


def _import(path: Path) -> str:
    out = io.StringIO()
    call_command("import_schools", path, stdout=out)
    return out.getvalue()


def test_the_importer_fills_and_updates_the_search_and_a_second_import_changes_nothing(
    db, tmp_path
):
    _import(_directory(tmp_path, "Bückardtschule"))
    assert list(School.objects.search("bueckardt").values_list("school_number", flat=True)) == [
        "100106"
    ]
    before = list(School.objects.values())
    assert _import(_directory(tmp_path, "Bückardtschule")).startswith("0 neu, 0 geändert, 1 unv")
    assert list(School.objects.values()) == before

    _import(_directory(tmp_path, "Sonnenschule"))
    assert School.objects.search("sonnenschule").exists()
    assert not School.objects.search("buckardtschule").exists()


def test_the_migration_fills_the_search_of_existing_schools(schools):
    from importlib import import_module

    School.objects.update(search_text="")  # as the column is right after it is added
    import_module("schools.migrations.0008_school_search_text").fill(apps, None)
    assert list(School.objects.search("bueckardt")) == [schools["bückardt"]]
    assert not School.objects.filter(search_text="").exists()


def test_bulk_writes_keep_the_search_up_to_date(db):
    (school,) = School.objects.bulk_create(
        [School(school_number="100109", name="Grundschule Am Waldbad", school_form="02")]
    )
    assert School.objects.search("waldbad").get() == school
    school.name = "Grundschule Heeper Fichten"
    School.objects.bulk_update([school], ["name"])
    assert School.objects.search("fichten").get() == school
    assert not School.objects.search("waldbad").exists()
