"""Which API tokens are good enough for which bind address.

On loopback only local processes can connect, so any token (or none) is the operator's call.
An address other machines reach needs a token they cannot guess: at least
:data:`MIN_LENGTH` characters with at least :data:`MIN_DISTINCT` different ones (a token from
``python -c 'import secrets; print(secrets.token_urlsafe(32))'`` has 43 and about 30). A token
with whitespace or control characters is refused everywhere: HTTP clients and shells strip
or mangle them, so nobody could present it.
"""

from __future__ import annotations

import ipaddress

MIN_LENGTH = 20
MIN_DISTINCT = 10
HOW = "make one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def token_problem(token: str, host: str) -> str | None:
    """Why ``token`` may not guard an API bound to ``host``; None when it may."""
    if any(c.isspace() or not c.isprintable() for c in token):
        return "api.token: must not contain whitespace or control characters"
    if is_loopback(host):
        return None
    if not token:
        return f"refusing to bind {host} without an API token: set api.token or EFFICIENCY_TOKEN"
    if len(token) < MIN_LENGTH or len(set(token)) < MIN_DISTINCT:
        return (
            f"api.token: too weak to bind {host} (needs at least {MIN_LENGTH} characters, "
            f"{MIN_DISTINCT} of them different); {HOW}"
        )
    return None
