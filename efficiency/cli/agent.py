"""`efficiency agent`: the fleet agent."""

from __future__ import annotations

import logging

import click

from efficiency.cli.app import (
    State,
    cli,
    fail,
    log_format_option,
    pass_state,
    start_logging,
)


@cli.command()
@click.option("--server", help="Base URL of the efficiency API (default: agent.server).")
@click.option("--token", help="Bearer token (default: agent.token, then api.token).")
@click.option("--config", "agent_config", type=click.Path(dir_okay=False),
              help="TOML configuration (same as the global --config).")  # fmt: skip
@click.option("--spool", "spool_path", type=click.Path(dir_okay=False),
              help="The on-disk queue file (default: agent.spool_path).")  # fmt: skip
@click.option("--metrics-port", type=click.IntRange(0, 65535),
              help="Port of the agent's /metrics; 0 = none (default: agent.metrics_port).",
              )  # fmt: skip
@click.option("--service", help="Profile the processes of this service (with --pattern/--pid).")
@click.option("--pattern", help="Regular expression on the command line of --service's processes.")
@click.option("--pid", "pids", type=int, multiple=True, help="A process of --service (repeatable).")
@click.option("--window", "window_seconds", type=click.FloatRange(1, 3600),
              help="Profile window length (default: profiling.window_seconds).")  # fmt: skip
@log_format_option
@pass_state
def agent(
    state: State, server: str | None, token: str | None, agent_config: str | None,
    spool_path: str | None, metrics_port: int | None, service: str | None, pattern: str | None,
    pids: tuple[int, ...], window_seconds: float | None, log_format: str | None,
) -> None:  # fmt: skip
    """Run the configured collectors and ship their records to the server.

    Records go through an on-disk spool, so a server outage loses nothing; SIGTERM flushes.
    """

    import signal
    import threading

    from collectors.agent import build_agent, serve_metrics
    from efficiency.config import ProfileTargetConfig

    if agent_config:
        state.config_path = agent_config
    cfg = state.config
    a = cfg.agent
    if server:
        a.server = server
    if token:
        a.token = token
    if spool_path:
        a.spool_path = spool_path
    if metrics_port is not None:
        a.metrics_port = metrics_port
    if window_seconds:
        cfg.profiling.window_seconds = window_seconds
    if service or pattern or pids:
        if not service:
            fail("--pattern and --pid need --service")
        if not (pattern or pids):
            fail("--service needs --pattern or --pid")
        a.profile = [*a.profile, ProfileTargetConfig(service=service, pattern=pattern or "",
                                                      pids=list(pids))]  # fmt: skip
    if not a.server.startswith(("http://", "https://")):
        fail(f"--server must be an http(s) URL, not {a.server!r}")
    start_logging(state, log_format)
    built = build_agent(cfg)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop_metrics = serve_metrics(built, a.metrics_host, a.metrics_port) if a.metrics_port else None
    names = ", ".join(s.name for s in built.sources) or "none"
    logging.getLogger("efficiency.agent").info(
        "agent shipping to %s; collectors: %s; spool %s", a.server, names, built.spool.path,
        extra={"server": a.server, "collectors": [s.name for s in built.sources],
               "spool": str(built.spool.path)},
    )  # fmt: skip
    try:
        built.run(stop)
    finally:
        if stop_metrics:
            stop_metrics()
        built.shipper.close()
        built.spool.close()
