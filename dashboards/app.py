"""The efficiency dashboard: `efficiency dashboard` runs this with Streamlit.

Every page is a file in ``pages/`` registered below under the URL path
:data:`efficiency.links.PAGES` gives it, so links (pages sent to on-call, reports, bookmarks)
open the same view: the page's selection lives in the query string. A new page (a canary
view, an RCA view) is one file in ``pages/``, its view in ``views/``, one line in
:data:`PAGES` and one in ``efficiency.links.PAGES``.
"""

from __future__ import annotations

import streamlit as st

from dashboards import ui
from dashboards.data import config, database
from efficiency.links import PAGES as PATHS

#: (page file, title, icon), in the order of the navigation
PAGES = [
    ("pages/overview.py", "Overview", ":material/dashboard:"),
    ("pages/incidents.py", "Incidents", ":material/crisis_alert:"),
    ("pages/hotspots.py", "Hot spots", ":material/local_fire_department:"),
    ("pages/gpu.py", "GPU", ":material/memory:"),
    ("pages/proposals.py", "Proposals", ":material/merge:"),
    ("pages/savings.py", "Savings", ":material/savings:"),
    ("pages/capacity.py", "Capacity", ":material/trending_up:"),
    ("pages/fleet.py", "Fleet", ":material/dns:"),
]


def main() -> None:
    st.set_page_config(page_title="efficiency", page_icon=":material/bolt:", layout="wide")
    pages = [
        st.Page(path, title=title, icon=icon, url_path=PATHS[path.split("/")[1][:-3]],
                default=i == 0)
        for i, (path, title, icon) in enumerate(PAGES)
    ]  # fmt: skip
    nav = st.navigation(pages)
    ui.actor_input()
    cfg = config()
    st.sidebar.caption(f"store: {database().url.split('@')[-1]}")
    if cfg.dashboard.refresh_seconds:
        st.sidebar.caption(f"live parts refresh every {cfg.dashboard.refresh_seconds:g} s")
    nav.run()


main()
