"""German proper names on English pages (WCAG 3.1.2): schools, school forms and
districts carry lang="de", so that a screen reader reads "Bückardtschule" and
"Jöllenbeck" in German while the page around them is English."""

import re

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.utils.html import escape

from measures.models import Measure
from measures.rollout import SchoolRollout
from schools.models import School
from tests.two_factor import log_in

MEASURE = "flaechendeckendes-wlan"


@pytest.fixture
def school(bielefeld) -> School:
    """A school of the plan with a school form name and a district."""
    return School.objects.get(name__startswith="Bückardtschule")


def german(html: str, text: str) -> bool:
    """`text` is the whole content of an element marked lang="de"."""
    return re.search(rf'<[a-z0-9]+ [^>]*lang="de"[^>]*>\s*{re.escape(text)}\s*</', html) is not None


def test_the_school_list_marks_names_forms_and_districts(english, school):
    html = english.get("/schulen/", {"suche": "Bückardt"}).content.decode()
    assert '<html lang="en">' in html
    assert german(html, school.name)
    assert german(html, school.school_form_name) and german(html, school.district)
    assert german(html, school.street)
    # The filters' options too, but not the translated "All ..." and "not known".
    assert re.search(r'<option value="Mitte"[^>]*lang="de"', html)
    assert re.search(r'<option value=""[^>]*>', html) and 'value="" lang="de"' not in html
    assert not re.search(r'<option value="ohne"[^>]*lang="de"', html)


def test_the_school_page_marks_its_name_form_district_and_address(english, school):
    html = english.get(school.get_absolute_url()).content.decode()
    assert html.count(f'lang="de">{school.name}<') == 2  # the breadcrumb and the heading
    assert german(html, school.school_form_name) and german(html, school.district)
    assert re.search(r'<address class="school-address" lang="de">', html)


def test_the_measure_page_marks_the_districts_and_their_schools(english, school):
    SchoolRollout.objects.start_tracking(
        Measure.objects.get(slug=MEASURE), user=User.objects.create_user("ada")
    )
    url = f"/massnahmen/{MEASURE}/"
    html = english.get(url).content.decode()
    assert re.search(r'href="\?bezirk=Mitte#schulen" lang="de">Mitte</a>', html)
    chosen = english.get(url, {"bezirk": "Mitte"}).content.decode()
    assert german(chosen, school.name)
    assert 'Schools in <span lang="de">Mitte</span>' in chosen


def test_the_matrix_and_the_checklist_mark_the_schools(english, school):
    admin = User.objects.create_user("ada", is_staff=True)
    admin.user_permissions.add(*Permission.objects.filter(codename="edit_all_measures"))
    SchoolRollout.objects.start_tracking(Measure.objects.get(slug=MEASURE), user=admin)
    log_in(english, admin)
    for url in ["/verwaltung/schulen/", f"/verwaltung/massnahmen/{MEASURE}/schulen/"]:
        html = english.get(url, {"schulform": school.school_form, "bezirk": "Mitte"}).content
        html = html.decode()
        assert '<html lang="en">' in html
        assert german(html, school.name), url
        assert german(html, school.school_form_name) and german(html, school.district), url
        assert re.search(r'<option value="Mitte"[^>]*lang="de"', html), url


def test_the_public_timeline_marks_school_names_and_reasons(english, school):
    measure = Measure.objects.get(slug=MEASURE)
    user = User.objects.create_user("ada")
    SchoolRollout.objects.set_states(
        measure, {school: "done"}, user=user, reason="Abnahme durch das Amt"
    )
    html = english.get(f"/massnahmen/{MEASURE}/").content.decode()
    name = re.escape(school.name)
    assert re.search(rf'<li><span lang="de">{name}</span>: open → completed', html)
    assert '<span lang="de">Abnahme durch das Amt</span>' in html


def test_the_school_form_and_district_selects_keep_the_kern_select_look(bielefeld):
    """A ProperNameSelect is a select: inside KERN's wrapper (box and arrow), like
    every other select, not bare text that does not look like a field."""
    admin = User.objects.create_user("ada", is_staff=True)
    admin.user_permissions.add(*Permission.objects.filter(codename="edit_all_measures"))
    SchoolRollout.objects.start_tracking(Measure.objects.get(slug=MEASURE), user=admin)
    client = Client()
    log_in(client, admin)
    for url in ["/verwaltung/schulen/", f"/verwaltung/massnahmen/{MEASURE}/schulen/"]:
        html = client.get(url).content.decode()
        selects = re.findall(r'(<[^>]+>)\s*<select [^>]*name="(?:alle-)?(schulform|bezirk)"', html)
        assert len(selects) >= 2, url
        for wrapper, name in selects:
            assert 'class="kern-form-input__select-wrapper"' in wrapper, (url, name)


def test_the_staff_dashboard_and_edit_links_mark_the_plans_titles(english):
    """The plan's German titles (also in the links' screen reader text) carry the
    plan's language on English pages."""
    editor = User.objects.create_user("ed")
    editor.user_permissions.add(*Permission.objects.filter(codename="edit_all_measures"))
    english.force_login(editor)
    dashboard, report = english.get("/verwaltung/").text, english.get("/").text
    assert '<html lang="en">' in dashboard and '<html lang="en">' in report
    for title in Measure.objects.values_list("title", flat=True):
        link_text = f'<span class="kern-sr-only">: <span lang="de">{escape(title)}</span></span>'
        assert dashboard.count(link_text) == 2, title  # "Bearbeiten" and "Schulen"
        assert report.count(link_text) == 1, title  # "Bearbeiten"
        # Everywhere else on the dashboard too (the list's title).
        shown = dashboard.count(f">{escape(title)}<")
        assert dashboard.count(f'lang="de">{escape(title)}<') == shown, title
