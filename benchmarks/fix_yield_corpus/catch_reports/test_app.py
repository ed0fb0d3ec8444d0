from app import CatchReport, LandingsDesk, Verdict, load_suspensions, summarise, vet_landings

CSV = """license_no,reason,since
fl0000002 , misreporting, 2024-03-11
FL0000009,gear breach,2024-05-02

,blank,2024-01-01
"""


def rep(rid, lic="FL0000001", sp="COD", kg=100.0, length=40.0, area="IVa"):
    return CatchReport(rid, lic, "FV 101", "Lerwick", sp, kg, length, area)


def test_load_suspensions_normalises_and_skips_blank():
    assert load_suspensions(CSV) == ["FL0000002", "FL0000009"]


def test_clean_report_accepted_and_tallied():
    desk = LandingsDesk(["FL0000002"], set())
    assert desk.check(rep("R1")) == Verdict("R1", "accepted", [])
    assert desk.landed_kg["COD"] == 100.0


def test_suspended_license_rejected():
    desk = LandingsDesk(["FL0000002"], set())
    assert desk.check(rep("R1", lic="FL0000002")) == Verdict(
        "R1", "rejected", ["license suspended"]
    )
    assert dict(desk.landed_kg) == {}


def test_multiple_reasons_in_order():
    desk = LandingsDesk(["FL0000002"], {"VIIg"})
    v = desk.check(rep("R2", lic="FL0000002", sp="SOL", kg=0.0, length=20.04, area="VIIg"))
    assert v.reasons == [
        "license suspended",
        "undersize SOL 20.0cm",
        "closed area VIIg",
        "non-positive weight",
    ]


def test_unknown_species():
    desk = LandingsDesk([], set())
    assert desk.check(rep("R3", sp="XYZ")).reasons == ["unknown species XYZ"]


def test_quota_exhaustion():
    desk = LandingsDesk([], set())
    assert desk.check(rep("A", sp="SOL", kg=39_950.0, length=30.0)).status == "accepted"
    assert desk.check(rep("B", sp="SOL", kg=60.0, length=30.0)).reasons == [
        "quota exhausted for SOL"
    ]
    assert desk.check(rep("C", sp="SOL", kg=50.0, length=30.0)).status == "accepted"
    assert desk.landed_kg["SOL"] == 40_000.0


def test_summarise_groups_reasons():
    desk = LandingsDesk(["FL0000009"], {"IVb"})
    verdicts = desk.process(
        [
            rep("1"),
            rep("2", lic="FL0000009"),
            rep("3", sp="HAD", length=10.0),
            rep("4", sp="HAD", length=31.0, kg=12.34),
            rep("5", area="IVb"),
            rep("6", sp="BAS"),
        ]
    )
    assert summarise(verdicts, desk) == {
        "accepted": 2,
        "rejected": 4,
        "reasons": {"closed": 1, "license suspended": 1, "undersize": 1, "unknown": 1},
        "landed_kg": {"COD": 100.0, "HAD": 12.3},
    }


def test_vet_landings_end_to_end():
    reports = [
        rep("1", lic="fl0000002"),
        rep("2", lic="FL0000002"),
        rep("3", lic="FL0000009", sp="PLE"),
    ]
    assert vet_landings(reports, CSV, set()) == {
        "accepted": 1,
        "rejected": 2,
        "reasons": {"license suspended": 2},
        "landed_kg": {"COD": 100.0},
    }
