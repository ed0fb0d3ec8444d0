"""Fold the metric and kernel checks into a profile-based canary verdict.

Rules, so that a metric can only make a verdict stricter, never pass a canary early:

- any failing check fails the canary, even when the profiles were too few to judge (a
  significant rise of the error rate is evidence enough);
- a marginal check turns a ``pass`` into ``marginal``;
- when there are no profile windows at all, but checks were judged, the verdict is theirs
  (a Kayenta-style canary on metrics alone); with some windows but too few it stays
  ``insufficient``;
- the score averages the profile score (when judged) with 100 per ``ok`` check, 50 per
  ``marginal`` and 0 per ``fail``; checks with too few points do not count.
"""

from __future__ import annotations

from efficiency.detect.canary import CanaryVerdict
from efficiency.detect.canary_stats import MetricCheck

CHECK_SCORE = {"ok": 100.0, "marginal": 50.0, "fail": 0.0}


def fold(verdict: CanaryVerdict, checks: list[MetricCheck]) -> CanaryVerdict:
    verdict.checks = list(checks)
    judged = [c for c in checks if c.status in CHECK_SCORE]
    fails = [c for c in checks if c.status == "fail"]
    named = ", ".join(_name(c) for c in fails[:5])
    parts = [CHECK_SCORE[c.status] for c in judged]
    no_profiles = not any(verdict.windows.values())
    if verdict.verdict == "insufficient":
        verdict.score = (
            round(sum(parts) / len(parts), 2) if fails or (no_profiles and parts) else 0.0
        )
        if fails:
            why = "no profile windows" if no_profiles else verdict.reason
            verdict.verdict, verdict.reason = "fail", f"regressed: {named}; {why}"
        elif no_profiles and judged:
            marginal = [c.metric for c in judged if c.status == "marginal"]
            verdict.verdict = "marginal" if marginal else "pass"
            verdict.reason = (
                f"no profile windows; weak evidence of a regression: {', '.join(marginal)}"
                if marginal
                else f"no profile windows; no metric of {len(judged)} regressed"
            )
        return verdict
    verdict.score = round((verdict.score + sum(parts)) / (1 + len(parts)), 2)
    if fails:
        verdict.reason = (f"{verdict.reason}, {named}" if verdict.verdict == "fail"
                          else f"regressed: {named}")  # fmt: skip
        verdict.verdict = "fail"
    elif verdict.verdict == "pass" and any(c.status == "marginal" for c in judged):
        verdict.verdict = "marginal"
        verdict.reason = "weak evidence of a regression: " + ", ".join(
            c.metric for c in judged if c.status == "marginal"
        )
    return verdict


def _name(c: MetricCheck) -> str:
    effect = "" if c.effect is None else f" {c.effect:+.1%}" if c.effect != float("inf") else " new"
    return f"{c.metric} ({c.kind}{effect})"
