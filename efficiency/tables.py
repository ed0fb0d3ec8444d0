"""Terminal tables the commands print (rich)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from efficiency.store.profile_queries import ServiceProfile

if TYPE_CHECKING:
    from collectors.kineto import KinetoTrace


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


def _us(value: float | None) -> str:
    """A duration in µs, in the unit that reads best."""
    if value is None:
        return "-"
    if abs(value) >= 1e6:
        return f"{value / 1e6:.2f} s"
    if abs(value) >= 1e3:
        return f"{value / 1e3:.1f} ms"
    return f"{value:.0f} µs"


def _bytes(value: int | None) -> str:
    if value is None:
        return "? bytes"
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if value >= size:
            return f"{value / size:.1f} {unit}"
    return f"{value} B"


def trace_lines(trace: KinetoTrace) -> list[str]:
    """What ``efficiency ingest trace`` says about a GPU trace, a few lines."""
    s = trace.summary()
    kinds = len({k.name for k in trace.kernels if k.kind in ("compute", "communication")})
    where = f"rank {trace.rank}" + (f", {trace.device_name}" if trace.device_name else "")
    lines = [
        f"{where}: {_us(trace.duration_us)} traced, {s['kernels']:,} kernel launches of "
        f"{kinds} kernels, {_us(s['gpu_time_us'])} of GPU time"
    ]
    t = trace.temporal
    if t is None:
        lines.append("no GPU activity in this trace")
        return lines
    lines.append(
        f"GPU time breakdown (HTA): idle {100 * t.idle_share:.1f}%, compute "
        f"{100 * t.compute_share:.1f}%, non-compute {100 * t.non_compute_share:.1f}% "
        f"of {_us(t.span_us)}"
    )
    for st in s["idle_by_stream"]:
        lines.append(
            f"  stream {st['stream']} idle {100 * st['idle_share']:.1f}%: host wait "
            f"{100 * st['host_wait_share']:.1f}%, kernel wait {100 * st['kernel_wait_share']:.1f}%"
            f", other {100 * st['other_share']:.1f}%"
        )
    d = trace.launch_delay
    if d.count:
        lines.append(
            f"launch call → kernel start: p50 {_us(d.p50)}, p95 {_us(d.p95)} "
            f"over {d.count:,} kernels"
        )
    for x in trace.transfers():
        what = f"{x.kind} {x.copy_kind} ({x.memory})" if x.copy_kind else f"{x.kind} ({x.memory})"
        lines.append(f"{what}: {x.count:,} ops, {_bytes(x.bytes)} in {_us(x.total_us)}")
    syncs = [a for a in trace.api if a.kind == "sync" and a.source == "runtime"]
    if syncs:
        calls = (f"{a.name} {a.count}x ({_us(a.total_us)})" for a in syncs)
        lines.append("host syncs: " + ", ".join(calls))
    if trace.dataloader.count and trace.steps.total:
        share = trace.dataloader.total / trace.steps.total
        lines.append(f"DataLoader: {100 * share:.1f}% of {trace.steps.count} profiler steps")
    return lines


def short_kernel_name(name: str) -> str:
    """A C++ kernel name without its template arguments, parameters and return type:
    "void cudnn::bn_bw_1C11_kernel_new<float, 512>(float, ...)" → "cudnn::bn_bw_1C11_kernel_new".
    Copies and fills ("Memcpy HtoD (Pageable -> Device)") keep their whole name."""
    if name.startswith(("Memcpy", "Memset")):
        return name
    out: list[str] = []
    depth = 0
    for ch in name.replace("->", ""):
        if ch in "<(":
            depth += 1
        elif ch in ">)":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(ch)
    words = "".join(out).split()
    return words[-1] if words else name


def _dims(dims: tuple[int, ...] | None) -> str:
    return "x".join(map(str, dims)) if dims else "-"


def gpu_kernel_table(trace: KinetoTrace, limit: int = 10) -> Table:
    """The GPU operations with the most total time."""
    table = Table(title=f"top {limit} GPU operations by total time")
    for col in ("total", "share", "count", "mean"):
        table.add_column(col, justify="right")
    table.add_column("kind")
    table.add_column("grid / block")
    table.add_column("name", overflow="fold")
    gpu_time = sum(k.total_us for k in trace.kernels) or 1.0
    for k in trace.kernels[:limit]:
        table.add_row(
            _us(k.total_us),
            f"{100 * k.total_us / gpu_time:.1f}%",
            f"{k.count:,}",
            _us(k.mean_us),
            k.kind,
            f"{_dims(k.grid)} / {_dims(k.block)}" if k.grid else "",
            short_kernel_name(k.name),
        )
    return table


def wide_console() -> Console:
    """A console for tables: a terminal's own width, and 120 columns when piped (rich's 80
    would fold every cell of a wide table)."""
    console = Console()
    return console if console.is_terminal else Console(width=120)


def short_frame(name: str) -> str:
    """``function (/long/path/to/file.py)`` as ``function (file.py)``, for tables."""
    head, sep, tail = name.rpartition(" (")
    if not sep or not tail.endswith(")"):
        return name
    return f"{head} ({tail[:-1].rsplit('/', 1)[-1]})"


def detection_table(rows: list[dict[str, Any]]) -> Table | str:
    """Detections as ``detections list`` shows them (rows in the ``--json`` shape)."""
    if not rows:
        return "no detections"
    table = Table(title="detections")
    for col in ("id", "kind", "service", "function", "onset (UTC)", "change %", "cores", "p",
                "deploy"):  # fmt: skip
        table.add_column(col, overflow="fold", no_wrap=col in ("onset (UTC)", "kind"))
    for r in rows:
        rel = f"{100 * r['magnitude_rel']:+.1f}" if r["magnitude_rel"] is not None else "new"
        cores = f"{r['magnitude_cores']:+.3g}" if r["magnitude_cores"] is not None else "-"
        p = f"{r['p_value']:.2g}" if r["p_value"] is not None else "-"
        onset = str(r["onset_at"]).replace("T", " ")[:16]
        change = f"#{r['suspected_change_id']}" if r["suspected_change_id"] else "-"
        table.add_row(str(r["id"]), r["kind"], r["service"], short_frame(r["function"]), onset,
                      rel, cores, p, change)  # fmt: skip
    return table


def hotspots_table(rows: list[dict[str, Any]]) -> Table:
    """Stored hot spots (``hotspot_dict`` rows): id, where, how much, and which playbooks."""
    table = Table(title="hot spots")
    for name in ("id", "service", "self %", "incl %", "cost", "trend", "frame", "playbooks"):
        right = name in ("self %", "incl %", "cost", "trend")
        table.add_column(name, justify="right" if right else "left", overflow="fold",
                         no_wrap=name in ("id", "playbooks", "cost"))  # fmt: skip
    table.caption = "playbook* = matched by the source at its sampled lines"
    for r in rows:
        matches = r["evidence"].get("matches", {})
        if r["cost_gpu_hours"]:
            cost = f"{r['cost_gpu_hours']:.3g} GPU-h"
        else:
            cost = f"{r['cost_cores'] or 0:.2f} cores"
        trend = "" if r["trend"] is None else f"{100 * r['trend']:+.1f}"
        table.add_row(
            r["id"], r["service"], f"{100 * (r['share'] or 0):.1f}",
            f"{100 * (r['share_inclusive'] or 0):.1f}", cost, trend, short_frame(r["frame"]),
            "\n".join(p + "*" * ("source" in matches.get(p, {})) for p in r["playbooks"]) or "-",
        )  # fmt: skip
    return table
