"""How the demo's alerts reach efficiency, from what the services measure.

- With the Debian ``prometheus`` and ``prometheus-alertmanager`` binaries: a real Prometheus
  scrapes the fleet and evaluates the latency rules, a real Alertmanager groups the alerts and
  posts them to efficiency's webhook.
- With Alertmanager alone: the demo evaluates the same rules over its own scrapes and posts
  the alerts to Alertmanager's API, as Prometheus would.
- With neither (or ``EFFICIENCY_DEMO_ALERTMANAGER=off``): the demo evaluates the rules and
  posts Alertmanager's webhook body (version 4) to efficiency itself.

The rules are armed after the baseline, since the baseline is what sets their thresholds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from efficiency.config import Config
from efficiency.demo.fleet import Registry
from efficiency.demo.incident import running_alertmanager, serving_api
from efficiency.demo.measure import Scraper
from efficiency.demo.prometheus import Prometheus
from efficiency.demo.rules import Firing, LatencyRule, RuleEvaluator, webhook_body
from efficiency.serving import free_port
from efficiency.store.db import Database


@dataclass
class Alerting:
    #: how the alerts travel, for the summary
    via: str
    #: install the rules (Prometheus reload, or the demo's evaluator on each scrape)
    arm: Callable[[list[LatencyRule]], None]
    evaluators: list[RuleEvaluator] = field(default_factory=list)
    #: Prometheus' view of the rules and targets, when it evaluates them
    prometheus: Prometheus | None = None
    rules: list[LatencyRule] = field(default_factory=list)

    def explain(self) -> list[str]:
        """Lines saying why an alert may not have fired."""
        if self.prometheus is not None:
            try:
                return self.prometheus.explain(self.rules)
            except (httpx.HTTPError, KeyError, ValueError) as exc:
                return [f"prometheus could not be asked: {exc}"]
        return [f"{r.alertname}: last p90 {ev.last.get(r, float('nan')) * 1e3:.1f} ms, "
                f"threshold {r.threshold * 1e3:.1f} ms" for ev in self.evaluators
                for r in ev.rules] + [f"send failed: {e}" for e in self.errors]  # fmt: skip

    @property
    def errors(self) -> list[str]:
        """Sends by the demo's evaluator that failed (none through Prometheus)."""
        return [e for ev in self.evaluators for e in ev.errors]


def _evaluate(scraper: Scraper, send: Callable[[list[Firing]], None]) -> Alerting:
    alerting = Alerting(via="", arm=lambda rules: None)

    def arm(rules: list[LatencyRule]) -> None:
        evaluator = RuleEvaluator(scraper, rules, send)
        alerting.evaluators.append(evaluator)
        scraper.on_tick.append(evaluator)

    alerting.arm = arm
    return alerting


@contextmanager
def alerting(
    config: Config,
    database: Database,
    workdir: Path,
    scraper: Scraper,
    registry: Registry,
    alertmanager: str | None,
    prometheus: str | None,
) -> Iterator[Alerting]:
    """The efficiency API, and Prometheus and Alertmanager where there are binaries, running
    until the block ends; they stop before the fleet does, so no alert is resolved by the
    fleet going away."""
    from efficiency.demo.prometheus import running_prometheus

    token = config.api.token
    with ExitStack() as stack:
        api = stack.enter_context(serving_api(config, database, None))
        webhook = f"{api}/api/v1/alerts/alertmanager"
        am = None
        if alertmanager:
            am = stack.enter_context(
                running_alertmanager(alertmanager, workdir / "alertmanager", webhook, token)
            )
        if am and prometheus:
            prom = stack.enter_context(running_prometheus(
                prometheus, workdir / "prometheus", registry.path,
                am.removeprefix("http://"), free_port(),
            ))  # fmt: skip
            found = Alerting(via=f"Prometheus ({prometheus}) at {prom.url}, Alertmanager "
                             f"({alertmanager}) at {am}", arm=prom.load_rules,
                             prometheus=prom)  # fmt: skip

            def arm(rules: list[LatencyRule]) -> None:
                found.rules = rules
                prom.load_rules(rules)

            found.arm = arm
            yield found
            return
        if am:
            url = f"{am}/api/v2/alerts"
            client = stack.enter_context(httpx.Client(timeout=10))
            found = _evaluate(scraper, lambda alerts: client.post(
                url, json=[a.api() for a in alerts]).raise_for_status())  # fmt: skip
            found.via = (f"Alertmanager ({alertmanager}) at {am}, the rules evaluated by the "
                         "demo (no prometheus binary)")  # fmt: skip
        else:
            headers = {"Authorization": f"Bearer {token}"}
            client = stack.enter_context(httpx.Client(timeout=10, headers=headers))
            found = _evaluate(scraper, lambda alerts: client.post(
                webhook, json=webhook_body(alerts)).raise_for_status())  # fmt: skip
            found.via = ("Alertmanager's webhook format, posted directly (the rules evaluated "
                         "by the demo, no alertmanager binary)")  # fmt: skip
        yield found
