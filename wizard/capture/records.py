"""A capture file as a bounded stream of records: (packet number, time, frame bytes).

dpkt's pcap and pcapng readers do the format work. They trust the file: a record
header's length is passed straight to `read()`, so a corrupt 4 GB length would
allocate 4 GB, a pcapng block length under 8 becomes `read(-n)` (the rest of
the file at once), and a record cut short comes back silently short. Every read
therefore goes through `_GuardedFile`, which refuses those, and the
stream stops at `Limits` (packets and bytes read) with a message saying
where it was cut. The file is read as it is iterated, never whole.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any

MAX_PACKETS = 200_000
"""Records read from a capture; the rest is left unread, with a message."""
MAX_BYTES = 200 * 1024 * 1024
"""Bytes read from a capture file; the rest is left unread, with a message."""
MAX_RECORD = 1024 * 1024
"""The largest record (pcap packet record, pcapng block) accepted. libpcap's
largest snapshot length is 256 KiB, so anything above 1 MiB is a corrupt length."""

_PCAP_MAGICS = {
    b"\xd4\xc3\xb2\xa1",  # little-endian, microseconds
    b"\xa1\xb2\xc3\xd4",  # big-endian, microseconds
    b"\x4d\x3c\xb2\xa1",  # little-endian, nanoseconds
    b"\xa1\xb2\x3c\x4d",  # big-endian, nanoseconds
}
_PCAPNG_MAGIC = b"\x0a\x0d\x0d\x0a"
_GZIP_MAGIC = b"\x1f\x8b"


class CaptureError(Exception):
    """The capture cannot be read: the message says why and, when known, at which packet."""

    def __init__(self, message: str, packet: int | None = None) -> None:
        super().__init__(message)
        self.packet = packet


@dataclass(frozen=True)
class Limits:
    """How much of a capture is read. Tests lower them; the CLI uses the defaults."""

    packets: int = MAX_PACKETS
    bytes: int = MAX_BYTES
    record: int = MAX_RECORD


class _Truncated(Exception):
    """A read came back shorter than asked: the file ends inside a record."""


class _BadLength(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


class _GuardedFile:
    """The file object dpkt reads from: refuses bad lengths, notices short reads."""

    def __init__(self, raw: IO[bytes], limit: int) -> None:
        self._raw = raw
        self._limit = limit
        self.consumed = 0
        self.hit_end = False
        self.name = getattr(raw, "name", "<capture>")

    def read(self, size: int = -1) -> bytes:
        if size < 0 or size > self._limit:
            raise _BadLength(size)
        data = self._raw.read(size)
        self.consumed += len(data)
        if size and not data:
            # The clean end of the file, if this was a read for the next record's
            # header; if dpkt goes on to hand back a record, it was truncated.
            self.hit_end = True
        elif len(data) < size:
            raise _Truncated
        return data


def _dpkt_errors() -> tuple[type[BaseException], ...]:
    import dpkt

    return (dpkt.Error, struct.error, ValueError, IndexError, KeyError, TypeError)


class RecordStream:
    """The records of one capture file; use as a context manager, then iterate once.

    After iteration, `cut` says why reading stopped early (`None` when the
    whole file was read) and `count` is the number of records read.
    """

    def __init__(self, path: Path | str, limits: Limits | None = None) -> None:
        self.path = Path(path)
        self.limits = limits or Limits()
        self.cut: str | None = None
        self.count = 0
        try:
            self._raw: IO[bytes] = open(self.path, "rb", buffering=1024 * 1024)  # noqa: SIM115
        except OSError as exc:
            raise CaptureError(f"cannot read {self.path}: {exc.strerror or exc}") from None
        try:
            self._guard = _GuardedFile(self._raw, self.limits.record)
            self._reader, self.format = self._open_reader()
            # The low 16 bits are the link type; pcap keeps FCS flags above them.
            self.linktype = int(self._reader.datalink()) & 0xFFFF
        except BaseException:
            self._raw.close()
            raise

    def _open_reader(self) -> tuple[Any, str]:
        # dpkt is imported here, not at module level: only reading a capture pays for it.
        import dpkt

        magic = self._raw.read(4)
        self._raw.seek(0)
        if magic in _PCAP_MAGICS:
            kind, factory = "pcap", dpkt.pcap.Reader
        elif magic == _PCAPNG_MAGIC:
            kind, factory = "pcapng", dpkt.pcapng.Reader
        elif not magic:
            raise CaptureError(f"{self.path} is empty")
        elif magic.startswith(_GZIP_MAGIC):
            raise CaptureError(f"{self.path} is gzip-compressed: decompress it first (gunzip)")
        else:
            raise CaptureError(
                f"{self.path} is not a pcap or pcapng capture (it starts with {magic.hex()})"
            )
        try:
            return factory(self._guard), kind
        except _Truncated:
            raise CaptureError(f"{self.path}: the file ends inside its {kind} header") from None
        except _BadLength as exc:
            raise CaptureError(
                f"{self.path}: its {kind} header claims a block of {exc.size:,} bytes: "
                "the file is corrupt"
            ) from None
        except _dpkt_errors() as exc:
            if self._guard.hit_end:
                raise CaptureError(f"{self.path}: the file ends inside its {kind} header") from None
            raise CaptureError(f"{self.path}: not a valid {kind} file ({exc})") from None

    def __enter__(self) -> RecordStream:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._raw.close()

    def _truncated(self, number: int) -> CaptureError:
        return CaptureError(
            f"packet {number}: the file ends inside this packet's record (a truncated"
            f" capture; {number - 1} packets before it are whole)",
            number,
        )

    def __iter__(self) -> Iterator[tuple[int, float, bytes]]:
        limits = self.limits
        records = iter(self._reader)
        errors = _dpkt_errors()
        while True:
            number = self.count + 1
            if self.count >= limits.packets:
                self.cut = f"stopped after the first {limits.packets:,} packets (the limit)"
                return
            if self._guard.consumed >= limits.bytes:
                self.cut = (
                    f"stopped after the first {limits.bytes / 1_048_576:,.0f} MB"
                    f" ({self.count:,} packets; the limit)"
                )
                return
            try:
                stamp, frame = next(records)
            except StopIteration:
                return
            except _Truncated:
                raise self._truncated(number) from None
            except _BadLength as exc:
                raise CaptureError(
                    f"packet {number}: its record claims {exc.size:,} bytes, more than the"
                    f" {limits.record:,}-byte limit: the file is corrupt from here",
                    number,
                ) from None
            except errors as exc:
                if self._guard.hit_end:
                    raise self._truncated(number) from None
                raise CaptureError(
                    f"packet {number}: the record is corrupt ({exc or type(exc).__name__})",
                    number,
                ) from None
            if self._guard.hit_end:
                raise self._truncated(number)
            self.count = number
            yield number, float(stamp), bytes(frame)
