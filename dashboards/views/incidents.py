"""Incidents: a filterable, sortable, paged list; ``?incident=ID`` opens one incident's
detail view (:mod:`dashboards.views.incident_detail`)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboards import ui
from dashboards.data import read
from dashboards.views.incident_detail import render_detail
from efficiency.links import incident_url
from efficiency.store.incident_views import (
    SEVERITIES,
    SORTS,
    STATUS_FILTERS,
    IncidentFilter,
    incident_services,
    search_incidents,
)

PAGE_SIZE = 50


def render() -> None:
    incident_id = ui.int_param("incident")
    if incident_id is not None:
        render_detail(incident_id)
        return
    st.title("Incidents")
    ui.action_feedback()
    f = _filters()
    ui.live(lambda: _table(f))


def _filters() -> IncidentFilter:
    a, b, c, d = st.columns([1, 2, 1, 1])
    with a:
        status = ui.choice("Status", STATUS_FILTERS, "status", "active")
    with b:
        wanted = [s for s in ui.list_param("severity") if s in SEVERITIES]
        severities = st.multiselect("Severity", SEVERITIES, default=wanted, key="w_severity")
    with c:
        service = ui.choice("Service", ["", *read(incident_services)], "service",
                            format_func=lambda s: s or "any")  # fmt: skip
    with d:
        since_text = ui.param("since")
        since = st.date_input("Opened since", value=date.fromisoformat(since_text)
                              if since_text else None, key="w_since")  # fmt: skip
    e, g, h = st.columns([1, 1, 2])
    with e:
        sort = ui.choice("Sort by", SORTS, "sort", "opened_at")
    with g:
        order = ui.choice("Order", ["newest first", "oldest first"], "order", "newest first")
    page = max(1, ui.int_param("page") or 1)
    ui.set_params(status=status, severity=severities, service=service,
                  since=since.isoformat() if isinstance(since, date) else None,
                  sort=sort, order=order, page=page if page > 1 else None)  # fmt: skip
    with h:
        st.caption("Open an incident by clicking its id, or with ?incident=ID in the URL.")
    return IncidentFilter(
        status=status, severities=tuple(severities), service=service,
        since=ui.day_start(since) if isinstance(since, date) else None, sort=sort,
        descending=order == "newest first", limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE,
    )  # fmt: skip


def _table(f: IncidentFilter) -> None:
    page = read(search_incidents, f)
    if not page.total:
        if f.status in ("active", "open") and not (f.severities or f.service or f.since):
            ui.empty("No active incidents.", ui.ALERTMANAGER_HINT)
        else:
            st.info("No incident matches these filters.")
        return
    pages = (page.total + PAGE_SIZE - 1) // PAGE_SIZE
    st.caption(f"{page.total} incidents; page {f.offset // PAGE_SIZE + 1} of {pages}")
    frame = pd.DataFrame(page.rows)
    frame["open"] = [incident_url("", i) for i in frame["id"]]
    frame["services"] = [", ".join(s) for s in frame["services"]]
    frame["opened_at"] = [ui.when(t) for t in frame["opened_at"]]
    frame["updated_at"] = [ui.when(t) for t in frame["updated_at"]]
    columns = ["open", "status", "severity", "title", "services", "alerts", "detections",
               "opened_at", "updated_at", "silenced"]  # fmt: skip
    st.dataframe(
        frame[columns], hide_index=True, width="stretch",
        column_config={"open": st.column_config.LinkColumn(
            "id", display_text=r"\?incident=(\d+)", width="small")},
    )  # fmt: skip
    picked = st.selectbox("Open incident", [None, *frame["id"].tolist()], key="w_open",
                          format_func=lambda i: "choose…" if i is None else f"#{i}")  # fmt: skip
    if picked is not None:
        ui.set_params(incident=picked)
        st.rerun()
    if pages > 1:
        prev, nxt, _ = st.columns([1, 1, 6])
        current = f.offset // PAGE_SIZE + 1
        if prev.button("Previous", disabled=current <= 1):
            ui.set_params(page=current - 1 if current > 2 else None)
            st.rerun()
        if nxt.button("Next", disabled=current >= pages):
            ui.set_params(page=current + 1)
            st.rerun()
