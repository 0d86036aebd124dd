"""A throwaway PostgreSQL cluster for the tests, made with initdb and pg_ctl.

It runs as the `postgres` user when the tests run as root (CI does; the
server refuses to run as root), in a temporary folder that user can write,
on a free port on 127.0.0.1. Local socket connections are trusted, for the
set-up done here; TCP connections need a password (scram-sha-256), so the
tests see real authentication and real error messages. Started once per test
run, on first use, and stopped at the end; where it cannot start, the tests
that need it are skipped with the reason.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

OWNER = "ew_owner"
OWNER_PASSWORD = "s3cret-owner-pw"
APP = "ew_app"
APP_PASSWORD = "s3cret-app-pw"


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _version(path: str) -> int:
    part = Path(path).parents[1].name
    return int(part) if part.isdigit() else 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Cluster:
    def __init__(self) -> None:
        bindir = _bindir()
        if bindir is None:
            raise RuntimeError("no PostgreSQL server binaries (install the postgresql package)")
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="edge-wizard-pg-"))
        self.root.chmod(0o755)
        self.data = self.root / "data"
        self.port = _free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            import pwd

            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError("running as root, and there is no postgres user") from None
            os.chown(self.root, user.pw_uid, user.pw_gid)
        self.superuser = "postgres"
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            self.superuser,
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--no-sync",
        )
        self.start()
        self.sql(
            f"CREATE ROLE {OWNER} LOGIN PASSWORD '{OWNER_PASSWORD}';"
            f"CREATE ROLE {APP} LOGIN PASSWORD '{APP_PASSWORD}';"
        )
        self._databases = 0

    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / tool), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed: {done.stderr.strip() or done.stdout.strip()}")
        return done

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
            " -c fsync=off -c full_page_writes=off -c max_connections=200"
        )
        log = str(self.root / "log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        try:
            self._run("pg_ctl", "-D", str(self.data), "status")
        except RuntimeError:
            return False
        return True

    def sql(self, statements: str, database: str = "postgres") -> str:
        done = self._run(
            "psql", "-h", str(self.root), "-p", str(self.port), "-U", self.superuser,
            "-d", database, "-v", "ON_ERROR_STOP=1", "-qAtc", statements,
        )  # fmt: skip
        return done.stdout

    def database(self, owner: str = OWNER) -> str:
        """A new, empty database owned by `owner`; its name."""
        self._databases += 1
        name = f"ew_test_{os.getpid()}_{self._databases}"
        self.sql(f"CREATE DATABASE {name} OWNER {owner}")
        return name

    def url(self, database: str, user: str = OWNER, password: str | None = OWNER_PASSWORD) -> str:
        secret = f":{password}" if password else ""
        return f"postgresql://{user}{secret}@127.0.0.1:{self.port}/{database}"

    def close(self) -> None:
        if self.data.exists() and self.running():
            with contextlib.suppress(RuntimeError):
                self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


_CLUSTER: Cluster | None = None
_FAILED: str | None = None


def cluster() -> Cluster:
    """The run's cluster, started on first use; skips the test where it cannot start."""
    global _CLUSTER, _FAILED
    if _FAILED is not None:
        pytest.skip(_FAILED)
    if _CLUSTER is None:
        try:
            import psycopg  # noqa: F401
        except ImportError:
            _FAILED = "psycopg is not installed (pip install -e '.[postgres]')"
            pytest.skip(_FAILED)
        try:
            _CLUSTER = Cluster()
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
            _FAILED = f"cannot start a PostgreSQL cluster here: {exc}"
            if os.environ.get("CI"):
                pytest.fail(_FAILED)  # CI must run these: a skip there would hide it
            pytest.skip(_FAILED)
        atexit.register(_CLUSTER.close)
    if not _CLUSTER.running():  # a test that stopped it failed before starting it again
        _CLUSTER.start()
    return _CLUSTER


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    yield cluster()


@pytest.fixture
def pg_url(pg_cluster: Cluster) -> str:
    """The URL of a new, empty database, as its owner with the password in it."""
    return pg_cluster.url(pg_cluster.database())


def wait_until(condition: object, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return True
        time.sleep(0.02)
    return bool(callable(condition) and condition())
