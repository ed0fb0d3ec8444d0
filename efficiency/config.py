"""Configuration: one TOML file, environment overrides, validated by pydantic.

Precedence, lowest first: defaults → the TOML file (``--config`` or ``EFFICIENCY_CONFIG``)
→ environment variables ``EFFICIENCY_<SECTION>_<KEY>`` (e.g. ``EFFICIENCY_API_PORT=9000``)
→ the short forms ``EFFICIENCY_DB_URL`` and ``EFFICIENCY_TOKEN``. Unknown keys are errors, so a
typo never silently falls back to a default.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class ConfigError(Exception):
    """The configuration is invalid; the message names the file and the key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class DatabaseConfig(_Section):
    url: str = Field(
        "",
        description="SQLAlchemy URL; empty = SQLite file efficiency.db in the user data folder. "
        "postgresql://user@host/db uses psycopg 3.",
    )


class ApiConfig(_Section):
    host: str = Field("127.0.0.1", description="Address `efficiency serve` binds.")
    port: int = Field(8077, ge=1, le=65535, description="Port `efficiency serve` binds.")
    token: str = Field(
        "",
        description="Bearer token required on every /api route when set; required to bind "
        "a non-loopback address.",
    )
    max_body_bytes: int = Field(
        16 * 1024 * 1024, ge=1024, description="Largest accepted request body, in bytes."
    )


class ProfilingConfig(_Section):
    rate_hz: int = Field(100, ge=1, le=10_000, description="py-spy sampling rate.")
    window_seconds: float = Field(60.0, gt=0, description="Length of one profile window.")
    native: bool = Field(False, description="Ask py-spy for native (C) frames too.")
    pyspy_path: str = Field("", description="py-spy executable; empty = found on PATH / venv.")


class Config(_Section):
    database: DatabaseConfig = Field(default_factory=DatabaseConfig)
    api: ApiConfig = Field(default_factory=ApiConfig)
    profiling: ProfilingConfig = Field(default_factory=ProfilingConfig)


SHORT_ENV = {"EFFICIENCY_DB_URL": ("database", "url"), "EFFICIENCY_TOKEN": ("api", "token")}


def _env_overrides(env: Mapping[str, str]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for section, model in Config.model_fields.items():
        sub = model.annotation
        if not (isinstance(sub, type) and issubclass(sub, BaseModel)):
            continue
        for key in sub.model_fields:
            name = f"EFFICIENCY_{section}_{key}".upper()
            if name in env:
                out.setdefault(section, {})[key] = env[name]
    for name, (section, key) in SHORT_ENV.items():
        if env.get(name):
            out.setdefault(section, {})[key] = env[name]
    return out


def _describe(exc: ValidationError, origin: str) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return f"{origin}: {where}: {first['msg']}"


def load_config(path: str | Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Read, merge and validate the configuration; raise ConfigError naming the bad key."""
    env = os.environ if env is None else env
    path = path or env.get("EFFICIENCY_CONFIG") or None
    data: dict[str, Any] = {}
    origin = "defaults"
    if path:
        origin = str(path)
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file {path} does not exist") from None
        except OSError as exc:
            raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    for section, values in _env_overrides(env).items():
        if not isinstance(data.get(section, {}), dict):
            raise ConfigError(f"{origin}: {section}: must be a table")
        data.setdefault(section, {}).update(values)
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, origin)) from None
