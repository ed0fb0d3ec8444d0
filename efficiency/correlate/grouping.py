"""From the evidence graph to groups: strong components, split by community detection.

1. Alert buckets and open incidents joined by *strong* edges (total evidence at least
   ``rules.strong_edge``) form connected components: records that any chain of good evidence
   links.
2. A large component is where two unrelated failures touched (a shared host, a dependency edge
   between their blast radii) and merged. It is split by Louvain modularity maximization
   (Blondel et al. 2008, "Fast unfolding of communities in large networks"; networkx's
   ``louvain_communities``) on all its weighted edges: the cascades of two failures are dense
   inside and thinly linked between, which is what modularity rewards. The seed is fixed, so a
   replay gives the same split.
3. Open incidents never merge with each other: a group holding two of them is divided by a
   maximum-weight growth from each incident (Prim's algorithm run from several seeds), so
   every new bucket joins the incident it has the strongest path to.
4. Detections and changes then join the group of their strongest neighbour; detections with
   none group among themselves (by common suspected change or service), changes with none
   are left out (a deploy alone is not an incident).
"""

from __future__ import annotations

import heapq
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
            sub.add_edge(u, v, weight=weight)
    return sub


def _size(node: Node) -> int:
    return max(len(node.alerts), 1)


def _alert_level_graph(strong: nx.Graph, graph: nx.Graph, rules: CorrelationRules) -> nx.Graph:
    """The strong graph re-weighted as if its nodes were the individual alerts: an edge counts
    once per pair of alerts it stands for (``weight * n_u * n_v``) and a bucket holds its own
    pairs as a self-loop (``strong_edge * n (n - 1) / 2``), which is the aggregated graph of
    Louvain's second phase. Without it a bucket of three noise alerts weighs as much as one of
    seven hundred and bridges two failures."""
    weighted = nx.Graph()  # built in sorted order: Louvain's result depends on it
    for node_id in sorted(strong):
        n = _size(_node(graph, node_id))
        weighted.add_edge(node_id, node_id, weight=rules.strong_edge * n * (n - 1) / 2 or 1e-9)
    for u, v, weight in sorted(strong.edges(data="weight")):
        weighted.add_edge(u, v, weight=weight * _size(_node(graph, u)) * _size(_node(graph, v)))
    return weighted


def _communities(strong: nx.Graph, graph: nx.Graph, rules: CorrelationRules) -> list[set[str]]:
    """Strong components, the large ones split by Louvain on the alert-level weights (run
    once over all of them, so the null model sees the whole storm, not one component)."""
    components = sorted((set(c) for c in nx.connected_components(strong)), key=min)
    small = [c for c in components if len(c) < rules.split_min_nodes]
    large = set().union(*(c for c in components if len(c) >= rules.split_min_nodes))
    if not large:
        return small
    weighted = _alert_level_graph(strong.subgraph(large), graph, rules)
    found = nx.community.louvain_communities(
        weighted, weight="weight", resolution=rules.resolution, seed=0
    )
    return small + sorted((set(c) for c in found), key=min)


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
