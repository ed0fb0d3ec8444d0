import logging

import pytest
from app import SECONDS_PER_FLOOR, SECONDS_PER_STOP, Car, GroupController, HallCall, simulate


def test_idle_car_eta_is_travel_time():
    assert Car("A", floor=3).eta(HallCall(0, 10, 1)) == pytest.approx(7 * SECONDS_PER_FLOOR)


def test_stops_on_the_way_add_dwell_time():
    car = Car("A", floor=0, direction=1, stops={4, 6, 20})
    eta = car.eta(HallCall(0, 10, 1))
    assert eta == pytest.approx(10 * SECONDS_PER_FLOOR + 2 * SECONDS_PER_STOP)


def test_reversal_costs_more_than_a_car_going_the_right_way():
    going_down = Car("A", floor=10, direction=-1, stops={2})
    idle_far = Car("B", floor=0)
    call = HallCall(0, 12, 1)
    assert going_down.eta(call) > idle_far.eta(call)
    car = GroupController([going_down, idle_far]).assign(call)
    assert car is idle_far and idle_far.stops == {12} and idle_far.direction == 1


def test_unavailable_cars_are_skipped(caplog):
    full = Car("A", load=0.9)
    broken = Car("B", in_service=False)
    controller = GroupController([full, broken])
    with caplog.at_level(logging.WARNING):
        assert controller.assign(HallCall(0, 5, -1)) is None
    assert "no car available" in caplog.text
    assert controller.assigned == {"A": 0, "B": 0}


def test_simulation_serves_calls_and_balances_ties_by_name():
    cars = [Car("B", floor=0), Car("A", floor=0)]
    calls = [HallCall(2.0, 6, -1), HallCall(1.0, 3, 1)]
    result = simulate(cars, calls, steps_per_call=10)
    assert result["assigned"] == {"B": 0, "A": 2}
    assert result["unserved"] == 0
    assert result["mean_wait"] == pytest.approx(3 * SECONDS_PER_FLOOR)
    assert result["max_wait"] == pytest.approx(3 * SECONDS_PER_FLOOR)
    assert all(not car.stops for car in cars)


def test_state_and_debug_logging(caplog):
    controller = GroupController(
        [Car("A", floor=2, direction=1, stops={5, 3}), Car("B", in_service=False)]
    )
    assert controller.board() == "A@2^ load=0% stops=[3, 5]; B@0- load=0% stops=[] OUT"
    assert controller.board(HallCall(0, 4, 1)).startswith("A@2^ load=0% stops=[3, 5] eta=12.2s;")
    with caplog.at_level(logging.DEBUG, logger="app"):
        controller.assign(HallCall(0, 7, 1))
    assert "A@2^ load=0% stops=[3, 5] eta=26.0s" in caplog.text
