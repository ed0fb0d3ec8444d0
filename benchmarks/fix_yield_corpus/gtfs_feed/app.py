"""GTFS ``stop_times.txt`` export for a bus operator's timetable builder.

Planners keep each route as a stop pattern (ordered stops with the running time
from the first stop) plus service frequencies.  The exporter lays out the trips
and renders the ``stop_times.txt`` table that goes into the published feed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)

HEADER = (
    "trip_id",
    "arrival_time",
    "departure_time",
    "stop_id",
    "stop_sequence",
    "pickup_type",
    "drop_off_type",
    "timepoint",
    "shape_dist_traveled",
)

NO_SERVICE = 1
REGULAR = 0


@dataclass(frozen=True)
class PatternStop:
    stop_id: str
    run_seconds: int  # from departure at the first stop
    dwell_seconds: int = 0
    distance_m: float = 0.0
    timepoint: bool = False
    drop_off_only: bool = False


@dataclass(frozen=True)
class RoutePattern:
    route_id: str
    direction: int
    stops: tuple[PatternStop, ...]

    def validate(self) -> None:
        if len(self.stops) < 2:
            raise ValueError(f"{self.route_id}/{self.direction}: a pattern needs two stops")
        previous_departure = -1
        for stop in self.stops:
            if stop.run_seconds < previous_departure:
                raise ValueError(f"{self.route_id}/{self.direction}: {stop.stop_id} runs backwards")
            previous_departure = stop.run_seconds + stop.dwell_seconds


@dataclass(frozen=True)
class Trip:
    trip_id: str
    pattern: RoutePattern
    start_seconds: int


def gtfs_time(seconds: int) -> str:
    """GTFS times count from service-day noon minus 12h and may pass 24:00:00."""
    if seconds < 0:
        raise ValueError("negative time of day")
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"


def csv_field(value: object) -> str:
    text = str(value)
    if "," in text or '"' in text or "\n" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def expand_trips(
    pattern: RoutePattern, service_id: str, frequencies: list[tuple[int, int, int]]
) -> list[Trip]:
    """One trip per headway inside each (start, end, headway) window, end exclusive."""
    pattern.validate()
    trips = []
    for start, end, headway in frequencies:
        if headway <= 0:
            raise ValueError(f"headway must be positive, got {headway}")
        departure = start
        while departure < end:
            trip_id = f"{pattern.route_id}-{pattern.direction}-{service_id}-{departure // 60:04d}"
            trips.append(Trip(trip_id, pattern, departure))
            departure += headway
    return trips


class StopTimesWriter:
    """Renders stop_times rows; one writer per feed build."""

    def __init__(self, include_distances: bool = True) -> None:
        self.include_distances = include_distances
        self.rows_written = 0
        self._text = ""

    def _write_row(self, fields: list[object]) -> None:
        self._text += ",".join(csv_field(f) for f in fields) + "\n"

    def _write_trip(self, trip: Trip) -> None:
        stops = trip.pattern.stops
        last = len(stops) - 1
        for index, stop in enumerate(stops):
            arrival = trip.start_seconds + stop.run_seconds
            departure = arrival + stop.dwell_seconds
            pickup = NO_SERVICE if index == last or stop.drop_off_only else REGULAR
            drop_off = NO_SERVICE if index == 0 else REGULAR
            row: list[object] = [
                trip.trip_id,
                gtfs_time(arrival),
                gtfs_time(departure),
                stop.stop_id,
                index + 1,
                pickup,
                drop_off,
                1 if stop.timepoint or index in (0, last) else 0,
            ]
            row.append(f"{stop.distance_m / 1000:.3f}" if self.include_distances else "")
            self._write_row(row)
            self.rows_written += 1

    def render(self, trips: list[Trip]) -> str:
        self._text = ""
        self.rows_written = 0
        self._write_row(list(HEADER))
        ordered = sorted(
            trips, key=lambda t: (t.pattern.route_id, t.pattern.direction, t.start_seconds)
        )
        for trip in ordered:
            self._write_trip(trip)
        log.debug("stop_times: %d trips, %d rows", len(ordered), self.rows_written)
        return self._text


def build_stop_times(
    schedule: list[tuple[RoutePattern, str, list[tuple[int, int, int]]]],
    include_distances: bool = True,
) -> str:
    trips: list[Trip] = []
    seen: set[str] = set()
    for pattern, service_id, frequencies in schedule:
        for trip in expand_trips(pattern, service_id, frequencies):
            if trip.trip_id in seen:
                raise ValueError(f"duplicate trip {trip.trip_id}: overlapping frequency windows")
            seen.add(trip.trip_id)
            trips.append(trip)
    return StopTimesWriter(include_distances).render(trips)
