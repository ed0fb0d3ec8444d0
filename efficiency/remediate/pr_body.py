"""What a proposal says: its commit message and its pull-request body (evidence, diagnosis,
change, advice, estimated saving, how to verify, and what verification measured)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from efficiency.remediate.fixes import Fix
from efficiency.remediate.playbooks import Playbook
from efficiency.remediate.verification import verification_section
from efficiency.store.remediation import Hotspot


def _iso(t: datetime | None) -> str | None:
    return t.isoformat().replace("+00:00", "Z") if t else None


def commit_message(hotspot: Hotspot, playbook: Playbook, fix: Fix, saving: dict[str, Any]) -> str:
    share = hotspot.share_self or 0.0
    return (
        f"{playbook.title}\n\n{fix.summary}.\n\n"
        f"Hot spot {hotspot.id}: {hotspot.frame} in {hotspot.service} spends "
        f"{share:.1%} of the service's CPU samples ({hotspot.cost_cores or 0:.3f} cores) "
        f"between {_iso(hotspot.period_start)} and {_iso(hotspot.period_end)}. "
        f"Playbook {playbook.id} expects to recover {saving['fraction']:.0%} of that: about "
        f"{saving['cores']:.3f} cores, ${saving['dollars_per_month']:.2f} a month.\n\n"
        "Proposed by efficiency; the pull request has the evidence."
    )


def _stacks(evidence: dict[str, Any]) -> list[str]:
    lines = []
    for entry in evidence.get("stacks", [])[:5]:
        if isinstance(entry, dict):
            frames = entry.get("frames") or entry.get("stack") or []
            if isinstance(frames, str):
                frames = frames.split(";")
            share = entry.get("share")
            head = f"{share:6.1%}  " if isinstance(share, int | float) else ""
            lines.append(head + " → ".join(str(f) for f in frames[-6:]))
    return lines


def _matched(match: dict[str, Any] | None) -> list[str]:
    """What the playbook's rule saw: its share and, for a source rule, the sampled lines and
    the statement that matched."""
    if not match:
        return []
    out = [f"- Playbook rule `{match.get('rule', '?')}` holds"]
    if "actual" in match and "min_share" in match:
        share = str(match.get("share"))
        what = "the matching sampled lines" if share == "lines" else f"{share} share"
        out[0] += f": {what} {match['actual']:.1%} (at least {match['min_share']:.1%})"
    elif match.get("conditions"):
        out[0] += ": " + ", ".join(
            f"`{c['stat']}` = {c['actual']:.3g} {c['op']} {c['value']:g}"
            for c in match["conditions"]
        )
    src = match.get("source")
    if isinstance(src, dict) and src.get("statement"):
        lines = ", ".join(str(n) for n in src.get("lines", []))
        head = f"- Sampled line(s) {lines} hold the pattern; the heaviest, line "
        out += [f"{head}{src['statement']['line']}:", "", "```python",
                src["statement"]["text"], "```"]  # fmt: skip
    return out


def pr_body(
    hotspot: Hotspot, playbook: Playbook, fix: Fix, saving: dict[str, Any],
    verification: dict[str, Any],
) -> str:  # fmt: skip
    """The pull request in Markdown: evidence, diagnosis, estimated saving, verification."""
    ev = hotspot.evidence
    out = [
        f"## {playbook.title}",
        "",
        playbook.render_diagnosis(ev).strip(),
        "",
        "### Evidence",
        "",
    ]
    out += [
        f"- Service **{hotspot.service}**, {hotspot.runtime} frame `{hotspot.frame}`, "
        f"{_iso(hotspot.period_start)} to {_iso(hotspot.period_end)}",
        f"- Self share {hotspot.share_self or 0:.1%}, inclusive {hotspot.share_inclusive or 0:.1%}"
        + (f", {hotspot.cost_cores:.3f} cores" if hotspot.cost_cores else "")
        + (f", {hotspot.cost_gpu_hours:.3f} GPU-hours" if hotspot.cost_gpu_hours else ""),
    ]
    if hotspot.trend is not None:
        out.append(f"- Trend against the previous period: {hotspot.trend:+.1%}")
    out += _matched(ev.get("matches", {}).get(playbook.id))
    stacks = _stacks(ev)
    if stacks:
        out += ["", "Heaviest stacks through this frame (flame-graph excerpt):", "", "```", *stacks,
                "```"]  # fmt: skip
    stats = ev.get("trace") or ev.get("statistics")
    if isinstance(stats, dict) and stats:
        out += ["", "| trace statistic | value |", "| --- | --- |"]
        out += [f"| `{k}` | {v} |" for k, v in sorted(stats.items())]
    out += ["", "### Change", "", fix.summary if fix.paths else "No code change: advice only."]
    if playbook.fix.advice.strip():
        out += ["", "### Advice", "", playbook.fix.advice.strip()]
    if fix.location.get("line_drifted"):
        out.append("(The file changed since the profile; the function was found by name.)")
    out += [
        "", "### Estimated saving", "",
        f"{saving['fraction']:.0%} of the hot spot's cost ({playbook.savings.rationale.strip()}): "
        f"**{saving['cores']:.3f} cores**"
        + (f" and {saving['gpus']:.3f} GPUs" if saving["gpus"] else "")
        + f", about **${saving['dollars_per_month']:.2f} a month** and "
        f"{saving['kwh_per_month']:.1f} kWh a month.",
    ]  # fmt: skip
    calibrated, raw = saving.get("calibration"), saving.get("raw") or {}
    if calibrated:
        out += ["", f"Calibrated against verification: the playbook assumes "
                f"{raw.get('fraction', 0):.0%}; on its {calibrated['proposals']} verified "
                f"proposals the benchmarks measured {calibrated['factor']:.2f} times that "
                f"(median), so {saving['fraction']:.0%} is used. Uncalibrated: "
                f"{raw.get('cores', 0):.3f} cores, ${raw.get('dollars_per_month', 0):.2f} a "
                "month."]  # fmt: skip
    out += ["", "### How to verify", "", str(playbook.verification).strip()]
    return "\n".join(out) + "\n" + verification_section(verification, saving)
