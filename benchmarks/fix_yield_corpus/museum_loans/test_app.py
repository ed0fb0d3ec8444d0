import pytest
from app import Gallery, LoanRegistry, UnknownLoan, plan_gallery


def obj(acc, display="wall", w=100, d=5, value=1000, lux=50, rh=(45, 55), temp=(18, 22)):
    return {
        "accession": acc,
        "title": acc,
        "display": display,
        "value": value,
        "dims_cm": {"h": 80, "w": w, "d": d},
        "requirements": {"lux": lux, "rh": rh, "temp": temp},
        "condition_notes": ["stable"],
    }


ROOM = Gallery("Room 1", 50, (46.0, 54.0), (19.0, 21.0), 1000, 30.0)


@pytest.fixture
def registry():
    reg = LoanRegistry()
    reg.register(
        {
            "id": "A",
            "lender": "Tate",
            "objects": [obj("A.1", w=200, value=500), obj("A.2", w=100, value=250)],
        }
    )
    reg.register(
        {
            "id": "B",
            "lender": "Prado",
            "objects": [obj("B.1", display="plinth", w=100, d=100, value=900)],
        }
    )
    reg.register({"id": "C", "lender": "MoMA", "objects": [obj("C.1", lux=30, rh=(48, 52))]})
    return reg


def test_register_validation():
    reg = LoanRegistry()
    with pytest.raises(ValueError):
        reg.register({"id": "X", "objects": []})
    with pytest.raises(ValueError):
        reg.register({"id": "Y", "objects": [obj("Y.1", rh=(60, 40))]})


def test_get_returns_isolated_copy(registry):
    record = registry.get("A")
    record["objects"][0]["dims_cm"]["w"] = 5000
    record["objects"].append(obj("A.3"))
    record["lender"] = "someone else"
    fresh = registry.get("A")
    assert fresh["lender"] == "Tate"
    assert [o["accession"] for o in fresh["objects"]] == ["A.1", "A.2"]
    assert fresh["objects"][0]["dims_cm"]["w"] == 200


def test_unknown_loan(registry):
    with pytest.raises(UnknownLoan):
        registry.get("Z")
    with pytest.raises(KeyError):
        registry.space_needed("Z")


def test_insured_value_and_space(registry):
    assert registry.insured_value("A") == 750
    assert registry.space_needed("A") == (540.0, 0.0)
    assert registry.space_needed("B") == (0.0, 9.0)


def test_conflicts_messages(registry):
    assert registry.conflicts("A", ROOM) == []
    assert registry.conflicts("C", ROOM) == [
        "C.1: light 50 lux > 30",
        "C.1: humidity outside 48-52%",
    ]
    hot = Gallery("Hot", 50, (46.0, 54.0), (17.0, 23.0), 1000, 30.0)
    assert registry.conflicts("A", hot) == [
        "A.1: temperature outside agreed range",
        "A.2: temperature outside agreed range",
    ]


def test_plan_gallery(registry):
    plan = plan_gallery(registry, ROOM, ["C", "A", "Z", "B", "A"])
    assert plan["accepted"] == ["A", "B"]
    assert plan["refused"] == {
        "C": ["C.1: light 50 lux > 30", "C.1: humidity outside 48-52%"],
        "Z": ["unknown loan"],
        "A": ["not enough space"],
    }
    assert plan["wall_left_cm"] == 460.0
    assert plan["floor_left_m2"] == 21.0
    assert plan["insured_value"] == 1650


def test_plan_does_not_change_registry(registry):
    plan_gallery(registry, ROOM, ["A", "B", "C"])
    assert registry.space_needed("A") == (540.0, 0.0)
    assert registry.ids() == ["A", "B", "C"]
