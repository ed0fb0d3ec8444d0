"""Metric labels to services: the documented order, pod suffixes, call edges, machines."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from efficiency.rca.services import edge_of, map_series, owner_of, service_of, strip_pod_suffix

SAFE = "bcdfghjklmnpqrstvwxz2456789"


def test_pod_suffixes_are_stripped_but_real_words_stay() -> None:
    assert strip_pod_suffix("ts-basic-service-5dc8d4f9fd-46997") == "ts-basic-service"
    assert strip_pod_suffix("checkoutservice-7db49c4d49-7cv5d") == "checkoutservice"
    assert strip_pod_suffix("fluentd-x7k2p") == "fluentd"  # DaemonSet
    assert strip_pod_suffix("postgres-0") == "postgres"  # StatefulSet
    assert strip_pod_suffix("ts-food-service") == "ts-food-service"
    assert strip_pod_suffix("payments-api") == "payments-api"


@given(
    base=st.from_regex(r"[a-z][a-z0-9]{0,8}(-[a-z][a-z0-9]{0,8}){0,2}", fullmatch=True),
    rs=st.text(SAFE, min_size=8, max_size=10),
    pod=st.text(SAFE, min_size=5, max_size=5),
)
def test_a_deployment_pod_maps_back_to_its_deployment(base: str, rs: str, pod: str) -> None:
    assert strip_pod_suffix(f"{base}-{rs}-{pod}") == base


def test_label_order_and_exporter_jobs() -> None:
    assert service_of({"service": "cart", "pod": "x-5dc8d4f9fd-46997"}) == "cart"
    assert service_of({"container": "cart", "pod": "other-0"}) == "cart"
    assert service_of({"container": "POD", "pod": "cart-5dc8d4f9fd-46997"}) == "cart"
    assert service_of({"job": "cart", "instance": "10.0.0.5:8080"}) == "cart"
    assert service_of({"job": "node", "instance": "10.0.0.5:9100"}) == ""
    node = owner_of({"job": "api", "instance": "10.0.0.5:9100"}, "node_load1")
    assert (node.kind, node.host) == ("host", "10.0.0.5")


def test_call_edges_are_about_the_callee_and_machines_reach_their_services() -> None:
    assert edge_of({"source": "frontend", "destination": "cart-5dc8d4f9fd-46997"}) == (
        "frontend",
        "cart",
    )
    smap = map_series(
        [
            (1, "requests", {"client": "frontend", "server": "cart"}),
            (2, "cpu", {"job": "cart", "instance": "h1:8080"}),
            (3, "cpu", {"job": "db", "instance": "h1:5432"}),
            (4, "node_cpu_seconds_total", {"job": "node", "instance": "h1:9100"}),
            (5, "kube_pod_info", {"pod": "web-5dc8d4f9fd-46997", "node": "n7"}),
            (6, "node_memory_MemAvailable_bytes", {"node": "n7"}),
        ]
    )
    assert smap.services_of(6) == ("web",)  # the pod -> node map of kube_pod_info
    assert smap.services_of(1) == ("cart",)
    assert smap.edges == {("frontend", "cart")}
    assert smap.services_of(4) == ("cart", "db")
    assert smap.services == {"frontend", "cart", "db", "web"}


names = st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True)


@given(st.lists(st.tuples(names, names), max_size=12))
def test_service_graph_shapes_parse_to_the_same_edges(edges: list[tuple[str, str]]) -> None:
    from efficiency.rca import parse_service_graph

    as_pairs = parse_service_graph({"edges": [list(e) for e in edges]})
    as_dicts = parse_service_graph([{"caller": a, "callee": b} for a, b in edges])
    assert as_pairs == as_dicts == edges
    by_caller: dict[str, list[str]] = {}
    for a, b in edges:
        by_caller.setdefault(a, []).append(b)
    assert sorted(parse_service_graph({"services": by_caller})) == sorted(edges)
