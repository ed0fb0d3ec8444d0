"""Deploy-config validation: every key snake_case, every ``${VAR}`` reference defined, every
duration like ``30s`` / ``5m``; the problems as ``section.key: what is wrong`` lines."""

from __future__ import annotations

import re
from collections.abc import Mapping

Config = Mapping[str, Mapping[str, object]]


def validate(config: Config, env: Mapping[str, str]) -> list[str]:
    """Problems of ``config`` (sections of key/value pairs) with ``env`` as the defined
    variables, in section and key order; an empty list when it is valid."""
    problems: list[str] = []

    def check_section(name: str, section: Mapping[str, object]) -> None:
        for key, value in section.items():
            where = f"{name}.{key}"
            if not re.compile(r"[a-z][a-z0-9_]*").fullmatch(key):
                problems.append(f"{where}: key is not snake_case")
            if not isinstance(value, str):
                continue
            for var in re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}").findall(value):
                if var not in env:
                    problems.append(f"{where}: ${{{var}}} is not defined")
            if key.endswith("_timeout") and not re.compile(r"\d+(ms|s|m|h)").fullmatch(value):
                problems.append(f"{where}: {value!r} is not a duration")

    for name, section in config.items():
        check_section(name, section)
    return problems
