"""A team store's address: the `postgresql://` URL, shown only with its password masked.

The URL goes to libpq as it is, so everything libpq reads still applies: a
password in the URL, `PGPASSWORD` and the other `PG*` variables, `~/.pgpass`,
`sslmode` and any other parameter in the query string. edge-wizard adds only
what it needs when the URL does not say (`connect_timeout`, and
`application_name` on a window's lock connection).

A password never reaches the screen: `masked` is the URL as messages show it,
and `scrub` takes every password edge-wizard can know of (the URL's,
`?password=`, `PGPASSWORD`) out of any text before it is shown, as a driver's
error may quote its connection string. Nothing here imports psycopg.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

SCHEMES = ("postgresql", "postgres")
MASK = "***"
# Seconds to wait for the server before working locally; a URL's own
# connect_timeout wins.
CONNECT_TIMEOUT = 3


def is_postgres(url: str) -> bool:
    return urlsplit(url).scheme in SCHEMES


@dataclass(frozen=True, slots=True)
class ServerURL:
    """A `postgresql://` URL and what edge-wizard reads from it."""

    url: str
    env: Mapping[str, str]

    @property
    def _parts(self) -> tuple[str, str, str, str, dict[str, str]]:
        parts = urlsplit(self.url)
        query = dict(parse_qsl(parts.query))
        user = unquote(parts.username or "") or query.get("user", "")
        host = unquote(parts.hostname or "") or query.get("host", "")
        port = str(parts.port or "") if _port_ok(self.url) else ""
        dbname = unquote(parts.path.lstrip("/")) or query.get("dbname", "")
        return user, host, port or query.get("port", ""), dbname, query

    def secrets(self) -> list[str]:
        """Every password this URL may connect with, to scrub from messages."""
        parts = urlsplit(self.url)
        query = dict(parse_qsl(parts.query))
        found = [
            parts.password or "",
            unquote(parts.password or ""),
            query.get("password", ""),
            self.env.get("PGPASSWORD", ""),
        ]
        return sorted({s for s in found if s}, key=len, reverse=True)

    def masked(self) -> str:
        """The URL with any password replaced by `***`."""
        parts = urlsplit(self.url)
        netloc = parts.netloc
        if "@" in netloc:
            userinfo, _, hostport = netloc.rpartition("@")
            if ":" in userinfo:
                userinfo = userinfo.split(":", 1)[0] + ":" + MASK
            netloc = f"{userinfo}@{hostport}"
        query = [(k, MASK if k == "password" else v) for k, v in parse_qsl(parts.query)]
        encoded = urlencode(query, safe="*", quote_via=quote)
        shown = urlunsplit((parts.scheme, netloc, parts.path, encoded, ""))
        return scrub(shown, self.secrets())

    def with_defaults(self, **params: str) -> str:
        """The URL with `params` added where it does not set them already."""
        parts = urlsplit(self.url)
        query = parse_qsl(parts.query)
        have = {k for k, _ in query}
        query += [(k, v) for k, v in params.items() if k not in have]
        # quote, not quote_plus: libpq decodes %20 but keeps a "+" as it is.
        encoded = urlencode(query, quote_via=quote)
        return urlunsplit((parts.scheme, parts.netloc, parts.path, encoded, parts.fragment))

    def connect_url(self, **params: str) -> str:
        return self.with_defaults(connect_timeout=str(CONNECT_TIMEOUT), **params)

    def key(self) -> str:
        """A file name for this server's local journal: which server and database,
        readable, and the same whatever role or password reaches them."""
        user, host, port, dbname, _ = self._parts
        env = self.env
        host = host or env.get("PGHOST", "") or "localhost"
        port = port or env.get("PGPORT", "") or "5432"
        dbname = dbname or env.get("PGDATABASE", "") or user or env.get("PGUSER", "")
        where = f"{host}:{port}/{dbname}"
        readable = re.sub(r"[^A-Za-z0-9.-]+", "_", f"{host}-{port}-{dbname}")[:60]
        return f"{readable}-{hashlib.sha256(where.encode()).hexdigest()[:8]}"

    def user(self) -> str:
        user = self._parts[0]
        return user or self.env.get("PGUSER", "") or self.env.get("USER", "")


def _port_ok(url: str) -> bool:
    try:
        urlsplit(url).port  # noqa: B018 (urlsplit checks the port only when asked)
    except ValueError:
        return False
    return True


def server_url(url: str, env: Mapping[str, str] | None = None) -> ServerURL:
    return ServerURL(url, os.environ if env is None else env)


def scrub(text: str, secrets: list[str]) -> str:
    """`text` with every secret in it replaced by `***`, and any `password=...` too."""
    for secret in secrets:
        text = text.replace(secret, MASK)
    return re.sub(r"(password\s*=\s*)('[^']*'|[^\s&]+)", rf"\g<1>{MASK}", text, flags=re.I)
