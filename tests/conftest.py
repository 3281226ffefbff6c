"""Shared fixtures: every store test runs on SQLite and on PostgreSQL (skipped only off CI, with the reason)."""

from __future__ import annotations

import os
import signal
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from odoosync.store import Store

# A runner may start the tests with SIGINT ignored (nohup, some CI runners), and a child inherits that: the tests
# that send odoosync a person's Ctrl-C would send nothing. Restore it as a terminal has it (tests/support/processes
# ends every child for sure all the same).
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"

PG_CANDIDATES = [
    os.environ.get("ODOOSYNC_TEST_PG_URL", ""),
    "postgresql://postgres@127.0.0.1:5432/test",
    "postgresql://root@127.0.0.1:5432/test",
]


def _find_postgres() -> tuple[str | None, str]:
    reasons = []
    for url in filter(None, PG_CANDIDATES):
        try:
            with psycopg.connect(url, connect_timeout=3):
                return url, ""
        except psycopg.Error as error:
            reasons.append(f"{url}: {str(error).strip().splitlines()[0]}")
    return None, "; ".join(reasons)


_PG_URL, _PG_REASON = _find_postgres()


def postgres_url() -> str:
    """The server URL, or skip (fail on CI, where the PostgreSQL tests must run)."""
    if _PG_URL is None:
        message = f"PostgreSQL not reachable ({_PG_REASON}); set ODOOSYNC_TEST_PG_URL to run these tests"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return _PG_URL


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A SQLAlchemy URL to a fresh, empty schema of the test database, dropped afterwards."""
    server = postgres_url()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield (server.replace("postgresql://", "postgresql+psycopg://", 1) + f"?options=-csearch_path%3D{schema}")
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'odoosync.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    name = "sqlite_url" if request.param == "sqlite" else "pg_schema_url"
    url: str = request.getfixturevalue(name)
    return url


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    with Store.open(database_url) as opened:
        yield opened
