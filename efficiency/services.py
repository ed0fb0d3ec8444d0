"""The services catalog: who owns what, what depends on what, and where a page goes.

One YAML file, validated whole before anything uses it (as Alertmanager checks a new config
before swapping it in): unknown keys, unknown teams and unknown dependencies are errors whose
message names the file and the key path, so a typo never silently drops a page::

    default_team: payments          # gets the pages of services not listed below
    teams:
      payments:
        routes:
          - pagerduty: {routing_key: 0123abcd}
            min_severity: critical
          - slack: {webhook_url: https://hooks.slack.com/services/T/B/X}
    services:
      checkout:
        owner: alice
        team: payments
        dependencies: [ledger]
        repo: git@example.com:shop/checkout.git
        path_prefix: services/checkout
        test_command: [python, -m, pytest, -q]

The correlator reads the dependency graph; the notifier reads the routes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import networkx as nx
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

Severity = Literal["info", "warning", "critical"]

#: critical > error > warning > info; an unknown severity counts as a warning
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2, "critical": 3}


def severity_rank(severity: str) -> int:
    return SEVERITY_RANK.get(severity, SEVERITY_RANK["warning"])


class ServicesError(Exception):
    """The services file is invalid; the message names the file and the key path."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class PagerDutyReceiver(_Strict):
    routing_key: str = Field(min_length=1, description="Events API v2 integration key.")
    url: str = Field(
        "https://events.pagerduty.com/v2/enqueue",
        description="Events API endpoint (events.eu.pagerduty.com for the EU region).",
    )


class SlackReceiver(_Strict):
    webhook_url: str = Field(min_length=1, description="Slack incoming-webhook URL.")


class WebhookReceiver(_Strict):
    url: str = Field(min_length=1, description="Where the JSON page is POSTed.")
    headers: dict[str, str] = Field(default_factory=dict, description="Extra request headers.")


class EmailReceiver(_Strict):
    to: list[str] = Field(min_length=1, description="Recipients.")
    from_: str = Field(alias="from", min_length=1, description="Sender address.")
    smtp_host: str = Field(min_length=1)
    smtp_port: int = Field(25, ge=1, le=65535)
    starttls: bool = Field(False, description="Upgrade the connection with STARTTLS.")
    username: str = Field("", description="SMTP login; empty = no login.")
    password_env: str = Field(
        "", description="Environment variable holding the SMTP password, read when sending."
    )

    @model_validator(mode="before")
    @classmethod
    def _one_recipient(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("to"), str):
            return {**data, "to": [data["to"]]}
        return data


Receiver = PagerDutyReceiver | SlackReceiver | WebhookReceiver | EmailReceiver
RECEIVER_KINDS = ("pagerduty", "slack", "webhook", "email")


class RouteConfig(_Strict):
    pagerduty: PagerDutyReceiver | None = None
    slack: SlackReceiver | None = None
    webhook: WebhookReceiver | None = None
    email: EmailReceiver | None = None
    min_severity: Severity = Field("warning", description="Least severity this route pages.")

    @model_validator(mode="after")
    def _exactly_one(self) -> RouteConfig:
        given = [kind for kind in RECEIVER_KINDS if getattr(self, kind) is not None]
        if len(given) != 1:
            raise ValueError(
                f"give exactly one receiver of {', '.join(RECEIVER_KINDS)} (got {given or 'none'})"
            )
        return self

    @property
    def kind(self) -> str:
        return next(kind for kind in RECEIVER_KINDS if getattr(self, kind) is not None)

    @property
    def receiver(self) -> Receiver:
        receiver: Receiver = getattr(self, self.kind)
        return receiver


class TeamConfig(_Strict):
    routes: list[RouteConfig] = Field(default_factory=list)


class ServiceConfig(_Strict):
    owner: str = ""
    team: str = ""
    dependencies: list[str] = Field(default_factory=list)
    repo: str = Field("", description="The service's git repository (a local path for "
                      "`efficiency propose`; its URL is only shown).")  # fmt: skip
    path_prefix: str = Field("", description="Folder of the service's code inside the "
                             "repository (profiled paths are matched under it).")  # fmt: skip
    test_command: list[str] = Field(default_factory=list, description="Argument list that runs "
                                    "the tests in the repository root (--verify).")  # fmt: skip
    bench_command: list[str] = Field(default_factory=list, description="Argument list of a "
                                     "benchmark of the hot path (propose --verify).")  # fmt: skip
    deploy_files: list[str] = Field(default_factory=list, description="Deploy configuration "
                                    "files (Dockerfile, systemd unit, Kubernetes manifest) for "
                                    "environment fixes; empty = searched for.")  # fmt: skip


class CatalogConfig(_Strict):
    default_team: str = ""
    teams: dict[str, TeamConfig] = Field(default_factory=dict)
    services: dict[str, ServiceConfig] = Field(default_factory=dict)


@dataclass(frozen=True)
class Route:
    """One receiver of one team. ``name`` (``team/index-kind``) is what the page outbox
    stores, so it stays the same as long as the team's list keeps its order."""

    name: str
    team: str
    kind: str
    receiver: Receiver
    min_severity: str


def _references(config: CatalogConfig) -> list[str]:
    """Cross-key problems pydantic cannot see: unknown teams and dependencies."""
    problems = []
    if config.default_team and config.default_team not in config.teams:
        problems.append(f"default_team: unknown team {config.default_team!r}")
    for name, service in config.services.items():
        if service.team and service.team not in config.teams:
            problems.append(f"services.{name}.team: unknown team {service.team!r}")
        for i, dep in enumerate(service.dependencies):
            if dep not in config.services:
                problems.append(f"services.{name}.dependencies.{i}: unknown service {dep!r}")
    return problems


class ServicesCatalog:
    """The validated catalog, with the lookups the correlator and the notifier need."""

    def __init__(self, config: CatalogConfig, origin: str = "<catalog>") -> None:
        problems = _references(config)
        if problems:
            raise ServicesError(f"{origin}: " + "; ".join(problems))
        self.config, self.origin = config, origin
        self._routes = {
            team: [
                Route(f"{team}/{i}-{rc.kind}", team, rc.kind, rc.receiver, rc.min_severity)
                for i, rc in enumerate(tc.routes)
            ]
            for team, tc in config.teams.items()
        }

    @property
    def services(self) -> dict[str, ServiceConfig]:
        return self.config.services

    def team_of(self, service: str) -> str:
        """The owning team, or ``default_team`` for a service the catalog does not list."""
        known = self.config.services.get(service)
        return known.team if known and known.team else self.config.default_team

    def routes(self) -> list[Route]:
        return [route for routes in self._routes.values() for route in routes]

    def route(self, name: str) -> Route | None:
        return next((r for r in self.routes() if r.name == name), None)

    def routes_for(self, services: list[str], severity: str) -> list[Route]:
        """Every route of the teams owning ``services`` (an incident with no service goes
        to the default team) whose ``min_severity`` the severity reaches."""
        teams = dict.fromkeys(self.team_of(s) for s in services or [""])
        rank = severity_rank(severity)
        return [
            route
            for team in teams
            if team
            for route in self._routes.get(team, [])
            if rank >= severity_rank(route.min_severity)
        ]

    def dependency_graph(self) -> nx.DiGraph:
        """Every listed service a node, an edge ``a -> b`` when ``a`` depends on ``b``."""
        graph = nx.DiGraph()
        for name, service in self.config.services.items():
            graph.add_node(name, owner=service.owner, team=service.team, repo=service.repo)
            graph.add_edges_from((name, dep) for dep in service.dependencies)
        return graph


def _describe(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}"
        for err in exc.errors()[:5]
    )


def parse_services(data: Any, origin: str = "<catalog>") -> ServicesCatalog:
    """Validate an already-parsed document (a dict); ``origin`` names it in errors."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ServicesError(f"{origin}: the top level must be a mapping")
    try:
        config = CatalogConfig.model_validate(data)
    except ValidationError as exc:
        raise ServicesError(f"{origin}: {_describe(exc)}") from None
    return ServicesCatalog(config, origin)


def load_services(path: str | Path) -> ServicesCatalog:
    """Read and validate a services YAML file; raise ServicesError naming the file and key."""
    origin = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ServicesError(f"{origin}: cannot read: {exc.strerror or exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ServicesError(f"{origin}: not valid YAML: {exc}") from None
    return parse_services(data, origin)
