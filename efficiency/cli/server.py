"""`efficiency serve`, `efficiency daemon` and `efficiency db upgrade`."""

from __future__ import annotations

import click

from efficiency.cli.app import (
    State,
    cli,
    fail,
    log_format_option,
    pass_state,
    start_logging,
)
from efficiency.ingest.auth import token_problem

WORKERS = click.option(
    "--workers", type=click.IntRange(1, 64), default=1, show_default=True,
    help="API worker processes sharing the port; more than 1 needs PostgreSQL.",
)  # fmt: skip


@cli.command()
@click.option("--host", help="Address to bind (default: api.host, 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (default: api.port, 8077).")
@log_format_option
@WORKERS
@pass_state
def serve(
    state: State, host: str | None, port: int | None, log_format: str | None, workers: int
) -> None:
    """Serve the HTTP API (OpenAPI at /docs)."""
    import uvicorn

    from efficiency.ingest.api import create_app
    from efficiency.serving import bind_listener
    from efficiency.serving import serve as serve_app
    from efficiency.workers import FACTORY, export_settings, workers_problem

    config = state.config
    host = host or config.api.host
    port = port or config.api.port
    if problem := token_problem(config.api.token, host) or workers_problem(
        workers, config.database.url
    ):
        fail(problem)
    pipeline = state.pipeline()
    sock = bind_listener(host, port)  # a busy port: one line, exit 2
    start_logging(state, log_format)
    if workers > 1:
        sock.close()  # the port is free; uvicorn's worker processes bind it themselves
        export_settings(state.config_path, config.database.url)
        uvicorn.run(FACTORY, factory=True, workers=workers, host=host, port=port,
                    log_level="info")  # fmt: skip
        return
    app = create_app(config, pipeline.database, actions=pipeline.actions)
    serve_app(app, sock)


@cli.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="TOML configuration (same as the global --config).")  # fmt: skip
@click.option("--host", help="Address to bind (default: api.host, 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (default: api.port, 8077).")
@log_format_option
@WORKERS
@pass_state
def daemon(
    state: State, config_path: str | None, host: str | None, port: int | None,
    log_format: str | None, workers: int,
) -> None:  # fmt: skip
    """The HTTP API plus every stage on a schedule: correlate and deliver pages every
    daemon.tick_seconds (and right after each alert webhook), detect every
    daemon.detect_seconds. Stops on SIGINT/SIGTERM; a restart takes up where it stopped.
    With --workers N the stages still run once, in this process."""
    from efficiency.daemon import run_daemon
    from efficiency.serving import bind_listener
    from efficiency.workers import export_settings, workers_problem

    if config_path:
        state.config_path = config_path
    config = state.config
    host = host or config.api.host
    port = port or config.api.port
    if problem := token_problem(config.api.token, host) or workers_problem(
        workers, config.database.url
    ):
        fail(problem)
    pipeline = state.pipeline()  # validates the services file before binding anything
    sock = bind_listener(host, port)  # a busy port: one line, exit 2
    start_logging(state, log_format)
    if workers > 1:
        export_settings(state.config_path, config.database.url)
    run_daemon(config, pipeline.database, host, port, sock, workers=workers)


@cli.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@pass_state
def db_upgrade(state: State) -> None:
    """Create or migrate the schema to the newest version."""
    from efficiency.store.migrate import current_revision

    database = state.db()
    click.echo(f"{database.url}: schema at revision {current_revision(database.engine)}")
