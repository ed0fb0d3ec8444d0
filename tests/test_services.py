"""The services catalog: routing by team and severity, the dependency graph, and errors
that name the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from efficiency.services import ServicesError, load_services

GOOD = """
default_team: platform
teams:
  payments:
    routes:
      - pagerduty: {routing_key: abc}
        min_severity: critical
      - slack: {webhook_url: "https://hooks.slack.com/services/T/B/X"}
      - email: {to: oncall@example.com, from: bot@example.com, smtp_host: mail, smtp_port: 587,
                starttls: true, username: bot, password_env: SMTP_PASSWORD}
        min_severity: info
  platform:
    routes:
      - webhook: {url: "http://127.0.0.1:9/hook", headers: {X-Token: t}}
services:
  checkout: {owner: alice, team: payments, dependencies: [ledger, db],
             repo: "git@example.com:shop/checkout.git", path_prefix: services/checkout}
  ledger: {owner: bob, team: payments, dependencies: [db]}
  db: {owner: carol, team: platform}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "services.yaml"
    path.write_text(text)
    return path


def test_routes_by_team_and_severity(tmp_path: Path) -> None:
    catalog = load_services(_write(tmp_path, GOOD))
    names = lambda services, sev: [r.name for r in catalog.routes_for(services, sev)]  # noqa: E731
    assert names(["checkout"], "critical") == [
        "payments/0-pagerduty",
        "payments/1-slack",
        "payments/2-email",
    ]
    assert names(["checkout"], "warning") == ["payments/1-slack", "payments/2-email"]
    assert names(["checkout"], "info") == ["payments/2-email"]
    assert names(["checkout", "db"], "info") == ["payments/2-email"]
    assert names(["db", "ledger"], "warning") == [
        "platform/0-webhook", "payments/1-slack", "payments/2-email",
    ]  # fmt: skip
    assert names(["unknown-service"], "warning") == ["platform/0-webhook"]
    assert names([], "warning") == ["platform/0-webhook"]
    email = catalog.route("payments/2-email")
    assert email is not None and email.receiver.to == ["oncall@example.com"]  # type: ignore[union-attr]
    assert catalog.services["checkout"].path_prefix == "services/checkout"


def test_dependency_graph(tmp_path: Path) -> None:
    graph = load_services(_write(tmp_path, GOOD)).dependency_graph()
    assert set(graph.edges) == {("checkout", "ledger"), ("checkout", "db"), ("ledger", "db")}
    assert graph.nodes["checkout"]["team"] == "payments"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("services:\n  a: {team: t, ownr: x}\nteams: {t: {}}\n", "services.a.ownr"),
        ("services:\n  a: {dependencies: [b]}\n", "services.a.dependencies.0: unknown service 'b'"),
        ("services:\n  a: {team: nobody}\n", "services.a.team: unknown team 'nobody'"),
        ("default_team: ghosts\n", "default_team: unknown team 'ghosts'"),
        ("teams:\n  t:\n    routes:\n      - {min_severity: info}\n", "teams.t.routes.0"),
        ("teams:\n  t:\n    routes:\n      - {slack: {webhook_url: u}, min_severity: high}\n",
         "teams.t.routes.0.min_severity"),
        ("teams:\n  t:\n    routes:\n      - {pagerduty: {}}\n",
         "teams.t.routes.0.pagerduty.routing_key"),
        ("teams:\n  t:\n    routes:\n      - {slack: {webhook_url: u}, webhook: {url: v}}\n",
         "exactly one receiver"),
        ("services: [a, b]\n", "services"),
        ("services: {a: {team: [}\n", "not valid YAML"),
        ("- a\n- b\n", "the top level must be a mapping"),
    ],
)  # fmt: skip
def test_errors_name_the_file_and_key(tmp_path: Path, text: str, where: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ServicesError) as info:
        load_services(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert where in message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ServicesError, match="cannot read"):
        load_services(tmp_path / "nope.yaml")
