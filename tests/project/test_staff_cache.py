"""Staff pages (the staff area and the admin) are never stored by browsers or proxies."""

import re

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve
from django.utils.cache import get_max_age

from tests.factories import make_field, make_measure, make_plan
from tests.two_factor import verified_login

STAFF_NAMESPACES = {"staff", "admin"}


def _staff_routes(patterns=None, namespace=None, prefix="") -> list[str]:
    """Every URL pattern of the staff area and the admin, as its full route."""
    routes = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            routes += _staff_routes(pattern.url_patterns, inner, prefix + str(pattern.pattern))
        elif namespace in STAFF_NAMESPACES:
            routes.append(prefix + str(pattern.pattern))
    return routes


def _sample_url(route: str, slug: str) -> str:
    """A URL the route matches: sample values for its parameters."""
    samples = {"slug": slug, "uidb64": "MQ", "token": "set-password"}
    # Regex groups: the admin's app list (auth|measures|...), simple_history's
    # ([^/]+), the admin's catch-all (.*).
    url = re.sub(r"\((?:\?P<\w+>)?([^()]*)\)", lambda m: _regex_sample(m[1]), route)
    # path() converters: <slug:slug>, <path:object_id>
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: samples.get(m[1], "1"), url)
    return "/" + url.replace("^", "").replace("$", "")


def _regex_sample(group: str) -> str:
    if group == ".*":
        return "gibt-es-nicht/"
    if "|" in group:
        return group.split("|")[0]
    return "1"


def _assert_not_stored(response, url: str) -> None:
    directives = {d.strip().split("=")[0] for d in response.get("Cache-Control", "").split(",")}
    assert {"private", "no-store"} <= directives, (url, response.get("Cache-Control"))
    assert "public" not in directives, url


@pytest.fixture
def measure(db):
    return make_measure(make_field(make_plan()))


def test_every_staff_and_admin_url_is_neither_cached_nor_stored(measure, admin_user):
    routes = _staff_routes()
    # The pattern list really is walked: the staff area, the admin and their parts.
    assert {"verwaltung/anmelden/", "verwaltung/massnahmen/<slug:slug>/", "admin/login/"} <= set(
        routes
    )
    assert len(routes) > 80
    staff = Client()
    verified_login(staff, admin_user)
    seen_statuses = set()
    for route in routes:
        url = _sample_url(route, measure.slug)
        # The sample reaches this very pattern (the match's route drops inner "^").
        assert resolve(url).route == route.replace("/^", "/"), url
        for client in (Client(), staff):
            response = client.get(url)
            seen_statuses.add(response.status_code)
            _assert_not_stored(response, url)
    # Pages, redirects (login), refusals and unknown objects alike.
    assert {200, 302, 404} <= seen_statuses


def test_htmx_fragments_and_posts_are_not_stored_either(measure, admin_user):
    staff = Client()
    verified_login(staff, admin_user)
    fragment = staff.get("/verwaltung/schulen/", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    _assert_not_stored(fragment, "matrix fragment")
    login = Client().post("/verwaltung/anmelden/", {"username": "x", "password": "y"})
    assert login.status_code in (200, 422)  # refused, shown again
    _assert_not_stored(login, "refused login")
    reset = Client().post("/verwaltung/passwort/vergessen/", {"email": "a@example.org"})
    _assert_not_stored(reset, "password reset")


def test_public_pages_keep_their_own_caching(measure):
    response = Client().get("/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert get_max_age(response) is None or get_max_age(response) >= 0
    assert "Cookie" in response["Vary"]  # the language cookie still varies the page
