"""Set an environment variable where a service is deployed (``env-line``).

Some fixes are not in the code but in how the process starts: ``LD_PRELOAD`` of jemalloc or
tcmalloc, ``MALLOC_ARENA_MAX=2`` against glibc arena bloat. This codemod adds the variable to
the file that starts the service: a Dockerfile (``ENV`` in the final stage), a systemd unit
(``Environment=`` in ``[Service]``) or a Kubernetes manifest (``env:`` of every container of
each workload). The language comes from ``params["language"]``, else from the file name in
``params["path"]``, else from the text itself.

A variable already set to the same value is left alone; one set to another value makes the
codemod change nothing at all and say where: overriding a deliberate setting is not mechanical.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import PurePath
from typing import Any

from efficiency.remediate.codemods import env_dockerfile, env_kubernetes, env_systemd
from efficiency.remediate.codemods.base import CodemodResult

LANGUAGES: dict[str, Callable[[str, dict[str, str]], CodemodResult]] = {
    "dockerfile": env_dockerfile.add_env,
    "systemd": env_systemd.add_env,
    "kubernetes": env_kubernetes.add_env,
}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def language_of(path: str | None, source: str) -> str | None:
    """``dockerfile`` / ``systemd`` / ``kubernetes`` from the file name, else from the text."""
    if path:
        name = PurePath(path).name.lower()
        if name in ("dockerfile", "containerfile") or name.startswith("dockerfile."):
            return "dockerfile"
        if name.endswith((".dockerfile", ".containerfile")):
            return "dockerfile"
        if name.endswith(".service"):
            return "systemd"
        if name.endswith((".yaml", ".yml")):
            return "kubernetes"
    if re.search(r"^\s*\[Service\]\s*$", source, re.MULTILINE):
        return "systemd"
    if re.search(r"^\s*FROM\s+\S", source, re.MULTILINE | re.IGNORECASE):
        return "dockerfile"
    if re.search(r"^apiVersion:", source, re.MULTILINE) and re.search(
        r"^kind:", source, re.MULTILINE
    ):
        return "kubernetes"
    return None


def _validated_env(env: object) -> dict[str, str]:
    if not isinstance(env, Mapping) or not env:
        raise ValueError("env-line needs params['env'] = {NAME: VALUE, ...}")
    out = {}
    for name, value in env.items():
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise ValueError(f"not an environment variable name: {name!r}")
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise ValueError(f"{name}: the value must be a string or a number, not {value!r}")
        out[name] = str(value)
    return out


class EnvLine:
    name = "env-line"
    #: this codemod edits three kinds of file; ``language`` lists them
    language = "dockerfile|systemd|kubernetes"
    languages = tuple(LANGUAGES)

    def apply(
        self,
        source: str,
        *,
        function: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> CodemodResult:
        """``function`` is ignored: these files have none."""
        params = dict(params or {})
        env = _validated_env(params.get("env"))
        language = params.get("language") or language_of(params.get("path"), source)
        if language is None:
            return CodemodResult.unchanged(
                source,
                f"{self.name}: cannot tell whether this is a Dockerfile, systemd unit or "
                "Kubernetes manifest (pass params['path'] or params['language'])",
            )
        if language not in LANGUAGES:
            raise ValueError(f"env-line edits {', '.join(LANGUAGES)}; not {language!r}")
        return LANGUAGES[language](source, env)
