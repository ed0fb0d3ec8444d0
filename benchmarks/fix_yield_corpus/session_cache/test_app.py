import logging

from app import Session, SessionCache
from workload import load_session, make_input


def test_hits_misses_and_eviction_order():
    loaded = []

    def load(token):
        loaded.append(token)
        return load_session(token)

    cache = SessionCache(load, capacity=2)
    cache.get_many(["tok-1", "tok-2", "tok-1", "tok-3", "tok-2"])
    # tok-1 was used after tok-2, so tok-2 went when tok-3 came
    assert loaded == ["tok-1", "tok-2", "tok-3", "tok-2"]
    assert (cache.hits, cache.misses) == (1, 4)
    assert list(cache.entries) == ["tok-3", "tok-2"]


def test_returns_the_loaded_sessions():
    cache = SessionCache(load_session)
    sessions = cache.get_many(["tok-5", "tok-5"])
    assert sessions[0] is sessions[1]
    assert str(sessions[0]) == (
        "<session user5 roles=viewer/editor/admin locale=de-DE, mfa=False, plan=pro, tenant=t5>"
    )


def test_debug_record_text(caplog):
    cache = SessionCache(lambda token: Session(token, ("viewer",), {"b": "2", "a": "1"}))
    with caplog.at_level(logging.DEBUG, logger="app"):
        cache.get_many(["x", "x"])
    assert [r.getMessage() for r in caplog.records] == [
        "session for x: <session x roles=viewer a=1, b=2> (cached 1)",
    ] * 2


def test_no_record_at_info(caplog):
    with caplog.at_level(logging.INFO, logger="app"):
        SessionCache(load_session).get_many(["tok-1"])
    assert caplog.records == []


def test_fixed_input():
    cache = SessionCache(load_session)
    cache.get_many(make_input())
    assert (cache.hits, cache.misses, len(cache.entries)) == (3510, 490, 128)
    cache.get_many(make_input())
    assert (cache.hits, cache.misses) == (7110, 890)
