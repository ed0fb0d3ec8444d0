"""The log formats of the long-running commands: JSON lines with extra fields."""

from __future__ import annotations

import io
import json
import logging

import pytest

from efficiency.config import ConfigError, load_config
from efficiency.logs import setup_logging


def test_json_lines_carry_extra_fields_and_tracebacks() -> None:
    stream = io.StringIO()
    setup_logging("json", "info", stream)
    log = logging.getLogger("efficiency.test")
    log.info("shipped %d records", 12, extra={"host": "h1", "spool": object.__name__})
    log.debug("not shown at info")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        log.exception("pass failed")
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["msg"] == "shipped 12 records" and first["level"] == "info"
    assert first["logger"] == "efficiency.test" and first["host"] == "h1"
    assert first["spool"] == "object" and first["ts"].endswith("Z")
    assert second["level"] == "error" and "RuntimeError: boom" in second["exc"]
    setup_logging("text", "info", stream)
    log.info("plain")
    assert stream.getvalue().splitlines()[-1].endswith("INFO efficiency.test: plain")


def test_log_format_is_a_validated_config_key() -> None:
    assert load_config(env={}).logging.format == "text"
    assert load_config(env={"EFFICIENCY_LOGGING_FORMAT": "json"}).logging.format == "json"
    with pytest.raises(ConfigError, match=r"logging\.format"):
        load_config(env={"EFFICIENCY_LOGGING_FORMAT": "yaml"})
