"""One incident: what happened on one time axis, its members, the correlation graph, the
ranked root causes with their evidence, the suspected change, the pages sent and who did
what; and the actions (acknowledge, resolve, merge, split, silence), each confirmed and
recorded with who and when.

The sections are drawn from :data:`SECTIONS` in order, so another view of the incident (the
RCA ranking of every service at the incident's time, a canary verdict of its deploy) is one
function appended there.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
import streamlit as st

from dashboards import charts, ui
from dashboards.data import act, actions, read
from efficiency.correlate import AlertRecord, ChangeRecord, DetectionRecord
from efficiency.correlate.summary import incident_graph
from efficiency.store.incident_views import (
    IncidentFilter,
    common_labels,
    incident_detail,
    search_incidents,
)

DURATIONS = {"30 minutes": 1800, "1 hour": 3600, "2 hours": 7200, "4 hours": 14400,
             "12 hours": 43200, "1 day": 86400, "3 days": 259200}  # fmt: skip


def render_detail(incident_id: int) -> None:
    detail = read(incident_detail, incident_id)
    ui.link("incidents", "All incidents", ":material/arrow_back:")
    if detail is None:
        st.error(f"Incident {incident_id} does not exist (it may have been a pending group).")
        return
    ui.action_feedback()
    _header(detail)
    _actions(detail)
    for section in SECTIONS:
        section(detail)


def _t(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _header(d: dict[str, Any]) -> None:
    st.title(f"#{d['id']} {d['title']}")
    cols = st.columns(5)
    cols[0].metric("status", d["status"])
    cols[1].metric("severity", d["severity"])
    cols[2].metric("alerts", d["alerts_total"])
    cols[3].metric("detections", len(d["detections"]))
    cols[4].metric("pages", len(d["pages"]))
    line = f"Services: **{', '.join(d['services']) or '-'}** · opened {ui.when(d['opened_at'])}"
    if d["acknowledged_at"]:
        line += f" · acknowledged {ui.when(d['acknowledged_at'])}"
    if d["resolved_at"]:
        line += f" · resolved {ui.when(d['resolved_at'])}"
    st.markdown(line)
    if d["merged_into_id"]:
        st.warning(f"Merged into incident #{d['merged_into_id']}.")
        ui.link("incidents", f"Open #{d['merged_into_id']}", incident=d["merged_into_id"])
    if d["merged_from"]:
        st.caption("Merged into this one: " + ", ".join(f"#{i}" for i in d["merged_from"]))
    if d["silenced"]:
        st.info(f"Pages held back: {d['silenced']}")
    if d["flapping"]:
        st.warning("An alert of this incident is flapping: it will not auto-resolve meanwhile.")
    if d["previous_incident_id"]:
        st.caption(f"Recurrence of incident #{d['previous_incident_id']}.")


# -- actions ---------------------------------------------------------------------------


def _actions(d: dict[str, Any]) -> None:
    """Acknowledge and resolve at hand; merge, split and silence one click away."""
    active = d["status"] in ("open", "acknowledged")
    a, b, _ = st.columns([1, 1, 4])
    with a:
        ui.confirmed_action(
            "Acknowledge", "ack", f"Acknowledge incident #{d['id']} (pages the acknowledge)",
            lambda who: act(actions().set_status)(d["id"], "acknowledged", who),
            disabled=d["status"] != "open", button_type="primary",
        )  # fmt: skip
    with b:
        ui.confirmed_action(
            "Resolve", "resolve", f"Resolve incident #{d['id']} (pages the resolve)",
            lambda who: act(actions().set_status)(d["id"], "resolved", who),
            disabled=not active,
        )  # fmt: skip
    with st.expander("Merge, split, silence"):
        st.caption("Each action asks for confirmation and records who did it and when.")
        if active:
            _merge(d)
            _split(d)
        _silence(d)


def _merge(d: dict[str, Any]) -> None:
    st.markdown("**Merge another incident into this one**")
    others = read(search_incidents, IncidentFilter(status="active", limit=200)).rows
    choices = [o for o in others if o["id"] != d["id"]]
    titles = {o["id"]: f"#{o['id']} {o['title'][:80]}" for o in choices}
    other = st.selectbox("Incident to merge in", [None, *titles], key="w_merge",
                         format_func=lambda i: "choose…" if i is None else titles[i])  # fmt: skip
    ui.confirmed_action(
        "Merge", "merge", f"Merge #{other} into #{d['id']}: its alerts move here, it resolves",
        lambda who: act(actions().merge)(d["id"], int(other), who),  # type: ignore[arg-type]
        disabled=other is None,
    )  # fmt: skip


def _split(d: dict[str, Any]) -> None:
    st.markdown("**Split alerts out into a new incident**")
    fingerprints = {a["fingerprint"]: a for a in d["alerts"]}
    picked = st.multiselect(
        "Alerts to move out", list(fingerprints), key="w_split",
        format_func=lambda fp: f"{fingerprints[fp]['alertname']} · "
        f"{fingerprints[fp]['service'] or '-'} · {fp}",
    )  # fmt: skip
    ui.confirmed_action(
        "Split", "split", f"Move {len(picked)} alert(s) out of #{d['id']} into a new incident",
        lambda who: act(actions().split)(d["id"], picked, who),
        disabled=not picked or len(picked) >= len(fingerprints),
    )  # fmt: skip


def _silence(d: dict[str, Any]) -> None:
    st.markdown("**Silence pages matching labels**")
    labels = common_labels(d["alerts"])
    keep = {k: v for k, v in labels.items() if k in ("alertname", "service", "cluster",
                                                     "namespace", "instance", "job")}  # fmt: skip
    default = "\n".join(f'{k}="{v}"' for k, v in (keep or labels).items())
    if not default and d["services"]:
        default = f'service="{d["services"][0]}"'
    text = st.text_area("Matchers (one per line, Alertmanager syntax)", value=default,
                        key="w_matchers", height=90)  # fmt: skip
    duration = st.selectbox("For", list(DURATIONS), index=2, key="w_duration")
    matchers = [line.strip() for line in text.splitlines() if line.strip()]
    ui.confirmed_action(
        "Silence", "silence", f"Hold back pages matching {', '.join(matchers) or '(nothing)'} "
        f"for {duration}",
        lambda who: act(actions().silence)(d["id"], matchers,
                                           timedelta(seconds=DURATIONS[duration]), who),
        disabled=not matchers,
    )  # fmt: skip


# -- sections ----------------------------------------------------------------------------


def _timeline(d: dict[str, Any]) -> None:
    st.plotly_chart(charts.timeline(d), width="stretch", key="timeline")


def _records(d: dict[str, Any]) -> tuple[list[AlertRecord], list[DetectionRecord],
                                         list[ChangeRecord]]:  # fmt: skip
    alerts = [
        AlertRecord(a["fingerprint"], _t(a["starts_at"]),  # type: ignore[arg-type]
                    "resolved" if a["status"] == "resolved" else "firing", _t(a["ends_at"]),
                    {str(k): str(v) for k, v in a["labels"].items()}, a["severity"])
        for a in d["alerts"]
    ]  # fmt: skip
    detections = [
        DetectionRecord(x["id"], x["kind"], x["service"], _t(x["onset_at"]), x["function"],  # type: ignore[arg-type]
                        x["p_value"], x["magnitude_rel"], x["suspected_change_id"])
        for x in d["detections"]
    ]  # fmt: skip
    changes = [ChangeRecord(c["id"], c["service"], _t(c["at"]), c["kind"], c["version"])  # type: ignore[arg-type]
               for c in d["changes"] if c["suspected"]]  # fmt: skip
    return alerts, detections, changes


def _members(d: dict[str, Any]) -> None:
    st.subheader("Alerts")
    if d["alerts_total"] > len(d["alerts"]):
        st.caption(f"the first {len(d['alerts'])} of {d['alerts_total']} firings, by start")
    if d["alerts"]:
        frame = pd.DataFrame(d["alerts"])
        frame["labels"] = [", ".join(f"{k}={v}" for k, v in sorted(x.items()))
                           for x in frame["labels"]]  # fmt: skip
        for col in ("starts_at", "ends_at"):
            frame[col] = [ui.when(t) for t in frame[col]]
        st.dataframe(frame[["alertname", "service", "severity", "status", "starts_at", "ends_at",
                            "summary", "fingerprint", "labels"]],
                     hide_index=True, width="stretch")  # fmt: skip
    st.subheader("Detections")
    if d["detections"]:
        frame = pd.DataFrame(d["detections"])
        frame["onset_at"] = [ui.when(t) for t in frame["onset_at"]]
        st.dataframe(frame[["id", "kind", "service", "function", "onset_at", "magnitude_rel",
                            "magnitude_cores", "p_value", "detector"]],
                     hide_index=True, width="stretch")  # fmt: skip
    else:
        st.caption("none")


def _graph(d: dict[str, Any]) -> None:
    alerts, detections, changes = _records(d)
    if not (alerts or detections):
        return
    st.plotly_chart(charts.evidence_graph(incident_graph(alerts, detections, changes)),
                    width="stretch", key="graph")  # fmt: skip


def _root_causes(d: dict[str, Any]) -> None:
    st.subheader("Likely root causes")
    causes = d["root_causes"]
    if not causes:
        st.caption("none ranked")
        return
    for rank, rc in enumerate(causes[:8], 1):
        with st.expander(f"{rank}. {rc['kind']} **{rc['name']}** — score {rc['score']:.2f}",
                         expanded=rank == 1):  # fmt: skip
            st.markdown(_evidence(rc))


def _evidence(rc: dict[str, Any]) -> str:
    """A root cause's evidence as sentences, not a raw dict."""
    lines = []
    if rc.get("onset_at"):
        delay = float(rc.get("onset_delay_s") or 0)
        lines.append(f"- alerts took off at {ui.when(rc['onset_at'])}"
                     + (f", {delay:.0f} s after the first service" if delay else
                        ", first of the incident"))  # fmt: skip
    if rc.get("alerts") is not None:
        lines.append(f"- {rc['alerts']} alert(s); support {float(rc.get('support', 0)):.0%} of "
                     "the largest service's")  # fmt: skip
    if rc.get("upstream") is not None:
        lines.append(f"- upstream position (PageRank over the dependency graph): "
                     f"{float(rc['upstream']):.2f}")  # fmt: skip
    deploy = rc.get("deploy") or (rc if rc["kind"] == "change" else None)
    if deploy and deploy.get("version") is not None:
        minutes = float(deploy.get("minutes_before_onset", 0))
        name = deploy.get("version") or deploy.get("change_id")
        at = ui.when(deploy.get("at"))
        lines.append(f"- deploy {name} at {at}, {minutes:.1f} min before the onset")
    reg = rc.get("regression") or (rc if rc["kind"] == "function" else None)
    if reg and reg.get("function"):
        p = reg.get("p_value")
        lines.append(f"- regression of `{reg['function']}` (detection {reg.get('detection_id')}"
                     + (f", p = {p:.1e}" if p is not None else "") + ")")  # fmt: skip
    if rc["kind"] == "host":
        shown = {k: v for k, v in rc.items() if k not in ("kind", "name", "score")}
        lines += [f"- {k}: {v}" for k, v in shown.items()]
    return "\n".join(lines) or "no evidence recorded"


def _change(d: dict[str, Any]) -> None:
    suspects = [c for c in d["changes"] if c["suspected"]]
    if not suspects:
        return
    st.subheader("Suspected change")
    best = max(suspects, key=lambda c: c["score"] or 0)
    st.markdown(f"**{best['service']} {best['kind']} {best['version'] or ''}** at "
                f"{ui.when(best['at'])} (score {best['score'] or 0:.2f})"
                + (f", commit `{best['commit'][:12]}`" if best["commit"] else "")
                + (f" by {best['author']}" if best["author"] else ""))  # fmt: skip
    if best["description"]:
        st.caption(best["description"])


def _pages(d: dict[str, Any]) -> None:
    st.subheader("Pages")
    if not d["pages"]:
        st.caption("none planned (no route in the services file, or held back)")
        return
    frame = pd.DataFrame(d["pages"])
    for col in ("created_at", "sent_at"):
        frame[col] = [ui.when(t) for t in frame[col]]
    columns = ["route", "action", "revision", "state", "attempts", "created_at", "sent_at",
               "last_error"]  # fmt: skip
    st.dataframe(frame[columns], hide_index=True, width="stretch")


def _audit(d: dict[str, Any]) -> None:
    st.subheader("Who did what")
    if not d["actions"]:
        st.caption("nobody acted on this incident yet")
        return
    st.dataframe(pd.DataFrame([{"at": ui.when(a["at"]), "who": a["actor"], "action": a["action"],
                                "detail": ", ".join(f"{k}: {v}" for k, v in a["detail"].items())}
                               for a in d["actions"]]),
                 hide_index=True, width="stretch")  # fmt: skip


#: the detail view's sections, in order; each takes the incident detail
SECTIONS: list[Callable[[dict[str, Any]], None]] = [
    _timeline, _root_causes, _change, _graph, _members, _pages, _audit,
]  # fmt: skip
