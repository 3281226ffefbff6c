"""Ingest end to end through the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

import pytest

from odoosync.domain.errors import EmptyInput, InputError
from odoosync.domain.records import RecordType
from odoosync.store import Store
from odoosync.sync.ingest import records as ingest_module
from odoosync.sync.ingest.records import IngestReport, ingest_documents, ingest_files
from tests.conftest import SAMPLES
from tests.support.portfolio import rent_payments

PORTFOLIO = SAMPLES / "portfolio.ndjson"
EDITS = SAMPLES / "edits.ndjson"
BAD = SAMPLES / "bad.ndjson"
SAMPLE_COUNTS = {"contact": 21, "rent_payment": 48, "expense": 24, "deposit": 9}


def counts(report: IngestReport, column: str) -> dict[str, int]:
    return {name: c[column] for name, c in report.as_dict()["by_type"].items() if c[column]}


def write(tmp_path: Path, name: str, lines: Iterable[str | bytes]) -> Path:
    path = tmp_path / name
    path.write_bytes(b"".join((line if isinstance(line, bytes) else line.encode()) + b"\n" for line in lines))
    return path


def test_the_sample_portfolio_is_stored_whole(store: Store) -> None:
    report = ingest_files(store, [PORTFOLIO])
    assert not report.rejected
    assert counts(report, "new") == SAMPLE_COUNTS
    assert report.totals.invalid == 0
    assert {t.value: n for t, n in store.records.count_by_type().items()} == SAMPLE_COUNTS


def test_ingesting_again_changes_nothing_and_edits_update(store: Store) -> None:
    ingest_files(store, [PORTFOLIO])
    again = ingest_files(store, [PORTFOLIO])
    assert counts(again, "unchanged") == SAMPLE_COUNTS
    assert again.totals.new == again.totals.updated == 0

    edits = ingest_files(store, [EDITS])
    assert counts(edits, "updated") == {"contact": 2, "rent_payment": 1, "expense": 1}
    edited = store.records.get(RecordType.RENT_PAYMENT, "RP-2026-0003")
    assert edited is not None
    assert (edited.version, edited.document["reference"]) == (2, "TRX-CORRECTED")


def test_an_older_version_is_reported_stale_and_ignored(store: Store) -> None:
    ingest_files(store, [PORTFOLIO, EDITS])
    rolled_back = ingest_files(store, [PORTFOLIO])
    assert counts(rolled_back, "stale") == {"contact": 2, "rent_payment": 1, "expense": 1}
    voided = store.records.get(RecordType.EXPENSE, "EX-302")
    assert voided is not None
    assert voided.document["status"] == "void"


def test_the_bad_samples_reject_the_input_with_every_line_and_store_nothing(store: Store) -> None:
    report = ingest_files(store, [BAD])
    assert report.rejected
    assert report.invalid == 9
    by_line = {p.line: p.describe(with_source=False) for p in report.problems}
    assert by_line == {
        1: "line 1 (rent_payment RP-X1): charges[0].amount: must not be negative, got -5.00",
        2: "line 2 (expense EX-X2): bill_date: is not a real date: '2026-13-01'",
        3: "line 3 (contact C-X3): vat: a Saudi VAT number has 15 digits, first and last 3; got '12345'",
        4: "line 4 (deposit DP-X4): direction: must be one of 'in' or 'out', got 'sideways'",
        5: "line 5 (rent_payment RP-X5): amount_paid: 1200.00 is more than the total due 1150.00 SAR "
        "(the charges with VAT)",
        6: "line 6 (contact C-X6): emial: is not a known field (check the spelling; see the record format)",
        7: "line 7: is not valid JSON: Expecting ',' delimiter at column 56",
        8: "line 8 (invoice I-1): type: unknown record type 'invoice' (expected contact, rent_payment, expense, "
        "deposit)",
        9: "line 9 (expense EX-X8): lines[0].amount: has more decimals than SAR allows (2): 10.005",
    }
    assert store.records.count_by_type() == {}


def test_one_bad_line_among_many_files_stores_nothing_at_all(store: Store, tmp_path: Path) -> None:
    lines = PORTFOLIO.read_text().splitlines()
    broken = write(tmp_path, "broken.ndjson", [*lines[:50], lines[60].replace('"approved"', '"paid"')])
    report = ingest_files(store, [EDITS, broken])
    assert report.rejected
    assert [(p.source, p.line, p.field) for p in report.problems] == [(str(broken), 51, "status")]
    assert report.problems[0].describe(with_source=True).startswith(f"{broken} line 51 (rent_payment ")
    assert store.records.count_by_type() == {}


def test_skip_invalid_stores_the_valid_lines_and_reports_the_rest(store: Store) -> None:
    report = ingest_files(store, [PORTFOLIO, BAD], skip_invalid=True)
    assert not report.rejected
    assert report.totals.new == sum(SAMPLE_COUNTS.values())
    assert report.invalid == 9
    assert report.as_dict()["by_type"]["unknown"]["invalid"] == 2  # the truncated line, the "invoice"


def test_chunks_are_committed_as_they_go(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest_module, "CHUNK_SIZE", 7)
    calls: list[int] = []
    original = store.records.store_versions

    def spy(versions: list[object], **options: object) -> object:
        calls.append(len(versions))
        return original(versions, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(store.records, "store_versions", spy)
    report = ingest_files(store, [PORTFOLIO, EDITS])
    assert calls == [7] * 15 + [1]
    assert report.totals.new == 102
    assert report.totals.updated == 4


def test_progress_is_reported_per_phase(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest_module, "PROGRESS_EVERY", 50)
    monkeypatch.setattr(ingest_module, "CHUNK_SIZE", 40)
    seen: list[tuple[str, int, int | None]] = []
    ingest_files(store, [PORTFOLIO], progress=lambda *event: seen.append(event))
    assert seen == [
        ("validating", 50, None),
        ("validating", 100, None),
        ("storing", 40, 102),
        ("storing", 80, 102),
        ("storing", 102, 102),
    ]


@pytest.mark.parametrize("content", [b"", b"\n\n   \n"])
def test_an_empty_input_is_an_error(store: Store, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.ndjson"
    path.write_bytes(content)
    with pytest.raises(EmptyInput, match=r"empty\.ndjson holds no records"):
        ingest_files(store, [path])


def test_a_missing_file_fails_before_anything_is_read(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"cannot read .*nope\.ndjson: no such file"):
        ingest_files(store, [PORTFOLIO, tmp_path / "nope.ndjson"])
    assert store.records.count_by_type() == {}


def test_a_directory_is_not_an_input(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="it is a directory"):
        ingest_files(store, [tmp_path])


def test_invalid_utf8_and_non_objects_are_named_by_line(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "odd.ndjson", [PORTFOLIO.read_bytes().splitlines()[0], b'{"name": "\xff"}', b"[1, 2]"])
    report = ingest_files(store, [path])
    assert [p.describe(with_source=False) for p in report.problems] == [
        "line 2: is not valid UTF-8 (byte 0xff at column 11)",
        "line 3: must be a JSON object (one record), got list",
    ]


def test_a_byte_order_mark_and_blank_lines_are_tolerated(store: Store, tmp_path: Path) -> None:
    lines = PORTFOLIO.read_bytes().splitlines()[:3]
    path = write(tmp_path, "bom.ndjson", [b"\xef\xbb\xbf" + lines[0], b"", lines[1], b"  ", lines[2]])
    report = ingest_files(store, [path])
    assert report.totals.new == 3
    assert report.lines == 3


def test_standard_input_is_read_with_a_dash(store: Store) -> None:
    report = ingest_files(store, ["-"], stdin=io.BytesIO(EDITS.read_bytes()))
    assert report.sources == ["<stdin>"]
    assert report.totals.new == 4


def test_the_python_api_takes_dicts_and_json_text(store: Store) -> None:
    documents: list[object] = [json.loads(line, parse_float=Decimal) for line in EDITS.read_text().splitlines()]
    documents.append(PORTFOLIO.read_text().splitlines()[0])
    documents.append({"type": "deposit", "id": "DP-9", "amount": 1.5})
    report = ingest_documents(store, documents, skip_invalid=True)  # type: ignore[arg-type]
    assert report.totals.new == 5
    assert {(p.line, p.field) for p in report.problems} >= {(6, "amount"), (6, "direction")}
    amount_problem = next(p for p in report.problems if p.field == "amount")
    assert "not a float" in amount_problem.message


def test_amounts_are_stored_exactly_at_currency_precision(store: Store) -> None:
    line = PORTFOLIO.read_text().splitlines()[-1].replace('"4000.00"', "4000.1")
    ingest_documents(store, [line])
    stored = store.records.get(RecordType.DEPOSIT, "DP-30")
    assert stored is not None
    assert stored.document["amount"] == "4000.10"


def test_the_problem_list_is_capped_but_counted(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest_module, "MAX_PROBLEMS_KEPT", 3)
    report = ingest_documents(store, ['{"type": "x"}'] * 10)
    assert (len(report.problems), report.problems_omitted, report.invalid) == (3, 7, 10)


# --- hostile input: every line named, nothing half-stored, the same on SQLite and PostgreSQL ----------------

CONTACT = '{"type":"contact","id":"%s","roles":["tenant"],"name":"x"%s}'
DEPOSIT = (
    '{"type":"deposit","id":"DP-H","direction":"in","status":"recorded","tenant_id":"C-1","amount":%s,'
    '"date":"2026-01-01","method":"cash"}'
)
HOSTILE = [
    (CONTACT % ("C-H1", ',"updated_at":"9999-12-31T23:59:59-12:00"'), "updated_at: is out of range once in UTC"),
    (CONTACT % ("C-H2", ',"updated_at":"0001-01-01T00:00:00+14:00"'), "updated_at: is out of range once in UTC"),
    (CONTACT % ("C" * 201, ""), "id: must be at most 200 characters, got 201"),
    (CONTACT % ("C-H3\\u0000", ""), "id: holds a NUL character or half of a surrogate pair"),
    (CONTACT % ("C-H4", ',"email":"a\\ud800@example.sa"'), "email: holds a NUL character or half of a surrogate"),
    (CONTACT % ("C-H5\\u202e", ""), "id: must not hold control or invisible characters (U+202E"),
    (CONTACT % ("C-H6\\u200b", ""), "id: must not hold control or invisible characters (U+200B"),
    (CONTACT % ("C-H7", ',"is_company":"yes"'), "is_company: must be true or false"),
    (CONTACT % ("C-H8", ',"is_company":1'), "is_company: must be true or false"),
    (CONTACT % ("C-H9", ',"active":"false"'), "active: must be true or false"),
    (CONTACT % ("C-H10", ',"name":"y"'), "has the key 'name' twice"),
    ('{"type":["contact"],"id":"C-H11"}', "type: unknown record type ['contact']"),
    ("[" * 100_000 + "]" * 100_000, "is nested too deeply to be a record"),
    (DEPOSIT % "1e30", "amount: is more than odoosync takes (999,999,999,999.999), got 1E+30"),
    (DEPOSIT % '"1000000000000000000000000000"', "amount: is more than odoosync takes"),
    (DEPOSIT % "1e400", "amount: is more than odoosync takes"),
    (DEPOSIT % ("9" * 5000), "has a number with too many digits"),
    (DEPOSIT % '"١٢٣"', 'amount: must be a decimal amount like "1250.00"'),
    (DEPOSIT % '"１２３"', 'amount: must be a decimal amount like "1250.00"'),
]


def test_hostile_lines_are_named_and_nothing_of_the_input_is_stored(store: Store, tmp_path: Path) -> None:
    # More valid lines than a chunk of the second pass, the hostile ones last: nothing may be committed.
    good = PORTFOLIO.read_text().splitlines() + [json.dumps(d) for d in rent_payments(1200)]
    lines = [*good, *(line for line, _ in HOSTILE)]
    report = ingest_files(store, [write(tmp_path, "hostile.ndjson", lines)])
    described = [p.describe(with_source=False) for p in report.problems]
    assert len(described) == len(HOSTILE), described
    for (_, expected), found in zip(HOSTILE, described, strict=True):
        assert expected in found, (expected, found)
    assert not store.records.count_by_type()
    skipped = ingest_files(store, [write(tmp_path, "hostile.ndjson", lines)], skip_invalid=True)
    assert skipped.totals.new == len(good)


def test_a_line_too_long_is_an_error_for_that_line_read_no_further(store: Store, tmp_path: Path) -> None:
    huge = CONTACT % ("C-L1", ',"street":"' + "x" * (ingest_module.MAX_LINE_BYTES + 10) + '"')
    lines = [PORTFOLIO.read_text().splitlines()[0], huge, CONTACT % ("C-L2", "")]
    report = ingest_files(store, [write(tmp_path, "long.ndjson", lines)], skip_invalid=True)
    assert [p.describe(with_source=False) for p in report.problems] == [
        "line 2: is longer than 1,048,576 bytes: not one record"
    ]
    assert store.records.get(RecordType.CONTACT, "C-L2") is not None


def test_one_id_in_two_unicode_spellings_is_one_record(store: Store) -> None:
    composed, decomposed = "C-\u00e9", "C-e\u0301"  # é, and e + combining acute accent
    report = ingest_documents(store, [CONTACT % (composed, ""), CONTACT % (decomposed, ',"phone":"1"')])
    assert report.as_dict()["by_type"]["contact"]["new"] == 1
    assert report.as_dict()["by_type"]["contact"]["updated"] == 1
    assert store.records.get(RecordType.CONTACT, composed) is not None


def test_a_line_without_end_ends_the_reading_of_its_input(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """`ingest /dev/zero`: one line that never ends. Past the limit it is an error, and the reading stops."""
    monkeypatch.setattr(ingest_module, "MAX_LINE_BYTES", 1000)
    monkeypatch.setattr(ingest_module, "MAX_SKIPPED_BYTES", 5 << 20)
    endless = io.BytesIO(b"\x00" * (8 << 20))  # longer than the limit: as far as odoosync reads, no end
    report = ingest_module.ingest_files(store, ["-"], stdin=endless, skip_invalid=True)
    [problem] = [p.describe(with_source=False) for p in report.problems]
    assert "without an end: the rest of <stdin> was not read" in problem
    assert endless.tell() < 7 << 20  # it stopped reading
