import pytest
from app import CaptureError, PcapReader, decode, flow_table, top_talkers
from workload import build_capture, build_frame


def test_decode_tcp_udp_icmp_and_vlan():
    tcp = build_frame("10.0.0.1", "10.0.0.2", 6, 50000, 443, flags=0x12, payload=100)
    assert decode(tcp) == ("tcp", "10.0.0.1", 50000, "10.0.0.2", 443, 0x12, 100)
    udp = build_frame("10.0.0.3", "8.8.8.8", 17, 40001, 53, payload=30, vlan=20)
    assert decode(udp) == ("udp", "10.0.0.3", 40001, "8.8.8.8", 53, 0, 30)
    icmp = build_frame("10.0.0.4", "10.0.0.5", 1, payload=56)
    assert decode(icmp) == (
        "icmp",
        "10.0.0.4",
        8,
        "10.0.0.5",
        0,
        0,
        64,
    )  # ICMP counts its 8-byte header


def test_decode_rejects_non_ipv4_and_short_frames():
    assert decode(build_frame("10.0.0.1", "10.0.0.1", 0, ethertype=0x86DD, payload=40)) is None
    assert decode(build_frame("10.0.0.1", "10.0.0.2", 6, 1, 2)[:20]) is None
    assert decode(b"\x00" * 10) is None
    other = build_frame("10.0.0.1", "10.0.0.2", 47, payload=8)
    assert decode(other)[0] == "47"


def test_snaplen_truncation_keeps_ports_and_wire_length():
    frame = build_frame("10.1.1.1", "10.2.2.2", 6, 1234, 80, flags=0x02, payload=1000)
    cap = build_capture([(10.5, frame)], snaplen=64)
    reader = PcapReader(cap)
    ((ts, length, view),) = list(reader.packets())
    assert ts == 10.5 and length == len(frame) and len(view) == 64
    assert reader.truncated == 1
    (flow,) = flow_table(cap).values()
    assert (flow.sport, flow.dport, flow.syn, flow.octets, flow.payload) == (
        1234,
        80,
        1,
        len(frame),
        1000,
    )


def test_flows_aggregate_and_big_endian_capture():
    a = build_frame("10.0.0.1", "10.0.0.9", 6, 5000, 22, flags=0x02)
    b = build_frame("10.0.0.1", "10.0.0.9", 6, 5000, 22, flags=0x18, payload=48)
    c = build_frame("10.0.0.1", "10.0.0.9", 6, 5000, 22, flags=0x11)
    records = [(100.0, a), (100.25, b), (101.0, c)]
    for endian in "<>":
        (flow,) = flow_table(build_capture(records, endian=endian)).values()
        assert flow.packets == 3 and flow.octets == len(a) + len(b) + len(c)
        assert flow.payload == 48 and flow.syn == 1 and flow.fin_or_rst == 1
        assert flow.duration == pytest.approx(1.0)


def test_bad_captures_raise():
    good = build_capture([(1.0, build_frame("10.0.0.1", "10.0.0.2", 17, 1, 2))])
    with pytest.raises(CaptureError):
        PcapReader(good[:10])
    with pytest.raises(CaptureError):
        PcapReader(b"\x00" * 24)
    with pytest.raises(CaptureError):
        list(PcapReader(good[:-3]).packets())
    with pytest.raises(CaptureError):
        list(PcapReader(good + b"\x01\x02").packets())


def test_top_talkers_ranking():
    frames = [
        (1.0, build_frame("10.0.0.2", "10.0.0.9", 17, 1000, 53, payload=200)),
        (2.0, build_frame("10.0.0.1", "10.0.0.9", 17, 1000, 53, payload=100)),
        (3.0, build_frame("10.0.0.1", "10.0.0.8", 17, 1000, 53, payload=100)),
        (4.0, build_frame("10.0.0.3", "10.0.0.9", 1, payload=10)),
    ]
    ranked = top_talkers(build_capture(frames))
    assert [(h, n) for h, _, n in ranked] == [("10.0.0.1", 2), ("10.0.0.2", 1), ("10.0.0.3", 1)]
    assert ranked[0][1] == 2 * len(frames[1][1])
    assert top_talkers(build_capture(frames), limit=1) == ranked[:1]
