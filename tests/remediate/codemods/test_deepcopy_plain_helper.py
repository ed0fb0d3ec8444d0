"""The helper deepcopy-plain inserts (run from a rewritten module) against copy.deepcopy on
generated data with shared objects and cycles: the same values, the same objects shared, the
same identity of atomic values and all-atomic tuples, the same memo (entries in order, values,
keep-alive list) as a ``__deepcopy__`` hook in the data sees it."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load

HELPER = load(
    codemod("deepcopy-plain")
    .apply("import copy\n\n\ndef f(x):\n    return copy.deepcopy(x)\n")
    .source
)
SNAPSHOTS: list[list[Any]] = []  # what each Hooked.__deepcopy__ saw of the memo, per run


class Plain:
    def __init__(self, v: Any) -> None:
        self.v = v


class Sub(Plain):
    pass


class Empty:
    pass


@dataclasses.dataclass
class Data:
    v: Any
    w: list[Any] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class Frozen:
    v: Any


class Slotted:
    __slots__ = ("v",)

    def __init__(self, v: Any) -> None:
        self.v = v


class Reduced:
    def __init__(self, v: Any) -> None:
        self.v = v

    def __reduce__(self) -> tuple[Any, ...]:
        return Reduced, (self.v,)


class Hooked:
    """Copies itself through the memo, and records the memo as it is when it is reached."""

    def __init__(self, v: Any) -> None:
        self.v = v

    def __deepcopy__(self, memo: dict[int, Any]) -> Hooked:
        SNAPSHOTS[-1].append((memo, dict(memo), list(memo.get(id(memo), []))))
        new = Hooked.__new__(Hooked)
        memo[id(self)] = new
        new.v = copy.deepcopy(self.v, memo)
        return new


CLASSES = [Plain, Sub, Data, Frozen, Slotted, Reduced, Hooked]
ATOMS = (type(None), bool, int, float, complex, str, bytes)

atoms = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=3),
    st.binary(max_size=2), st.complex_numbers(max_magnitude=4), st.just(Empty()),
)  # fmt: skip
keys = st.one_of(
    st.integers(), st.text(max_size=2), st.tuples(st.integers(), st.text(max_size=1)),
    st.builds(Plain, st.integers()), st.builds(Frozen, st.text(max_size=2)),  # copied, memoized
)  # fmt: skip
trees = st.recursive(
    atoms,
    lambda kids: st.one_of(
        st.lists(kids, max_size=4),
        st.lists(kids, max_size=3).map(tuple),
        st.dictionaries(keys, kids, max_size=3),
        st.tuples(st.sampled_from(CLASSES), kids).map(lambda c: c[0](c[1])),
    ),
    max_leaves=16,
)


def _containers(root: Any) -> list[Any]:
    """Every list, tuple, dict and instance reachable from ``root``, each once, in order."""
    found: dict[int, Any] = {}
    stack = [root]
    while stack:
        x = stack.pop()
        if type(x) in ATOMS or id(x) in found:
            continue
        found[id(x)] = x
        if isinstance(x, dict):
            stack += [*x.keys(), *x.values()]
        elif isinstance(x, list | tuple):
            stack += list(x)
        elif hasattr(x, "v"):
            stack.append(x.v)
            stack += getattr(x, "w", [])
    return list(found.values())


def _link(target: Any, value: Any) -> None:
    """Make ``target`` also hold ``value`` (a shared object, or a cycle)."""
    if isinstance(target, list):
        target.append(value)
    elif isinstance(target, dict):
        target[len(target) + 1000] = value
    elif isinstance(target, Data):
        target.w.append(value)
    elif isinstance(target, Plain | Reduced | Hooked | Slotted):
        target.v = [target.v, value]


class _Graph:
    """Numbers the objects reached from a copy in a fixed order, to compare two copies'
    shapes: the values, which objects are one object, which are the original's own."""

    def __init__(self) -> None:
        self.seen: dict[int, int] = {}
        self.keep: list[Any] = []

    def shape(self, y: Any, x: Any = None) -> Any:
        if type(y) in ATOMS:
            return "atom", type(y).__name__, repr(y), y is x
        if id(y) in self.seen:
            return "ref", self.seen[id(y)], y is x
        self.seen[id(y)] = len(self.seen)
        self.keep.append(y)
        same = y is x
        if type(y) is dict:
            pairs = zip(
                y.items(), x.items() if type(x) is dict else [(None, None)] * len(y), strict=True
            )
            return "dict", same, [(self.shape(k, a), self.shape(v, b)) for (k, v), (a, b) in pairs]
        if type(y) in (list, tuple):
            others = list(x) if type(x) is type(y) else [None] * len(y)
            return (
                type(y).__name__,
                same,
                [self.shape(v, o) for v, o in zip(y, others, strict=True)],
            )
        if type(y) is Empty:
            return "Empty", same, vars(y) == {}
        old = x if type(x) is type(y) else None
        fields = [self.shape(y.v, getattr(old, "v", None))]
        if isinstance(y, Data):
            fields.append(self.shape(y.w, getattr(old, "w", None)))
        return type(y).__name__, same, fields


def _memo_view(graph: _Graph, originals: dict[int, int], snapshot: Any) -> Any:
    """A memo snapshot with the run's own ids replaced: keys by the original they copy (or
    the keep-alive list, or the order of temporaries), values by their place in the copy."""
    memo, items, kept = snapshot
    temps: dict[int, int] = {}

    def key(k: int) -> Any:
        if k == id(memo):
            return "keep-alive"
        return originals[k] if k in originals else ("temp", temps.setdefault(k, len(temps)))

    view = [(key(k), graph.shape(v)) for k, v in items.items()]
    return view, [originals.get(id(o), ("temp", type(o).__name__)) for o in kept]


def _run(copier: Any, root: Any) -> tuple[Any, Any, list[Any]]:
    SNAPSHOTS.append([])
    try:
        made = copier(root)
    except Exception as exc:  # the same failure is the same behaviour
        return None, ("raised", type(exc).__name__), SNAPSHOTS.pop()
    return made, None, SNAPSHOTS.pop()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=trees, data=st.data())
def test_the_helper_copies_as_copy_deepcopy_does(tree: Any, data: st.DataObject) -> None:
    root = [tree, Hooked(0)]  # the hook's snapshot: the whole memo once the tree is copied
    found = _containers(root)
    links = data.draw(st.lists(st.tuples(st.integers(0, 99), st.integers(0, 99)), max_size=4))
    for a, b in links:  # shared objects and cycles, through any container
        _link(found[a % len(found)], found[b % len(found)])
    originals = {id(o): n for n, o in enumerate(_containers(root))}
    expected, failed, hooks = _run(copy.deepcopy, root)
    got, failed_too, hooks_too = _run(HELPER["f"], root)
    assert failed == failed_too
    if failed:
        return
    left, right = _Graph(), _Graph()
    assert left.shape(expected, root) == right.shape(got, root)
    assert [_memo_view(left, originals, s) for s in hooks] == [
        _memo_view(right, originals, s) for s in hooks_too
    ]


def test_atomic_values_and_all_atomic_tuples_are_returned_as_themselves() -> None:
    copier = HELPER["f"]
    values = [10**30, 2.5, "text", b"x", None, True, 1j, (1, "a", (2.0, None)), ()]
    for value in values:
        assert copier(value) is value is copy.deepcopy(value)
    pair, inner = (1, 2), [1]
    both = copier((pair, inner))
    assert both[0] is pair and both[1] is not inner and both[1] == inner


def test_cycles_through_a_tuple_and_a_plain_instance() -> None:
    copier = HELPER["f"]
    holder: list[Any] = []
    tup = (holder,)
    holder.append(tup)
    made = copier(tup)
    assert made is not tup and made[0][0] is made
    node = Data(1)
    node.w.append(node)
    twin = copier(node)
    assert twin is not node and twin.w[0] is twin and twin.v == 1


def test_classes_copy_would_treat_otherwise_go_to_copy() -> None:
    """A hook copy would call runs, as it would, with the memo the helper shares."""
    copier = HELPER["f"]
    SNAPSHOTS.append([])
    item = Hooked([1])
    made = copier({"a": item, "b": item})
    (memo, _, _), *more = SNAPSHOTS.pop()
    assert not more and made["a"] is made["b"] and made["a"].v == [1]
    assert id(item) in memo and memo[id(item)] is made["a"]
    instance = Plain(1)
    instance.__deepcopy__ = lambda memo: "hooked"  # an instance's own hook counts too
    assert copier([instance]) == ["hooked"] == copy.deepcopy([instance])
