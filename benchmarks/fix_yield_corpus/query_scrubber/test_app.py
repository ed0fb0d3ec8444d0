from app import MASK, ScrubStats, scrub_batch, scrub_line


def test_masks_query_values_keeping_names():
    line = "GET /v1/items?page=2&api_key=abc123&sort=asc HTTP/1.1"
    assert scrub_line(line) == f"GET /v1/items?page=2&api_key={MASK}&sort=asc HTTP/1.1"


def test_case_insensitive_and_longest_name_wins():
    out = scrub_line("/cb?Access_Token=XYZ&token=q&X-Amz-Signature=ff00")
    assert out == f"/cb?Access_Token={MASK}&token={MASK}&X-Amz-Signature={MASK}"


def test_does_not_touch_lookalike_params():
    line = "/search?tokenizer=ws&my_password_hint=blue&sigma=3"
    assert scrub_line(line) == line


def test_bearer_header_and_stats():
    stats = ScrubStats()
    out = scrub_line('"Authorization: Bearer eyJhbGciOi.J9x-y_z==" /x?password=hunter2', stats)
    assert out == f'"Authorization: Bearer {MASK}" /x?password={MASK}'
    assert stats.lines == 1 and stats.redacted_lines == 1
    assert stats.hits == {"bearer": 1, "password": 1}


def test_extra_names_are_honoured():
    assert scrub_line("/x?otp=991122&q=1", extra=("otp",)) == f"/x?otp={MASK}&q=1"
    assert scrub_line("/x?otp=991122&q=1") == "/x?otp=991122&q=1"


def test_batch_counts_every_line():
    lines = ["/a?q=1", "/b?secret=s&Session=t", "/c?sig=1"]
    out, stats = scrub_batch(lines)
    assert out == ["/a?q=1", f"/b?secret={MASK}&Session={MASK}", f"/c?sig={MASK}"]
    assert (stats.lines, stats.redacted_lines) == (3, 2)
    assert stats.hits["session"] == 1 and stats.hits["secret"] == 1
