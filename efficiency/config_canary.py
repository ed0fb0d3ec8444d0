"""The ``[canary]`` section of the configuration: the thresholds of `efficiency canary`, its
metric and GPU kernel checks, the rollback hook and the per-service overrides.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from efficiency.config_sections import _Section

CANARY_ERRORS = ("*_errors_total", "*_error_total", "*_failures_total", "*_failed_total",
                 "*_exceptions_total", "*error_rate*", "*error_ratio*")  # fmt: skip
CANARY_LATENCY = ("*_duration_seconds", "*_duration_milliseconds", "*_duration_ms",
                  "*_latency_seconds", "*_latency_ms", "*_latency", "*_response_time*")  # fmt: skip
CANARY_REQUESTS = ("*_requests_total", "*_requests_count", "*_request_count")
CANARY_CPU = ("process_cpu_seconds_total", "container_cpu_usage_seconds_total")
#: [canary] keys of the metric checks, apart from the profile thresholds
CANARY_METRIC_KEYS = ("error_metrics", "latency_metrics", "request_metrics", "cpu_metrics",
                      "error_status", "latency_quantile", "metric_alpha", "metric_min_relative",
                      "metric_min_points", "kernel_min_share")  # fmt: skip


class CanaryOverride(_Section):
    alpha: float | None = Field(None, gt=0, lt=1, description="This service's alpha.")
    min_relative: float | None = Field(None, ge=0, description="This service's min_relative.")
    min_windows: int | None = Field(None, ge=2, description="This service's min_windows.")
    min_samples: int | None = Field(None, ge=1, description="This service's min_samples.")
    rollback_webhook: str | None = Field(None, description="This service's rollback hook URL "
                                         "(empty string: none for this service).")  # fmt: skip
    rollback_token: str | None = Field(None, description="This service's rollback token.")
    rollback_headers: dict[str, str] | None = Field(None, description="This service's headers.")


class CanaryConfig(_Section):
    alpha: float = Field(1e-3, gt=0, lt=1, description="`efficiency canary`: family-wise "
                         "false-fail probability (Holm over the functions tested).")  # fmt: skip
    marginal_alpha: float = Field(0.05, gt=0, lt=1, description="Weaker evidence than alpha "
                                  "but below this: marginal.")  # fmt: skip
    min_relative: float = Field(0.05, ge=0, description="Smallest rise of a function's cost "
                                "that fails a canary (0.05 = +5%).")  # fmt: skip
    min_windows: int = Field(3, ge=2, description="Fewest profile windows per side.")
    min_samples: int = Field(2000, ge=1, description="Fewest samples per side.")
    # metric and GPU kernel checks (efficiency/detect/canary_metrics.py); globs on series names
    error_metrics: list[str] = Field(default_factory=lambda: list(CANARY_ERRORS), description=
                                     "Series counted as errors (counters become ratios to "
                                     "the requests).")  # fmt: skip
    latency_metrics: list[str] = Field(default_factory=lambda: list(CANARY_LATENCY), description=
                                       "Latency series: gauges, summary quantiles, or a "
                                       "histogram's _bucket/_sum/_count.")  # fmt: skip
    request_metrics: list[str] = Field(default_factory=lambda: list(CANARY_REQUESTS), description=
                                       "Throughput counters: the requests.")  # fmt: skip
    cpu_metrics: list[str] = Field(default_factory=lambda: list(CANARY_CPU), description="CPU "
                                   "seconds counters, for CPU per request.")  # fmt: skip
    error_status: str = Field("5..", description="A request counter whose code/status label "
                              "matches this regular expression counts errors.")  # fmt: skip
    latency_quantile: float = Field(0.99, gt=0, lt=1, description="Quantile read from a "
                                    "latency histogram's buckets.")  # fmt: skip
    metric_alpha: float = Field(0.01, gt=0, lt=1, description="A metric or kernel check "
                                "fails below this Holm-corrected one-sided Mann-Whitney "
                                "p-value.")  # fmt: skip
    metric_min_relative: float = Field(0.05, ge=0, description="Smallest rise of a metric's "
                                       "median (mean when the control's is 0) that "
                                       "fails.")  # fmt: skip
    metric_min_points: int = Field(6, ge=3, description="Fewest replicates (host x step cells, "
                                   "windows or traces) per side for a check.")  # fmt: skip
    kernel_min_share: float = Field(0.01, ge=0, le=1, description="Least share of GPU busy "
                                    "time for a kernel to be checked.")  # fmt: skip
    rollback_webhook: str = Field("", description="URL a failed canary's rollback hook is "
                                  "POSTed to, through the page outbox; empty = none.")  # fmt: skip
    rollback_token: str = Field("", description="Sent as `Authorization: Bearer` with the "
                                "rollback hook; empty = no header.")  # fmt: skip
    rollback_headers: dict[str, str] = Field(default_factory=dict, description="Extra request "
                                             "headers of the rollback hook.")  # fmt: skip
    rollback_severity: Literal["info", "warning", "error", "critical"] = Field(
        "critical", description="Severity of the incident a failed canary opens (routes "
        "the owning team's pages).")  # fmt: skip
    services: dict[str, CanaryOverride] = Field(default_factory=dict, description="Per-service "
                                                "overrides: [canary.services.NAME].")  # fmt: skip

    def for_service(self, service: str) -> dict[str, float]:
        """The thresholds for ``service``: the section's, with its overrides applied."""
        base = self.model_dump(
            exclude={"services", "rollback_severity", *ROLLBACK_KEYS, *CANARY_METRIC_KEYS}
        )
        extra = self.services.get(service)
        if extra is not None:
            base.update({k: v for k, v in extra.model_dump(exclude=set(ROLLBACK_KEYS)).items()
                         if v is not None})  # fmt: skip
        return base

    def rollback_for(self, service: str) -> tuple[str, dict[str, str]] | None:
        """``service``'s rollback hook as (URL, request headers), overrides applied; None
        when it has none."""
        hook = {k: getattr(self, k) for k in ROLLBACK_KEYS}
        extra = self.services.get(service)
        if extra is not None:
            hook.update({k: v for k in ROLLBACK_KEYS if (v := getattr(extra, k)) is not None})
        if not hook["rollback_webhook"]:
            return None
        headers = dict(hook["rollback_headers"])
        if hook["rollback_token"]:
            headers["Authorization"] = f"Bearer {hook['rollback_token']}"
        return hook["rollback_webhook"], headers

    def has_rollback(self) -> bool:
        return bool(self.rollback_webhook) or any(o.rollback_webhook for o in
                                                  self.services.values())  # fmt: skip


#: the rollback hook's keys of ``[canary]`` (not thresholds)
ROLLBACK_KEYS = ("rollback_webhook", "rollback_token", "rollback_headers")
