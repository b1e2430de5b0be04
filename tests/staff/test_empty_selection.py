"""Setting "all schools" of a selection that holds none (issue 9): a warning that
names the selection and says nothing changed, never "0 von 0 Schulen gesetzt"
as a success. Bielefeld has no Gesamtschule in Heepen.
"""

import pytest
from django.test import Client

from measures.models import Measure
from measures.rollout import SchoolRollout

MATRIX = "/verwaltung/schulen/"
CHECKLIST = "/verwaltung/massnahmen/1-1-ausstattung/schulen/"
NOTHING = (
    "Keine Schule ausgewählt: Die Auswahl (Schulform „Gesamtschule“, Stadtbezirk „Heepen“) "
    "enthält keine Schulen. Es wurde nichts geändert."
)


@pytest.fixture
def hanna(hardware_editor, hardware_client) -> Client:
    """Team Hardware, logged in; "1-1-ausstattung" is tracked per school."""
    measure = Measure.objects.get(slug="1-1-ausstattung")
    SchoolRollout.objects.start_tracking(measure, user=hardware_editor)
    return hardware_client


def history() -> int:
    return SchoolRollout.history.filter(measure__slug="1-1-ausstattung").count()


def bulk(**values) -> dict:
    return {
        "alle-massnahme": Measure.objects.get(slug="1-1-ausstattung").pk,
        "alle-stand": "done",
        **values,
    }


def test_bulk_on_an_empty_selection_warns_and_changes_nothing(hanna):
    before = history()
    response = hanna.post(
        MATRIX, bulk(**{"alle-schulform": "15", "alle-bezirk": "Heepen"}), follow=True
    )
    html = response.content.decode()
    assert NOTHING in html
    assert "kern-alert--warning" in html and "0 von 0" not in html
    assert history() == before


def test_bulk_on_all_schools_of_the_plan_says_so_when_there_are_none(hanna, bielefeld):
    bielefeld.school_forms = "88"  # a form the Träger has no school of
    bielefeld.save()
    html = hanna.post(MATRIX, bulk(**{"alle-alle": "on"}), follow=True).content.decode()
    assert "Die Auswahl (alle Schulen des Plans) enthält keine Schulen." in html


def test_bulk_on_schools_still_reports_the_count(hanna):
    response = hanna.post(
        MATRIX, bulk(**{"alle-schulform": "15", "alle-bezirk": "Brackwede"}), follow=True
    )
    assert "2 von 2 Schulen auf „abgeschlossen“ gesetzt" in response.content.decode()


def test_saving_an_empty_checklist_warns_and_changes_nothing(hanna):
    before = history()
    query = "?schulform=15&bezirk=Heepen"
    page = hanna.get(CHECKLIST + query).content.decode()
    assert "Keine Schule entspricht diesen Filtern." in page
    response = hanna.post(CHECKLIST + query, {"reason": ""}, follow=True)
    html = response.content.decode()
    assert NOTHING in html and "0 Schulen aktualisiert" not in html
    assert history() == before


def test_the_warning_in_english(hanna):
    hanna.post("/i18n/setlang/", {"language": "en"})
    response = hanna.post(
        MATRIX, bulk(**{"alle-schulform": "15", "alle-bezirk": "Heepen"}), follow=True
    )
    assert (
        "No school selected: the selection (school type “Gesamtschule”, district “Heepen”) "
        "contains no schools. Nothing was changed."
    ) in response.content.decode()
