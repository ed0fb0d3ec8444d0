"""Call edges the alerts state themselves: a peer label that names another service.

With no services file, a failure's services share no evidence but time and location. Many
real alerts do name the service they are about the calls to: alerts on service-mesh metrics
carry Istio's ``destination_service`` / ``destination_workload`` (the callee of the caller's
``source_workload``), Linkerd's ``dst_deployment``, OpenTelemetry span metrics ``peer.service``
(``peer_service`` once Prometheus has sanitised it), others ``upstream`` or ``callee``. An alert
of service ``a`` with such a label naming ``b`` says that ``a`` calls ``b``: a dependency edge,
as good as a declared one for the cascade join (:mod:`efficiency.correlate.cascade`), which
still needs the time order and support a cascade produces before it joins anything.

:class:`PeerEdges` collects those edges over everything the correlator has seen, so a later
batch may use an edge an earlier alert stated. A label value is read as a service name as it
is, or up to its first dot (``checkout.shop.svc.cluster.local`` is ``checkout``).
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from efficiency.correlate.records import AlertRecord, Topology
from efficiency.correlate.rules import CorrelationRules


def peer_of(alert: AlertRecord, rules: CorrelationRules) -> str:
    """The service a peer label of ``alert`` names ('' when none, or its own service)."""
    for name in rules.peer_labels:
        value = alert.labels.get(name, "").strip()
        if value:
            peer = value.split(".")[0] if "." in value else value
            return peer if peer != alert.service else ""
    return ""


class PeerEdges:
    """Caller -> callee edges stated by the alerts' peer labels (see the module docstring)."""

    def __init__(self, rules: CorrelationRules) -> None:
        self.rules = rules
        self.graph = nx.DiGraph()
        #: the last composed topology, kept while neither side changed
        self._composed: tuple[Topology, int, int, Topology] | None = None

    def learn(self, alerts: Iterable[AlertRecord]) -> None:
        for alert in alerts:
            peer = peer_of(alert, self.rules) if alert.service else ""
            if peer and not self.graph.has_edge(alert.service, peer):
                self.graph.add_edge(alert.service, peer)

    def topology(self, declared: Topology) -> Topology:
        """``declared`` with the stated edges added (``declared`` itself when there are none)."""
        if self.graph.number_of_edges() == 0:
            return declared
        sizes = (declared.dependencies.number_of_edges(), self.graph.number_of_edges())
        cached = self._composed
        if cached is not None and cached[0] is declared and cached[1:3] == sizes:
            return cached[3]
        composed = Topology(
            dependencies=nx.compose(declared.dependencies, self.graph),
            cooccurrence=declared.cooccurrence,
        )
        self._composed = (declared, sizes[0], sizes[1], composed)
        return composed
