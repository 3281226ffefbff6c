"""The store on SQLite and PostgreSQL: schema migrations, versions of records, constraints."""

from __future__ import annotations

import os
import stat
import threading
import time
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from odoosync.domain.errors import QueueBusy, SchemaError, StoreUnavailable
from odoosync.domain.records import RecordType
from odoosync.domain.versions import Delivery, IncomingVersion
from odoosync.store import Store, schema
from odoosync.store.records import RecordRepository
from odoosync.store.tables import Base
from odoosync.sync.ingest.records import ingest_files
from tests.conftest import SAMPLES

TABLES = {"records", "jobs", "job_attempts", "links", "mappings", "alembic_version"}


def version(app_id: str, content: str, updated_at: datetime | None = None) -> IncomingVersion:
    return IncomingVersion(
        type=RecordType.CONTACT,
        app_id=app_id,
        updated_at=updated_at,
        record_date=None,
        content_hash=content.ljust(64, "0"),
        document=f'{{"id":"{app_id}","name":"{content}"}}',
    )


T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone(timedelta(hours=3)))


def test_migrations_create_every_table_on_an_empty_database(database_url: str) -> None:
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    assert schema.current_revision(engine) is None
    assert schema.upgrade(engine) is True
    assert set(inspect(engine).get_table_names()) >= TABLES
    assert schema.current_revision(engine) == schema.head_revision()
    assert schema.upgrade(engine) is False  # already current: nothing to do on the next start
    engine.dispose()


def test_a_database_from_a_newer_odoosync_is_refused_with_an_instruction(database_url: str) -> None:
    engine = create_engine(database_url)
    schema.upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(SchemaError, match="schema version 9999, newer than this odoosync knows") as caught:
        schema.upgrade(engine)
    assert caught.value.instruction is not None
    assert "Upgrade odoosync" in caught.value.instruction
    engine.dispose()


def test_new_unchanged_updated_and_stale_versions(store: Store) -> None:
    first = store.records.store_versions([version("C-1", "a", T0)])
    assert [(d.delivery, d.version) for d in first] == [(Delivery.NEW, 1)]

    again = store.records.store_versions([version("C-1", "a", T0)])
    assert [(d.delivery, d.version) for d in again] == [(Delivery.UNCHANGED, 1)]

    edited = store.records.store_versions([version("C-1", "b", T0 + timedelta(hours=1))])
    assert [(d.delivery, d.version) for d in edited] == [(Delivery.UPDATED, 2)]

    older = store.records.store_versions([version("C-1", "c", T0)])
    assert [d.delivery for d in older] == [Delivery.STALE]

    stored = store.records.get(RecordType.CONTACT, "C-1")
    assert stored is not None
    assert (stored.version, stored.document["name"]) == (2, "b")
    assert stored.updated_at == T0 + timedelta(hours=1)
    assert stored.updated_at.tzinfo is not None


def test_versions_of_one_record_in_one_batch_are_taken_in_order(store: Store) -> None:
    batch = [
        version("C-1", "a", T0),
        version("C-1", "b", T0 + timedelta(hours=2)),
        version("C-1", "old", T0 + timedelta(hours=1)),
        version("C-2", "x"),
        version("C-1", "b", T0 + timedelta(hours=2)),
    ]
    deliveries = [d.delivery for d in store.records.store_versions(batch)]
    assert deliveries == [Delivery.NEW, Delivery.UPDATED, Delivery.STALE, Delivery.NEW, Delivery.UNCHANGED]
    stored = store.records.get(RecordType.CONTACT, "C-1")
    assert stored is not None
    assert stored.document["name"] == "b"
    assert store.records.count_by_type() == {RecordType.CONTACT: 2}


def test_an_unchanged_redelivery_moves_the_clock_so_a_later_stale_one_is_caught(store: Store) -> None:
    store.records.store_versions([version("C-1", "a", T0)])
    result = store.records.store_versions([version("C-1", "a", T0 + timedelta(days=1))])
    assert result[0].delivery is Delivery.UNCHANGED
    stale = store.records.store_versions([version("C-1", "z", T0 + timedelta(hours=12))])
    assert stale[0].delivery is Delivery.STALE


def test_undated_documents_are_never_stale(store: Store) -> None:
    store.records.store_versions([version("C-1", "a", T0)])
    result = store.records.store_versions([version("C-1", "b")])
    assert result[0].delivery is Delivery.UPDATED


def test_timestamps_come_back_as_aware_utc(store: Store) -> None:
    store.records.store_versions([version("C-1", "a", T0)])
    stored = store.records.get(RecordType.CONTACT, "C-1")
    assert stored is not None
    assert stored.updated_at == datetime(2026, 3, 1, 6, 0, tzinfo=UTC)
    assert stored.received_at.tzinfo is not None


def test_at_most_one_open_job_per_record(store: Store) -> None:
    [stored] = store.records.store_versions([version("C-1", "a", T0)])
    insert = text(
        "INSERT INTO jobs (record_pk, record_version, state, attempts, next_attempt_at, created_at, updated_at) "
        "VALUES (:pk, 1, :state, 0, :now, :now, :now)"
    )
    now = datetime(2026, 1, 1)
    with store.engine.begin() as connection:
        connection.execute(insert, {"pk": stored.pk, "state": "done", "now": now})
        connection.execute(insert, {"pk": stored.pk, "state": "pending", "now": now})
    with pytest.raises(IntegrityError), store.engine.begin() as connection:
        connection.execute(insert, {"pk": stored.pk, "state": "running", "now": now})
    assert [job.state.value for job in store.jobs.list()] == ["done", "pending"]


def test_the_record_date_is_kept_for_backfills(store: Store) -> None:
    incoming = IncomingVersion(
        type=RecordType.DEPOSIT,
        app_id="DP-1",
        updated_at=None,
        record_date=date(2026, 3, 1),
        content_hash="f" * 64,
        document="{}",
    )
    store.records.store_versions([incoming])
    stored = store.records.get(RecordType.DEPOSIT, "DP-1")
    assert stored is not None
    assert stored.record_date == date(2026, 3, 1)


def test_an_unreachable_postgresql_is_one_clear_error_without_the_password() -> None:
    url = "postgresql://odoosync:s3cret-pw@127.0.0.1:1/nowhere"
    with pytest.raises(StoreUnavailable) as caught:
        Store.open(url)
    message = str(caught.value)
    assert "cannot open the local database postgresql://odoosync:***@127.0.0.1:1/nowhere" in message
    assert "s3cret-pw" not in message
    assert "database.url" in message


@pytest.mark.parametrize(
    ("url", "fragment"),
    [("mysql://root@localhost/x", "SQLite or PostgreSQL"), ("not a url", "is not a database URL")],
)
def test_unsupported_database_urls_are_refused(url: str, fragment: str) -> None:
    with pytest.raises(StoreUnavailable, match=fragment):
        Store.open(url)


def test_sqlite_runs_in_wal_mode(sqlite_url: str) -> None:
    with Store.open(sqlite_url) as store, store.connection() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_a_locked_sqlite_database_says_another_process_holds_it(sqlite_url: str) -> None:
    with Store.open(sqlite_url) as store:
        store.engine.dispose()
        locker = create_engine(sqlite_url, connect_args={"timeout": 0})
        blocked = create_engine(sqlite_url, connect_args={"timeout": 0})
        with locker.connect() as holder:
            holder.exec_driver_sql("BEGIN EXCLUSIVE")
            # A repository on an engine that does not wait (the store's waits 30 s for a lock).
            with pytest.raises(StoreUnavailable, match="database is locked") as caught:
                RecordRepository(blocked).store_versions([version("C-1", "a", T0)])
            holder.exec_driver_sql("ROLLBACK")
        assert caught.value.instruction is not None
        assert "Another odoosync process" in caught.value.instruction
        locker.dispose()
        blocked.dispose()


def test_the_migrations_build_exactly_the_tables_the_models_describe(database_url: str) -> None:
    engine = create_engine(database_url)
    schema.upgrade(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []


def test_workers_writing_the_same_setting_at_once_never_collide(database_url: str) -> None:
    """Two sync runs finishing together both record sync.last_run: an upsert, so neither fails (a delete then
    insert raised a unique violation on PostgreSQL)."""
    stores = [Store.open(database_url) for _ in range(4)]
    errors: list[BaseException] = []
    start = threading.Barrier(len(stores))

    def write(store: Store, worker: int) -> None:
        try:
            start.wait()
            for run in range(40):
                store.settings.set_many({"sync.last_run": {"worker": worker, "run": run}, "sync.other": run})
        except BaseException as error:  # collected: a thread's exception would otherwise vanish
            errors.append(error)

    threads = [threading.Thread(target=write, args=(store, n)) for n, store in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        assert stores[0].settings.get("sync.last_run")["run"] == 39
        stores[0].settings.set_many({"sync.other": None})
        assert stores[0].settings.get("sync.other") is None
    finally:
        for store in stores:
            store.close()


def test_a_new_sqlite_database_is_private_whatever_the_umask(tmp_path: Path) -> None:
    """Tenants' names, phones and VAT numbers: the folder odoosync makes is 0700, the file and SQLite's -wal and
    -shm files 0600, under cron's or a shell's 022 umask."""
    path = tmp_path / "data" / "odoosync" / "odoosync.db"
    previous = os.umask(0o022)
    try:
        with Store.open(f"sqlite:///{path}") as store:
            ingest_files(store, [SAMPLES / "portfolio.ndjson"])
            modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in path.parent.iterdir()}
            assert {"odoosync.db", "odoosync.db-wal", "odoosync.db-shm"} <= set(modes)
    finally:
        os.umask(previous)
    assert set(modes.values()) == {0o600}, modes
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_database_that_cannot_be_created_says_where_and_what_to_do(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")  # (a read-only file system fails the same way, as root too)
    with pytest.raises(StoreUnavailable, match="cannot create the local database") as caught:
        Store.open(f"sqlite:///{blocked}/sub/odoosync.db")
    assert "database.url" in str(caught.value)


def test_a_database_missing_a_table_is_refused_not_taken_for_all_good(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'odoosync.db'}"
    with Store.open(url) as store, store.engine.begin() as connection:
        connection.execute(text("DROP TABLE links"))
    with pytest.raises(SchemaError, match=r"is damaged: its table\(s\) links are missing") as caught:
        Store.open(url)
    assert "Restore it from a backup" in str(caught.value)


def test_an_emptied_database_file_is_not_taken_for_a_new_one(tmp_path: Path) -> None:
    path = tmp_path / "odoosync.db"
    with Store.open(f"sqlite:///{path}") as store:
        ingest_files(store, [SAMPLES / "portfolio.ndjson"])
    path.write_bytes(b"")  # truncated by a full disk or a bad copy
    an_hour_ago = time.time() - 3600
    os.utime(path, (an_hour_ago, an_hour_ago))
    with pytest.raises(StoreUnavailable, match=r"is an empty file \(0 bytes\)"):
        Store.open(f"sqlite:///{path}")


def test_two_names_of_one_database_share_the_one_run_lock(tmp_path: Path) -> None:
    path = tmp_path / "odoosync.db"
    (tmp_path / "alias.db").symlink_to(path)
    first, second = Store.open(f"sqlite:///{path}"), Store.open(f"sqlite:///{tmp_path / 'alias.db'}")
    try:
        with first.one_run_at_a_time(wait_seconds=0), pytest.raises(QueueBusy):
            second.one_run_at_a_time(wait_seconds=0).__enter__()
    finally:
        first.close()
        second.close()


def test_a_file_that_is_not_a_database_says_so_not_check_the_server(tmp_path: Path) -> None:
    path = tmp_path / "odoosync.db"
    path.write_bytes(b"this is not SQLite at all, but it is long enough to have a header" * 100)
    with pytest.raises(StoreUnavailable, match="file is not a database") as caught:
        Store.open(f"sqlite:///{path}")
    assert "restore it from a backup" in str(caught.value)
    assert "server" not in str(caught.value)


@pytest.mark.parametrize("url", ["postgresql://a:secret-pw@host:notaport/db", "postgresql://[::1", "sqlite://relative"])
def test_a_malformed_database_url_is_said_plainly_without_its_password(url: str) -> None:
    with pytest.raises(StoreUnavailable, match=r"database\.url is not a database URL") as caught:
        Store.open(url)
    assert "secret-pw" not in str(caught.value)
