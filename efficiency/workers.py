"""Several API worker processes: ``efficiency serve --workers N`` and
``efficiency daemon --workers N``.

uvicorn starts N processes that share the listening socket; each builds its own app with
:func:`app_from_environment` from the configuration file and database URL the parent put in
the environment. The store is the only state they share, so N > 1 needs PostgreSQL: SQLite
takes one writer at a time, and N processes would queue on its lock (``database is
locked``) instead of serving in parallel.

Under ``daemon`` the stages (correlate, deliver, detect) run once, in a thread of the parent
process, never in the workers; the workers then store alerts without correlating on
ingest, and the next tick (``daemon.tick_seconds``) correlates them.
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from efficiency.config import load_config
from efficiency.store.db import Database

ENV_CONFIG = "EFFICIENCY_WORKER_CONFIG"
ENV_DB = "EFFICIENCY_WORKER_DB"
FACTORY = "efficiency.workers:app_from_environment"


def workers_problem(workers: int, url: str) -> str | None:
    """Why ``--workers`` cannot be ``workers`` on the database ``url``; None when it can."""
    if workers > 1 and not url.startswith("postgresql"):
        return (
            f"--workers: {workers} API workers need PostgreSQL as the shared store "
            f"(database.url is {url.split(':', 1)[0]}); use --workers 1 with SQLite"
        )
    return None


def export_settings(config_path: str | None, db_url: str) -> None:
    """Hand the configuration file and database URL to the worker processes."""
    if config_path:
        os.environ[ENV_CONFIG] = config_path
    else:
        os.environ.pop(ENV_CONFIG, None)
    os.environ[ENV_DB] = db_url


def app_from_environment() -> FastAPI:
    """The API of one worker process (uvicorn's app factory)."""
    from efficiency.daemon import Pipeline
    from efficiency.ingest.api import create_app

    config = load_config(os.environ.get(ENV_CONFIG) or None)
    config.database.url = os.environ[ENV_DB]
    database = Database(config.database.url)  # the parent migrated it before starting us
    pipeline = Pipeline(config, database)
    return create_app(config, database, actions=pipeline.actions)
