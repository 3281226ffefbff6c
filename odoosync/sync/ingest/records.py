"""Ingest: NDJSON documents from the app → validated, versioned records in the store.

Two passes keep both promises at once. Pass 1 validates every line and spools the canonical form of the valid
ones to a temporary file; nothing is stored when any line is invalid (unless `skip_invalid`). Pass 2 stores the
spool in chunks, each committed on its own, so memory stays flat whatever the input size. Should the database
fail during pass 2, the chunks already committed hold whole records, and ingesting the same input again completes
the rest (identical documents are no-ops).
"""

from __future__ import annotations

import json
import pickle
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from odoosync.domain.errors import EmptyInput, IngestInterrupted, InputError
from odoosync.domain.records import RecordInvalid, RecordType, parse_record
from odoosync.domain.versions import Delivery, IncomingVersion
from odoosync.store import Store
from odoosync.sync.ingest.switch import sync_switch
from odoosync.sync.stopping import StopRequested, signals_deferred

CHUNK_SIZE = 1000
MAX_PROBLEMS_KEPT = 1000
PROGRESS_EVERY = 1000
STDIN = "-"
# A record is a few kilobytes; a line longer than this is an error for that line, read no further into memory.
MAX_LINE_BYTES = 1 << 20
TOO_LONG = b"\x00too long"  # stands for such a line between reading and decoding
MAX_SKIPPED_BYTES = 1 << 30  # a line past this has no end worth waiting for: the rest of its input is not read
ENDLESS = b"\x00endless"

# (phase, lines done, lines in all when known)
ProgressCallback = Callable[[str, int, int | None], None]


@dataclass(frozen=True, slots=True)
class LineProblem:
    """One invalid line: where it is, which record it claims to be, the field and what is wrong."""

    source: str
    line: int
    record_type: str | None
    record_id: str | None
    field: str
    message: str

    def describe(self, *, with_source: bool) -> str:
        where = f"{self.source} line {self.line}" if with_source else f"line {self.line}"
        who = " ".join(_printable(part) for part in (self.record_type, self.record_id) if part)
        if who:
            where += f" ({who})"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


def _printable(text: str) -> str:
    """An id from the input as it may be shown on a terminal: invisible and control characters spelled out (an
    RTL override would turn the line around), and not longer than a line."""
    shown = "".join(
        f"\\u{ord(char):04x}" if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn") else char for char in text
    )
    return shown if len(shown) <= 60 else f"{shown[:57]}…"


@dataclass
class TypeCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0
    invalid: int = 0

    def add(self, delivery: Delivery) -> None:
        setattr(self, delivery.value, getattr(self, delivery.value) + 1)

    def as_dict(self) -> dict[str, int]:
        return {
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "stale": self.stale,
            "invalid": self.invalid,
        }


UNKNOWN_TYPE = "unknown"


@dataclass
class IngestReport:
    """What an ingest did, per record type; `rejected` means invalid input and nothing stored."""

    sources: list[str]
    lines: int = 0
    counts: dict[str, TypeCounts] = field(
        default_factory=lambda: {t.value: TypeCounts() for t in RecordType} | {UNKNOWN_TYPE: TypeCounts()}
    )
    problems: list[LineProblem] = field(default_factory=list)
    problems_omitted: int = 0
    rejected: bool = False
    skip_invalid: bool = False  # rejected with skip_invalid: no line at all was valid

    @property
    def invalid(self) -> int:
        return sum(c.invalid for c in self.counts.values())

    @property
    def totals(self) -> TypeCounts:
        total = TypeCounts()
        for counts in self.counts.values():
            for name, value in counts.as_dict().items():
                setattr(total, name, getattr(total, name) + value)
        return total

    def note_problem(self, problem: LineProblem) -> None:
        known = problem.record_type if problem.record_type in self.counts else UNKNOWN_TYPE
        self.counts[known].invalid += 1
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append(problem)
        else:
            self.problems_omitted += 1

    def as_dict(self) -> dict[str, Any]:
        with_source = len(self.sources) > 1
        return {
            "ok": not self.rejected and self.invalid == 0,
            "rejected": self.rejected,
            "sources": self.sources,
            "lines": self.lines,
            "totals": self.totals.as_dict(),
            "by_type": {
                name: counts.as_dict() for name, counts in self.counts.items() if name != UNKNOWN_TYPE or counts.invalid
            },
            "problems": [
                {
                    "source": p.source,
                    "line": p.line,
                    "type": p.record_type,
                    "id": p.record_id,
                    "field": p.field,
                    "message": p.message,
                    "text": p.describe(with_source=with_source),
                }
                for p in self.problems
            ],
            "problems_omitted": self.problems_omitted,
        }


# --- reading ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Line:
    source: str
    number: int
    content: bytes | Mapping[str, Any]


def _open_inputs(paths: Sequence[str | Path], stdin: IO[bytes] | None) -> list[tuple[str, IO[bytes]]]:
    """Open every input before reading any, so a missing second file fails before work is done."""
    opened: list[tuple[str, IO[bytes]]] = []
    try:
        for path in paths:
            if str(path) == STDIN:
                if stdin is None:
                    raise InputError("standard input is not available", "Pass a file name instead of -.")
                opened.append(("<stdin>", stdin))
                continue
            try:
                opened.append((str(path), Path(path).open("rb")))  # noqa: SIM115 - closed by the caller
            except FileNotFoundError:
                raise InputError(f"cannot read {path}: no such file", "Check the path and try again.") from None
            except IsADirectoryError:
                raise InputError(f"cannot read {path}: it is a directory", "Pass NDJSON files.") from None
            except PermissionError:
                raise InputError(
                    f"cannot read {path}: permission denied",
                    "Make the file readable by this user, or pipe it: odoosync ingest - < FILE",
                ) from None
    except InputError:
        for name, stream in opened:
            if name != "<stdin>":
                stream.close()
        raise
    return opened


def _lines(opened: list[tuple[str, IO[bytes]]]) -> Iterator[_Line]:
    for name, stream in opened:
        number = 0
        while True:
            raw = stream.readline(MAX_LINE_BYTES + 1)
            if not raw:
                break
            number += 1
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                # Read no further into memory: skip to the line's end, and say so for this line alone; a line
                # that never ends (/dev/zero) ends the reading of its input.
                skipped = len(raw)
                while (rest := stream.readline(1 << 20)) and not rest.endswith(b"\n"):
                    skipped += len(rest)
                    if skipped > MAX_SKIPPED_BYTES:
                        yield _Line(name, number, ENDLESS)
                        break
                else:
                    yield _Line(name, number, TOO_LONG)
                    continue
                break
            if raw.strip():
                yield _Line(name, number, raw[3:] if number == 1 and raw.startswith(b"\xef\xbb\xbf") else raw)


def _decode(line: _Line) -> Mapping[str, Any]:
    """The line's JSON object; numbers read as exact decimals. ValueError with a person's message."""
    if isinstance(line.content, Mapping):
        _check_strings(line.content, "")
        return line.content
    if line.content is TOO_LONG:
        raise ValueError(f"is longer than {MAX_LINE_BYTES:,} bytes: not one record")
    if line.content is ENDLESS:
        raise ValueError(
            f"goes on past {MAX_SKIPPED_BYTES:,} bytes without an end: the rest of {line.source} was not read"
        )
    try:
        text = line.content.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError as error:
        bad = line.content[error.start]
        raise ValueError(f"is not valid UTF-8 (byte 0x{bad:02x} at column {error.start + 1})") from None
    try:
        document = json.loads(text, parse_float=Decimal, object_pairs_hook=_object)
    except json.JSONDecodeError as error:
        raise ValueError(f"is not valid JSON: {error.msg} at column {error.colno}") from None
    except RecursionError:
        raise ValueError("is nested too deeply to be a record") from None
    except ValueError as error:  # a duplicate key (_object), or an integer of thousands of digits
        message = str(error)
        raise ValueError(message if message.startswith("has ") else "has a number with too many digits") from None
    if not isinstance(document, dict):
        raise ValueError(f"must be a JSON object (one record), got {type(document).__name__}")
    _check_strings(document, "")
    return document


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys are each given once: a second `"amount"` would silently win otherwise."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise ValueError(f"has the key {key!r} twice")
        found[key] = value
    return found


def _check_strings(value: Any, path: str) -> None:
    """No string of a record may hold NUL (PostgreSQL refuses it) or half a surrogate pair (not UTF-8)."""
    if isinstance(value, str):
        if "\x00" in value or any("\ud800" <= char <= "\udfff" for char in value):
            where = f"{path}: " if path else ""
            raise ValueError(f"{where}holds a NUL character or half of a surrogate pair")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_strings(key, path)
            _check_strings(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_strings(item, f"{path}[{index}]")


# --- the spool between the passes ---------------------------------------------------------------------------


def _spool(version: IncomingVersion, spool: IO[bytes]) -> None:
    # Plain strings: pickling enums and aware datetimes costs twenty times more.
    row = (
        version.type.value,
        version.app_id,
        version.updated_at.isoformat() if version.updated_at else None,
        version.record_date.isoformat() if version.record_date else None,
        version.content_hash,
        version.document,
        version.eligible,
    )
    spool.write(pickle.dumps(row, protocol=pickle.HIGHEST_PROTOCOL))


def _unspool(row: tuple[str, str, str | None, str | None, str, str, bool]) -> IncomingVersion:
    record_type, app_id, updated_at, record_date, content_hash, document, eligible = row
    return IncomingVersion(
        type=RecordType(record_type),
        app_id=app_id,
        updated_at=datetime.fromisoformat(updated_at) if updated_at else None,
        record_date=date.fromisoformat(record_date) if record_date else None,
        content_hash=content_hash,
        document=document,
        eligible=eligible,
    )


def _chunks(spool: IO[bytes]) -> Iterator[list[IncomingVersion]]:
    spool.seek(0)
    chunk: list[IncomingVersion] = []
    while True:
        try:
            # Our own temporary file, written by _spool a moment ago: nothing untrusted is unpickled.
            row = pickle.load(spool)  # noqa: S301
        except EOFError:
            break
        chunk.append(_unspool(row))
        if len(chunk) >= CHUNK_SIZE:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --- the two passes -----------------------------------------------------------------------------------------


def _ingest_lines(
    store: Store,
    lines: Iterable[_Line],
    report: IngestReport,
    *,
    skip_invalid: bool,
    progress: ProgressCallback | None,
) -> IngestReport:
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
        valid = _validate(lines, report, spool, progress)
        if report.lines == 0:
            sources = ", ".join(report.sources)
            raise EmptyInput(f"{sources} holds no records: nothing to ingest", "Give NDJSON, one record a line.")
        # With skip_invalid, an input whose every line is invalid is rejected all the same: nothing could be stored.
        if report.invalid and (not skip_invalid or valid == 0):
            report.rejected, report.skip_invalid = True, skip_invalid
            return report
        _store(store, spool, report, valid, progress)
    return report


def _validate(lines: Iterable[_Line], report: IngestReport, spool: IO[bytes], progress: ProgressCallback | None) -> int:
    """Pass 1: every line checked, the valid ones spooled. Returns how many were valid."""
    valid = 0
    try:
        for line in lines:
            report.lines += 1
            document: Mapping[str, Any] | None = None
            try:
                document = _decode(line)
                record = parse_record(document)
            except RecordInvalid as invalid:
                for problem in invalid.problems:
                    report.note_problem(
                        LineProblem(
                            line.source,
                            line.number,
                            invalid.record_type,
                            invalid.record_id,
                            problem.field,
                            problem.message,
                        )
                    )
            except ValueError as error:
                report.note_problem(LineProblem(line.source, line.number, None, None, "", str(error)))
            else:
                _spool(IncomingVersion.from_record(record), spool)
                valid += 1
            if progress and report.lines % PROGRESS_EVERY == 0:
                progress("validating", report.lines, None)
    except (KeyboardInterrupt, StopRequested):
        raise IngestInterrupted(
            f"interrupted while checking the input (line {report.lines:,}): nothing was stored",
            "Run the same command again.",
        ) from None
    return valid


def _store(store: Store, spool: IO[bytes], report: IngestReport, valid: int, progress: ProgressCallback | None) -> None:
    """Pass 2: the spooled records stored a chunk a transaction."""
    done = 0
    try:
        policy = sync_switch(store).policy  # while syncing is on, new versions are queued with their chunk
        for chunk in _chunks(spool):
            with signals_deferred():  # a chunk stored is counted, whatever moment a Ctrl-C comes
                deliveries = store.records.store_versions(chunk, enqueue=policy)
                done += len(chunk)
            for stored in deliveries:
                report.counts[stored.incoming.type.value].add(stored.delivery)
            if progress:
                progress("storing", done, valid)
    except (KeyboardInterrupt, StopRequested):
        # The chunk being written was rolled back; the ones before it are committed, each record whole.
        raise IngestInterrupted(
            f"interrupted: {done:,} of {valid:,} record(s) were stored, each whole; the other {valid - done:,} were "
            "not",
            "Run the same command again to store the rest: the records already stored count as unchanged, and "
            "nothing is stored or queued twice.",
        ) from None


def ingest_files(
    store: Store,
    paths: Sequence[str | Path],
    *,
    skip_invalid: bool = False,
    stdin: IO[bytes] | None = None,
    progress: ProgressCallback | None = None,
) -> IngestReport:
    """Ingest NDJSON files (`-` for `stdin`). All inputs are validated before anything is stored."""
    if not paths:
        raise InputError("no input given", "Pass one or more NDJSON files, or - for standard input.")
    opened = _open_inputs(paths, stdin)
    try:
        report = IngestReport(sources=[name for name, _ in opened])
        return _ingest_lines(store, _lines(opened), report, skip_invalid=skip_invalid, progress=progress)
    finally:
        for name, stream in opened:
            if name != "<stdin>":
                stream.close()


def ingest_documents(
    store: Store,
    documents: Iterable[Mapping[str, Any] | str | bytes],
    *,
    skip_invalid: bool = False,
    source: str = "<documents>",
) -> IngestReport:
    """Ingest documents handed over in Python: dicts (amounts as strings, ints or Decimal — parse JSON with
    `parse_float=Decimal`), or JSON text. Same rules and report as `ingest_files`; `line` is the position."""

    def lines() -> Iterator[_Line]:
        for number, document in enumerate(documents, start=1):
            content = document.encode() if isinstance(document, str) else document
            yield _Line(source, number, content)

    return _ingest_lines(store, lines(), IngestReport(sources=[source]), skip_invalid=skip_invalid, progress=None)
