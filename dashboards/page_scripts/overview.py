"""The overview page: see :mod:`dashboards.views.overview`."""

from dashboards.views.overview import render

render()
