"""The gpu page: see :mod:`dashboards.views.gpu`."""

from dashboards.views.gpu import render

render()
