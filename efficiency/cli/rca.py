"""`efficiency rca --at T`: rank every service for a problem at time T, with evidence."""

from __future__ import annotations

import click

from efficiency.cli.app import State, cli, emit_json, pass_state


def _dependencies(state: State) -> list[tuple[str, str]]:
    """The services file's declared dependencies (caller -> callee), when there is one."""
    from efficiency.daemon import load_catalog

    catalog = load_catalog(state.config)
    return list(catalog.dependency_graph().edges) if catalog is not None else []


@cli.command()
@click.option("--at", "at_text", required=True,
              help="When the problem was seen: RFC 3339 or Unix seconds.")  # fmt: skip
@click.option("--service-graph", "service_graph", type=click.Path(dir_okay=False),
              help="Service graph file, YAML or JSON caller -> callee edges "
                   "(default: rca.service_graph).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object with `ranking`.")
@pass_state
def rca(state: State, at_text: str, service_graph: str | None, as_json: bool) -> None:
    """Rank every service for a problem at time T from the stored metrics, log and span
    series: how far its series moved (robust units of their own history), how early, and
    whether a service it calls explains it. Works without any alert."""
    from efficiency.ingest.timeparse import parse_time
    from efficiency.stages.rca import graph_edges, rank_at, rca_report

    at = parse_time(at_text, "--at")
    cfg = state.config.rca
    edges = graph_edges(cfg, service_graph, _dependencies(state))
    with state.db(create=False).session() as s:
        ranking = rank_at(s, at, cfg, edges)
    if as_json:
        emit_json(rca_report(ranking, at))
        return
    if not ranking:
        click.echo(f"no metric series around {at.isoformat()}: nothing to rank")
        return
    from rich.table import Table

    from efficiency.tables import wide_console

    table = Table(title=f"root cause at {at.isoformat()}")
    for col in ("rank", "service", "score", "moved most", "robust z", "when", "explained by"):
        table.add_column(col)
    for i, r in enumerate(ranking, 1):
        ev = r.evidence
        top = ev["top_series"][0] if ev["top_series"] else {}
        table.add_row(
            str(i), r.service, f"{r.score:.3f}", top.get("series", ""),
            f"{top['robust_z']:.1f}" if top else "", top.get("peak_at") or "",
            ev.get("explained_by") or "",
        )  # fmt: skip
    wide_console().print(table)
