"""``Environment=NAME=VALUE`` in a systemd unit's ``[Service]`` section (for ``env-line``).

The line goes after the section's last ``Environment=`` (an empty one resets the list, so the
values are read in order), or right after the ``[Service]`` header. ``%`` is doubled, since
systemd expands specifiers in these values.
"""

from __future__ import annotations

import re
import shlex

from efficiency.remediate.codemods.base import CodemodResult
from efficiency.remediate.codemods.textlines import insert_lines

NAME = "env-line"
_SECTION = re.compile(r"\s*\[([^\]]+)\]\s*$")
_SETTING = re.compile(r"\s*([A-Za-z][A-Za-z0-9]*)\s*=(.*)$", re.DOTALL)
_BARE = re.compile(r"[A-Za-z0-9_./:,+@=-]*")


def _assignments(value: str) -> dict[str, str] | None:
    try:
        words = shlex.split(value)
    except ValueError:
        return None
    out = {}
    for word in words:
        name, equals, text = word.partition("=")
        if not equals:
            return None
        out[name] = text.replace("%%", "%")
    return out


def _line(name: str, value: str) -> str:
    if _BARE.fullmatch(value):
        return f"Environment={name}={value}"
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%")
    return f'Environment="{name}={escaped}"'


def add_env(source: str, env: dict[str, str]) -> CodemodResult:
    lines = source.splitlines(keepends=True)
    section, header, last_env = None, None, None
    current: dict[str, str] = {}
    env_file = False
    index = 0
    while index < len(lines):
        start, text = index, lines[index].rstrip("\r\n")
        while text.endswith("\\") and index + 1 < len(lines):
            index += 1
            text = text[:-1] + " " + lines[index].rstrip("\r\n").strip()
        index += 1
        if text.strip().startswith(("#", ";")):
            continue
        heading = _SECTION.match(text)
        if heading:
            section = heading[1]
            if section == "Service" and header is None:
                header = start
            continue
        setting = _SETTING.match(text)
        if section != "Service" or setting is None:
            continue
        if setting[1] == "EnvironmentFile":
            env_file = True
        if setting[1] != "Environment":
            continue
        values = _assignments(setting[2].strip())
        if values is None:
            return CodemodResult.unchanged(
                source, f"{NAME}: cannot read the Environment= at line {start + 1}; nothing changed"
            )
        if not values:
            current.clear()  # an empty Environment= resets the list
        current.update(values)
        last_env = index - 1
    if header is None:
        return CodemodResult.unchanged(source, f"{NAME}: no [Service] section in this unit")
    conflicts = [
        f"{k} is already {current[k]!r}" for k in env if k in current and current[k] != env[k]
    ]
    if conflicts:
        return CodemodResult.unchanged(
            source, f"{NAME}: {'; '.join(conflicts)} in [Service]; nothing changed"
        )
    wanted = {k: v for k, v in env.items() if k not in current}
    if not wanted:
        return CodemodResult.unchanged(
            source, f"{NAME}: {', '.join(env)} already set; nothing to do"
        )
    anchor = header if last_env is None else last_env
    text = insert_lines(source, [(anchor + 1, [_line(k, v) for k, v in wanted.items()])])
    shown = ", ".join(f"{k}={v}" for k, v in wanted.items())
    note = " (note: EnvironmentFile= settings override Environment=)" if env_file else ""
    return CodemodResult(
        source=text,
        changed=True,
        summary=f"set {shown} with Environment= in the unit's [Service] section{note}",
        sites=len(wanted),
    )
