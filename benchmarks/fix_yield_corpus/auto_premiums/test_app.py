import copy

import pytest
from app import Driver, QuoteRequest, RatingEngine, build_rate_book

TERRITORIES = {"T001": 400.0, "T002": 250.0}
ADULT = Driver(age=40, years_licensed=5, at_fault_claims=0, violations=0)


def _req(**kw):
    base = dict(
        quote_id="Q1",
        territory="T001",
        vehicle_symbol=6,
        coverages=("BI",),
        drivers=(ADULT,),
        annual_miles=12_000,
    )
    base.update(kw)
    return QuoteRequest(**base)


@pytest.fixture
def engine():
    return RatingEngine(build_rate_book(TERRITORIES))


def test_base_quote_for_adult_driver(engine):
    q = engine.quote(_req())
    # BI base 400, age factor 1.0 * 1.1, symbol 0.72 + 0.27 = 0.99, 12k miles = 1.0
    assert q["lines"] == {"BI": round(400 * 1.1 * 0.99, 2)}
    assert q["total"] == q["lines"]["BI"]
    assert q["quote_id"] == "Q1" and q["version"] == "2024-07"


def test_worst_driver_and_surcharges_apply(engine):
    teen = Driver(age=17, years_licensed=1, at_fault_claims=1, violations=7)
    q = engine.quote(_req(coverages=("PD",), drivers=(ADULT, teen), annual_miles=4_000))
    expected = 400 * 0.62 * 2.45 * 1.28 * 1.7 * 0.99 * 0.85
    assert q["lines"]["PD"] == pytest.approx(expected, abs=0.01)


def test_discounts_stack_per_coverage(engine):
    vet = Driver(age=55, years_licensed=30, at_fault_claims=0, violations=0)
    q = engine.quote(
        _req(
            territory="T002",
            coverages=("BI", "MED"),
            drivers=(vet,),
            multi_policy=True,
            paid_in_full=True,
            annual_miles=25_000,
        )
    )
    bi = 250 * 1.0 * 0.93 * 1.1 * 0.99 * 1.17 * (1 - 0.12 - 0.05 - 0.04)
    med = 250 * 0.09 * 0.93 * 0.99 * 1.17 * (1 - 0.05)
    assert q["lines"]["BI"] == pytest.approx(bi, abs=0.01)
    assert q["lines"]["MED"] == pytest.approx(med, abs=0.01)
    assert q["total"] == pytest.approx(q["lines"]["BI"] + q["lines"]["MED"], abs=0.011)


def test_minimum_premium(engine):
    q = engine.quote(_req(territory="T002", coverages=("MED",), vehicle_symbol=1))
    assert q["lines"]["MED"] < 35.0
    assert q["total"] == 35.0


def test_bad_requests_are_declined_not_fatal(engine):
    good = _req(quote_id="ok")
    bad = [
        _req(quote_id="terr", territory="T999"),
        _req(quote_id="sym", vehicle_symbol=40),
        _req(quote_id="nodrv", drivers=()),
        _req(quote_id="old", drivers=(Driver(130, 100, 0, 0),)),
    ]
    quotes = engine.quote_many([bad[0], good, *bad[1:]])
    assert [q["quote_id"] for q in quotes] == ["ok"]
    with pytest.raises(ValueError):
        engine.quote(bad[2])


def test_quoting_does_not_alter_rate_book(engine):
    before = copy.deepcopy(engine.rate_book)
    first = engine.quote(
        _req(coverages=("BI", "PD", "COLL", "COMP", "UM", "MED"), multi_policy=True)
    )
    first["lines"].clear()
    assert engine.rate_book == before
    again = engine.quote(
        _req(coverages=("BI", "PD", "COLL", "COMP", "UM", "MED"), multi_policy=True)
    )
    assert len(again["lines"]) == 6
