"""The demo fleet as real processes on 127.0.0.1: storefront finds checkout and search in the
targets file and calls them over HTTP, each counts its requests, errors and latency in its
Prometheus metrics, and an instance started beside a running one gets its share of calls."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from efficiency.demo.fleet import (
    Registry,
    Service,
    deploy,
    listing_in,
    start_service,
    stop_services,
)
from efficiency.demo.measure import parse_scrape

pytestmark = pytest.mark.slow


@pytest.fixture
def fleet(tmp_path: Path) -> Iterator[tuple[Registry, dict[str, Service]]]:
    registry = Registry(tmp_path / "targets.json")
    procs: dict[str, Service] = {}
    with listing_in(registry):
        try:
            for name in ("checkout", "search", "storefront"):
                procs[name] = start_service(name)
            yield registry, procs
        finally:
            stop_services(dict(procs))


def counters(service: Service) -> tuple[float, float, float]:
    """(requests, errors, latency observations) from the service's /metrics."""
    text = httpx.get(f"{service.url}/metrics").text
    scrape = parse_scrape(text, datetime.now(UTC), service.name, service.version, "")
    return scrape.requests, scrape.errors, scrape.buckets[-1][1] if scrape.buckets else 0.0


def test_storefront_calls_checkout_and_search(fleet: tuple[Registry, dict[str, Service]]) -> None:
    registry, procs = fleet
    listed = json.loads(registry.path.read_text())
    assert sorted((g["labels"]["service"], g["labels"]["version"]) for g in listed) == [
        ("checkout", "1"), ("search", "1"), ("storefront", "1")]  # fmt: skip
    assert all(g["targets"] == [procs[g["labels"]["service"]].address] for g in listed)
    for order in range(3):
        reply = httpx.get(f"{procs['storefront'].url}/buy", params={"order": order}, timeout=10)
        assert reply.status_code == 200 and reply.json()["order"] == order
    assert counters(procs["storefront"]) == (3, 0, 3)
    assert counters(procs["checkout"]) == (3, 0, 3)
    assert counters(procs["search"]) == (3, 0, 3)


def test_storefront_answers_502_without_checkout(
    fleet: tuple[Registry, dict[str, Service]],
) -> None:
    _, procs = fleet
    stop_services({"checkout": procs.pop("checkout")})
    reply = httpx.get(f"{procs['storefront'].url}/buy", params={"order": 1}, timeout=10)
    assert reply.status_code == 502 and "no checkout instance" in reply.json()["error"]
    assert counters(procs["storefront"])[:2] == (1, 1)


def test_an_instance_started_beside_gets_its_share(
    fleet: tuple[Registry, dict[str, Service]],
) -> None:
    """What the demo's canary hook relies on: start_service with no registry lists the new
    instance in the active one, and storefront's round robin sends it calls."""
    registry, procs = fleet
    canary = start_service("checkout", "2")
    try:
        assert ("checkout", "2", canary.address) in registry.targets()
        for order in range(4):
            httpx.get(f"{procs['storefront'].url}/buy", params={"order": order}, timeout=10)
        assert counters(canary)[0] == 2 and counters(procs["checkout"])[0] == 2
    finally:
        stop_services({"canary": canary})
    assert ("checkout", "2", canary.address) not in registry.targets()


def test_a_deploy_replaces_the_instance(fleet: tuple[Registry, dict[str, Service]]) -> None:
    registry, procs = fleet
    old = procs["checkout"]
    new = deploy(procs, "checkout", "2")  # type: ignore[arg-type]
    assert procs["checkout"] is new and old.poll() is not None
    assert [t for t in registry.targets() if t[0] == "checkout"] == [("checkout", "2", new.address)]
    reply = httpx.get(f"{procs['storefront'].url}/buy", params={"order": 5}, timeout=10)
    assert reply.status_code == 200 and reply.json()["total"]
    assert counters(new)[0] == 1
