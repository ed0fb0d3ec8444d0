"""Playbooks: one YAML file per kind of hot spot, validated before anything uses them.

A playbook says when it applies (``match``), what is wrong (``diagnosis``, a template filled
with the hot spot's evidence), what to change (``fix``), how much of the hot spot's cost the
change should recover (``savings``) and how to see that it did (``verification``). The files
hold data only; the schema below is their whole language, and ``playbooks/README.md``
documents it for people.

:func:`load_playbooks` reads every file of a folder and checks all of them before returning
any: a bad file raises :class:`PlaybookError` naming the file and the key path
(``match.frames[0].min_share``), so one typo cannot leave half the playbooks loaded.
"""

from __future__ import annotations

import contextlib
import re
import sys
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any, Literal

import yaml
from pydantic import Field, ValidationError, field_validator, model_validator

from efficiency.remediate.errors import PlaybookError
from efficiency.remediate.playbook_rules import (
    IDLE_HOTSPOTS,
    TRACE_STATS,
    Condition,
    FrameRule,
    KernelRule,
    Match,
    Strict,
    TraceRule,
)

__all__ = [
    "CODEMODS",
    "FRAME_PLACEHOLDERS",
    "GPU_PLACEHOLDERS",
    "IDLE_HOTSPOTS",
    "TRACE_STATS",
    "Condition",
    "FrameRule",
    "KernelRule",
    "Match",
    "Playbook",
    "PlaybookError",
    "TraceRule",
    "default_folder",
    "load_playbooks",
]

#: codemods a ``fix.codemod`` may name (``efficiency/remediate/codemods/``)
CODEMODS = (
    "hoist-re-compile",
    "re-pattern-method",
    "re-loop-pattern",
    "struct-precompile",
    "deepcopy-read-only",
    "deepcopy-shallow",
    "deepcopy-plain",
    "lazy-logging",
    "join-strings",
    "hoist-constant-table",
    "append-to-comprehension",
    "any-all-loop",
    "set-membership",
    "dataloader-workers",
    "env-line",
)

#: what a diagnosis of a CPU frame may say: ``${name}``
FRAME_PLACEHOLDERS = frozenset(
    {
        "service", "frame", "runtime", "function", "file", "line", "hot_function",
        "hot_file", "hot_line", "share_self", "share_inclusive", "samples",
        "samples_inclusive", "samples_total", "cores", "cost_cores", "trend", "caller",
        "parent", "windows",
    }
)  # fmt: skip
#: what a diagnosis of a GPU kernel or trace-level hot spot may say (plus every TRACE_STATS)
GPU_PLACEHOLDERS = frozenset(
    {
        "service", "frame", "runtime", "kind", "share_self", "cost_gpu_hours", "trend",
        "launches", "total_us", "mean_us", "bytes", "memory", "copy_kind", "bandwidth_gbps",
        "traces", "device",
    }
) | frozenset(TRACE_STATS)  # fmt: skip

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ID = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class _Diagnosis(Template):
    """``${name}`` placeholders only (names may hold dots: ``${idle.host_wait_share}``);
    ``$$`` is a dollar sign, and a bare ``$name`` is an error, so a typo cannot pass."""

    braceidpattern = r"[a-z_][a-z0-9_.]*"
    idpattern = r"(?!)"


class Fix(Strict):
    kind: Literal["codemod", "environment", "config", "advice"]
    codemod: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    #: text for the pull request: what to do by hand, or what else to consider
    advice: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Fix:
        if self.codemod is not None and self.codemod not in CODEMODS:
            raise ValueError(f"unknown codemod {self.codemod!r} (known: {', '.join(CODEMODS)})")
        if self.kind == "codemod" and not self.codemod:
            raise ValueError("a codemod fix names its codemod")
        if self.kind == "environment":
            if self.codemod not in (None, "env-line"):
                raise ValueError("an environment fix uses the env-line codemod")
            env = self.params.get("env")
            if not isinstance(env, dict) or not env:
                raise ValueError("an environment fix needs params.env: {NAME: value}")
            for name, value in env.items():
                if not isinstance(name, str) or not _ENV_NAME.fullmatch(name):
                    raise ValueError(f"params.env: {name!r} is not an environment variable name")
                if not isinstance(value, str):
                    raise ValueError(f"params.env.{name}: write the value as a quoted string")
        if self.kind in ("config", "advice"):
            if self.codemod:
                raise ValueError(f"a {self.kind} fix changes no code: drop codemod")
            if not self.advice.strip():
                raise ValueError(f"a {self.kind} fix needs advice text")
        return self

    @property
    def env(self) -> dict[str, str]:
        return dict(self.params.get("env") or {})


class Savings(Strict):
    """The fraction of the hot spot's cost (cores or GPU-hours) the fix recovers, and why."""

    fraction: float = Field(gt=0, le=1)
    rationale: str = Field(min_length=20)


VERIFY_METRICS = ("share_self", "share_inclusive", "cost_cores", "cost_gpu_hours")


class Verification(Strict):
    """How to see the win: the metric to compare over equal periods before and after."""

    #: share_self | share_inclusive | cost_cores | cost_gpu_hours, or a trace statistic
    metric: str
    expect: Literal["decrease", "increase", "vanish"] = "decrease"
    how: str = Field(min_length=10)

    @field_validator("metric")
    @classmethod
    def _metric(cls, v: str) -> str:
        if v not in VERIFY_METRICS and v not in TRACE_STATS:
            raise ValueError(
                f"unknown metric {v!r}: one of {', '.join(VERIFY_METRICS)} or a trace statistic"
            )
        return v

    def __str__(self) -> str:
        return f"{self.how.strip()}\n\n(Metric: `{self.metric}`, expected to {self.expect}.)"


class Playbook(Strict):
    id: str = Field(pattern=_ID, max_length=100)
    title: str = Field(min_length=5)
    runtime: Literal["python", "native", "gpu"]
    match: Match
    diagnosis: str = Field(min_length=20)
    fix: Fix
    savings: Savings
    verification: Verification

    @model_validator(mode="after")
    def _consistent(self) -> Playbook:
        gpu_rules = bool(self.match.kernels or self.match.trace)
        if self.runtime == "gpu" and self.match.frames:
            raise ValueError("match: a gpu playbook matches kernels or trace, not frames")
        if self.runtime != "gpu" and gpu_rules:
            raise ValueError(f"match: a {self.runtime} playbook matches frames only")
        names = self.placeholders
        allowed = GPU_PLACEHOLDERS if self.runtime == "gpu" else FRAME_PLACEHOLDERS
        unknown = sorted(names - allowed)
        if unknown:
            raise ValueError(
                "diagnosis: unknown placeholder(s) "
                + ", ".join(f"${{{n}}}" for n in unknown)
                + f"; a {self.runtime} playbook may use: "
                + ", ".join(sorted(allowed))
            )
        return self

    @field_validator("diagnosis")
    @classmethod
    def _template(cls, v: str) -> str:
        if not _Diagnosis(v).is_valid():
            raise ValueError("write placeholders as ${name} (and a dollar sign as $$)")
        return v

    @property
    def placeholders(self) -> set[str]:
        return set(_Diagnosis(self.diagnosis).get_identifiers())

    def render_diagnosis(self, evidence: dict[str, Any]) -> str:
        """The diagnosis with the hot spot's evidence filled in: shares as percentages,
        other numbers rounded, missing values as ``n/a``."""
        return _Diagnosis(self.diagnosis).substitute(_Values(evidence))


class _Values(dict[str, str]):
    """Evidence values by placeholder name, formatted for people; absent ones are n/a."""

    def __init__(self, evidence: dict[str, Any]) -> None:
        super().__init__()
        trace = evidence.get("trace")
        flat: dict[str, Any] = {**(trace if isinstance(trace, dict) else {}), **evidence}
        flat.pop("trace", None)
        for key, value in flat.items():
            self[key] = _format(key, value)

    def __missing__(self, key: str) -> str:
        return "n/a"


def _format(key: str, value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, dict) and "function" in value:
        where = value.get("file") or ""
        if where and value.get("line"):
            where = f"{where}:{value['line']}"
        return f"{value['function']} ({where})" if where else str(value["function"])
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if key == "trend":
            return f"{value:+.1%}"
        if "share" in key or "fraction" in key:
            return f"{value:.1%}"
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


# ------------------------------------------------------------------------------ loading


def default_folder() -> Path:
    """Where the playbooks are: the repository's ``playbooks/`` beside the package (a source
    checkout or an editable install), else ``efficiency/playbooks`` shipped as package data,
    else ``<prefix>/share/efficiency/playbooks`` (data files of a wheel)."""
    candidates = [Path(__file__).resolve().parents[2] / "playbooks"]
    with contextlib.suppress(ModuleNotFoundError, TypeError):  # zipped or odd installs
        candidates.append(Path(str(resources.files("efficiency") / "playbooks")))
    candidates.append(Path(sys.prefix) / "share" / "efficiency" / "playbooks")
    for folder in candidates:
        if folder.is_dir() and any(folder.glob("*.yaml")):
            return folder
    raise PlaybookError("no playbooks found; looked in " + ", ".join(str(c) for c in candidates))


def _key_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def _problems(file: str, exc: ValidationError) -> list[str]:
    lines = []
    for err in exc.errors():
        msg = err["msg"].removeprefix("Value error, ")
        lines.append(f"{file}: {_key_path(err['loc'])}: {msg}")
    return lines


def load_playbook(path: Path) -> Playbook:
    """One playbook file; its ``id`` must be the file's name without ``.yaml``."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise PlaybookError(f"{path.name}: cannot read: {exc}") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        raise PlaybookError(f"{path.name}: not valid YAML{line}: {exc}") from None
    if not isinstance(doc, dict):
        raise PlaybookError(f"{path.name}: a playbook is a YAML mapping")
    try:
        playbook = Playbook.model_validate(doc)
    except ValidationError as exc:
        raise PlaybookError("\n".join(_problems(path.name, exc))) from None
    if playbook.id != path.stem:
        raise PlaybookError(
            f"{path.name}: id: {playbook.id!r} must be the file name, {path.stem!r}"
        )
    return playbook


def load_playbooks(folder: Path | str | None = None) -> list[Playbook]:
    """Every ``*.yaml`` / ``*.yml`` playbook of ``folder`` (default: :func:`default_folder`),
    sorted by id. All files are checked before any is returned; the error lists every
    problem of every file."""
    root = Path(folder) if folder is not None else default_folder()
    if not root.is_dir():
        raise PlaybookError(f"{root}: not a folder")
    files = sorted([*root.glob("*.yaml"), *root.glob("*.yml")])
    problems: list[str] = []
    by_id: dict[str, tuple[Playbook, str]] = {}
    for path in files:
        try:
            playbook = load_playbook(path)
        except PlaybookError as exc:
            problems.append(str(exc))
            continue
        if playbook.id in by_id:
            problems.append(
                f"{path.name}: id: duplicate id {playbook.id!r} (also in {by_id[playbook.id][1]})"
            )
            continue
        by_id[playbook.id] = (playbook, path.name)
    if problems:
        raise PlaybookError("\n".join(problems))
    return [by_id[k][0] for k in sorted(by_id)]
