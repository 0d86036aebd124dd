"""A minimal, defensive DER reader for X.509 certificates.

The `ssl` module only decodes a peer certificate it has verified. To show
the issuer of an *untrusted* certificate (which is what reveals a TLS
inspection proxy's CA) we read the few fields we need from the DER bytes.
Pure stdlib; never raises (returns what it could read).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass, field

_OID_NAMES = {
    "2.5.4.3": "CN",
    "2.5.4.6": "C",
    "2.5.4.7": "L",
    "2.5.4.8": "ST",
    "2.5.4.10": "O",
    "2.5.4.11": "OU",
    "2.5.4.5": "serialNumber",
    "1.2.840.113549.1.9.1": "emailAddress",
    "0.9.2342.19200300.100.1.25": "DC",
}
_SAN_OID = "2.5.29.17"


@dataclass
class CertInfo:
    subject: str = ""
    issuer: str = ""
    not_before: dt.datetime | None = None
    not_after: dt.datetime | None = None
    san: list[str] = field(default_factory=list)


class _DerError(Exception):
    pass


def _tlv(data: bytes, pos: int) -> tuple[int, int, int]:
    """(tag, content_start, content_end) of the element at `pos`."""
    if pos + 2 > len(data):
        raise _DerError("truncated")
    tag = data[pos]
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        n = length & 0x7F
        if n == 0 or n > 4 or pos + n > len(data):
            raise _DerError("bad length")
        length = int.from_bytes(data[pos : pos + n], "big")
        pos += n
    end = pos + length
    if end > len(data):
        raise _DerError("truncated content")
    return tag, pos, end


def _children(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    out = []
    pos = start
    while pos < end:
        tag, s, e = _tlv(data, pos)
        out.append((tag, s, e))
        pos = e
        if len(out) > 10_000:
            raise _DerError("too many elements")
    return out


def _oid(raw: bytes) -> str:
    if not raw:
        return ""
    parts = [raw[0] // 40, raw[0] % 40] if raw[0] < 80 else [2, raw[0] - 80]
    value = 0
    for b in raw[1:]:
        value = (value << 7) | (b & 0x7F)
        if not b & 0x80:
            parts.append(value)
            value = 0
    return ".".join(str(p) for p in parts)


def _string(tag: int, raw: bytes) -> str:
    if tag == 0x1E:
        return raw.decode("utf-16-be", "replace")
    if tag == 0x1C:
        return raw.decode("utf-32-be", "replace")
    if tag == 0x0C:
        return raw.decode("utf-8", "replace")
    return raw.decode("latin-1")


def _name(data: bytes, start: int, end: int) -> str:
    parts: list[str] = []
    for _tag, s, e in _children(data, start, end):  # RDN SETs
        for _t2, s2, e2 in _children(data, s, e):  # AttributeTypeAndValue
            kids = _children(data, s2, e2)
            if len(kids) < 2:
                continue
            oid = _oid(data[kids[0][1] : kids[0][2]])
            vtag, vs, ve = kids[1]
            label = _OID_NAMES.get(oid, oid)
            parts.append(f"{label}={_string(vtag, data[vs:ve])}")
    return ", ".join(parts)


def _time(tag: int, raw: bytes) -> dt.datetime | None:
    text = raw.decode("ascii", "replace").rstrip("Z")
    try:
        if tag == 0x17:  # UTCTime YYMMDDHHMM[SS]
            year = int(text[:2])
            year += 2000 if year < 50 else 1900
            rest = text[2:]
        else:  # GeneralizedTime YYYYMMDDHHMM[SS]
            year = int(text[:4])
            rest = text[4:]
        month, day, hour, minute = (int(rest[i : i + 2]) for i in (0, 2, 4, 6))
        second = int(rest[8:10]) if len(rest) >= 10 else 0
        return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)
    except (ValueError, IndexError):
        return None


def _san(data: bytes, start: int) -> list[str]:
    """GeneralNames inside an extension's OCTET STRING content starting at `start`."""
    out: list[str] = []
    _tag, s, e = _tlv(data, start)
    for tag, s2, e2 in _children(data, s, e):
        raw = data[s2:e2]
        if tag == 0x82:
            out.append("DNS:" + raw.decode("ascii", "replace"))
        elif tag == 0x87 and len(raw) in (4, 16):
            out.append("IP:" + str(ipaddress.ip_address(raw)))
    return out


def parse_certificate(der: bytes) -> CertInfo:
    """Subject, issuer, validity and SAN of a DER certificate; empty fields if unreadable."""
    info = CertInfo()
    try:
        _tag, s, e = _tlv(der, 0)
        _tag, ts, te = _children(der, s, e)[0]  # tbsCertificate
        kids = _children(der, ts, te)
        i = 1 if kids and kids[0][0] == 0xA0 else 0  # skip [0] version
        _serial, _sig = kids[i], kids[i + 1]
        _t, s1, e1 = kids[i + 2]
        info.issuer = _name(der, s1, e1)
        _t, s2, e2 = kids[i + 3]
        validity = _children(der, s2, e2)
        if len(validity) >= 2:
            info.not_before = _time(validity[0][0], der[validity[0][1] : validity[0][2]])
            info.not_after = _time(validity[1][0], der[validity[1][1] : validity[1][2]])
        _t, s3, e3 = kids[i + 4]
        info.subject = _name(der, s3, e3)
        for tag, xs, _xe in kids[i + 6 :]:
            if tag != 0xA3:
                continue
            _t, ls, le = _tlv(der, xs)  # SEQUENCE OF Extension
            for _t2, es, ee in _children(der, ls, le):
                ext = _children(der, es, ee)
                if ext and _oid(der[ext[0][1] : ext[0][2]]) == _SAN_OID:
                    info.san = _san(der, ext[-1][1])
    except (_DerError, IndexError, ValueError):
        pass
    return info
