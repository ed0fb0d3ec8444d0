"""CPU frame hot spots (py-spy, perf): every function's self and inclusive share of a
service's samples, its evidence (heaviest line, stacks, callers, callees, call sites) and the
playbooks whose frame rules hold for it (:mod:`efficiency.remediate.hotspots` has the whole
story).
"""

from __future__ import annotations

import heapq
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from efficiency.remediate.hotspot_records import (
    FrameRef,
    HotspotRecord,
    ProfileSet,
    frame_name,
    hotspot_key,
    ordered_matches,
)
from efficiency.remediate.playbooks import FrameRule, Playbook
from efficiency.remediate.source import SourceLookup

#: the flame-graph excerpt: this many heaviest stacks, this many frames either side
STACKS_IN_EVIDENCE = 5
#: application call sites kept in a frame hot spot's evidence (``call_sites``)
CALL_SITES_IN_EVIDENCE = 20
_FRAMES_ABOVE, _FRAMES_BELOW = 12, 6


@dataclass
class _Fn:
    """One function's totals over a profile."""

    runtime: str
    self_n: int = 0
    incl_n: int = 0
    lines: Counter[int] = field(default_factory=Counter)
    ids: dict[int, int | None] = field(default_factory=dict)


@dataclass
class _Context:
    """What the second pass learns about a candidate frame."""

    stacks: list[tuple[int, int]] = field(default_factory=list)  # heap of (samples, index)
    parents: Counter[tuple[str, str]] = field(default_factory=Counter)
    callers: Counter[tuple[str, str, int]] = field(default_factory=Counter)
    #: per application call site, the lines of its own nearest application caller in the
    #: same file (where a rewrite of the call, not of the callee, goes)
    outer: defaultdict[tuple[str, str, int], Counter[int]] = field(
        default_factory=lambda: defaultdict(Counter)
    )
    #: per application call site, the samples where only native frames lie between it and
    #: the candidate (not a library's Python code, whose own copying is not the call's)
    direct: Counter[tuple[str, str, int]] = field(default_factory=Counter)
    under: Counter[str] = field(default_factory=Counter)  # ancestor regex → samples
    callees: set[str] = field(default_factory=set)  # ``function (file)`` of direct callees


def _aggregate(profile: ProfileSet) -> tuple[dict[tuple[str, str], _Fn], int]:
    fns: dict[tuple[str, str], _Fn] = {}
    total = 0
    for frames, n in profile.stacks:
        if not frames or n <= 0:
            continue
        total += n
        seen: set[tuple[str, str]] = set()
        for f in frames:
            if f.key in seen:
                continue
            seen.add(f.key)
            fn = fns.get(f.key)
            if fn is None:
                fn = fns[f.key] = _Fn(f.runtime)
            fn.incl_n += n
            fn.lines[f.line] += n
            fn.ids.setdefault(f.line, f.id)
        fns[frames[-1].key].self_n += n
    return fns, total


def _prematch(rule: FrameRule, key: tuple[str, str], fn: _Fn, total: int,
              cores: float | None) -> bool:  # fmt: skip
    """The rule's conditions that need no stacks: names, runtime, share, cores (for a
    ``share: lines`` rule the inclusive share, which bounds the matching lines' share)."""
    share = (fn.self_n if rule.share == "self" else fn.incl_n) / total
    if share < rule.min_share:
        return False
    if rule.min_cores is not None and (cores is None or share * cores < rule.min_cores):
        return False
    if rule.runtimes is not None and fn.runtime not in rule.runtimes:
        return False
    if rule.function is not None and not re.search(rule.function, key[0]):
        return False
    return rule.file is None or re.search(rule.file, key[1]) is not None


def _context(
    profile: ProfileSet, wanted: set[tuple[str, str]], ancestors: set[str],
    own: Callable[[FrameRef], bool],
) -> dict[tuple[str, str], _Context]:  # fmt: skip
    """One pass over the stacks for the candidate frames: heaviest stacks, immediate
    callers, nearest application callers, and samples under each ancestor pattern."""
    out = {k: _Context() for k in wanted}
    compiled = {a: re.compile(a) for a in ancestors}
    for index, (frames, n) in enumerate(profile.stacks):
        if not frames or n <= 0:
            continue
        last: dict[tuple[str, str], int] = {}
        for pos, f in enumerate(frames):
            if f.key in out:
                last[f.key] = pos
        if not last:
            continue
        app_above, app_seen = [], -1
        for pos, f in enumerate(frames):
            app_above.append(app_seen)
            if own(f):
                app_seen = pos
        first_match = {a: next((i for i, f in enumerate(frames) if rx.search(f.function)),
                               len(frames)) for a, rx in compiled.items()}  # fmt: skip
        for key, pos in last.items():
            ctx = out[key]
            if len(ctx.stacks) < STACKS_IN_EVIDENCE:
                heapq.heappush(ctx.stacks, (n, -index))
            else:
                heapq.heappushpop(ctx.stacks, (n, -index))
            if pos > 0:
                ctx.parents[frames[pos - 1].key] += n
            if pos + 1 < len(frames):
                below = frames[pos + 1]
                ctx.callees.add(frame_name(below.function, below.file))
            caller = app_above[pos]
            if caller >= 0:
                c = frames[caller]
                ctx.callers[(c.function, c.file, c.line)] += n
                if all(f.runtime == "native" for f in frames[caller + 1 : pos]):
                    ctx.direct[(c.function, c.file, c.line)] += n
                above = app_above[caller]
                if above >= 0 and frames[above].file == c.file and frames[above].line:
                    ctx.outer[(c.function, c.file, c.line)][frames[above].line] += n
            for a, first in first_match.items():
                if first < pos:
                    ctx.under[a] += n
    return out


def _excerpt(frames: Sequence[FrameRef], key: tuple[str, str]) -> list[str]:
    """The stack around the frame: a dozen callers above it, a few callees below."""
    pos = max(i for i, f in enumerate(frames) if f.key == key)
    lo, hi = max(0, pos - _FRAMES_ABOVE), min(len(frames), pos + 1 + _FRAMES_BELOW)
    out = [f.label() for f in frames[lo:hi]]
    if lo > 0:
        out.insert(0, f"… {lo} frames")
    if hi < len(frames):
        out.append(f"… {len(frames) - hi} frames")
    return out


def _frame_evidence(
    service: str, key: tuple[str, str], fn: _Fn, ctx: _Context, profile: ProfileSet, total: int,
    own: Callable[[FrameRef], bool],
) -> dict[str, Any]:  # fmt: skip
    function, file = key
    line = max(fn.lines, key=lambda ln: (fn.lines[ln], -ln))
    share_self = fn.self_n / total
    caller = None
    if ctx.callers:
        (cf, cfile, cline), cn = max(ctx.callers.items(), key=lambda kv: (kv[1], kv[0]))
        caller = {"function": cf, "file": cfile, "line": cline, "share": cn / fn.incl_n}
    parent = None
    if ctx.parents:
        (pf, pfile), pn = max(ctx.parents.items(), key=lambda kv: (kv[1], kv[0]))
        parent = {"function": pf, "file": pfile, "share": pn / fn.incl_n}
    mine = own(FrameRef(function, file, line, fn.runtime))
    target = (
        {"function": function, "file": file, "line": line} if mine or caller is None else caller
    )
    stacks = [
        {
            "frames": _excerpt(profile.stacks[-neg][0], key),
            "samples": n,
            "share": n / total,
        }
        for n, neg in sorted(ctx.stacks, reverse=True)
    ]
    return {
        "service": service,
        "frame": frame_name(function, file),
        "runtime": fn.runtime,
        # where a code change goes (see the module docstring)
        "function": target["function"],
        "file": target["file"],
        "line": target["line"] or None,
        "target_is_frame": bool(mine or caller is None),
        "hot_function": function,
        "hot_file": file,
        "hot_line": line or None,
        "share_self": share_self,
        "share_inclusive": fn.incl_n / total,
        "samples": fn.self_n,
        "samples_inclusive": fn.incl_n,
        "samples_total": total,
        "windows": profile.windows,
        "cores": profile.cores,
        "cost_cores": share_self * profile.cores if profile.cores is not None else None,
        "caller": caller,
        "parent": parent,
        "stacks": stacks,
        # every sampled line of the frame, and every application call site under which it
        # ran: where `efficiency remediate` looks for a fix, heaviest first
        "lines": [[ln, n] for ln, n in sorted(fn.lines.items()) if ln],
        "call_sites": [
            {
                "function": cf,
                "file": cfile,
                "line": cline,
                "samples": cn,
                "direct_samples": ctx.direct.get((cf, cfile, cline), 0),
                "caller_lines": sorted(ctx.outer.get((cf, cfile, cline), ())),
            }
            for (cf, cfile, cline), cn in sorted(
                ctx.callers.items(), key=lambda kv: (-kv[1], kv[0])
            )[:CALL_SITES_IN_EVIDENCE]
        ],
    }


def _source_lines(
    rule: FrameRule, ev: dict[str, Any], source: SourceLookup | None
) -> dict[str, Any] | None:
    """A ``source`` rule's evidence: the frame's sampled lines whose statement matches the
    pattern, their share of the service's samples and the heaviest one's statement; None
    when no sampled line matches (or the source cannot be read)."""
    if source is None or rule.source is None:
        return None
    pattern = re.compile(rule.source)
    found: list[tuple[int, int, str]] = []
    if rule.source_at == "caller":  # the application lines the frame was called from
        if ev.get("target_is_frame"):
            return None
        for site in ev.get("call_sites") or []:
            line = int(site.get("line") or 0)
            # only what ran straight under the line (``d[k] += json.dumps(x)``: json's own
            # copies, under its Python frames, are no evidence of the concatenation)
            direct = int(site.get("direct_samples", site["samples"]))
            text = source.statement(site["file"], line, site["function"]) if line else None
            if direct and text is not None and pattern.search(text):
                found.append((direct, line, text))
    elif ev.get("target_is_frame"):
        for line, n in ev.get("lines") or []:
            text = source.statement(ev["hot_file"], int(line), ev.get("hot_function"))
            if text is not None and pattern.search(text):
                found.append((int(n), int(line), text))
    if not found:
        return None
    samples = sum(n for n, _, _ in found)
    _, line, text = max(found, key=lambda f: (f[0], -f[1]))
    return {
        "lines": sorted(ln for _, ln, _ in found),
        "samples": samples,
        "share": samples / ev["samples_total"],
        "statement": {"line": line, "text": text.strip()[:300]},
    }


def _rule_holds(rule: FrameRule, ev: dict[str, Any], ctx: _Context) -> bool:
    """The conditions that need the stacks: caller, callee and ancestor."""
    if rule.caller is not None:
        caller = ev["caller"]
        label = frame_name(caller["function"], caller["file"]) if caller else ""
        if not caller or not re.search(rule.caller, label):
            return False
    if rule.callee is not None and not any(re.search(rule.callee, c) for c in ctx.callees):
        return False
    if rule.ancestor is not None:
        return ctx.under[rule.ancestor] * 2 >= ev["samples_inclusive"]
    return True


def _match(
    rule: FrameRule, i: int, ev: dict[str, Any], ctx: _Context, source: SourceLookup | None
) -> dict[str, Any] | None:
    """What held when the rule matches the frame, else None."""
    if not _rule_holds(rule, ev, ctx):
        return None
    found = {"rule": f"match.frames[{i}]", "share": rule.share, "min_share": rule.min_share}
    if rule.share != "lines":
        return {**found, "actual": ev[f"share_{rule.share}"]}
    lines = _source_lines(rule, ev, source)
    if lines is None or lines["share"] < rule.min_share:
        return None
    return {**found, "actual": lines.pop("share"), "source": lines}


def _owner(source: SourceLookup | None) -> Callable[[FrameRef], bool]:
    """Is a frame the service's own code: not the standard library or a package, or an
    installed copy of a file of the service's repository (``source`` knows)."""

    def own(f: FrameRef) -> bool:
        if f.is_application:
            return True
        return source is not None and f.runtime == "python" and source.holds(f.file)

    return own


def frame_hotspots(
    service: str, profile: ProfileSet, playbooks: Sequence[Playbook] = (), limit: int = 20,
    source: SourceLookup | None = None,
) -> list[HotspotRecord]:  # fmt: skip
    """The ``limit`` functions with the largest self share, plus every function a playbook
    matches, heaviest first. ``source`` reads the statements at sampled lines for rules with
    a ``source`` pattern; without it those rules do not hold."""
    fns, total = _aggregate(profile)
    if total == 0:
        return []
    top = sorted((k for k in fns if fns[k].self_n > 0), key=lambda k: (-fns[k].self_n, k))
    candidates = set(top[:limit])
    pending: dict[tuple[str, str], list[tuple[Playbook, int, FrameRule]]] = defaultdict(list)
    for pb in playbooks:
        for i, rule in enumerate(pb.match.frames):
            for key, fn in fns.items():
                if _prematch(rule, key, fn, total, profile.cores):
                    pending[key].append((pb, i, rule))
    ancestors = {rule.ancestor for rules in pending.values() for _, _, rule in rules
                 if rule.ancestor}  # fmt: skip
    own = _owner(source)
    contexts = _context(profile, candidates | set(pending), ancestors, own)
    out = []
    for key in sorted(candidates | set(pending), key=lambda k: (-fns[k].self_n, k)):
        fn, ctx = fns[key], contexts[key]
        ev = _frame_evidence(service, key, fn, ctx, profile, total, own)
        matches: dict[str, Any] = {}
        for pb, i, rule in pending.get(key, []):
            found = None if pb.id in matches else _match(rule, i, ev, ctx, source)
            if found is not None:
                matches[pb.id] = found
        if key not in candidates and not matches:
            continue
        ev["matches"] = matches = ordered_matches(matches, playbooks)
        line = ev["hot_line"] or 0
        out.append(
            HotspotRecord(
                service=service,
                runtime=fn.runtime,
                frame=ev["frame"],
                share_self=ev["share_self"],
                share_inclusive=ev["share_inclusive"],
                cost_cores=ev["cost_cores"],
                frame_id=fn.ids.get(line),
                playbooks=list(matches),
                evidence=ev,
            )
        )
    return out


def frame_shares(service: str, profile: ProfileSet) -> dict[str, float] | None:
    """Every function's self share by hot-spot id (for trends); None without samples."""
    fns, total = _aggregate(profile)
    if total == 0:
        return None
    return {
        hotspot_key(service, fn.runtime, frame_name(*key)): fn.self_n / total
        for key, fn in fns.items()
    }
