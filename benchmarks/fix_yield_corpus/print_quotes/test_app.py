import pytest
from app import Job, PriceSheet, quote, quote_batch


def test_simple_flyer_price():
    job = Job("j1", "silk130", "A4", quantity=200)
    assert quote(job, PriceSheet()) == round(200 * (0.041 + 0.046), 2)


def test_duplex_mono_booklet_with_tier_and_finishing():
    job = Job(
        "j2",
        "bond80",
        "A5",
        quantity=300,
        pages=8,
        color=False,
        duplex=True,
        finishing=("staple", "fold"),
    )
    unit = 0.018 * 0.5 + 0.011 * 1.7
    expected = 2400 * unit * 0.95 + (4.0 + 0.03 * 300) + (6.0 + 0.02 * 300)
    assert quote(job, PriceSheet()) == round(expected, 2)


def test_minimum_charge_and_unknown_stock():
    assert quote(Job("j3", "bond80", "A4", quantity=1, color=False), PriceSheet()) == 9.5
    with pytest.raises(ValueError):
        quote(Job("j4", "vellum", "A4", quantity=10), PriceSheet())


def test_quoting_leaves_sheet_untouched_and_updates_apply():
    prices = PriceSheet()
    before = prices.data
    quote_batch([Job("a", "gloss250", "A3", quantity=2000, finishing=("laminate",))], prices)
    assert prices.data == before
    prices.update_stock("gloss250", 0.1)
    assert quote(Job("b", "gloss250", "A4", quantity=200), prices) == round(200 * (0.1 + 0.046), 2)
    assert prices.data["stocks"]["gloss250"]["per_sheet"] == 0.1


def test_data_copy_is_isolated():
    prices = PriceSheet()
    snap = prices.data
    snap["stocks"]["bond80"]["per_sheet"] = 99.0
    assert prices.data["stocks"]["bond80"]["per_sheet"] == 0.018


def test_batch_skips_bad_jobs():
    jobs = [
        Job("ok", "silk170", "SRA3", quantity=50),
        Job("bad", "silk170", "B2", quantity=5),
        Job("nofinish", "bond80", "A4", quantity=10, finishing=("emboss",)),
    ]
    out = quote_batch(jobs)
    assert list(out) == ["ok"]
