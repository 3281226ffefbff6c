"""Typed tables. Every change here needs a migration in store/migrations/versions/."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (which has no time zones) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# BIGINT on PostgreSQL, INTEGER (the rowid alias) on SQLite.
Id = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class RecordRow(Base):
    """The latest version of one app record."""

    __tablename__ = "records"
    __table_args__ = (UniqueConstraint("type", "app_id"),)

    pk: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    type: Mapped[str] = mapped_column(String(20))
    app_id: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    record_date: Mapped[date | None] = mapped_column(Date)
    document: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class JobRow(Base):
    """Bring Odoo in line with one record's latest version."""

    __tablename__ = "jobs"
    __table_args__ = (
        # At most one open job per record.
        Index(
            "uq_jobs_open_record",
            "record_pk",
            unique=True,
            sqlite_where=text("state IN ('pending', 'running')"),
            postgresql_where=text("state IN ('pending', 'running')"),
        ),
        Index("ix_jobs_state_next_attempt_at", "state", "next_attempt_at"),
        # A claim reads pending jobs in dependency order and stops at its batch: no sort of the whole queue.
        Index("ix_jobs_state_rank_pk", "state", "rank", "pk"),
    )

    pk: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    record_pk: Mapped[int] = mapped_column(ForeignKey("records.pk"))
    record_version: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    error_kind: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A newer version arrived while the job ran: it goes back to pending for it when this attempt ends.
    wanted_version: Mapped[int | None] = mapped_column(Integer)
    # The last attempt may have reached Odoo without an answer (a lease expired, an outcome unknown): the next one
    # searches Odoo for the record's marker before creating anything.
    search_first: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    # Contacts 0, expenses 1, deposits 2, rent payments 3 (store/jobs/rows.py DEPENDENCY_RANK): the claim order.
    rank: Mapped[int] = mapped_column(Integer, default=9, server_default=text("9"))


class JobAttemptRow(Base):
    """One try at a job: kept forever, the history `queue show` prints."""

    __tablename__ = "job_attempts"

    pk: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    job_pk: Mapped[int] = mapped_column(ForeignKey("jobs.pk"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(String(20))
    odoo_ids: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    error_kind: Mapped[str | None] = mapped_column(String(20))


class LinkRow(Base):
    """A record's counterpart in one Odoo database (url + database name)."""

    __tablename__ = "links"
    __table_args__ = (
        UniqueConstraint("odoo_database", "odoo_model", "odoo_id"),
        # role: "document" (the partner, invoice, bill or payment); later issues add payments and credit notes.
        UniqueConstraint("odoo_database", "record_pk", "role"),
    )

    pk: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    record_pk: Mapped[int] = mapped_column(ForeignKey("records.pk"), index=True)
    odoo_database: Mapped[str] = mapped_column(String(500))
    role: Mapped[str] = mapped_column(String(20))
    odoo_model: Mapped[str] = mapped_column(String(100))
    odoo_id: Mapped[int] = mapped_column(Integer)
    odoo_name: Mapped[str | None] = mapped_column(String(500))
    company_id: Mapped[int | None] = mapped_column(Integer)
    odoo_state: Mapped[str | None] = mapped_column(String(30))
    synced_version: Mapped[int] = mapped_column(Integer)
    synced_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MappingRow(Base):
    """An app code's Odoo target: category → account, method → journal, VAT rate → tax, owner → company…"""

    __tablename__ = "mappings"
    __table_args__ = (UniqueConstraint("odoo_database", "kind", "code", "company_id"),)

    pk: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    odoo_database: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(200))
    # 0 = not specific to a company (owner separation off or by analytic account); Odoo ids start at 1.
    company_id: Mapped[int] = mapped_column(Integer, default=0)
    odoo_model: Mapped[str] = mapped_column(String(100))
    odoo_id: Mapped[int] = mapped_column(Integer)
    odoo_name: Mapped[str] = mapped_column(String(500))
    extra: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SettingRow(Base):
    """State every worker shares, as JSON: whether syncing is on, the backfill window, the last run."""

    __tablename__ = "settings"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AdoptionRow(Base):
    """A record a backfill with --adopt found more than one hand-made Odoo match for: a person chooses."""

    __tablename__ = "adoptions"
    __table_args__ = (UniqueConstraint("odoo_database", "record_pk"),)

    pk: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    record_pk: Mapped[int] = mapped_column(ForeignKey("records.pk"), index=True)
    odoo_database: Mapped[str] = mapped_column(String(500))
    record_version: Mapped[int] = mapped_column(Integer)
    odoo_model: Mapped[str] = mapped_column(String(100))
    candidates: Mapped[str] = mapped_column(Text)  # JSON: [{"id", "name", "date", "amount", "partner"}]
    state: Mapped[str] = mapped_column(String(20))  # pending, accepted, rejected
    odoo_id: Mapped[int | None] = mapped_column(Integer)  # the one accepted
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
