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

from pydantic import BaseModel, Field, ValidationError

from efficiency.config_canary import (
    CANARY_CPU,
    CANARY_ERRORS,
    CANARY_LATENCY,
    CANARY_METRIC_KEYS,
    CANARY_REQUESTS,
    ROLLBACK_KEYS,
    CanaryConfig,
    CanaryOverride,
)
from efficiency.config_sections import (
    AgentConfig,
    ApiConfig,
    CorrelateConfig,
    CostsConfig,
    DaemonConfig,
    DashboardConfig,
    DatabaseConfig,
    DetectConfig,
    GitSourceConfig,
    LoggingConfig,
    NotifyConfig,
    ProfileTargetConfig,
    ProfilingConfig,
    PrometheusSeriesConfig,
    RcaConfig,
    RemediateConfig,
    _Section,
)

__all__ = [
    "CANARY_CPU",
    "CANARY_ERRORS",
    "CANARY_LATENCY",
    "CANARY_METRIC_KEYS",
    "CANARY_REQUESTS",
    "ROLLBACK_KEYS",
    "SHORT_ENV",
    "AgentConfig",
    "ApiConfig",
    "CanaryConfig",
    "CanaryOverride",
    "Config",
    "ConfigError",
    "CorrelateConfig",
    "CostsConfig",
    "DaemonConfig",
    "DashboardConfig",
    "DatabaseConfig",
    "DetectConfig",
    "GitSourceConfig",
    "LoggingConfig",
    "NotifyConfig",
    "ProfileTargetConfig",
    "ProfilingConfig",
    "PrometheusSeriesConfig",
    "RcaConfig",
    "RemediateConfig",
    "load_config",
]


class ConfigError(Exception):
    """The configuration is invalid; the message names the file and the key."""


class Config(_Section):
    database: DatabaseConfig = Field(default_factory=DatabaseConfig)
    api: ApiConfig = Field(default_factory=ApiConfig)
    profiling: ProfilingConfig = Field(default_factory=ProfilingConfig)
    agent: AgentConfig = Field(default_factory=AgentConfig)
    detect: DetectConfig = Field(default_factory=DetectConfig)
    correlate: CorrelateConfig = Field(default_factory=CorrelateConfig)
    notify: NotifyConfig = Field(default_factory=NotifyConfig)
    daemon: DaemonConfig = Field(default_factory=DaemonConfig)
    remediate: RemediateConfig = Field(default_factory=RemediateConfig)
    costs: CostsConfig = Field(default_factory=CostsConfig)
    rca: RcaConfig = Field(default_factory=RcaConfig)
    dashboard: DashboardConfig = Field(default_factory=DashboardConfig)
    logging: LoggingConfig = Field(default_factory=LoggingConfig)
    canary: CanaryConfig = Field(default_factory=CanaryConfig)


SHORT_ENV = {
    "EFFICIENCY_DB_URL": ("database", "url"),
    "EFFICIENCY_TOKEN": ("api", "token"),
}


def _env_overrides(env: Mapping[str, str]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for section, model in Config.model_fields.items():
        sub = model.annotation
        if not (isinstance(sub, type) and issubclass(sub, BaseModel)):
            continue
        for key, spec in sub.model_fields.items():
            if getattr(spec.annotation, "__origin__", None) in (list, dict):
                continue  # arrays of tables and tables of tables come from the file only
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
