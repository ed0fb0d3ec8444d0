"""Elevator group control: assign hall calls to cars in a bank of elevators.

Each hall call (a floor and a direction) goes to the car with the lowest estimated time to
arrive, counting travel, the stops it already owes and a penalty for reversing; a car that is
full or out of service never takes a call. The simulation replays a day's calls.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

SECONDS_PER_FLOOR = 1.6
SECONDS_PER_STOP = 9.0
REVERSAL_PENALTY = 12.0
FULL_LOAD = 0.8
ARROWS = {1: "^", -1: "v", 0: "-"}


@dataclass(frozen=True)
class HallCall:
    at: float
    floor: int
    direction: int  # +1 up, -1 down


@dataclass
class Car:
    name: str
    floor: int = 0
    direction: int = 0
    load: float = 0.0
    in_service: bool = True
    stops: set[int] = field(default_factory=set)

    def eta(self, call: HallCall) -> float:
        distance = abs(self.floor - call.floor)
        ahead = (call.floor - self.floor) * self.direction >= 0
        if self.direction == 0 or (ahead and self.direction == call.direction):
            between = [
                s
                for s in self.stops
                if min(self.floor, call.floor) < s < max(self.floor, call.floor)
            ]
            return distance * SECONDS_PER_FLOOR + len(between) * SECONDS_PER_STOP
        furthest = max(self.stops, key=lambda s: abs(s - self.floor), default=self.floor)
        detour = abs(furthest - self.floor) + abs(furthest - call.floor)
        return detour * SECONDS_PER_FLOOR + len(self.stops) * SECONDS_PER_STOP + REVERSAL_PENALTY

    def available(self) -> bool:
        return self.in_service and self.load < FULL_LOAD


class GroupController:
    def __init__(self, cars: list[Car]) -> None:
        self.cars = cars
        self.assigned: dict[str, int] = {car.name: 0 for car in cars}
        self.waits: list[float] = []

    def board(self, call: HallCall | None = None) -> str:
        """One line per car for the lobby display and traces; with a call, each car's ETA to it."""
        rows = []
        for c in self.cars:
            row = (
                f"{c.name}@{c.floor}{ARROWS[c.direction]} load={c.load:.0%} stops={sorted(c.stops)}"
            )
            if not c.in_service:
                row += " OUT"
            elif call is not None:
                row += f" eta={c.eta(call):.1f}s"
            rows.append(row)
        return "; ".join(rows)

    def assign(self, call: HallCall) -> Car | None:
        candidates = [(car.eta(call), car.name, car) for car in self.cars if car.available()]
        logger.debug(
            "call %s floor %d dir %+d, bank: %s",
            call.at,
            call.floor,
            call.direction,
            self.board(call),
        )
        if not candidates:
            logger.warning("no car available for call at floor %d", call.floor)
            return None
        eta, _, car = min(candidates, key=lambda c: (c[0], c[1]))
        car.stops.add(call.floor)
        car.load = min(1.0, car.load + 0.1)
        if car.direction == 0:
            car.direction = 1 if call.floor > car.floor else -1 if call.floor < car.floor else 0
        self.assigned[car.name] += 1
        self.waits.append(eta)
        return car

    def step(self) -> None:
        """Advance each car one floor toward its next stop, serving a stop it reaches."""
        for car in self.cars:
            if not car.stops:
                car.direction = 0
                continue
            if car.floor in car.stops:
                car.stops.discard(car.floor)
                car.load = max(0.0, car.load - 0.15)
                continue
            target = min(car.stops, key=lambda s: abs(s - car.floor))
            car.direction = 1 if target > car.floor else -1
            car.floor += car.direction


def simulate(cars: list[Car], calls: list[HallCall], steps_per_call: int = 3) -> dict:
    controller = GroupController(cars)
    unserved = 0
    for call in sorted(calls, key=lambda c: c.at):
        if controller.assign(call) is None:
            unserved += 1
        for _ in range(steps_per_call):
            controller.step()
    waits = controller.waits
    return {
        "assigned": dict(controller.assigned),
        "unserved": unserved,
        "mean_wait": round(sum(waits) / len(waits), 2) if waits else 0.0,
        "max_wait": round(max(waits), 2) if waits else 0.0,
    }
