"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import random
import struct
import time

from app import top_talkers


def build_frame(
    src: str,
    dst: str,
    proto: int,
    sport: int = 0,
    dport: int = 0,
    flags: int = 0,
    payload: int = 0,
    vlan: int | None = None,
    ethertype: int = 0x0800,
) -> bytes:
    eth = bytes.fromhex("0242ac110002") + bytes.fromhex("0242ac110003")
    if vlan is not None:
        eth += struct.pack("!HH", 0x8100, vlan)
    eth += struct.pack("!H", ethertype)
    if proto == 6:
        l4 = struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 5 << 4, flags, 65535, 0, 0)
    elif proto == 17:
        l4 = struct.pack("!HHHH", sport, dport, 8 + payload, 0)
    else:
        l4 = struct.pack("!BBHI", 8, 0, 0, 0)
    body = l4 + bytes(payload)
    ip = struct.pack(
        "!BBHHHBBH4s4s",
        0x45,
        0,
        20 + len(body),
        1,
        0x4000,
        64,
        proto,
        0,
        ipaddress.IPv4Address(src).packed,
        ipaddress.IPv4Address(dst).packed,
    )
    return eth + ip + body


def build_capture(
    records: list[tuple[float, bytes]], snaplen: int = 65535, endian: str = "<"
) -> bytes:
    out = [struct.pack(endian + "IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, 1)]
    for ts, frame in records:
        kept = frame[:snaplen]
        sec = int(ts)
        out.append(
            struct.pack(endian + "IIII", sec, round((ts - sec) * 1_000_000), len(kept), len(frame))
        )
        out.append(kept)
    return b"".join(out)


def make_input() -> bytes:
    rng = random.Random(3)
    hosts = [f"10.0.{i // 50}.{i % 50 + 10}" for i in range(120)]
    servers = ["192.168.1.10", "192.168.1.11", "192.168.1.53", "172.16.0.5", "8.8.8.8"]
    records = []
    ts = 1_710_000_000.0
    for _ in range(12_000):
        ts += rng.expovariate(2000)
        host = rng.choice(hosts)
        roll = rng.random()
        if roll < 0.6:
            frame = build_frame(
                host,
                rng.choice(servers),
                6,
                rng.randrange(49152, 49156),
                rng.choice([443, 80, 22]),
                flags=rng.choice([0x10, 0x18, 0x18, 0x02, 0x11]),
                payload=rng.randrange(0, 1200),
            )
        elif roll < 0.9:
            frame = build_frame(
                host,
                "192.168.1.53",
                17,
                rng.randrange(40000, 40004),
                53,
                payload=rng.randrange(20, 90),
                vlan=20 if rng.random() < 0.3 else None,
            )
        elif roll < 0.97:
            frame = build_frame(host, rng.choice(servers), 1, payload=56)
        else:
            frame = build_frame(host, host, 0, ethertype=0x86DD, payload=40)
        records.append((ts, frame))
    return build_capture(records, snaplen=256)


def run(data: bytes) -> list[tuple[str, int, int]]:
    return top_talkers(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    data = make_input()
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        run(data)


if __name__ == "__main__":
    main()
