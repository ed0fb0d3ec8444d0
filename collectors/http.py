"""One GET-JSON for the pull collectors, so every one of them words network failures alike."""

from __future__ import annotations

from typing import Any

import httpx

from collectors.errors import CollectorError


def get_json(
    client: httpx.Client, url: str, params: dict[str, str] | None, where: str, timeout_s: float
) -> tuple[int, Any]:
    """GET ``url`` and return (status code, parsed JSON body or ``None`` if not JSON).

    Transport failures raise :class:`CollectorError` with ``where`` (what was being asked,
    of which server) leading the one-line message.
    """
    try:
        response = client.get(url, params=params)
    except httpx.TimeoutException:
        raise CollectorError(f"{where}: no answer within {timeout_s:g} s") from None
    except httpx.ConnectError as exc:
        reason = "connection refused" if "refused" in str(exc).lower() else str(exc)
        raise CollectorError(f"{where}: cannot connect: {reason}") from None
    except httpx.HTTPError as exc:
        raise CollectorError(f"{where}: {type(exc).__name__}: {exc}") from None
    try:
        return response.status_code, response.json()
    except ValueError:
        return response.status_code, None
