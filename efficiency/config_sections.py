"""The sections of the configuration file (``[database]``, ``[api]``, ``[agent]``, ...): one
pydantic model each, with its defaults and limits. The whole file, its ``[canary]`` section
and the loader are :mod:`efficiency.config` and :mod:`efficiency.config_canary`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class DatabaseConfig(_Section):
    url: str = Field(
        "",
        description="SQLAlchemy URL; empty = SQLite file efficiency.db in the user data folder. "
        "postgresql://user@host/db uses psycopg 3.",
    )


class ApiConfig(_Section):
    host: str = Field("127.0.0.1", description="Address `efficiency serve` binds.")
    port: int = Field(8077, ge=1, le=65535, description="Port `efficiency serve` binds.")
    token: str = Field(
        "",
        description="Bearer token required on every /api route when set; required to bind "
        "a non-loopback address, then at least 20 characters with 10 different ones.",
    )
    max_body_bytes: int = Field(
        16 * 1024 * 1024, ge=1024, description="Largest accepted request body, in bytes."
    )


class ProfilingConfig(_Section):
    rate_hz: int = Field(100, ge=1, le=10_000, description="py-spy sampling rate.")
    window_seconds: float = Field(60.0, gt=0, description="Length of one profile window.")
    native: bool = Field(False, description="Ask py-spy for native (C) frames too.")
    pyspy_path: str = Field("", description="py-spy executable; empty = found on PATH / venv.")


class ProfileTargetConfig(_Section):
    service: str = Field(min_length=1, max_length=200, description="Service the windows are "
                         "stored under.")  # fmt: skip
    pids: list[int] = Field(default_factory=list, description="Process ids to profile.")
    pattern: str = Field("", description="Regular expression searched in each process's full "
                         "command line.")  # fmt: skip
    python_only: bool = Field(True, description="Keep only Python interpreters among the "
                              "pattern's matches.")  # fmt: skip

    @model_validator(mode="after")
    def _something(self) -> ProfileTargetConfig:
        if not self.pids and not self.pattern:
            raise ValueError("give pids or a pattern")
        return self


class PrometheusSeriesConfig(_Section):
    name: str = Field(min_length=1, max_length=200, description="Metric name to store.")
    query: str = Field(min_length=1, description="PromQL instant query.")


class GitSourceConfig(_Section):
    service: str = Field(min_length=1, max_length=200)
    repo: str = Field(min_length=1, description="Path of the git repository.")
    branch: str = Field("", description="Branch whose commits are deploys; empty = HEAD.")
    path: str = Field("", description="Only commits touching this folder count.")


class AgentConfig(_Section):
    server: str = Field("http://127.0.0.1:8077", description="Base URL of the efficiency API.")
    token: str = Field("", description="Bearer token for the API; empty = api.token.")
    host: str = Field("", description="Host label on every record; empty = this host's name.")
    spool_path: str = Field("", description="The on-disk queue (a SQLite file); empty = "
                            "agent-spool.db in the user data folder.")  # fmt: skip
    spool_max_bytes: int = Field(256 * 1024 * 1024, ge=1024, description="Spool bound; past it "
                                 "the oldest batches are dropped and counted.")  # fmt: skip
    metrics_host: str = Field("127.0.0.1", description="Address of the agent's /metrics.")
    metrics_port: int = Field(9478, ge=0, le=65535, description="Port of the agent's /metrics; "
                              "0 = none.")  # fmt: skip
    flush_seconds: float = Field(10.0, ge=0, description="On SIGTERM, how long to keep shipping "
                                 "before exiting (the rest stays spooled).")  # fmt: skip
    backoff_initial_seconds: float = Field(1.0, gt=0, description="First retry delay.")
    backoff_max_seconds: float = Field(60.0, gt=0, description="Longest retry delay.")
    request_timeout_seconds: float = Field(30.0, gt=0, description="Per-request timeout.")
    profile: list[ProfileTargetConfig] = Field(
        default_factory=list, description="Processes to profile with py-spy ([[agent.profile]])."
    )
    perf: bool = Field(False, description="Also sample the [[agent.profile]] processes with "
                       "perf (native and kernel frames, any language).")  # fmt: skip
    host_metrics_seconds: float = Field(15.0, ge=0, description="psutil host/process metrics "
                                        "interval; 0 = off.")  # fmt: skip
    gpu_seconds: float = Field(0.0, ge=0, description="NVML GPU metrics interval; 0 = off.")
    prometheus_url: str = Field("", description="Prometheus to read series from.")
    prometheus_series: list[PrometheusSeriesConfig] = Field(
        default_factory=list, description="PromQL per series ([[agent.prometheus_series]])."
    )
    prometheus_seconds: float = Field(60.0, gt=0, description="Prometheus pull interval.")
    alerts_prometheus_url: str = Field("", description="Prometheus whose /api/v1/alerts to pull.")
    alerts_alertmanager_url: str = Field("", description="Alertmanager whose /api/v2/alerts to "
                                         "pull.")  # fmt: skip
    alerts_seconds: float = Field(30.0, gt=0, description="Alert pull interval.")
    git: list[GitSourceConfig] = Field(
        default_factory=list, description="Repositories whose commits are deploys ([[agent.git]])."
    )
    git_seconds: float = Field(300.0, gt=0, description="Git history poll interval.")
    health_seconds: float = Field(60.0, ge=0, description="How often the agent ships its own "
                                  "health (spool depth, last ship, collector errors) as metric "
                                  "points for the dashboard's fleet view; 0 = never.")  # fmt: skip


class DetectConfig(_Section):
    bucket_seconds: float = Field(600.0, ge=1, description="Time step of the function share "
                                  "series: windows starting in one bucket are pooled.")  # fmt: skip
    lookback_buckets: int = Field(432, ge=6, le=100_000, description="Buckets of history each "
                                  "detection pass reads (432 x 10 min = three days, enough for "
                                  "the seasonality filter to see two daily periods).")  # fmt: skip
    alpha: float = Field(1e-4, gt=0, lt=1, description="False-alarm probability per series and "
                         "pass, after correcting for the scan over every split point.")  # fmt: skip
    fdr: float = Field(0.001, gt=0, le=1, description="Benjamini-Hochberg false-discovery "
                       "rate across the function series of one pass, on top of alpha: with no "
                       "real change, the chance of any alarm in a pass (a pass runs every "
                       "bucket, 144 a day: about one false alarm in a week); 1 = alpha "
                       "alone.")  # fmt: skip
    min_relative: float = Field(0.02, ge=0, description="Only where a change's cost is unknown "
                                "(no sampling rate): smallest relative change of a function's "
                                "share reported (0.02 = 2%).")  # fmt: skip
    min_absolute: float = Field(0.0002, ge=0, description="Only where a change's cost is "
                                "unknown: smallest absolute change of share reported (0.0002 = "
                                "0.02 percentage point).")  # fmt: skip
    min_segment: int = Field(3, ge=1, description="Fewest buckets before and after an onset.")
    min_cores: float = Field(0.05, ge=0, description="Cost floor: a significant change of a "
                             "function's share is reported when it costs at least this many "
                             "CPU cores (change of share x the service's cores from the "
                             "profiles' sampling rate, or process_cpu_cores metrics), whatever "
                             "its relative size, and not when it costs less.")  # fmt: skip
    min_gpu_hours: float = Field(1.0, ge=0, description="Cost floor of GPU operations (Kineto "
                                 "traces): a significant change of a kernel's GPU-time share is "
                                 "reported when it costs at least this many GPU-hours a day "
                                 "(change of share x the service's busy GPUs x 24).")  # fmt: skip
    changepoint_penalty_factor: float = Field(4.0, gt=0, description="score-series "
                                              "--detector changepoint: penalty per change in "
                                              "log(n) noise units (chosen on the SAP HANA "
                                              "development split).")  # fmt: skip
    changepoint_min_shift: float = Field(2.0, ge=0, description="score-series --detector "
                                         "changepoint: smallest level shift kept, in noise "
                                         "deviations.")  # fmt: skip
    changepoint_min_explained: float = Field(0.02, ge=0, lt=1, description="score-series "
                                             "--detector changepoint: smallest share of the "
                                             "series' variance a change must explain.")  # fmt: skip
    onset_tolerance_windows: int = Field(3, ge=0, le=1000, description="Onsets refined to "
                                         "the profile windows: the window with the most "
                                         "posterior probability of the change within this "
                                         "many windows either side (the onset most likely "
                                         "to be that close to the true one; 0 = the single "
                                         "most likely window).")  # fmt: skip
    went_away_buckets: int = Field(3, ge=1, description="Last buckets checked for a return to "
                                   "the old level (a transient spike, not reported).")  # fmt: skip
    change_buckets: int = Field(6, ge=0, description="How many buckets before an onset a "
                                "deploy can be blamed for it.")  # fmt: skip
    anomaly_threshold: float = Field(0.8, ge=0, le=1, description="Score from which a metric "
                                     "point is an anomaly (0.5 is what scores NAB best; higher "
                                     "pages less).")  # fmt: skip
    metric_history_hours: float = Field(72.0, gt=0, description="Hours of metric history each "
                                        "pass reads (three days: enough to learn a daily "
                                        "shape).")  # fmt: skip
    anomaly_warmup_points: int = Field(10, ge=3, description="Metric anomalies: first points "
                                       "of a series that score 0.")  # fmt: skip
    anomaly_min_history_points: int = Field(8, ge=3, description="Fewest earlier points a "
                                            "series' robust baseline is taken from (at most "
                                            "anomaly_warmup_points).")  # fmt: skip
    anomaly_suppress_points: int = Field(5, ge=1, description="After an anomaly, points "
                                         "during which nothing else is reported; points at "
                                         "the threshold extend it (one page per anomaly "
                                         "run).")  # fmt: skip
    season_seconds: float = Field(86400.0, ge=0, description="Period of the seasonal shape "
                                  "removed (STL) before a change is believed, when the history "
                                  "holds two of them; 0 = off.")  # fmt: skip
    dask_scheduler: str = Field("", pattern=r"^(tcp://[^\s/]+:\d{1,5})?$", description="Dask "
                                "distributed scheduler (tcp://HOST:PORT) whose workers score "
                                "the metric series, partitioned by series; empty = in "
                                "process.")  # fmt: skip


class CorrelateConfig(_Section):
    window_seconds: float = Field(300.0, gt=0, description="Alerts, detections and changes "
                                  "further apart than this never share evidence.")  # fmt: skip
    group_by: list[str] = Field(default_factory=list, description="Labels that must be equal "
                                "for two alerts to be in one incident (empty = no such "
                                "constraint; the evidence decides).")  # fmt: skip
    open_after_alerts: int = Field(1, ge=1, description="Open an incident once it holds this "
                                   "many alerts ...")  # fmt: skip
    open_at_severity: str = Field("critical", description="... or as soon as one alert has at "
                                  "least this severity; empty = the count rule only.")  # fmt: skip
    open_on_detection: bool = Field(False, description="A group of detections without any "
                                    "alert opens an incident (and pages).")  # fmt: skip
    open_on_anomaly_score: float = Field(0.9, ge=0, le=1.01, description="A metric anomaly "
                                         "with at least this score opens an incident without "
                                         "any alert (its root causes: the `efficiency rca` "
                                         "ranking at its onset); above 1 = never.")  # fmt: skip
    change_lookback_seconds: float = Field(1800.0, ge=0, description="A deploy at most this "
                                           "long before an onset is a suspect.")  # fmt: skip
    recurrence_horizon_seconds: float = Field(86400.0, ge=0, description="A new incident with "
                                              "the alerts of one resolved this recently links "
                                              "to it.")  # fmt: skip
    resolve_quiet_seconds: float = Field(300.0, ge=0, description="Auto-resolve an incident "
                                         "this long after its last alert resolved and its "
                                         "last detection began.")  # fmt: skip
    flap_count: int = Field(4, ge=2, description="An alert that fired this many times ...")
    flap_window_seconds: float = Field(3600.0, gt=0, description="... within this window "
                                       "flaps; its incident stays open meanwhile.")  # fmt: skip
    on_ingest: bool = Field(True, description="`efficiency daemon`: correlate an alert webhook "
                            "before answering it (else on the next tick).")  # fmt: skip


class NotifyConfig(_Section):
    services_file: str = Field("", description="The services catalog (YAML: teams, routes, "
                               "owners, dependencies); empty = incidents are recorded, nobody "
                               "is paged.")  # fmt: skip
    dashboard_url: str = Field("", description="Where pages link back to; empty = no link.")
    retry_initial_seconds: float = Field(10.0, gt=0, description="First retry delay of a page.")
    retry_max_seconds: float = Field(600.0, gt=0, description="Longest retry delay of a page.")
    retry_max_attempts: int = Field(0, ge=0, description="Attempts after which a page fails for "
                                    "good; 0 = keep trying.")  # fmt: skip
    lease_seconds: float = Field(120.0, gt=10, description="How long a sender holds a page "
                                 "(renewed while it works); past it, the page of a sender "
                                 "that died on another host is sent again. A dead sender of "
                                 "the same host is noticed at once.")  # fmt: skip


class DaemonConfig(_Section):
    tick_seconds: float = Field(5.0, gt=0, description="How often `efficiency daemon` "
                                "correlates new records, runs lifecycle timers and delivers "
                                "due pages.")  # fmt: skip
    detect_seconds: float = Field(600.0, ge=0, description="How often it runs a detection "
                                  "pass; 0 = never.")  # fmt: skip


class RemediateConfig(_Section):
    remote: str = Field("origin", description="Remote that `propose --push` pushes to.")
    default_branch: str = Field("", description="Branch proposals start from; empty = the "
                                "remote's HEAD, else main or master.")  # fmt: skip
    github_token: str = Field("", description="Token for `propose --open-pr` (GitHub REST API); "
                              "empty = no pull requests.")  # fmt: skip
    github_api: str = Field("https://api.github.com", description="GitHub REST API base URL "
                            "(GitHub Enterprise: https://HOST/api/v3).")  # fmt: skip
    github_repo: str = Field("", description="owner/name for pull requests; empty = read from "
                             "the remote's URL.")  # fmt: skip
    verify_timeout_seconds: float = Field(600.0, gt=0, description="Limit for each test or "
                                          "benchmark run of `propose --verify`.")  # fmt: skip
    verify_repeats: int = Field(10, ge=1, le=50, description="Benchmark runs per side (before / "
                                "after, alternating); the paired ratios give the speedup and its "
                                "95% interval (3 at least for an interval).")  # fmt: skip
    max_proposals: int = Field(5, ge=1, le=100, description="`efficiency remediate` and the "
                               "daemon's remediate stage: new proposals per service and "
                               "run at most.")  # fmt: skip
    interval_seconds: float = Field(0.0, ge=0, description="Daemon: run `remediate` for each "
                                    "service with a repo (services file) this often; 0 = "
                                    "never.")  # fmt: skip


class CostsConfig(_Section):
    dollars_per_core_hour: float = Field(0.04, ge=0, description="What one CPU core costs per "
                                         "hour (cloud on-demand is about $0.03-0.05).")  # fmt: skip
    dollars_per_gpu_hour: float = Field(2.5, ge=0, description="What one GPU costs per hour.")
    watts_per_core: float = Field(10.0, ge=0, description="Power draw of one busy core.")
    watts_per_gpu: float = Field(400.0, ge=0, description="Power draw of one busy GPU.")
    pue: float = Field(1.2, ge=1, description="Data-centre power usage effectiveness (facility "
                       "energy / IT energy).")  # fmt: skip


class RcaConfig(_Section):
    history_seconds: float = Field(3600.0, gt=0, description="`efficiency rca`: history before "
                                   "T each series' robust baseline is taken from (whatever "
                                   "part of it exists).")  # fmt: skip
    after_seconds: float = Field(300.0, gt=0, description="How long after T a move counts.")
    lead_seconds: float = Field(60.0, ge=0, description="How long before T a move already "
                                "counts (a problem is noticed after it starts).")  # fmt: skip
    min_history_points: int = Field(5, ge=3, description="Fewest history points for a series "
                                    "to be judged.")  # fmt: skip
    service_graph: str = Field("", description="Service graph file (YAML/JSON, caller -> "
                               "callee edges); empty = the call edges seen in the metric "
                               "labels and the services file's dependencies.")  # fmt: skip
    explain: float = Field(0.5, ge=0, le=1, description="How much of a service's score an "
                           "equally abnormal callee that moved no later explains "
                           "away.")  # fmt: skip


class DashboardConfig(_Section):
    url: str = Field("", description="Where people reach the dashboard (e.g. "
                     "https://efficiency.internal); pages sent to on-call link to the incident "
                     "there. Empty = notify.dashboard_url, else pages carry no link.")  # fmt: skip
    host: str = Field("127.0.0.1", description="Address `efficiency dashboard` binds.")
    port: int = Field(8501, ge=1, le=65535, description="Port `efficiency dashboard` binds.")
    cache_ttl_seconds: float = Field(30.0, ge=0, description="How long the dashboard reuses a "
                                     "query's answer before asking the store again.")  # fmt: skip
    refresh_seconds: float = Field(60.0, ge=0, description="How often an open page reloads "
                                   "its data by itself; 0 = never.")  # fmt: skip

    def link_base(self, notify: NotifyConfig) -> str:
        """The URL pages link back to: ``dashboard.url``, else ``notify.dashboard_url``."""
        return self.url or notify.dashboard_url


class LoggingConfig(_Section):
    format: Literal["text", "json"] = Field(
        "text",
        description="How `efficiency daemon`, `serve` and `agent` write their log lines on "
        "stderr: text, or json (one object a line: ts, level, logger, msg and any extra "
        "fields).",
    )
    level: Literal["debug", "info", "warning", "error"] = Field("info", description="Least "
                                                                "severe level logged.")  # fmt: skip
