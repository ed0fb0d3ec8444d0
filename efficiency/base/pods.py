"""Kubernetes pod names: the workload a pod belongs to, from its name alone.

The hashes Kubernetes generates use only the alphabet ``bcdfghjklmnpqrstvwxz2456789`` (no
vowels, no 0/1/3), so a real word at the end of a name (``-service``, ``-api``) is never taken
for one. Shared by the ingest paths (logs, spans) and root cause, so it lives at the bottom.
"""

from __future__ import annotations

import re

_HASH = "[bcdfghjklmnpqrstvwxz2456789]"
_POD_SUFFIX = re.compile(rf"^(?P<base>.+?)(?:-{_HASH}{{6,10}})?-{_HASH}{{5}}$")
_ORDINAL = re.compile(r"^(?P<base>.+?)-\d{1,4}$")


def strip_pod_suffix(pod: str) -> str:
    """``checkout-5dc8d4f9fd-46997`` -> ``checkout``; ``db-0`` -> ``db``; else unchanged."""
    for pattern in (_POD_SUFFIX, _ORDINAL):
        match = pattern.match(pod)
        if match:
            return match.group("base")
    return pod
