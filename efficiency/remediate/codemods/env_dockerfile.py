"""``ENV NAME=VALUE`` in a Dockerfile's final stage (for ``env-line``).

The line goes after the last ``ENV`` of the final stage, or right after its ``FROM`` when it
has none. Variables already set in that stage, or in the earlier stage it is built ``FROM``,
are compared first. The reader understands what it must to find instructions: line
continuations (with the ``# escape=`` directive), comment lines inside them, and heredocs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from efficiency.remediate.codemods.base import CodemodResult
from efficiency.remediate.codemods.textlines import insert_lines

NAME = "env-line"
_DIRECTIVE = re.compile(r"#\s*([A-Za-z]+)\s*=\s*(\S+)\s*$")
_HEREDOC = re.compile(r"<<(-?)\s*[\"']?([A-Za-z_][A-Za-z0-9_]*)[\"']?")
_BARE = re.compile(r"[A-Za-z0-9_./:,+@%=-]+")


@dataclass(frozen=True)
class Instruction:
    keyword: str  # as written (``FROM``, ``from``)
    args: str  # continuation lines joined
    start: int  # first line index
    end: int  # last line index (heredoc bodies included)

    @property
    def upper(self) -> str:
        return self.keyword.upper()


def escape_char(lines: list[str]) -> str:
    for line in lines:
        match = _DIRECTIVE.match(line.strip())
        if not match:
            break
        if match[1].lower() == "escape":
            return match[2]
    return "\\"


def instructions(lines: list[str]) -> list[Instruction]:
    escape = escape_char(lines)
    found: list[Instruction] = []
    index = 0
    while index < len(lines):
        stripped = lines[index].strip()
        if not stripped or stripped.startswith("#"):
            index += 1
            continue
        start, parts = index, []
        while True:
            text = lines[index].rstrip("\r\n").rstrip()
            if not text.endswith(escape):
                parts.append(text)
                break
            parts.append(text[: -len(escape)])
            index += 1
            while index < len(lines) and lines[index].strip().startswith("#"):
                index += 1
            if index >= len(lines):
                break
        joined = " ".join(p.strip() for p in parts).strip()
        keyword, _, args = joined.partition(" ")
        end = min(index, len(lines) - 1)
        if keyword.upper() in ("RUN", "COPY", "ADD"):
            for dash, terminator in _HEREDOC.findall(args):
                end += 1
                while end < len(lines):
                    body = lines[end].rstrip("\r\n")
                    if (body.lstrip("\t") if dash else body) == terminator:
                        break
                    end += 1
                end = min(end, len(lines) - 1)
        found.append(Instruction(keyword, args.strip(), start, end))
        index = end + 1
    return found


def words(text: str, escape: str = "\\") -> list[str]:
    """Split like Docker's own lexer: quotes group, the escape character escapes (inside
    double quotes only before ``"``, ``$`` and itself). Variables are not expanded.
    Raises ValueError on an unterminated quote."""
    found: list[str] = []
    current: list[str] = []
    in_word = False
    index = 0
    while index < len(text):
        char = text[index]
        if char.isspace():
            if in_word:
                found.append("".join(current))
                current, in_word = [], False
            index += 1
            continue
        in_word = True
        if char == escape:
            current.append(text[index + 1 : index + 2])
            index += 2
        elif char == "'":
            end = text.find("'", index + 1)
            if end < 0:
                raise ValueError("unterminated single quote")
            current.append(text[index + 1 : end])
            index = end + 1
        elif char == '"':
            index += 1
            while True:
                if index >= len(text):
                    raise ValueError("unterminated double quote")
                inner = text[index]
                if inner == '"':
                    index += 1
                    break
                if inner == escape and text[index + 1 : index + 2] in ('"', "$", escape):
                    current.append(text[index + 1])
                    index += 2
                    continue
                current.append(inner)
                index += 1
        else:
            current.append(char)
            index += 1
    if in_word:
        found.append("".join(current))
    return found


def env_values(args: str, escape: str = "\\") -> dict[str, str] | None:
    """The variables an ``ENV`` instruction sets; None when it cannot be read."""
    first, _, rest = args.partition(" ")
    try:
        if "=" not in first:  # legacy ``ENV NAME value with spaces``
            return {first: " ".join(words(rest, escape))}
        values = {}
        for token in words(args, escape):
            name, equals, value = token.partition("=")
            if not equals:
                return None
            values[name] = value
        return values
    except ValueError:
        return None


def _quoted(value: str, escape: str) -> str:
    if _BARE.fullmatch(value):
        return value
    for char in (escape, '"', "$"):
        value = value.replace(char, escape + char)
    return f'"{value}"'


def _stages(found: list[Instruction]) -> list[tuple[str | None, str, list[Instruction]]]:
    """(alias, base image, instructions) per stage."""
    stages: list[tuple[str | None, str, list[Instruction]]] = []
    for instruction in found:
        if instruction.upper == "FROM":
            words = [w for w in instruction.args.split() if not w.startswith("--")]
            alias = words[2].lower() if len(words) >= 3 and words[1].lower() == "as" else None
            stages.append((alias, words[0].lower() if words else "", [instruction]))
        elif stages:
            stages[-1][2].append(instruction)
    return stages


def add_env(source: str, env: dict[str, str]) -> CodemodResult:
    lines = source.splitlines(keepends=True)
    found = instructions(lines)
    stages = _stages(found)
    if not stages:
        return CodemodResult.unchanged(source, f"{NAME}: no FROM in this Dockerfile")
    final = stages[-1][2]
    # what the final stage already has: its own ENVs after those of the stage it builds on
    chain, seen = [stages[-1]], {len(stages) - 1}
    while True:
        base = chain[-1][1]
        earlier = [
            i for i, s in enumerate(stages) if (s[0] == base or str(i) == base) and i not in seen
        ]
        if not earlier:
            break
        seen.add(earlier[-1])
        chain.append(stages[earlier[-1]])
    escape = escape_char(lines)
    current: dict[str, str] = {}
    for _, _, stage in reversed(chain):
        for instruction in stage:
            if instruction.upper != "ENV":
                continue
            values = env_values(instruction.args, escape)
            if values is None:
                return CodemodResult.unchanged(
                    source,
                    f"{NAME}: cannot read the ENV at line {instruction.start + 1}; nothing changed",
                )
            current.update(values)
    conflicts = [
        f"{k} is already {current[k]!r}" for k in env if k in current and current[k] != env[k]
    ]
    if conflicts:
        return CodemodResult.unchanged(
            source, f"{NAME}: {'; '.join(conflicts)} in the final stage; nothing changed"
        )
    wanted = {k: v for k, v in env.items() if k not in current}
    if not wanted:
        return CodemodResult.unchanged(
            source, f"{NAME}: {', '.join(env)} already set; nothing to do"
        )
    envs = [i for i in final if i.upper == "ENV"]
    anchor = envs[-1] if envs else final[0]
    keyword = "env" if final[0].keyword.islower() else "ENV"
    new_lines = [f"{keyword} {k}={_quoted(v, escape)}" for k, v in wanted.items()]
    text = insert_lines(source, [(anchor.end + 1, new_lines)])
    where = "next to its ENV lines" if envs else "after its FROM"
    shown = ", ".join(f"{k}={v}" for k, v in wanted.items())
    return CodemodResult(
        source=text,
        changed=True,
        summary=f"set {shown} in the Dockerfile's final stage ({where}, line {anchor.end + 2})",
        sites=len(wanted),
    )
