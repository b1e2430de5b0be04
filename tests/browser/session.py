"""A logged-in browser without the login form, for tests about what comes after it.

The forms themselves are tested in the browser where that is the point
(test_admin.test_login_and_index, test_second_factor, test_login_and_look,
test_staff's keyboard login). Elsewhere a login costs four page loads in the
browser; here it is Django's test client in this process (password step and
second factor, as tests/two_factor.py's log_in does it for the role) and the
session cookie handed to the browser's context.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from tests.two_factor import log_in


def log_in_as(page, base: str, username: str) -> None:
    """Give `page`'s context the session of `username`, logged in as their role must."""
    client = Client()
    log_in(client, get_user_model().objects.get(username=username))
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base,
            }
        ]
    )
