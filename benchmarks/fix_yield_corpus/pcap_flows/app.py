"""Summarise network flows from a classic libpcap capture (Ethernet / IPv4 / TCP+UDP)."""

from __future__ import annotations

import ipaddress
import struct
from dataclasses import dataclass

PCAP_MAGIC_LE = 0xA1B2C3D4
PCAP_MAGIC_SWAPPED = 0xD4C3B2A1
LINKTYPE_ETHERNET = 1
ETHERTYPE_IPV4 = 0x0800
ETHERTYPE_VLAN = 0x8100
PROTO_NAMES = {1: "icmp", 6: "tcp", 17: "udp"}

GLOBAL_HEADER = struct.Struct("<IHHiIII")


@dataclass
class Flow:
    proto: str
    src: str
    sport: int
    dst: str
    dport: int
    packets: int = 0
    octets: int = 0
    payload: int = 0
    first_ts: float = 0.0
    last_ts: float = 0.0
    syn: int = 0
    fin_or_rst: int = 0

    @property
    def duration(self) -> float:
        return self.last_ts - self.first_ts


class CaptureError(ValueError):
    pass


class PcapReader:
    def __init__(self, data: bytes) -> None:
        if len(data) < GLOBAL_HEADER.size:
            raise CaptureError("capture shorter than the global header")
        magic, major, minor, _tz, _sigfigs, self.snaplen, self.linktype = GLOBAL_HEADER.unpack_from(
            data, 0
        )
        if magic == PCAP_MAGIC_LE:
            self.endian = "<"
        elif magic == PCAP_MAGIC_SWAPPED:
            self.endian = ">"
            _m, major, minor, _tz, _sf, self.snaplen, self.linktype = struct.unpack_from(
                ">IHHiIII", data, 0
            )
        else:
            raise CaptureError(f"not a pcap file (magic {magic:#x})")
        if (major, minor) != (2, 4) or self.linktype != LINKTYPE_ETHERNET:
            raise CaptureError(f"unsupported capture v{major}.{minor} linktype {self.linktype}")
        self.data = data
        self.truncated = 0
        self._record = struct.Struct(self.endian + "IIII")

    def packets(self):
        """Yield (timestamp, wire_length, frame view) for every record."""
        data, off, end = self.data, GLOBAL_HEADER.size, len(self.data)
        view = memoryview(data)
        record = self._record
        while off < end:
            if off + record.size > end:
                raise CaptureError(f"truncated record header at offset {off}")
            ts_sec, ts_usec, incl_len, orig_len = record.unpack_from(data, off)
            off += record.size
            if off + incl_len > end:
                raise CaptureError(f"truncated packet at offset {off}")
            if incl_len < orig_len:
                self.truncated += 1
            yield ts_sec + ts_usec / 1_000_000, orig_len, view[off : off + incl_len]
            off += incl_len


def decode(frame) -> tuple[str, str, int, str, int, int, int] | None:
    """Return (proto, src, sport, dst, dport, tcp_flags, payload_len) for an IPv4 frame, else None.

    For ICMP the type and code stand in for the ports, as NetFlow does.
    """
    ethernet = struct.Struct("!6s6sH")
    vlan_tag = struct.Struct("!HH")
    ipv4 = struct.Struct("!BBHHHBBH4s4s")
    tcp = struct.Struct("!HHIIBBH")
    udp = struct.Struct("!HHH")
    icmp = struct.Struct("!BB")
    if len(frame) < ethernet.size:
        return None
    _dst_mac, _src_mac, ethertype = ethernet.unpack_from(frame, 0)
    off = ethernet.size
    if ethertype == ETHERTYPE_VLAN and len(frame) >= off + vlan_tag.size:
        _tci, ethertype = vlan_tag.unpack_from(frame, off)
        off += vlan_tag.size
    if ethertype != ETHERTYPE_IPV4 or len(frame) < off + ipv4.size:
        return None
    ver_ihl, _tos, total, _ident, frag, _ttl, proto, _csum, src, dst = ipv4.unpack_from(frame, off)
    if ver_ihl >> 4 != 4:
        return None
    header_len = (ver_ihl & 0x0F) * 4
    off += header_len
    payload = total - header_len
    sport = dport = flags = 0
    first_fragment = frag & 0x1FFF == 0
    if proto == 6 and first_fragment and len(frame) >= off + tcp.size:
        sport, dport, _seq, _ack, data_off, flags, _win = tcp.unpack_from(frame, off)
        payload -= (data_off >> 4) * 4
    elif proto == 17 and first_fragment and len(frame) >= off + udp.size:
        sport, dport, length = udp.unpack_from(frame, off)
        payload = length - 8
    elif proto == 1 and len(frame) >= off + icmp.size:
        sport, dport = icmp.unpack_from(frame, off)
    return (
        PROTO_NAMES.get(proto, str(proto)),
        _ip(src),
        sport,
        _ip(dst),
        dport,
        flags,
        max(payload, 0),
    )


_ip_cache: dict[bytes, str] = {}


def _ip(raw: bytes) -> str:
    text = _ip_cache.get(raw)
    if text is None:
        text = _ip_cache[raw] = str(ipaddress.IPv4Address(raw))
    return text


def flow_table(capture: bytes) -> dict[tuple, Flow]:
    flows: dict[tuple, Flow] = {}
    for ts, length, frame in PcapReader(capture).packets():
        decoded = decode(frame)
        if decoded is None:
            continue
        proto, src, sport, dst, dport, flags, payload = decoded
        key = (proto, src, sport, dst, dport)
        flow = flows.get(key)
        if flow is None:
            flow = flows[key] = Flow(proto, src, sport, dst, dport, first_ts=ts, last_ts=ts)
        flow.packets += 1
        flow.octets += length
        flow.payload += payload
        flow.last_ts = ts
        if flags & 0x02:
            flow.syn += 1
        if flags & 0x05:
            flow.fin_or_rst += 1
    return flows


def top_talkers(capture: bytes, limit: int = 10) -> list[tuple[str, int, int]]:
    """Source hosts by bytes sent: (host, octets, distinct destinations)."""
    sent: dict[str, int] = {}
    peers: dict[str, set[str]] = {}
    for flow in flow_table(capture).values():
        sent[flow.src] = sent.get(flow.src, 0) + flow.octets
        peers.setdefault(flow.src, set()).add(flow.dst)
    ranked = sorted(sent.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(host, octets, len(peers[host])) for host, octets in ranked[:limit]]
