"""A second Schulträger beside Bielefeld's, at its own host name."""

import datetime

import pytest

from authorities.models import Authority
from measures.models import Plan
from tests.factories import make_field, make_measure, make_plan

HOST = "schuldigital.example-kreis.de"


@pytest.fixture
def county(bielefeld, settings) -> Plan:
    """A second authority at its own host name, whose plan has Bielefeld's address
    (2023-2027) and a measure slug of Bielefeld's too."""
    settings.ALLOWED_HOSTS = ["testserver", HOST, "portal.example"]
    owner = Authority.objects.create(name="Kreis Musterland – Schulamt", host=HOST)
    plan = make_plan(owner=owner, title="MEP des Kreises", as_of=datetime.date(2025, 1, 1))
    assert plan.is_current and plan.slug == bielefeld.slug  # current of its own authority
    make_measure(make_field(plan, title="Netze"), title="Kreisnetz", slug="voip")
    return plan
