from __future__ import annotations

from app import Ticket, TriageRouter, triage_batch


def test_keywords_match_case_insensitively() -> None:
    a = TriageRouter().route(Ticket("t1", "REFUND please", "I was Charged Twice for my invoice"))
    assert a.queue == "billing"
    assert a.hits == {"billing": 3}
    assert not a.urgent


def test_whole_words_only() -> None:
    a = TriageRouter().route(Ticket("t2", "download speed", "the downstairs printer is slow"))
    assert a.queue == "general"
    assert a.hits == {}


def test_special_characters_are_literal() -> None:
    router = TriageRouter()
    assert router.route(Ticket("t3", "build", "c++ compiler output")).queue == "bugs"
    assert router.route(Ticket("t4", "build", "cxx compiler output")).queue == "general"
    assert router.route(Ticket("t5", "api", "got a 503 from the gateway")).urgent


def test_subject_breaks_ties() -> None:
    t = Ticket("t6", "crash on login", "after the password reset the app shows a 2fa prompt, crash")
    a = TriageRouter().route(t)
    assert a.hits == {"security": 2, "bugs": 2}
    assert a.queue == "bugs"


def test_custom_rules_and_enterprise_urgency() -> None:
    router = TriageRouter({"shipping": ("tracking", "parcel")})
    a = router.route(Ticket("t7", "where is my parcel", "no tracking", customer_tier="enterprise"))
    assert (a.queue, a.urgent, a.hits) == ("shipping", True, {"shipping": 2})


def test_triage_batch_counts_queues() -> None:
    tickets = [
        Ticket("a", "site down", "timeout"),
        Ticket("b", "vat receipt", ""),
        Ticket("c", "hello", "just saying thanks"),
        Ticket("d", "invite", "add a seat"),
    ]
    load = triage_batch(tickets)
    assert load == {"outage": 1, "billing": 1, "general": 1, "accounts": 1}
