"""Configuration: TOML file, environment overrides, clear errors naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from efficiency.config import ConfigError, load_config


def test_defaults() -> None:
    cfg = load_config(env={})
    assert (cfg.api.host, cfg.api.port, cfg.api.token) == ("127.0.0.1", 8077, "")
    assert cfg.database.url == "" and cfg.profiling.rate_hz == 100


def test_file_then_env_overrides(tmp_path: Path) -> None:
    path = tmp_path / "e.toml"
    path.write_text('[api]\nport = 9000\ntoken = "from-file"\n[profiling]\nrate_hz = 50\n')
    cfg = load_config(path, env={"EFFICIENCY_API_PORT": "9100", "EFFICIENCY_TOKEN": "env"})
    assert cfg.api.port == 9100 and cfg.api.token == "env" and cfg.profiling.rate_hz == 50
    cfg = load_config(env={"EFFICIENCY_CONFIG": str(path), "EFFICIENCY_DB_URL": "x.db"})
    assert cfg.api.port == 9000 and cfg.database.url == "x.db"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[api]\nport = 0\n", "api.port"),
        ("[api]\nprot = 1\n", "api.prot"),
        ("[nope]\nx = 1\n", "nope"),
        ("[api\n", "not valid TOML"),
        ("[profiling]\nnative = 'maybe'\n", "profiling.native"),
    ],
)
def test_errors_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_config(path, env={})


def test_missing_file_and_bad_env(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "missing.toml", env={})
    with pytest.raises(ConfigError, match=r"api\.port"):
        load_config(env={"EFFICIENCY_API_PORT": "eighty"})


def test_documented_keys_match_the_model() -> None:
    """docs/configuration.md lists every key with its default."""
    from efficiency.config import Config

    doc = (Path(__file__).parents[1] / "docs" / "configuration.md").read_text()
    for section, field in Config.model_fields.items():
        sub = field.annotation
        for key, spec in sub.model_fields.items():  # type: ignore[union-attr]
            assert f"`{section}.{key}`" in doc, f"{section}.{key} is not documented"
            if getattr(spec.annotation, "__origin__", None) not in (list, dict):
                assert f"`EFFICIENCY_{section}_{key}`".upper() in doc.upper()
            default = spec.get_default(call_default_factory=True)
            assert repr(default) in doc or str(default) in doc


def test_agent_sections_are_validated(tmp_path: Path) -> None:
    path = tmp_path / "agent.toml"
    path.write_text('[agent]\nserver = "http://api:8077"\n\n[[agent.profile]]\nservice = "web"\n'
                    'pattern = "gunicorn"\n')  # fmt: skip
    cfg = load_config(path, env={"EFFICIENCY_AGENT_SPOOL_MAX_BYTES": "4096"})
    assert cfg.agent.profile[0].service == "web" and cfg.agent.spool_max_bytes == 4096
    path.write_text('[[agent.profile]]\nservice = "web"\n')
    with pytest.raises(ConfigError, match=r"agent\.profile\.0: Value error, give pids or a"):
        load_config(path, env={})


def test_canary_per_service_overrides(tmp_path: Path) -> None:
    from efficiency.config import load_config

    path = tmp_path / "c.toml"
    path.write_text("[canary]\nalpha = 0.01\n\n[canary.services.checkout]\nmin_samples = 50000\n")
    cfg = load_config(str(path)).canary
    assert cfg.for_service("checkout")["min_samples"] == 50000
    assert cfg.for_service("checkout")["alpha"] == 0.01
    assert cfg.for_service("search")["min_samples"] == 2000
