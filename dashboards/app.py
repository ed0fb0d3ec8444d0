"""The efficiency dashboard: `efficiency dashboard` runs this with Streamlit.

Every page is a file in ``page_scripts/`` registered below under the URL path
:data:`efficiency.links.PAGES` gives it, so links (pages sent to on-call, reports, bookmarks)
open the same view: the page's selection lives in the query string. A new page (a canary
view, an RCA view) is one file in ``page_scripts/``, its view in ``views/``, one line in
:data:`PAGES` and one in ``efficiency.links.PAGES``.
"""

from __future__ import annotations

import streamlit as st

from dashboards import ui
from dashboards.data import config, database
from efficiency.links import PAGES as PATHS

#: (page file, title, icon), in the order of the navigation
PAGES = [
    ("page_scripts/overview.py", "Overview", ":material/dashboard:"),
    ("page_scripts/incidents.py", "Incidents", ":material/crisis_alert:"),
    ("page_scripts/hotspots.py", "Hot spots", ":material/local_fire_department:"),
    ("page_scripts/gpu.py", "GPU", ":material/memory:"),
    ("page_scripts/proposals.py", "Proposals", ":material/merge:"),
    ("page_scripts/savings.py", "Savings", ":material/savings:"),
    ("page_scripts/capacity.py", "Capacity", ":material/trending_up:"),
    ("page_scripts/fleet.py", "Fleet", ":material/dns:"),
]


def main() -> None:
    st.set_page_config(page_title="efficiency", page_icon=":material/bolt:", layout="wide")
    pages = [
        st.Page(path, title=title, icon=icon, default=i == 0,
                url_path=PATHS[path.split("/")[1][:-3]] or path.split("/")[1][:-3])
        for i, (path, title, icon) in enumerate(PAGES)
    ]  # fmt: skip
    nav = st.navigation(pages)
    ui.actor_input()
    cfg = config()
    url = database().url
    shown = url.rsplit("/", 1)[-1] if url.startswith("sqlite") else url.split("@")[-1]
    st.sidebar.caption(f"store: {shown}")
    if cfg.dashboard.refresh_seconds:
        st.sidebar.caption(f"live parts refresh every {cfg.dashboard.refresh_seconds:g} s")
    nav.run()


# Streamlit runs this file as ``__main__``. A process started by multiprocessing's spawn (a Dask
# worker, say) runs its parent's main file as ``__mp_main__``: after an AppTest ran the app in
# that parent, an unguarded call would open the default store and draw the app in the worker.
if __name__ == "__main__":
    main()
