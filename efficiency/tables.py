"""Terminal tables the commands print (rich)."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table

from efficiency.store.profile_queries import ServiceProfile


def hotspot_table(prof: ServiceProfile) -> Table:
    cores = f", {prof.cores:.2f} cores" if prof.cores is not None else ""
    table = Table(title=f"{prof.service}: {prof.samples} samples in {prof.windows} windows{cores}")
    table.add_column("self %", justify="right")
    table.add_column("incl %", justify="right")
    table.add_column("cores", justify="right")
    table.add_column("function", overflow="fold")
    table.add_column("file", overflow="fold")
    for f in prof.frames:
        table.add_row(
            f"{100 * f.share:5.1f}",
            f"{100 * f.share_inclusive:5.1f}",
            f"{f.cost_cores:.2f}" if f.cost_cores is not None else "-",
            f.function,
            Path(f.file).name,
        )
    return table
