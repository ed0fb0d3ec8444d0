"""Proposals: status, estimated against realized savings and verification per proposal;
``?proposal=ID`` shows the rendered diff, the pull-request body and the verification, and
marks it merged or rejected (confirmed, recorded with who and when)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboards import ui
from dashboards.data import read, write
from efficiency.links import page_url
from efficiency.store.proposal_queries import proposal_detail, proposal_rows, review_proposal

STATUSES = ("", "proposed", "advice", "pushed", "opened", "verified", "merged", "rejected")


def render() -> None:
    st.title("Proposals")
    ui.action_feedback()
    a, b = st.columns(2)
    with a:
        status = ui.choice("Status", STATUSES, "status", "", format_func=lambda s: s or "any")
    with b:
        service = ui.param("service")
        st.text_input("Service", value=service, key="w_service_text", disabled=True)
    ui.set_params(status=status)
    rows = read(proposal_rows, status, service)
    if not rows:
        ui.empty("No proposals yet.", "Rank hot spots with `efficiency hotspots list`, then "
                 "`efficiency propose HOTSPOT_ID --repo PATH` (or `efficiency remediate "
                 "--service S --repo PATH`) turns one into a branch with the fix.")  # fmt: skip
        return
    frame = pd.DataFrame(rows)
    frame["open"] = [page_url("", "proposals", proposal=i) for i in frame["id"]]
    columns = ["open", "service", "playbook", "status", "verified", "estimated_cores",
               "estimated_dollars_per_month", "realized_cores", "frame", "branch",
               "reviewed_by"]  # fmt: skip
    number = st.column_config.NumberColumn
    st.dataframe(frame[columns], hide_index=True, width="stretch", column_config={
        "open": st.column_config.LinkColumn("id", display_text=r"proposal=(\d+)"),
        "estimated_cores": number("est. cores", format="%.3f"),
        "estimated_dollars_per_month": number("est. $ / month", format="$%.2f"),
        "realized_cores": number("realized cores", format="%.3f"),
    })  # fmt: skip
    ids = [r["id"] for r in rows]
    current = ui.int_param("proposal")
    picked = st.selectbox("Proposal", ids, index=ids.index(current) if current in ids else 0,
                          key="w_proposal", format_func=lambda i: f"#{i}")  # fmt: skip
    ui.set_params(proposal=picked)
    detail = read(proposal_detail, picked)
    if detail is not None:
        _detail(detail)


def _detail(p: dict[str, Any]) -> None:
    st.subheader(f"#{p['id']} {p['playbook']} on {p['service']}")
    st.caption(f"hot spot {p['hotspot_id']}: {p['frame']}")
    cols = st.columns(4)
    cols[0].metric("status", p["status"])
    cols[1].metric("estimated cores", ui.number(p["estimated_cores"]))
    cols[2].metric("realized cores", ui.number(p["realized_cores"]))
    cols[3].metric("estimated $ / month", ui.dollars(p["estimated_dollars_per_month"]))
    if p["reviewed_by"]:
        st.caption(f"marked {p['status']} by {p['reviewed_by']} at {ui.when(p['reviewed_at'])}")
    if p["branch"]:
        st.markdown(f"Branch `{p['branch']}` in `{p['repo']}`"
                    + (f" · [pull request]({p['pr_url']})" if p["pr_url"] else ""))  # fmt: skip
    tab_diff, tab_body, tab_verify = st.tabs(["Diff", "Pull-request body", "Verification"])
    with tab_diff:
        if p["diff"]:
            st.code(p["diff"], language="diff")
        else:
            st.caption("advice only: no change to the code")
    with tab_body:
        st.markdown(p["pr_body"] or "_no body_")
    with tab_verify:
        _verification(p["verification"])
    a, b = st.columns(2)
    final = p["status"] in ("merged", "rejected")
    with a:
        ui.confirmed_action(
            "Mark merged", "merged", f"Mark proposal #{p['id']} merged (its realized saving is "
            "looked for once the fix is deployed)",
            lambda who: write(review_proposal, p["id"], "merged", who), disabled=final,
        )  # fmt: skip
    with b:
        ui.confirmed_action(
            "Mark rejected", "rejected", f"Mark proposal #{p['id']} rejected (its estimate "
            "leaves the savings report)",
            lambda who: write(review_proposal, p["id"], "rejected", who), disabled=final,
        )  # fmt: skip


def _verification(v: dict[str, Any]) -> None:
    cost = v.get("estimated_cost") or {}
    rows = [(k, v[k]) for k in ("tests_before", "tests_after", "bench_before_seconds",
                                "bench_after_seconds", "speedup", "bench_runs", "verify",
                                "bench_error") if k in v]  # fmt: skip
    if rows:
        st.table(pd.DataFrame(rows, columns=["check", "result"]).astype(str))
    else:
        st.caption("not verified (`efficiency propose --verify` runs the service's tests and "
                   "benchmark before and after)")  # fmt: skip
    if cost:
        st.markdown("**Estimate**: " + ", ".join(f"{k.replace('_', ' ')} {val}"
                                                 for k, val in cost.items()))  # fmt: skip
