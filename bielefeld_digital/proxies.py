"""The client's address behind the reverse proxies the operator trusts.

One rule for django-axes (AXES_CLIENT_IP_CALLABLE), the rate limits
(signals.ratelimit_address) and the security log (signals.client_address).

Each trusted proxy appends the address it was connected from to
X-Forwarded-For, and the one nearest to us is REMOTE_ADDR. Behind N proxies
the client is therefore the N-th entry from the right; whatever stands further
left came with the request and is the client's to forge ("evil, real" behind
one proxy is "real"). Without a proxy (TRUSTED_PROXY_COUNT unset or 0) the
header is ignored altogether.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(text: object) -> str | None:
    """`text` as a canonical IP address, or None if it is not one."""
    if not isinstance(text, str):
        return None
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address; None only if not even the connection has one."""
    connection = _address(request.META.get("REMOTE_ADDR"))
    proxies = settings.TRUSTED_PROXY_COUNT or 0
    if not proxies:
        return connection
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(forwarded) < proxies:
        # Fewer entries than proxies: the request did not come through all of
        # them (or they do not write the header). Only the connection is known.
        return connection
    return _address(forwarded[-proxies]) or connection
