"""Deleting a selection in the admin that holds objects of another group's field
(issue 10, defect 1, found in the review): refused as a whole before the
confirmation page, with the same German message and log line as "Status setzen".

Django's own refusal named model permissions the clerk has ("… besitzt Ihr
Benutzerkonto nicht die nötigen Rechte, um diese zu löschen: Umsetzung an einer
Schule, Maßnahme") and logged nothing.
"""

import pytest
from django.contrib.messages import get_messages

from tests.measures.test_admin_responsibilities import (  # noqa: F401 (world: fixture)
    REFUSED,
    login,
    run_action,
    world,
)

FOREIGN_AND_OWN = [("b", "a"), ("field_b", "field_a"), ("row_b", "row_a"), ("plan", "plan_a")]


@pytest.mark.parametrize(("foreign", "own"), FOREIGN_AND_OWN)
def test_a_selection_with_foreign_objects_is_refused_before_the_confirmation(
    world,  # noqa: F811
    caplog,
    foreign,
    own,
):
    client = login(world["users"]["feld_a"])
    objects = [world[foreign], world[own]]
    model = type(objects[0])
    response = run_action(client, model, "delete_selected", objects)
    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith(REFUSED)
    assert f"„{world[foreign]}“" in message
    assert f"„{world[own]}“" not in message
    refusals = [r.getMessage() for r in caplog.records if r.name == "portal.security"]
    assert refusals[-1] == (
        f"Zugriff verweigert: feld_a wollte delete_selected für fremde Einträge ausführen "
        f"({world[foreign].pk})"
    )
    assert model.objects.filter(pk__in=[obj.pk for obj in objects]).count() == 2


@pytest.mark.parametrize(("foreign", "own"), FOREIGN_AND_OWN)
def test_a_posted_confirmation_with_foreign_objects_is_403_and_logged(
    world,  # noqa: F811
    caplog,
    foreign,
    own,
):
    client = login(world["users"]["feld_a"])
    objects = [world[foreign], world[own]]
    model = type(objects[0])
    response = run_action(client, model, "delete_selected", objects, post="yes")
    assert response.status_code == 403
    assert "Zugriff verweigert: feld_a wollte delete_selected" in caplog.text
    assert model.objects.filter(pk__in=[obj.pk for obj in objects]).count() == 2


def test_own_objects_still_get_the_confirmation_page(world):  # noqa: F811
    client = login(world["users"]["feld_a"])
    response = run_action(client, type(world["a"]), "delete_selected", [world["a"]])
    assert response.status_code == 200
    assert "Sind Sie sicher" in response.content.decode()
    assert REFUSED not in response.content.decode()
