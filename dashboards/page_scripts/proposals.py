"""The proposals page: see :mod:`dashboards.views.proposals`."""

from dashboards.views.proposals import render

render()
