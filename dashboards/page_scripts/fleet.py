"""The fleet page: see :mod:`dashboards.views.fleet`."""

from dashboards.views.fleet import render

render()
