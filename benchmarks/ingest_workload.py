"""The workload of :mod:`benchmarks.ingest`: a deterministic synthetic fleet profile, folded
text per window plus the window metadata a collector would send with it."""

from __future__ import annotations

import random
import statistics
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from efficiency.ingest.profiles import WindowMeta

_VERBS = (
    "get", "load", "parse", "render", "handle", "compute", "fetch", "encode", "decode",
    "validate", "resolve", "dispatch", "serialize", "update", "build", "query", "merge",
    "apply", "flush", "read", "write", "call", "emit", "score",
)  # fmt: skip
_NOUNS = (
    "request", "user", "order", "cart", "price", "item", "token", "session", "row", "batch",
    "frame", "payload", "config", "cache", "index", "record", "event", "metric", "span",
    "header", "body", "result", "schema", "plan",
)  # fmt: skip
_PACKAGES = ("api", "core", "db", "billing", "search", "auth", "util", "models")
_NATIVE_LIBS = (
    "libc.so.6",
    "libpython3.11.so.1.0",
    "libssl.so.3",
    "libz.so.1",
    "_multiarray_umath.cpython-311-x86_64-linux-gnu.so",
)
_ROOTS = (
    "<module> (svc/main.py:1)",
    "_bootstrap (threading.py:995)",
    "run (uvicorn/server.py:61)",
    "worker (concurrent/futures/thread.py:83)",
)


class _Node:
    """A call-tree node: a frame and the frames it has been seen calling, most common first."""

    __slots__ = ("children", "kind", "text")

    def __init__(self, text: str, kind: str) -> None:
        self.text = text
        self.kind = kind
        self.children: list[_Node] = []


@dataclass
class Workload:
    """Folded text per window plus the window metadata a collector would send with it."""

    texts: list[str]
    metas: list[WindowMeta]
    lines_per_window: int
    functions: int
    modules: int
    distinct_frames: int
    distinct_stacks: int
    mean_depth: float
    min_depth: int
    max_depth: int
    total_samples: int
    seed: int

    @property
    def lines(self) -> int:
        return self.lines_per_window * len(self.texts)

    @property
    def megabytes(self) -> float:
        return sum(len(t) for t in self.texts) / 1e6


def _frame_vocabulary(rng: random.Random, functions: int) -> dict[str, list[list[str]]]:
    """Frame texts by runtime: 85% Python functions (each with up to three call-site lines,
    as py-spy reports them), 10% native, 5% kernel. A list per function, one text per line."""
    n_native = functions // 10
    n_kernel = functions // 20
    n_python = functions - n_native - n_kernel
    modules = [f"svc/{pkg}/{noun}s.py" for pkg in _PACKAGES for noun in _NOUNS[:5]]
    vocab: dict[str, list[list[str]]] = {"python": [], "native": [], "kernel": []}
    for i in range(n_python):
        name = f"{rng.choice(_VERBS)}_{rng.choice(_NOUNS)}_{i}"
        module = modules[i % len(modules)]
        first = rng.randint(10, 2000)
        lines = sorted({first + rng.randint(1, 40) for _ in range(rng.randint(1, 3))})
        vocab["python"].append([f"{name} ({module}:{line})" for line in lines])
    for i in range(n_native):
        lib = _NATIVE_LIBS[i % len(_NATIVE_LIBS)]
        vocab["native"].append([f"{rng.choice(_VERBS)}_native_{i} ({lib})"])
    for i in range(n_kernel):
        vocab["kernel"].append([f"{rng.choice(_VERBS)}_kernel_{i}_[k]"])
    return vocab


def _new_child(rng: random.Random, node: _Node, vocab: dict[str, list[list[str]]]) -> _Node:
    """A frame not seen under ``node`` yet: Python code calls Python or native code, native
    code calls native or kernel code, the kernel only calls the kernel."""
    kind = node.kind
    roll = rng.random()
    if kind == "python" and roll < 0.12:
        kind = "native"
    elif kind == "native" and roll < 0.15:
        kind = "kernel"
    texts = rng.choice(vocab[kind])
    child = _Node(rng.choice(texts), kind)
    node.children.append(child)
    return child


def _stack_pool(rng: random.Random, size: int, vocab: dict[str, list[list[str]]]) -> list[str]:
    """``size`` distinct root-to-leaf stacks (depth 8-40) as folded frame text, from random
    walks down a call tree that grows as it is walked. Near the root a walk mostly follows an
    existing, popular branch, so stacks share long prefixes, as real programs' stacks do."""
    roots = [_Node(t, "python") for t in _ROOTS]
    seen: set[str] = set()
    pool: list[str] = []
    while len(pool) < size:
        depth = rng.randint(8, 40)
        node = roots[int(len(roots) * rng.random() ** 2)]
        path = [node.text]
        for level in range(1, depth):
            p_new = 0.05 + 0.5 * level / 40
            if not node.children or rng.random() < p_new:
                node = _new_child(rng, node, vocab)
            else:
                node = node.children[int(len(node.children) * rng.random() ** 2.5)]
            path.append(node.text)
        stack = ";".join(path)
        if stack not in seen:
            seen.add(stack)
            pool.append(stack)
    return pool


def make_workload(windows: int, lines: int, functions: int = 2000, seed: int = 1) -> Workload:
    """``windows`` windows of ``lines`` distinct folded stacks each, as one service's hosts
    would send them for the same minute. 60% of each window's stacks are the fleet's hot
    stacks (in every window); the rest come at random from a long tail twice that size, so
    stacks repeat across windows. Sample counts are Zipf-like: a few stacks carry most samples
    and most stacks have one or two."""
    rng = random.Random(seed)
    vocab = _frame_vocabulary(rng, functions)
    pool = _stack_pool(rng, 2 * lines, vocab)
    hot = int(lines * 0.6)
    tail = pool[hot:]
    start = datetime(2025, 1, 1, 11, 59, tzinfo=UTC)
    texts: list[str] = []
    metas: list[WindowMeta] = []
    used: set[str] = set()
    total = 0
    for w in range(windows):
        chosen = list(range(hot)) + [hot + i for i in rng.sample(range(len(tail)), lines - hot)]
        out = []
        for rank in chosen:
            count = 1 + int(rng.expovariate(1.0) * 200 / (rank + 1) ** 0.7)
            total += count
            used.add(pool[rank])
            out.append(f"{pool[rank]} {count}")
        out.sort()  # stackcollapse-* and py-spy write folded stacks sorted
        texts.append("\n".join(out) + "\n")
        metas.append(
            WindowMeta(
                service="checkout",
                host=f"web-{w:03d}",
                start=start,
                end=start + timedelta(minutes=1),
                process="python3 -m svc.main",
                collector="py-spy",
                rate_hz=100.0,
                labels={"version": "2025.01.1", "region": "eu-west-1"},
            )
        )
    depths = [s.count(";") + 1 for s in used]
    frames = {f for s in used for f in s.split(";")}
    return Workload(
        texts=texts,
        metas=metas,
        lines_per_window=lines,
        functions=functions,
        modules=len(_PACKAGES) * 5,
        distinct_frames=len(frames),
        distinct_stacks=len(used),
        mean_depth=statistics.fmean(depths),
        min_depth=min(depths),
        max_depth=max(depths),
        total_samples=total,
        seed=seed,
    )
