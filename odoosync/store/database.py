"""Opening the local database: SQLite (default, WAL) or PostgreSQL, with the schema brought up to date."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, make_url
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from odoosync.domain.errors import SchemaError, StoreUnavailable
from odoosync.domain.secrets import redact_url, url_has_secret
from odoosync.store import schema
from odoosync.store.adoptions import AdoptionRepository
from odoosync.store.coordination import CallSlots, one_run_at_a_time
from odoosync.store.databases import DatabaseRepository
from odoosync.store.failures import WRITE_OPTION, instruction_for
from odoosync.store.jobs import JobRepository
from odoosync.store.links import LinkRepository, MappingRepository
from odoosync.store.records import RecordRepository
from odoosync.store.settings import SettingsRepository

CONNECT_TIMEOUT_SECONDS = 10


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # The driver's own transaction handling begins only before INSERT/UPDATE/DELETE, so a statement starting
    # with WITH (the claim) would run outside the transaction. SQLAlchemy's recipe: the driver never begins,
    # and the "begin" event below does, for every transaction.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets readers (queue list, status) run while a sync or an ingest writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    immediate = connection.get_execution_options().get(WRITE_OPTION)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _emptied(path: Path) -> bool:
    """A database file of 0 bytes that is not one being made right now (by this process or another, in the last
    minute) and whose content is not in its -wal file."""
    if not path.is_file() or path.stat().st_size:
        return False
    return time.time() - path.stat().st_mtime > 60 and not path.with_name(path.name + "-wal").exists()


def _private_file(path: Path) -> None:
    """The SQLite file holds tenants' names, phones and VAT numbers: a folder odoosync makes is 0700 and the file
    0600 (SQLite gives its -wal and -shm files the file's mode), whatever the umask of cron or a shell."""
    try:
        if not path.parent.exists():
            path.parent.mkdir(parents=True, mode=0o700)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        elif _emptied(path):
            # Not a new database: one that lost its content. Taken for an empty one, a backfill would make
            # everything in Odoo again.
            raise StoreUnavailable(
                f"the local database {path} is an empty file (0 bytes): its content was lost",
                "Restore it from a backup. If odoosync was never used with it, delete the file and run again.",
            )
    except OSError as error:
        raise StoreUnavailable(
            f"cannot create the local database {path}: {error.strerror or error}",
            "Check that the folder is writable by this user (and not on a read-only file system), or point "
            "database.url (or $ODOOSYNC_DATABASE_URL) elsewhere.",
        ) from None


def create_store_engine(url: str) -> Engine:
    """An engine for `url`, normalised so that `postgresql://` uses psycopg 3 and SQLite files can be created."""
    try:
        return _engine_for(url)
    except (ArgumentError, ValueError) as error:  # a port that is not a number, a malformed SQLite URL…
        # SQLAlchemy's message may repeat the URL, password and all: shown only for a URL without one.
        detail = "" if url_has_secret(url) or "@" in url else f" ({str(error).splitlines()[0][:120]})"
        raise StoreUnavailable(
            f"database.url is not a database URL: {redact_url(url)}{detail}",
            "Use sqlite:////path/to/odoosync.db or postgresql://user@host:5432/dbname.",
        ) from None


def _engine_for(url: str) -> Engine:
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        if parsed.drivername in {"postgresql", "postgres"}:
            parsed = parsed.set(drivername="postgresql+psycopg")
        engine = create_engine(
            parsed,
            pool_pre_ping=True,
            connect_args={
                "connect_timeout": CONNECT_TIMEOUT_SECONDS,
                "application_name": "odoosync",
                "prepare_threshold": None,
            },
        )
    elif backend == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            _private_file(Path(parsed.database).expanduser())
        engine = create_engine(parsed, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        raise StoreUnavailable(
            f"database.url uses {backend!r}; odoosync stores its state in SQLite or PostgreSQL",
            "Use sqlite:////path/to/odoosync.db or postgresql://user@host:5432/dbname.",
        )
    return engine


class Store:
    """The local database: records, jobs, attempts, links and mappings."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.records = RecordRepository(engine)
        self.jobs = JobRepository(engine)
        self.links = LinkRepository(engine)
        self.mappings = MappingRepository(engine)
        self.settings = SettingsRepository(engine)
        self.adoptions = AdoptionRepository(engine)
        self.databases = DatabaseRepository(engine, self.settings)

    @classmethod
    def open(cls, url: str, *, upgrade: bool = True) -> Store:
        """Connect, check the database answers, and bring its schema up to date."""
        try:
            engine = create_store_engine(url)
        except NoSuchModuleError:
            raise StoreUnavailable(
                f"no driver for database.url {redact_url(url)}",
                "Use sqlite:///… or postgresql://… (psycopg 3 is installed with odoosync).",
            ) from None
        try:
            if upgrade:
                schema.upgrade(engine)
            else:
                with engine.connect():
                    pass
            missing = schema.missing_tables(engine)
        except (DBAPIError, UnicodeDecodeError) as error:
            engine.dispose()
            if isinstance(error, UnicodeDecodeError):  # text from corrupt pages
                reason = f"database disk image is malformed (unreadable text: {error.reason})"
            else:
                reason = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
            advice = instruction_for(reason)
            if advice == instruction_for(""):
                advice = (
                    "Check that database.url in the config (or $ODOOSYNC_DATABASE_URL) names an SQLite file this "
                    "user can read and write."
                    if engine.dialect.name == "sqlite"
                    else "Check that the server is running and reachable and that database.url in the config "
                    "(or $ODOOSYNC_DATABASE_URL) is right."
                )
            raise StoreUnavailable(f"cannot open the local database {redact_url(url)}: {reason}", advice) from error
        if missing:
            engine.dispose()
            raise SchemaError(
                f"the local database {redact_url(url)} is damaged: its table(s) {', '.join(missing)} are missing",
                "Restore it from a backup. odoosync does not make them again empty: without its links it would "
                "make everything in Odoo a second time.",
            )
        return cls(engine)

    def schema_revisions(self) -> tuple[str | None, str]:
        """The database's schema revision, and the newest this odoosync knows."""
        return schema.current_revision(self.engine), schema.head_revision()

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        with self.engine.connect() as connection:
            yield connection

    def one_run_at_a_time(self, *, wait_seconds: float) -> AbstractContextManager[None]:
        return one_run_at_a_time(self.engine, wait_seconds=wait_seconds)

    def call_slots(self, odoo_database: str, limit: int) -> CallSlots:
        return CallSlots(self.engine, odoo_database, limit)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
