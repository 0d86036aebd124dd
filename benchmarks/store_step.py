"""What the store adds to a step: SQLite's synchronous=FULL against NORMAL, and a
team store on PostgreSQL (loopback) against SQLite.

A step here is what runs between a key and the redraw, headless: the session
takes an answer (forward, or back, alternately) and the recorder stores it
(`Recorder.sync`). The TUI draws only after that, so this is the part the store
can slow down. Each store runs in its own home, interleaved so that
machine noise hits all alike: one step on each in turn, with a short pause
between steps (a person never answers faster), and the medians are compared.

Decisions these figures make (issue 13):
- SQLite's `synchronous` is FULL unless it makes a step more than 1.2x slower
  than NORMAL (`wizard.store.sqlite.SYNCHRONOUS`);
- a team store's step must be at most 1.1x SQLite's: writes go to the local
  journal, and a thread sends them on (`wizard.store.sender`).

The PostgreSQL part needs the server binaries (Debian's `postgresql`) and
psycopg; without them it says so and is skipped.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from wizard.catalog import load_files, tree_files
from wizard.nodetable import build_node_table
from wizard.session import Session
from wizard.store import Recorder, SessionStore
from wizard.store.sqlite import SQLiteStore

REPO = Path(__file__).resolve().parents[1]
STEPS = 200
WARM_UP = 20
PAUSE = 0.003  # s between steps
# Between a team store's steps: still ten times a person's pace, and long
# enough for the sender, which waits for the redraw (`SEND_DELAY`), to go.
TEAM_PAUSE = 0.1
FULL_LIMIT = 1.2
TEAM_LIMIT = 1.1

CATALOG = load_files(tree_files([REPO / "tests" / "fixtures" / "good"]))
GRAPH = build_node_table(CATALOG.trees.values())


class Walk:
    """One session on one store, stepping forward and back for ever."""

    def __init__(self, store: SessionStore, name: str) -> None:
        session_id = f"{name}-{time.time_ns()}"
        self.session = Session(GRAPH, CATALOG.trees, "demo-phone", session_id=session_id)
        self.recorder = Recorder(store, self.session)
        self.forward = True

    def step(self) -> float:
        """Seconds for one step: the answer (or back) and storing it."""
        start = time.perf_counter()
        if self.forward:
            self.session.answer("1")
        else:
            self.session.back()
        self.recorder.sync()
        self.forward = not self.forward
        return time.perf_counter() - start


def compare(stores: dict[str, SessionStore], pause: float = PAUSE) -> dict[str, float]:
    """Median step (ms) of each store, one step of each in turn, so that machine
    noise (these machines are shared) hits them alike."""
    walks = {name: Walk(store, name) for name, store in stores.items()}
    taken: dict[str, list[float]] = {name: [] for name in stores}
    for n in range(WARM_UP + STEPS):
        for name, walk in walks.items():
            time.sleep(pause)
            seconds = walk.step()
            if n >= WARM_UP:
                taken[name].append(seconds)
    return {name: statistics.median(t) * 1000 for name, t in taken.items()}


def verdict(ratio: float, limit: float) -> str:
    return "ok" if ratio <= limit else "over"


def _postgres(folder: Path) -> tuple[SessionStore, Callable[[], None]] | str:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -e '.[postgres]')"
    try:
        from pgstore.cluster import Cluster
    except ImportError as exc:  # pytest missing: the helper is the tests'
        return f"the tests' cluster helper cannot load: {exc}"
    try:
        cluster = Cluster()
    except (RuntimeError, OSError) as exc:
        return f"cannot start PostgreSQL here: {exc}"
    from wizard.store.postgres import PostgresStore

    store = PostgresStore(cluster.url(cluster.database()), home=folder / "team")

    def stop() -> None:
        store.close()
        cluster.close()

    return store, stop


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        normal = SQLiteStore(folder / "normal.sqlite3", synchronous="NORMAL")
        full = SQLiteStore(folder / "full.sqlite3", synchronous="FULL")
        medians = compare({"NORMAL": normal, "FULL": full})
        ratio = medians["FULL"] / medians["NORMAL"]
        print(f"SQLite synchronous=NORMAL, one step: {medians['NORMAL']:6.3f} ms (median)")
        print(f"SQLite synchronous=FULL,   one step: {medians['FULL']:6.3f} ms")
        print(f"FULL/NORMAL: {ratio:.2f}x (FULL is chosen at <= {FULL_LIMIT}x):", end=" ")
        print(verdict(ratio, FULL_LIMIT))
        chosen = "FULL" if ratio <= FULL_LIMIT else "NORMAL"
        sqlite = full if chosen == "FULL" else normal
        team = _postgres(folder)
        if isinstance(team, str):
            print(f"PostgreSQL: skipped: {team}")
        else:
            store, stop = team
            try:
                medians = compare({"sqlite": sqlite, "postgresql": store}, TEAM_PAUSE)
            finally:
                stop()
            ratio = medians["postgresql"] / medians["sqlite"]
            print(f"SQLite ({chosen}), one step:             {medians['sqlite']:6.3f} ms")
            print(f"PostgreSQL on loopback, one step:   {medians['postgresql']:6.3f} ms")
            print(f"team/SQLite: {ratio:.2f}x (target <= {TEAM_LIMIT}x):", end=" ")
            print(verdict(ratio, TEAM_LIMIT))
        normal.close()
        full.close()


if __name__ == "__main__":
    main()
