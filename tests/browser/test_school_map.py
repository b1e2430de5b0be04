"""The school map in a real browser: an image with a name and a description, its
legend says each state by shape and colour, on a phone and in the dark colour
scheme (issue 12)."""

from django.contrib.auth.models import User

from measures.models import Measure
from measures.rollout import RolloutState, SchoolRollout
from schools.models import School
from tests.browser.axe import assert_accessible
from tests.factories import make_school

SLUG = "digitale-schulplattform"


def test_the_school_map_is_accessible_on_a_phone(new_page, bielefeld_live):
    measure = Measure.objects.get(slug=SLUG)
    School.objects.all().delete()
    schools = [
        make_school(district="Mitte", utm_east=467000 + 700 * n, utm_north=5765000 + 400 * n)
        for n in range(6)
    ]
    SchoolRollout.objects.set_states(
        measure,
        {schools[0]: RolloutState.DONE, schools[1]: RolloutState.IN_PROGRESS},
        user=User.objects.create_user("t"),
        reason="Test",
    )
    for scheme in ("light", "dark"):
        page = new_page(viewport={"width": 320, "height": 640}, color_scheme=scheme)
        page.goto(f"{bielefeld_live}/massnahmen/{SLUG}/")
        drawing = page.get_by_role("img", name="Karte der Schulen: Digitale Schulplattform")
        assert drawing.is_visible() and drawing.bounding_box()["width"] <= 320
        legend = page.locator(".school-map__legend")
        assert legend.inner_text().split("\n") == ["1 abgeschlossen", "1 in Arbeit", "4 offen"]
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        assert_accessible(page)
