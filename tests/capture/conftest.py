"""Real calls recorded once per test run, shared by the capture tests and the tree walks.

`recorded(uac, uas, transport)` runs sipp as caller (`uac`) and callee (`uas`),
scenario files in this folder, with tcpdump recording loopback, and returns the
capture; the same call asked for twice is recorded once. The tools missing
skip the test that asks, with the reason (see `_sipp.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ._sipp import record_call

Recorder = Callable[..., Path]

NORMAL = ("uac_call.xml", "uas_answer.xml")
"""RTP both ways and an RFC 2833 digit from the caller, who hangs up."""
NO_ACK = ("uac_no_ack.xml", "uas_wait_ack.xml")
"""The caller never ACKs the 200 OK; the callee resends it, then hangs up."""
REJECTED = ("uac_rejected.xml", "uas_reject.xml")
"""503 Service Unavailable with Reason: Q.850;cause=34."""
ONE_WAY = ("uac_call.xml", "uas_silent.xml")
"""The callee answers and sends no RTP."""


@pytest.fixture(scope="session")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Recorder:
    made: dict[tuple[str, str, str], Path] = {}

    def get(uac: str, uas: str, transport: str = "u1") -> Path:
        key = (uac, uas, transport)
        if key not in made:
            made[key] = record_call(
                tmp_path_factory.mktemp(Path(uac).stem), uac, uas, transport=transport
            )
        return made[key]

    return get
