"""`efficiency dashboard`: the Streamlit app in ``dashboards/`` over the configured store."""

from __future__ import annotations

import os
from pathlib import Path

import click

from efficiency.cli.app import State, cli, fail, pass_state
from efficiency.ingest.auth import is_loopback


def app_path() -> Path:
    import dashboards

    return Path(dashboards.__file__).parent / "app.py"


@cli.command()
@click.option("--host", help="Address to bind (default: dashboard.host, 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535),
              help="Port (default: dashboard.port, 8501).")  # fmt: skip
@click.option("--db", "db_url", help="Database URL or SQLite path (overrides database.url).")
@click.option("--public", is_flag=True, help="Allow a non-loopback --host: the dashboard has "
              "no login of its own, so put it behind an authenticating proxy.")  # fmt: skip
@pass_state
def dashboard(
    state: State, host: str | None, port: int | None, db_url: str | None, public: bool
) -> None:
    """The SRE dashboard (Streamlit): incidents with their evidence and actions, hot spots and
    flame graphs, GPU traces, proposals, savings, the capacity outlook and the fleet."""
    if db_url:  # before the configuration is first read, which applies it
        state.db_url = db_url
    config = state.config
    host = host or config.dashboard.host
    port = port or config.dashboard.port
    if not is_loopback(host) and not public:
        fail(f"refusing to bind {host}: the dashboard has no login; add --public behind a proxy")
    # migrates the schema and fails early when unreachable; a missing SQLite folder is refused
    database = state.db(create=False)
    os.environ["EFFICIENCY_DB_URL"] = database.url
    if state.config_path:
        os.environ["EFFICIENCY_CONFIG"] = str(Path(state.config_path).resolve())
    from streamlit.web import cli as streamlit_cli

    args = [
        "run", str(app_path()), "--server.address", host, "--server.port", str(port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none", "--client.toolbarMode", "minimal",
        "--theme.base", "light",
    ]  # fmt: skip
    click.echo(f"efficiency dashboard on http://{host}:{port} over {database.url}")
    streamlit_cli.main(args=args, prog_name="streamlit", standalone_mode=True)
