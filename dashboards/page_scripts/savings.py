"""The savings page: see :mod:`dashboards.views.savings`."""

from dashboards.views.savings import render

render()
