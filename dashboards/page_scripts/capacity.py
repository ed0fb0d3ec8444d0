"""The capacity page: see :mod:`dashboards.views.capacity`."""

from dashboards.views.capacity import render

render()
