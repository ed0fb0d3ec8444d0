"""How the dashboard reaches the store: one database per process, and every read through one
of ``efficiency``'s query functions, cached for ``dashboard.cache_ttl_seconds`` (a short TTL:
the page refreshes itself, and an action clears the cache so its effect shows at once).

Configuration comes from ``EFFICIENCY_CONFIG`` / ``EFFICIENCY_DB_URL``, as for every command
(`efficiency dashboard` sets them from its options), read on first use.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import streamlit as st

from efficiency.config import Config, load_config
from efficiency.report.costs import CostModel
from efficiency.stages.incident_actions import IncidentActions
from efficiency.store.db import Database

P = ParamSpec("P")
R = TypeVar("R")


@st.cache_resource(show_spinner=False)
def config() -> Config:
    return load_config()


@st.cache_resource(show_spinner=False)
def database() -> Database:
    db = Database(config().database.url)
    db.upgrade()
    return db


def costs() -> CostModel:
    return CostModel.from_config(config().costs)


_CACHED: dict[str, Callable[..., Any]] = {}


def read(fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
    """``fn(session, *args, **kwargs)`` in a read transaction, its answer cached per
    arguments for ``dashboard.cache_ttl_seconds``."""
    name = f"{fn.__module__}.{fn.__qualname__}"
    cached = _CACHED.get(name)
    if cached is None:

        def run(name: str, *a: Any, **kw: Any) -> Any:
            with database().session() as session:
                return fn(session, *a, **kw)

        ttl = config().dashboard.cache_ttl_seconds
        cached = st.cache_data(ttl=ttl or None, show_spinner=False, max_entries=256)(run)
        _CACHED[name] = cached
    return cached(name, *args, **kwargs)  # type: ignore[no-any-return]


def write(fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
    """``fn(session, ...)`` in a write transaction; every cached read is dropped after."""
    with database().session() as session:
        result = fn(session, *args, **kwargs)
    st.cache_data.clear()
    return result


def act(fn: Callable[P, R]) -> Callable[P, R]:
    """Wrap a stage action (it opens its own transaction) so the cache is dropped after."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        result = fn(*args, **kwargs)
        st.cache_data.clear()
        return result

    return wrapper


@st.cache_resource(show_spinner=False)
def actions() -> IncidentActions:
    """Acknowledge, resolve, merge, split and silence with the audit trail, paging through
    the services file's routes (none configured: nobody is paged)."""
    from efficiency.daemon import load_catalog
    from efficiency.stages.correlate import rules_from_config

    cfg = config()
    return IncidentActions(database(), load_catalog(cfg), rules_from_config(cfg.correlate))
