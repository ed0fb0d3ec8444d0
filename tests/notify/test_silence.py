"""Silence rules without a database: Alertmanager matchers, one-off and weekly windows
(across daylight-saving changes), and the reason an incident's pages are held back."""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from efficiency.notify.silence import (
    Matcher,
    Recurrence,
    RecurrenceError,
    SilenceRule,
    format_duration,
    parse_duration,
    parse_matcher,
    parse_recurrence,
    silence_reason,
)

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # a Monday
LABEL_NAMES = st.from_regex(r"[a-zA-Z_:][a-zA-Z0-9_:]{0,20}", fullmatch=True)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def window(days: str, start: str, seconds: float, tz: str = "Europe/Berlin") -> SilenceRule:
    """A maintenance window valid all of 2026, matching service=db."""
    return SilenceRule(
        id=1,
        matchers=(Matcher("service", "db"),),
        starts_at=utc("2026-01-01T00:00:00Z"),
        ends_at=utc("2027-01-01T00:00:00Z"),
        recurrence=Recurrence.from_dict(parse_recurrence(days, start, seconds, tz)),
    )


# ------------------------------------------------------------------------------ matchers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("service=checkout", Matcher("service", "checkout", "=")),
        ("service!=checkout", Matcher("service", "checkout", "!=")),
        ('alertname=~"Disk.*"', Matcher("alertname", "Disk.*", "=~")),
        ("alertname!~Disk.*", Matcher("alertname", "Disk.*", "!~")),
        ('  team = "a b"  ', Matcher("team", "a b", "=")),
        (r'msg="say \"hi\"\n"', Matcher("msg", 'say "hi"\n', "=")),
        (r'path="C:\dir\\"', Matcher("path", "C:\\dir\\", "=")),
        ("env=", Matcher("env", "", "=")),
        ("a==b", Matcher("a", "=b", "=")),
    ],
)
def test_parse_matcher_reads_alertmanager_syntax(text: str, expected: Matcher) -> None:
    assert parse_matcher(text) == expected


@pytest.mark.parametrize(
    "text", ["", "service", "1service=a", "ser vice=a", 'a="b', 'a=b"c', 'a="b"c"', 'a=~"("']
)
def test_bad_matcher_raises_value_error_naming_it(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_matcher(text)
    assert repr(text) in str(caught.value)


def test_missing_label_is_the_empty_string() -> None:
    assert parse_matcher('env=""').matches({})
    assert parse_matcher("env!=prod").matches({})
    assert parse_matcher('env=~".*"').matches({})
    assert not parse_matcher("env=~prod").matches({})
    assert not parse_matcher("env!~.*").matches({"service": "x"})


def test_regexes_are_fully_anchored() -> None:
    disk = parse_matcher('alertname=~"Disk"')
    assert not disk.matches({"alertname": "DiskFull"})
    assert not disk.matches({"alertname": "NoDisk"})
    assert parse_matcher("alertname=~Disk.*").matches({"alertname": "DiskFull"})
    either = parse_matcher('a=~"x|y"')
    assert either.matches({"a": "y"}) and not either.matches({"a": "xz"})
    assert parse_matcher('a!~"x|y"').matches({"a": "xz"})


def test_matcher_dict_round_trip_and_validation() -> None:
    m = parse_matcher('alertname=~"Disk.*"')
    assert m.as_dict() == {"name": "alertname", "value": "Disk.*", "op": "=~"}
    assert Matcher.from_dict(m.as_dict()) == m
    with pytest.raises(ValueError, match="operator"):
        Matcher.from_dict({"name": "a", "value": "b", "op": "=="})
    with pytest.raises(ValueError, match="'value'"):
        Matcher.from_dict({"name": "a"})


@given(LABEL_NAMES, st.text(), st.sampled_from(["=", "!="]))
def test_matcher_text_round_trips(name: str, value: str, op: str) -> None:
    m = Matcher(name, value, op)
    assert parse_matcher(str(m)) == m


@given(LABEL_NAMES, st.text(max_size=20).map(re.escape), st.sampled_from(["=~", "!~"]))
def test_regex_matcher_text_round_trips(name: str, value: str, op: str) -> None:
    m = Matcher(name, value, op)
    assert parse_matcher(str(m)) == m


@given(LABEL_NAMES, st.from_regex(r"[a-zA-Z0-9_.:/-]*", fullmatch=True))
def test_unquoted_values_parse_as_written(name: str, value: str) -> None:
    assert parse_matcher(f"{name}!={value}") == Matcher(name, value, "!=")


@given(st.text(max_size=40))
def test_any_text_parses_or_raises_value_error(text: str) -> None:
    with contextlib.suppress(ValueError):
        parse_matcher(text)


@given(LABEL_NAMES, st.text(max_size=10), st.dictionaries(LABEL_NAMES, st.text(max_size=10)))
def test_equality_matchers_compare_the_label_value(
    name: str, value: str, labels: dict[str, str]
) -> None:
    present = labels.get(name, "")
    assert Matcher(name, value, "=").matches(labels) == (present == value)
    assert Matcher(name, value, "!=").matches(labels) == (present != value)


# ------------------------------------------------------------------------------ durations


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90", 90), ("90s", 90), ("15m", 900), ("2h", 7200), ("1d", 86_400), ("1h30m", 5400),
     ("1w", 604_800), ("1.5h", 5400), ("500ms", 0.5)],
)  # fmt: skip
def test_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "0", "-5", "2x", "h", "1h 30m", "inf", "nan", "0s"])
def test_bad_duration_names_the_text(text: str) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(text))):
        parse_duration(text)


def test_format_duration() -> None:
    assert [format_duration(s) for s in (7200, 5400, 90, 86_400 + 60, 0)] == [
        "2h", "1h30m", "1m30s", "1d1m", "0s",
    ]  # fmt: skip


# ------------------------------------------------------------------------------ recurrence


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ("mon,tue", ["mon", "tue"]),
        ("mon-fri", ["mon", "tue", "wed", "thu", "fri"]),
        ("daily", ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]),
        ("fri-mon", ["mon", "fri", "sat", "sun"]),
        ("Sunday, wed", ["wed", "sun"]),
        ("sat,sat", ["sat"]),
    ],
)
def test_parse_recurrence_days(days: str, expected: list[str]) -> None:
    parsed = parse_recurrence(days, "2:00", 7200, "Europe/Berlin")
    assert parsed == {"days": expected, "start": "02:00", "duration_seconds": 7200,
                      "timezone": "Europe/Berlin"}  # fmt: skip


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("mon-fry", "02:00", 3600, "UTC"), "days"),
        (("", "02:00", 3600, "UTC"), "days"),
        (("mon", "24:00", 3600, "UTC"), "start"),
        (("mon", "2am", 3600, "UTC"), "start"),
        (("mon", "02:00", 0, "UTC"), "duration_seconds"),
        (("mon", "02:00", 8 * 86_400, "UTC"), "duration_seconds"),
        (("mon", "02:00", 3600, "Mars/Olympus"), "timezone"),
        (("mon", "02:00", 3600, "../../etc/passwd"), "timezone"),
    ],
)
def test_bad_recurrence_names_the_field(args: tuple[str, str, float, str], field: str) -> None:
    with pytest.raises(RecurrenceError) as caught:
        parse_recurrence(*args)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")


def test_recurrence_from_dict_needs_its_fields() -> None:
    with pytest.raises(RecurrenceError, match="start: is required"):
        Recurrence.from_dict({"days": ["mon"], "duration_seconds": 60})
    with pytest.raises(RecurrenceError, match="days"):
        Recurrence.from_dict({"days": [1, 2], "start": "01:00", "duration_seconds": 60})


# ------------------------------------------------------------------------------ active_at


def test_one_off_is_active_from_start_until_end_or_expiry() -> None:
    rule = SilenceRule(1, (Matcher("a", "b"),), T0, T0 + timedelta(hours=2))
    assert not rule.active_at(T0 - timedelta(seconds=1))
    assert rule.active_at(T0)
    assert rule.active_at(T0 + timedelta(hours=2) - timedelta(microseconds=1))
    assert not rule.active_at(T0 + timedelta(hours=2))
    expired = SilenceRule(1, (Matcher("a", "b"),), T0, T0 + timedelta(hours=2),
                          expired_at=T0 + timedelta(hours=1))  # fmt: skip
    assert expired.active_at(T0 + timedelta(minutes=59))
    assert not expired.active_at(T0 + timedelta(hours=1))


def test_naive_times_are_utc() -> None:
    rule = SilenceRule(1, (Matcher("a", "b"),), T0, T0 + timedelta(hours=1))
    assert rule.active_at(T0.replace(tzinfo=None))


def test_recurring_window_only_inside_its_validity() -> None:
    rule = window("daily", "02:00", 3600, "UTC")
    assert rule.active_at(utc("2026-06-01T02:30:00Z"))
    assert not rule.active_at(utc("2026-06-01T03:00:00Z"))
    assert not rule.active_at(utc("2025-12-31T02:30:00Z"))  # before starts_at
    assert not rule.active_at(utc("2027-01-01T02:30:00Z"))  # after ends_at


def test_weekday_windows_follow_local_time_in_winter_and_summer() -> None:
    rule = window("mon-fri", "02:00", 7200)
    assert rule.active_at(utc("2026-01-05T01:00:00Z"))  # Monday 02:00 CET
    assert not rule.active_at(utc("2026-01-05T00:30:00Z"))  # Monday 01:30 CET
    assert rule.active_at(utc("2026-07-06T00:00:00Z"))  # Monday 02:00 CEST
    assert not rule.active_at(utc("2026-07-06T02:00:00Z"))  # Monday 04:00 CEST
    assert not rule.active_at(utc("2026-07-04T01:00:00Z"))  # Saturday


def test_sunday_window_runs_into_monday() -> None:
    rule = window("sun", "23:00", 7200)
    assert rule.active_at(utc("2026-03-01T22:00:00Z"))  # Sunday 23:00 CET
    assert rule.active_at(utc("2026-03-01T23:30:00Z"))  # Monday 00:30 CET
    assert not rule.active_at(utc("2026-03-02T00:00:00Z"))  # Monday 01:00 CET
    assert not rule.active_at(utc("2026-03-02T23:30:00Z"))  # Tuesday 00:30
    assert window("sun", "23:00", 7200, "UTC").active_at(utc("2026-03-02T00:30:00Z"))


def test_window_start_in_the_spring_forward_gap_begins_after_it() -> None:
    """Berlin skips 02:00-03:00 on 2026-03-29: a 02:30 start is 03:30 summer time."""
    rule = window("daily", "02:30", 3600)
    assert rule.active_at(utc("2026-03-28T01:30:00Z"))  # Saturday 02:30 CET
    assert not rule.active_at(utc("2026-03-29T01:29:59Z"))
    assert rule.active_at(utc("2026-03-29T01:30:00Z"))  # 03:30 CEST
    assert not rule.active_at(utc("2026-03-29T02:30:00Z"))
    assert rule.active_at(utc("2026-03-30T00:30:00Z"))  # Monday 02:30 CEST


def test_window_across_spring_forward_lasts_its_real_duration() -> None:
    rule = window("sat", "22:00", 6 * 3600)  # Saturday 22:00 CET = 21:00 UTC
    assert rule.active_at(utc("2026-03-28T21:00:00Z"))
    assert rule.active_at(utc("2026-03-29T02:59:59Z"))  # 04:59 CEST
    assert not rule.active_at(utc("2026-03-29T03:00:00Z"))


def test_window_start_in_the_repeated_autumn_hour_is_its_first_occurrence() -> None:
    """Berlin has 02:00-03:00 twice on 2026-10-25: the window opens at the first 02:30."""
    rule = window("daily", "02:30", 3600)
    assert rule.active_at(utc("2026-10-24T00:30:00Z"))  # Saturday 02:30 CEST
    assert rule.active_at(utc("2026-10-25T00:30:00Z"))  # 02:30 CEST
    assert rule.active_at(utc("2026-10-25T01:29:59Z"))
    assert not rule.active_at(utc("2026-10-25T01:30:00Z"))  # the second 02:30 (CET)
    assert rule.active_at(utc("2026-10-26T01:30:00Z"))  # Monday 02:30 CET


def test_window_across_fall_back_lasts_its_real_duration() -> None:
    rule = window("sun", "01:00", 3 * 3600)  # 01:00 CEST = 23:00 UTC on Saturday
    assert not rule.active_at(utc("2026-10-24T22:59:59Z"))
    assert rule.active_at(utc("2026-10-24T23:00:00Z"))
    assert rule.active_at(utc("2026-10-25T01:59:59Z"))  # 02:59 CET, 3 real hours later
    assert not rule.active_at(utc("2026-10-25T02:00:00Z"))


def test_week_long_window_covers_the_whole_week() -> None:
    rule = window("mon", "00:00", 7 * 86_400)
    t = utc("2026-05-04T00:00:00Z")
    assert all(rule.active_at(t + timedelta(hours=h)) for h in range(0, 24 * 14, 5))


# ------------------------------------------------------------------------------ reasons


def rule(silence_id: int, *matchers: str, comment: str = "") -> SilenceRule:
    return SilenceRule(
        silence_id, tuple(parse_matcher(m) for m in matchers), T0, T0 + timedelta(hours=1),
        comment=comment,
    )  # fmt: skip


def test_describe_uses_the_comment_or_the_matchers() -> None:
    assert rule(3, "service=db", comment="db maintenance").describe() == (
        "silence 3 (db maintenance)"
    )
    assert rule(4, "service=db", "env!~dev.*").describe() == (
        'silence 4 (service="db", env!~"dev.*")'
    )


def test_every_label_set_must_be_matched_by_an_active_rule() -> None:
    rules = [rule(1, "service=checkout", comment="deploy"), rule(2, "alertname=~Disk.*")]
    at = T0 + timedelta(minutes=5)
    checkout = {"service": "checkout", "alertname": "HighLatency"}
    disk = {"service": "db", "alertname": "DiskFull"}
    other = {"service": "db", "alertname": "HighLatency"}
    assert silence_reason(rules, [checkout], at) == "silence 1 (deploy)"
    assert silence_reason(rules, [checkout, disk], at) == (
        'silence 1 (deploy), silence 2 (alertname=~"Disk.*")'
    )
    assert silence_reason(rules, [checkout, checkout], at) == "silence 1 (deploy)"
    assert silence_reason(rules, [checkout, other], at) is None
    assert silence_reason(rules, [], at) is None
    assert silence_reason(rules, [checkout], T0 + timedelta(hours=1)) is None  # ended


def test_a_rule_without_matchers_matches_nothing() -> None:
    empty = SilenceRule(9, (), T0, T0 + timedelta(hours=1))
    assert not empty.matches({})
    assert silence_reason([empty], [{}], T0) is None


def test_from_row_reads_a_stored_silence() -> None:
    row = SimpleNamespace(
        id=7,
        matchers=[{"name": "service", "value": "db", "op": "="}],
        starts_at=datetime(2026, 1, 1),
        ends_at=None,
        recurrence={"days": ["sun"], "start": "23:00", "duration_seconds": 7200,
                    "timezone": "Europe/Berlin"},
        comment="weekly db maintenance",
        expired_at=None,
    )  # fmt: skip
    got = SilenceRule.from_row(row)
    assert got.matchers == (Matcher("service", "db"),)
    assert got.starts_at == datetime(2026, 1, 1, tzinfo=UTC)
    assert got.recurrence is not None
    assert got.recurrence.describe() == "sun 23:00 for 2h (Europe/Berlin)"
    assert silence_reason([got], [{"service": "db"}], utc("2026-03-01T23:30:00Z")) == (
        "silence 7 (weekly db maintenance)"
    )
