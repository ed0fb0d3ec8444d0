"""Which service a metric series belongs to, read from its labels alone.

Metrics come from many exporters, each with its own label habits, so the mapping is a fixed,
documented order of labels (the first one present wins) rather than a per-exporter table:

1. ``service``, ``service_name``, ``app_kubernetes_io_name``, ``app``, ``k8s_app`` — a name the
   owner gave the service;
2. ``container`` (not ``POD``, the pause container), ``deployment``, ``statefulset``,
   ``daemonset`` — Kubernetes workload names;
3. ``pod`` / ``pod_name`` with the generated suffix stripped: ``checkout-5dc8d4f9fd-46997``
   (Deployment: ReplicaSet hash + pod hash), ``checkout-x7k2p`` (DaemonSet), ``checkout-0``
   (StatefulSet ordinal) all become ``checkout``. The hashes Kubernetes generates use only the
   alphabet ``bcdfghjklmnpqrstvwxz2456789`` (no vowels, no 0/1/3), so a real word at the end of
   a name (``-service``, ``-api``) is never mistaken for one;
4. ``job`` — Prometheus's scrape job, which a static scrape config usually names after the
   service; except the jobs of machine exporters (``node``, ``node-exporter``,
   ``node_exporter``, ``kubernetes-nodes``, ``kubelet``) and series named ``node_*`` (node
   exporter's), which are the machine's.

A series of a call between two services (``source``/``destination``, ``client``/``server``,
``source_service``/``destination_service``, ``source_workload``/``destination_workload``,
``caller``/``callee``) is evidence about the *callee* (what the caller sees of it: its latency,
its errors) and is also an edge of the call graph.

A series with only a machine label (``node``, ``host``, ``hostname``, or ``instance`` with its
port stripped) belongs to that machine; the services on it are found from the series that name
both a service and the machine (``kube_pod_info{pod, node}``, or a service's own series with
``instance="host:port"``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from efficiency.base.pods import strip_pod_suffix

SERVICE_LABELS = ("service", "service_name", "app_kubernetes_io_name", "app", "k8s_app")
WORKLOAD_LABELS = ("container", "deployment", "statefulset", "daemonset")
POD_LABELS = ("pod", "pod_name")
JOB_LABELS = ("job",)
EDGE_LABELS = (
    ("source", "destination"),
    ("source_service", "destination_service"),
    ("source_workload", "destination_workload"),
    ("client", "server"),
    ("caller", "callee"),
)
HOST_LABELS = ("node", "host", "hostname", "instance")
HOST_JOBS = frozenset({"node", "node-exporter", "node_exporter", "kubernetes-nodes", "kubelet"})

_PORT = re.compile(r"^(?P<host>\[[^\]]+\]|[^:]+):\d+$")


def host_name(value: str) -> str:
    """An ``instance`` label without its port (``10.0.0.5:9100`` -> ``10.0.0.5``)."""
    match = _PORT.match(value)
    return match.group("host").strip("[]") if match else value


def service_of(labels: Mapping[str, str], name: str = "") -> str:
    """The service a series belongs to, by the documented label order ('' when none)."""
    for key in SERVICE_LABELS:
        if labels.get(key):
            return labels[key]
    for key in WORKLOAD_LABELS:
        value = labels.get(key, "")
        if value and value != "POD":
            return value
    for key in POD_LABELS:
        if labels.get(key):
            return strip_pod_suffix(labels[key])
    job = next((labels[k] for k in JOB_LABELS if labels.get(k)), "")
    if job and job not in HOST_JOBS and not name.startswith("node_"):
        return job
    return ""


def edge_of(labels: Mapping[str, str]) -> tuple[str, str] | None:
    """``(caller, callee)`` of a call-edge series, else None."""
    for src, dst in EDGE_LABELS:
        a, b = labels.get(src, ""), labels.get(dst, "")
        if a and b:
            return strip_pod_suffix(a), strip_pod_suffix(b)
    return None


def host_of(labels: Mapping[str, str]) -> str:
    """The machine a series names ('' when none)."""
    for name in HOST_LABELS:
        if labels.get(name):
            return host_name(labels[name])
    return ""


@dataclass(frozen=True)
class Owner:
    """Whom a series is evidence about: a service, a call edge (about its callee), or a
    machine (about every service on it)."""

    kind: str  #: service | edge | host | none
    service: str = ""
    caller: str = ""
    host: str = ""


def owner_of(labels: Mapping[str, str], name: str = "") -> Owner:
    """Whom the series ``name{labels}`` is evidence about."""
    edge = edge_of(labels)
    if edge is not None:
        return Owner("edge", service=edge[1], caller=edge[0])
    service = service_of(labels, name)
    if service:
        return Owner("service", service=service, host=host_of(labels))
    host = host_of(labels)
    if host:
        return Owner("host", host=host)
    return Owner("none")


@dataclass
class ServiceMap:
    """Owners of a set of series, the services on each machine and the call edges seen."""

    owners: dict[int, Owner] = field(default_factory=dict)
    hosts: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    edges: set[tuple[str, str]] = field(default_factory=set)

    @property
    def services(self) -> set[str]:
        found = {o.service for o in self.owners.values() if o.service}
        found |= {o.caller for o in self.owners.values() if o.caller}
        return found

    def services_of(self, series: int) -> tuple[str, ...]:
        """The services a series is evidence about (a machine's: all services on it)."""
        owner = self.owners.get(series)
        if owner is None or owner.kind == "none":
            return ()
        if owner.kind == "host":
            return tuple(sorted(self.hosts.get(owner.host, ())))
        return (owner.service,)


def map_series(labelled: Iterable[tuple[int, str, Mapping[str, str]]]) -> ServiceMap:
    """Build the :class:`ServiceMap` of ``(series id, name, labels)`` triples."""
    out = ServiceMap()
    for series, name, labels in labelled:
        owner = owner_of(labels, name)
        out.owners[series] = owner
        if owner.kind == "service" and owner.host:
            out.hosts[owner.host].add(owner.service)
        elif owner.kind == "edge" and owner.caller != owner.service:
            out.edges.add((owner.caller, owner.service))
    return out
