"""What every page shares: its selection in the URL, who is acting, confirmed actions,
empty states and number formats."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import streamlit as st

from efficiency.store.incident_queries import TransitionError

#: how long a page waits between reruns of its live parts (from the configuration)
ACTOR_KEY = "actor"


# -- the selection in the URL ------------------------------------------------------------


def param(name: str, default: str = "") -> str:
    """A query-string value of this page's URL."""
    value = st.query_params.get(name)
    return str(value) if value not in (None, "") else default


def int_param(name: str) -> int | None:
    value = param(name)
    try:
        return int(value) if value else None
    except ValueError:
        return None


def set_params(**values: object) -> None:
    """Put the selection into the URL (None or empty removes a key), so the page's URL
    reopens the same view."""
    for key, value in values.items():
        if value in (None, "", [], ()):
            if key in st.query_params:
                del st.query_params[key]
        elif isinstance(value, list | tuple):
            st.query_params[key] = ",".join(str(v) for v in value)
        else:
            st.query_params[key] = str(value)


def list_param(name: str) -> list[str]:
    return [v for v in param(name).split(",") if v]


def choice(label: str, options: Sequence[str], key: str, default: str = "", **kw: Any) -> str:
    """A selectbox whose value lives in the URL's ``key``."""
    options = list(options)
    current = param(key, default)
    index = options.index(current) if current in options else 0
    picked = st.selectbox(label, options, index=index, key=f"w_{key}", **kw) if options else ""
    return str(picked or "")


def date_param(name: str, default: date) -> date:
    try:
        return date.fromisoformat(param(name)) if param(name) else default
    except ValueError:
        return default


def day_start(d: date) -> datetime:
    return datetime.combine(d, time(0), UTC)


def day_end(d: date) -> datetime:
    return day_start(d) + timedelta(days=1)


# -- who acts, and confirmed actions --------------------------------------------------------


def actor_input() -> None:
    """The sidebar field every action records as who did it."""
    st.sidebar.text_input(
        "Your name (recorded with every action)", key=ACTOR_KEY, placeholder="e.g. alice"
    )


def actor() -> str:
    """Who acts: the name in the sidebar, else the name given with the last action."""
    named = str(st.session_state.get(ACTOR_KEY, "") or "").strip()
    return named or str(st.session_state.get("last_actor", "")).strip()


def confirmed_action(
    label: str, key: str, describe: str, run: Callable[[str], object], disabled: bool = False,
    button_type: str = "secondary",
) -> None:  # fmt: skip
    """A button that asks first: the first click shows what will happen and asks who is
    doing it (the sidebar's name, pre-filled); Confirm runs ``run(name)``, Cancel forgets it.
    Nothing runs without a name: the audit trail records who."""
    pending = st.session_state.get("pending_action")
    if st.button(label, key=f"ask_{key}", disabled=disabled, type=button_type):  # type: ignore[arg-type]
        st.session_state["pending_action"] = key
        st.session_state[f"who_{key}"] = actor()
        pending = key
    if pending != key:
        return
    st.info(f"{describe}. Confirm?")
    who = st.text_input("Your name (recorded with the action)", key=f"who_{key}").strip()
    yes, no = st.columns(2)
    if yes.button("Confirm", key=f"yes_{key}", type="primary", disabled=not who):
        st.session_state.pop("pending_action", None)
        st.session_state["last_actor"] = who
        try:
            run(who)
        except (TransitionError, ValueError) as exc:
            st.session_state["action_error"] = str(exc)
        else:
            st.session_state["action_done"] = f"{label}: done by {who}"
        st.rerun()
    if no.button("Cancel", key=f"no_{key}"):
        st.session_state.pop("pending_action", None)
        st.rerun()


def action_feedback() -> None:
    """What the last action did (shown once, after its rerun)."""
    done = st.session_state.pop("action_done", None)
    if done:
        st.success(done)
    failed = st.session_state.pop("action_error", None)
    if failed:
        st.warning(f"Not done: {failed}")


# -- empty states and formats ----------------------------------------------------------


AGENT_HINT = (
    "Start an agent on each host: `efficiency agent --server http://THIS-HOST:8077 "
    "--config agent.toml` (see the README's *Collecting from a fleet*), or import files with "
    "`efficiency ingest profile|trace|metrics|alerts|changes FILE`."
)
ALERTMANAGER_HINT = (
    "Point Alertmanager here: add a receiver with `webhook_configs: [{url: "
    "'http://THIS-HOST:8077/api/v1/alerts/alertmanager'}]` and run `efficiency daemon`; "
    "incidents open as alerts arrive."
)


def empty(what: str, *hints: str) -> None:
    st.info(f"{what}\n\n" + "\n\n".join(hints))


def when(value: str | datetime | None) -> str:
    """A stored time as ``YYYY-MM-DD HH:MM:SS`` UTC."""
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return "-"  # missing (None, or NaN once pandas has had the column)
    t = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return t.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def dollars(value: float | None) -> str:
    return "-" if value is None else f"${value:,.2f}"


def number(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def live(draw: Callable[[], None]) -> None:
    """Draw a part of the page that reloads itself every ``dashboard.refresh_seconds``
    (a Streamlit fragment; the rest of the page stays as it is)."""
    from dashboards.data import config

    seconds = config().dashboard.refresh_seconds
    if seconds:
        st.fragment(draw, run_every=seconds)()
    else:
        draw()


def link(page: str, label: str, icon: str | None = None, **params: object) -> None:
    """A link to another page of the dashboard with its selection (``params``)."""
    query = {k: str(v) for k, v in params.items() if v not in (None, "")}
    st.page_link(f"page_scripts/{page}.py", label=label, icon=icon, query_params=query or None)
