"""The PostgreSQL cluster fixtures for the team store tests (see `cluster`)."""

from pgstore.cluster import pg_cluster, pg_url

__all__ = ["pg_cluster", "pg_url"]
