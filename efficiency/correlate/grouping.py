"""From the evidence graph to groups: strong components, split by community detection where
they hold several failures.

1. Alert buckets and open incidents joined by *strong* edges (total evidence at least
   ``rules.strong_edge``) form connected components: records that any chain of good evidence
   links.
2. A component is where unrelated failures may have touched (a shared host, a noise bucket
   on a service adjacent to both) and merged. Each failure starts somewhere, so a component
   is split only when it holds several **plausible roots** (:func:`plausible_roots`): open
   incidents, and well-supported buckets that no well-supported bucket of a service they
   depend on preceded (the edge's ``upstream``, set by the evidence graph). With one root, or
   none, it is one failure, however large its cascade.
3. Components with several roots are split by Louvain modularity maximization (Blondel et al.
   2008, "Fast unfolding of communities in large networks"; networkx's
   ``louvain_communities``) on the alert-level weights: the cascades of two failures are dense
   inside and thinly linked between, which is what modularity rewards. The seed is fixed, so
   a replay gives the same split. Modularity's null model also cuts a large tree-shaped
   cascade in two; a community holding no plausible root is such a fragment (its buckets all
   follow a dependency that alerted earlier, elsewhere), so it rejoins the community it is
   most strongly linked to.
4. Open incidents never merge here: a group holding two of them is divided by a
   maximum-weight growth from each incident (Prim's algorithm run from several seeds), so
   every new bucket joins the incident it has the strongest path to. (The correlator runs this
   on the records' own evidence; the call graph may then join groups, open incidents
   included, where time order agrees: :mod:`efficiency.correlate.cascade`.)
5. Detections and changes then join the group of their strongest neighbour; detections with
   none group among themselves (by common suspected change or service), changes with none
   are left out (a deploy alone is not an incident).
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable

import networkx as nx

from efficiency.correlate.graph import Node
from efficiency.correlate.rules import CorrelationRules

CORE_KINDS = frozenset({"alerts", "incident"})


def _node(graph: nx.Graph, node_id: str) -> Node:
    return graph.nodes[node_id]["node"]


def _strong_subgraph(graph: nx.Graph, members: Iterable[str], threshold: float) -> nx.Graph:
    sub = nx.Graph()
    members = set(members)
    sub.add_nodes_from(members)
    for u, v, weight in graph.subgraph(members).edges(data="weight"):
        if weight >= threshold:
            sub.add_edge(u, v, weight=weight, upstream=graph.edges[u, v].get("upstream"))
    return sub


def _size(node: Node) -> int:
    """Alerts a node stands for: a bucket's own, an open incident's members."""
    return max(len(node.alerts) or node.alert_count, 1)


def _alert_level_graph(strong: nx.Graph, graph: nx.Graph, rules: CorrelationRules) -> nx.Graph:
    """The strong graph re-weighted as if its nodes were the individual alerts: an edge counts
    once per pair of alerts it stands for (``weight * n_u * n_v``, an open incident standing
    for all its alerts) and a bucket holds its own pairs as a self-loop
    (``strong_edge * n (n - 1) / 2``), which is the aggregated graph of Louvain's second
    phase. Without it a bucket of three noise alerts weighs as much as one of
    seven hundred and bridges two failures."""
    weighted = nx.Graph()  # built in sorted order: Louvain's result depends on it
    for node_id in sorted(strong):
        n = _size(_node(graph, node_id))
        weighted.add_edge(node_id, node_id, weight=rules.strong_edge * n * (n - 1) / 2 or 1e-9)
    for u, v, weight in sorted(strong.edges(data="weight")):
        weighted.add_edge(u, v, weight=weight * _size(_node(graph, u)) * _size(_node(graph, v)))
    return weighted


def plausible_roots(
    component: Iterable[str], strong: nx.Graph, graph: nx.Graph, rules: CorrelationRules
) -> set[str]:
    """Where a failure in ``component`` may have started: its open incidents, and each alert
    bucket with at least ``rules.root_support`` of the alerts of the component's largest
    bucket that no such bucket (nor an incident) precedes along a strong dependency edge (it
    depends on it, and that took off first). A handful of background alerts neither starts a
    failure of its own nor makes a failing service look like a caller of one elsewhere."""
    members = set(component)
    sizes = {n: len(_node(graph, n).alerts) for n in members if _node(graph, n).kind == "alerts"}
    largest = max(sizes.values(), default=0)
    supported = {n for n, size in sizes.items() if size >= rules.root_support * largest}
    incidents = members - set(sizes)
    led = {
        n
        for n in supported
        if any(
            data.get("upstream") == nbr and (nbr in supported or nbr in incidents)
            for nbr, data in strong.adj[n].items()
        )
    }
    return (supported - led) | incidents


def _merge_rootless(
    communities: Iterable[set[str]], roots: set[str], weighted: nx.Graph
) -> list[set[str]]:
    """Fold each community without a root into the community it shares the most alert-level
    weight with (repeatedly: a fragment may first join another fragment)."""
    parts = sorted((set(c) for c in communities), key=min)
    settled = [bool(part & roots) for part in parts]
    while not all(settled):
        i = settled.index(False)
        part_of = {n: k for k, part in enumerate(parts) for n in part}
        links: dict[int, float] = defaultdict(float)
        for node_id in parts[i]:
            for nbr, data in weighted.adj[node_id].items():
                if part_of[nbr] != i:
                    links[part_of[nbr]] += data["weight"]
        if links:
            parts[max(links, key=lambda k: (links[k], -k))] |= parts[i]
            del parts[i], settled[i]
        else:  # linked to no other community: a group of its own
            settled[i] = True
    return parts


def _communities(strong: nx.Graph, graph: nx.Graph, rules: CorrelationRules) -> list[set[str]]:
    """Strong components, those with several plausible roots split by Louvain on the
    alert-level weights (run once over all of them, so the null model sees the whole storm,
    not one component) with rootless fragments folded back."""
    whole: list[set[str]] = []
    split: list[set[str]] = []
    roots: set[str] = set()
    for component in sorted((set(c) for c in nx.connected_components(strong)), key=min):
        starts: set[str] = set()
        if len(component) >= rules.split_min_nodes:
            starts = plausible_roots(component, strong, graph, rules)
        if len(starts) < 2:
            whole.append(component)  # one failure, however large its cascade
        else:
            split.append(component)
            roots |= starts
    if not split:
        return whole
    weighted = _alert_level_graph(strong.subgraph(set().union(*split)), graph, rules)
    found = nx.community.louvain_communities(
        weighted, weight="weight", resolution=rules.resolution, seed=0
    )
    parts = _merge_rootless(found, roots, weighted)
    return sorted(whole + parts, key=min)


def _separate_incidents(graph: nx.Graph, members: set[str]) -> list[set[str]]:
    """Divide ``members`` so each part holds at most one incident node: grow every incident
    along the heaviest edges first; a node reached by none stays with the first part."""
    seeds = sorted(m for m in members if _node(graph, m).kind == "incident")
    if len(seeds) < 2:
        return [members]
    owner = {seed: seed for seed in seeds}
    heap: list[tuple[float, str, str]] = []

    def push(node_id: str) -> None:
        for nbr, weight in graph.adj[node_id].items():
            if nbr in members and nbr not in owner:
                heapq.heappush(heap, (-weight["weight"], nbr, owner[node_id]))

    for seed in seeds:
        push(seed)
    while heap:
        _, node_id, seed = heapq.heappop(heap)
        if node_id in owner:
            continue
        owner[node_id] = seed
        push(node_id)
    parts: dict[str, set[str]] = {seed: set() for seed in seeds}
    for node_id in members:
        parts[owner.get(node_id, seeds[0])].add(node_id)
    return list(parts.values())


def _attach(graph: nx.Graph, group_of: dict[str, int], kinds: set[str], threshold: float) -> None:
    """Put each node of ``kinds`` in the group of its strongest already-grouped neighbour."""
    candidates = sorted(n for n in graph if _node(graph, n).kind in kinds and n not in group_of)
    for node_id in candidates:
        best: tuple[float, str] | None = None
        for nbr, data in graph.adj[node_id].items():
            if nbr in group_of and data["weight"] >= threshold:
                key = (data["weight"], nbr)
                best = key if best is None or key > best else best
        if best is not None:
            group_of[node_id] = group_of[best[1]]


def partition(graph: nx.Graph, rules: CorrelationRules) -> list[list[Node]]:
    """The groups of the evidence graph (see the module docstring), each with at most one
    incident node, in a deterministic order."""
    core = [n for n in graph if _node(graph, n).kind in CORE_KINDS]
    strong = _strong_subgraph(graph, core, rules.strong_edge)
    groups: list[set[str]] = []
    for community in _communities(strong, graph, rules):
        groups.extend(_separate_incidents(graph, community))
    group_of = {node_id: i for i, group in enumerate(groups) for node_id in group}
    _attach(graph, group_of, {"detection"}, rules.strong_edge)
    loose = [n for n in graph if _node(graph, n).kind == "detection" and n not in group_of]
    for component in sorted(
        nx.connected_components(_strong_subgraph(graph, loose, rules.strong_edge)), key=min
    ):
        for node_id in component:
            group_of[node_id] = len(groups)
        groups.append(set(component))
    _attach(graph, group_of, {"change"}, rules.strong_edge)
    result: list[list[Node]] = [[] for _ in groups]
    for node_id, index in group_of.items():
        result[index].append(_node(graph, node_id))
    return [sorted(group, key=lambda n: (n.start, n.id)) for group in result if group]
