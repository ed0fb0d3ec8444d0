from __future__ import annotations

import io

from app import (
    CopyrightLedger,
    LoanRequest,
    Status,
    eligible_lenders,
    lender_report,
    load_active_members,
    process_batch,
    request_fee,
    validate_request,
)

DIRECTORY = """symbol,name,status
NYP,New York Public,active
zcu, Zed College ,active
BOS,Boston Athenaeum,suspended
YUS,Yale,active
NYP,New York Public (dup),active
,Missing symbol,active
HVD,Harvard,withdrawn
CLU,Columbia,active
"""


def _members() -> list[str]:
    return load_active_members(io.StringIO(DIRECTORY))


def _req(rid: str = "R1", **kw) -> LoanRequest:
    base = dict(borrower="NYP", patron_type="grad", material="book", lenders=("YUS", "ZCU"))
    base.update(kw)
    return LoanRequest(rid, **base)


def test_directory_keeps_active_unique_symbols() -> None:
    members = _members()
    assert sorted(members) == ["CLU", "NYP", "YUS", "ZCU"]
    assert "BOS" not in members
    assert "HVD" not in members


def test_validate_flags_inactive_borrower_and_long_article() -> None:
    members = _members()
    assert validate_request(_req(), members) == []
    problems = validate_request(
        _req(borrower="BOS", material="article", journal="Nature", pages=80), members
    )
    assert "borrower BOS is not an active member" in problems
    assert "article of 80 pages exceeds 50" in problems


def test_eligible_lenders_skip_self_duplicates_and_inactive() -> None:
    members = _members()
    req = _req(lenders=("nyp", "HVD", "yus", "YUS", "BOS", "clu"))
    assert eligible_lenders(req, members) == ["YUS", "CLU"]


def test_request_fee_rules() -> None:
    assert request_fee(_req(material="thesis", needed_in_days=2), False) == 23.0
    assert request_fee(_req(material="book", patron_type="faculty", needed_in_days=1), False) == 0
    assert request_fee(_req(material="article", journal="J"), True) == 12.5


def test_rule_of_five() -> None:
    ledger = CopyrightLedger()
    due = [ledger.record("NYP", "Nature ") for _ in range(6)]
    assert due == [False] * 5 + [True]
    assert ledger.record("YUS", "nature") is False


def test_batch_routes_urgent_first_and_respects_capacity() -> None:
    members = _members()
    requests = [
        _req("R1", lenders=("YUS",), needed_in_days=30),
        _req("R2", lenders=("YUS", "CLU"), needed_in_days=1),
        _req("R3", lenders=("YUS",), needed_in_days=7),
    ]
    result = process_batch(requests, members, daily_capacity=1)
    by_id = {d.request_id: d for d in result.decisions}
    assert by_id["R2"].lender == "YUS"
    assert by_id["R2"].fee == 8.0
    assert by_id["R3"].status is Status.UNFILLED
    assert by_id["R3"].reasons == ["all lenders at daily capacity"]
    assert by_id["R1"].status is Status.UNFILLED
    assert result.lender_load == {"YUS": 1}


def test_batch_counts_and_report() -> None:
    members = _members()
    requests = [
        _req("R1"),
        _req("R2", lenders=("HVD", "BOS")),
        _req("R3", borrower="XXX"),
        _req("R4", lenders=("CLU",), material="av"),
    ]
    result = process_batch(requests, members)
    assert result.count(Status.ROUTED) == 2
    assert result.count(Status.UNFILLED) == 1
    assert result.count(Status.REJECTED) == 1
    assert result.fees == 10.0
    assert lender_report(result) == [("CLU", 1), ("YUS", 1)]
