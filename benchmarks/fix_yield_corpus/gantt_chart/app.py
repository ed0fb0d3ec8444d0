"""Plain-text Gantt chart, one swimlane per owner, for the weekly status mail."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, namedtuple

Task = namedtuple("Task", "key owner start end progress")

FILL, DONE, EMPTY, EDGE = "=", "#", " ", "|"
LABEL_WIDTH = 14


def parse_task(line):
    key, owner, start, end, *rest = (p.strip() for p in line.split(","))
    progress = min(1.0, max(0.0, float(rest[0]) if rest and rest[0] else 0.0))
    start_day, end_day = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    return Task(key, owner or "unassigned", start_day, end_day, progress)


def parse_plan(lines):
    return [parse_task(ln) for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


def span(tasks):
    return (min(t.start for t in tasks), max(t.end for t in tasks)) if tasks else (None, None)


def columns(first, last, width):
    days = (last - first).days + 1
    return max(1, -(-days // width))


def to_col(day, first, per_col):
    return (day - first).days // per_col


def bar(task, first, per_col, width):
    lo, hi = to_col(task.start, first, per_col), to_col(task.end, first, per_col) + 1
    done = lo + round((hi - lo) * task.progress)
    cells = EMPTY * lo + DONE * (done - lo) + FILL * (hi - done) + EMPTY * (width - hi)
    label = f"{task.key[:LABEL_WIDTH]:<{LABEL_WIDTH}}"
    return f"{label}{EDGE}{cells[:width]}{EDGE} {task.progress:>4.0%}"


def ruler(first, per_col, width):
    marks = (
        (first + dt.timedelta(days=c * per_col)).strftime("%d")[0] if c % 7 == 0 else EMPTY
        for c in range(width)
    )
    return " " * LABEL_WIDTH + EDGE + "".join(marks) + EDGE


def lane_header(owner, tasks):
    avg = sum(t.progress for t in tasks) / len(tasks)
    return f"== {owner} ({len(tasks)} tasks, {avg:.0%} done) =="


def render(tasks, width=80):
    if not tasks:
        return ""
    first, last = span(tasks)
    per_col = columns(first, last, width)
    ordered = sorted(tasks, key=lambda t: (t.owner, t.start, t.key))
    lanes = defaultdict(str)
    for t in ordered:
        lanes[t.owner] += bar(t, first, per_col, width) + "\n"
    by_owner = defaultdict(list)
    for t in ordered:
        by_owner[t.owner].append(t)
    head = f"{first.isoformat()} .. {last.isoformat()}  ({per_col} day/col)\n"
    head += ruler(first, per_col, width) + "\n"
    body = "\n".join(lane_header(o, by_owner[o]) + "\n" + lanes[o] for o in sorted(lanes))
    return head + body


def late(tasks, today):
    return sorted((t for t in tasks if t.end < today and t.progress < 1.0), key=lambda t: t.end)
