"""A logged-in browser without the login form, for tests about what comes after it.

The login forms are tested in the browser where they are the point: the admin's
(test_admin.test_login_and_index), the second factor's (test_second_factor), the
staff login's errors, limits and locks (test_login_and_look, test_login_limits,
test_security_log_admin) and the keyboard-only login (test_staff). Elsewhere a
login through the forms costs up to four page loads; here it is Django's test
client in this process (password step and second factor, as tests/two_factor.py's
log_in does it for the role) and the session cookie handed to the browser.
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
