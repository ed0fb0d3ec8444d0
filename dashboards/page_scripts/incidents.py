"""The incidents page: see :mod:`dashboards.views.incidents`."""

from dashboards.views.incidents import render

render()
