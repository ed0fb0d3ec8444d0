"""The hotspots page: see :mod:`dashboards.views.hotspots`."""

from dashboards.views.hotspots import render

render()
