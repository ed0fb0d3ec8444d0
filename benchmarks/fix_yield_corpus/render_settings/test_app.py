from app import DEFAULTS, render_plan
from workload import make_input


def test_snaps_width_and_falls_back_on_format():
    got = render_plan([{"width": 300, "format": "webp"}, {"width": 192, "format": "gif"}])
    assert got == [(256, "webp", 75), (128, "jpeg", 82)]


def test_defaults_unchanged():
    before = repr(DEFAULTS)
    render_plan(make_input())
    assert repr(DEFAULTS) == before


def test_fixed_input():
    plans = render_plan(make_input())
    assert len(plans) == 2000
    assert sum(w for w, _, _ in plans) == 2167808
    assert sum(1 for _, f, _ in plans if f == "jpeg") == 1200
