"""Ingest benchmark: records/second and peak memory of `ingest_files` on SQLite and PostgreSQL.

Run `.venv/bin/python bench/ingest.py` (or `make bench`); `--help` lists the options and bench/README.md explains
the figures. Each measured run happens in a fresh Python process, so that its peak RSS is its own and nothing
(imports, caches, an earlier run's garbage) leaks from one measurement into the next.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from odoosync.store import Store
from odoosync.sync.ingest.records import ingest_files

GOAL_RECORDS_PER_SECOND = 5_000
# Peak RSS at the largest size over peak RSS at the smallest: at or below this, memory did not grow with the input.
FLAT_MEMORY_RATIO = 1.25
DEFAULT_SIZES = (10_000, 100_000)
QUICK_SIZES = (2_000, 20_000)
GENERATOR_CHECK_SIZE = 2_000
DEFAULT_SEED = 20261123
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CHILD_TIMEOUT_SECONDS = 600

RIYADH = timezone(timedelta(hours=3))
CENT = Decimal("0.01")

# --- the record generator -----------------------------------------------------------------------------------

FIRST_NAMES = ("Abdullah", "Sara", "Mohammed", "Nora", "Khalid", "Fatimah", "Omar", "Layla", "John", "Aisha")
LAST_NAMES = ("Al-Harbi", "Al-Otaibi", "Al-Ghamdi", "Al-Dosari", "Al-Shehri", "Al-Qahtani", "Carter", "Al-Zahrani")
ARABIC_NAMES = ("عبدالله الحربي", "سارة العتيبي", "محمد الغامدي", "نورة الدوسري", "خالد الشهري")
COMPANY_WORDS = ("Al Noor", "Gulf Horizon", "Bright Path", "Desert Rose", "Najd", "Red Sea", "Al Riyada", "Falcon")
COMPANY_KINDS = ("Trading LLC", "Real Estate Co.", "Holdings", "Contracting Est.", "Services Co.")
CITIES = ("Riyadh", "Jeddah", "Dammam", "Khobar", "Mecca", "Medina")
PROPERTIES = ("Olaya Tower", "Al Malqa Villas", "King Road Plaza", "Corniche Residences", "Hittin Gardens")
EXPENSE_CATEGORIES = ("Plumbing", "Electrical", "Cleaning", "Security", "Elevator maintenance", "Landscaping", "HVAC")
METHODS = ("cash", "bank_transfer", "cheque", "card", "mada", "sadad")


def _weighted(rng: random.Random, choices: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([value for value, _ in choices], weights=[weight for _, weight in choices])[0]


def _money(value: Decimal) -> str:
    return format(value.quantize(CENT), "f")


def _vat(amount: Decimal, code: str) -> Decimal:
    """VAT on one line as odoosync computes the total due: rounded half up to the cent, per line."""
    if code == "exempt":
        return Decimal(0)
    return (amount * Decimal(code) / 100).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Population:
    """How many contacts of each role a file of `total` records holds (about 5% contacts), and their ids."""

    total: int

    @property
    def contacts(self) -> int:
        return max(3, self.total // 20)

    @property
    def owners(self) -> int:
        return max(1, self.contacts // 20)

    @property
    def vendors(self) -> int:
        return max(1, self.contacts // 5)

    @property
    def tenants(self) -> int:
        return self.contacts - self.owners - self.vendors

    @staticmethod
    def owner_id(n: int) -> str:
        return f"C-O{n:05d}"

    @staticmethod
    def vendor_id(n: int) -> str:
        return f"C-V{n:05d}"

    @staticmethod
    def tenant_id(n: int) -> str:
        return f"C-T{n:06d}"


def _saudi_vat(rng: random.Random) -> str:
    return f"3{rng.randrange(10**13):013d}3"


def _contact(rng: random.Random, contact_id: str, role: str, n: int) -> dict[str, Any]:
    is_company = role in {"vendor", "owner"} or rng.random() < 0.15
    if is_company:
        name = f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_KINDS)}"
    elif rng.random() < 0.2:
        name = rng.choice(ARABIC_NAMES)
    else:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    document: dict[str, Any] = {
        "type": "contact",
        "id": contact_id,
        "roles": [role, "vendor"] if role == "owner" and rng.random() < 0.1 else [role],
        "name": name,
        "is_company": is_company,
        "lang": "ar" if rng.random() < 0.6 else "en",
        "email": f"{role}{n}@example.sa",
        "phone": f"+9665{rng.randrange(10**8):08d}",
        "address": {"street": f"{rng.randrange(1, 400)} Example St", "city": rng.choice(CITIES), "country": "SA"},
        "updated_at": (datetime(2025, 12, 1, 9, tzinfo=RIYADH) + timedelta(seconds=n)).isoformat(),
    }
    if is_company:
        document["vat"] = _saudi_vat(rng)
        document["company_registry"] = f"10{rng.randrange(10**8):08d}"
    return document


def _contacts(rng: random.Random, population: Population) -> Iterator[dict[str, Any]]:
    n = 0
    for role, count, make_id in (
        ("owner", population.owners, Population.owner_id),
        ("vendor", population.vendors, Population.vendor_id),
        ("tenant", population.tenants, Population.tenant_id),
    ):
        for i in range(1, count + 1):
            n += 1
            yield _contact(rng, make_id(i), role, n)


def _rent_payment(rng: random.Random, population: Population, seq: int, moment: datetime) -> dict[str, Any]:
    tenant = rng.randrange(1, population.tenants + 1)
    commercial = rng.random() < 0.5
    rent = Decimal(rng.randrange(30, 500) * 50)
    if rng.random() < 0.1:
        rent += Decimal(rng.randrange(1, 100)) / 100
    charges = [{"kind": "rent", "amount": _money(rent), "vat_rate": "15" if commercial else "exempt"}]
    if rng.random() < 0.4:
        services = Decimal(rng.randrange(100, 2000)) + Decimal(rng.randrange(0, 100)) / 100
        charges.append(
            {"kind": "services", "description": "Building services", "amount": _money(services), "vat_rate": "15"}
        )
    total_due = sum((Decimal(c["amount"]) + _vat(Decimal(c["amount"]), c["vat_rate"]) for c in charges), Decimal(0))
    paid = total_due
    if rng.random() < 0.15:  # a partial payment, never above the total due and never zero
        share = Decimal(rng.randrange(30, 100)) / 100
        paid = max(CENT, (total_due * share).quantize(CENT, rounding=ROUND_DOWN))
    paid_on = moment.date()
    period_start = paid_on.replace(day=1)
    next_month = (period_start + timedelta(days=32)).replace(day=1)
    return {
        "type": "rent_payment",
        "id": f"RP-{seq:07d}",
        "status": _weighted(rng, (("approved", 80), ("pending", 12), ("rejected", 4), ("void", 4))),
        "tenant_id": Population.tenant_id(tenant),
        "owner_id": Population.owner_id(rng.randrange(1, population.owners + 1)),
        "lease_id": f"L-{tenant}",
        "property": PROPERTIES[tenant % len(PROPERTIES)],
        "unit": f"{tenant % 30 + 1}{'ABCD'[tenant % 4]}",
        "period_start": period_start.isoformat(),
        "period_end": (next_month - timedelta(days=1)).isoformat(),
        "charges": charges,
        "amount_paid": _money(paid),
        "paid_on": paid_on.isoformat(),
        "method": rng.choice(METHODS),
        "reference": f"TRX-{seq:08d}",
        "currency": "SAR",
        "updated_at": moment.isoformat(),
    }


def _expense(rng: random.Random, population: Population, seq: int, moment: datetime) -> dict[str, Any]:
    lines = [
        {
            "category": rng.choice(EXPENSE_CATEGORIES),
            "description": f"Work order {seq}-{i}",
            "amount": _money(Decimal(rng.randrange(5_000, 500_000)) / 100),
            "vat_rate": "15" if rng.random() < 0.85 else "exempt",
        }
        for i in range(1, rng.choice((1, 1, 2)) + 1)
    ]
    bill_date: date = moment.date()
    return {
        "type": "expense",
        "id": f"EX-{seq:07d}",
        "status": _weighted(rng, (("verified", 75), ("submitted", 15), ("rejected", 5), ("void", 5))),
        "vendor_id": Population.vendor_id(rng.randrange(1, population.vendors + 1)),
        "owner_id": Population.owner_id(rng.randrange(1, population.owners + 1)),
        "property": rng.choice(PROPERTIES),
        "bill_reference": f"INV-{rng.randrange(10**6):06d}",
        "bill_date": bill_date.isoformat(),
        "due_date": (bill_date + timedelta(days=30)).isoformat(),
        "lines": lines,
        "currency": "SAR",
        "updated_at": moment.isoformat(),
    }


def _deposit(rng: random.Random, population: Population, seq: int, moment: datetime) -> dict[str, Any]:
    tenant = rng.randrange(1, population.tenants + 1)
    return {
        "type": "deposit",
        "id": f"DP-{seq:07d}",
        "direction": "in" if rng.random() < 0.8 else "out",
        "status": "recorded" if rng.random() < 0.9 else "void",
        "tenant_id": Population.tenant_id(tenant),
        "owner_id": Population.owner_id(rng.randrange(1, population.owners + 1)),
        "lease_id": f"L-{tenant}",
        "amount": _money(Decimal(rng.randrange(10, 100) * 500)),
        "date": moment.date().isoformat(),
        "method": rng.choice(METHODS),
        "reference": f"DEP-{seq:08d}",
        "currency": "SAR",
        "updated_at": moment.isoformat(),
    }


def generate_records(total: int, seed: int) -> Iterator[dict[str, Any]]:
    """`total` valid documents, one at a time: the contacts first, then rent payments (about 60%), expenses (25%)
    and deposits (15%) that reference them, spread over 2026. The same seed gives the same records."""
    rng = random.Random(seed)
    population = Population(total)
    yield from _contacts(rng, population)
    start = datetime(2026, 1, 1, 8, tzinfo=RIYADH)
    transactions = total - population.contacts
    step = timedelta(days=360) / max(1, transactions)
    for seq in range(1, transactions + 1):
        moment = (start + step * seq).replace(microsecond=0)
        kind = rng.random()
        if kind < 0.60:
            yield _rent_payment(rng, population, seq, moment)
        elif kind < 0.85:
            yield _expense(rng, population, seq, moment)
        else:
            yield _deposit(rng, population, seq, moment)


def write_ndjson(path: Path, total: int, seed: int) -> Path:
    """Write the generated records to `path`, streaming: one line at a time, never the whole list."""
    with path.open("w", encoding="utf-8") as out:
        for document in generate_records(total, seed):
            out.write(json.dumps(document, ensure_ascii=False) + "\n")
    return path


# --- one measured run (the child process) -------------------------------------------------------------------


def ru_maxrss_kib() -> int:
    """getrusage's peak RSS in KiB (Linux). Beware: after exec it starts from the *parent's* peak, because Linux
    carries the high-water mark of the memory image that exec replaced; see peak_rss_kib."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def peak_rss_kib() -> int:
    """This process's own peak resident set size so far, in KiB: VmHWM from /proc/self/status, which belongs to
    this process's memory image only. Falls back to ru_maxrss where /proc is missing (not Linux)."""
    try:
        with Path("/proc/self/status").open(encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return ru_maxrss_kib()


def run_child(url: str, file: Path, out: TextIO) -> None:
    """Open the store, ingest `file` once, print one JSON line with the figures."""
    opened = time.perf_counter()
    store = Store.open(url)
    open_seconds = time.perf_counter() - opened
    baseline_kib = peak_rss_kib()
    validated_at: list[float] = []

    def progress(phase: str, _done: int, _total: int | None) -> None:
        if phase == "validating":
            validated_at.append(time.perf_counter())
            del validated_at[:-1]

    try:
        started = time.perf_counter()
        report = ingest_files(store, [file], progress=progress)
        seconds = time.perf_counter() - started
    finally:
        store.close()
    peak_kib = peak_rss_kib()
    # The last "validating" call comes with the last full thousand lines: close to the end of pass 1.
    validate_seconds = validated_at[-1] - started if validated_at else None
    totals = report.totals
    print(
        json.dumps(
            {
                "records": report.lines,
                "new": totals.new,
                "updated": totals.updated,
                "unchanged": totals.unchanged,
                "stale": totals.stale,
                "invalid": totals.invalid,
                "rejected": report.rejected,
                "open_seconds": round(open_seconds, 4),
                "seconds": round(seconds, 4),
                "validate_seconds": round(validate_seconds, 4) if validate_seconds is not None else None,
                "baseline_rss_kib": baseline_kib,
                "peak_rss_kib": peak_kib,
                "ru_maxrss_kib": ru_maxrss_kib(),
            }
        ),
        file=out,
    )


# --- the parent: plan, run, report ----------------------------------------------------------------------------


@dataclass
class Result:
    backend: str
    label: str  # "fresh" (an empty database) or "re-ingest" (the same file again: every record unchanged)
    records: int
    seconds: float
    open_seconds: float
    validate_seconds: float | None
    records_per_second: float
    peak_rss_mib: float
    baseline_rss_mib: float
    ru_maxrss_mib: float  # for the record only: inflated by the parent's peak (see ru_maxrss_kib)
    new: int
    unchanged: int
    invalid: int


def measure(backend: str, label: str, url: str, file: Path, expected: int) -> Result:
    """Run one ingest in a fresh Python process and check it did what the label says."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", "--url", url, "--file", str(file)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=CHILD_TIMEOUT_SECONDS, check=False)
    if done.returncode != 0 or not done.stdout.strip():
        raise SystemExit(f"{backend} {label} run of {file.name} failed (exit {done.returncode}):\n{done.stderr}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    wanted = "new" if label == "fresh" else "unchanged"
    if figures["records"] != expected or figures[wanted] != expected or figures["invalid"] or figures["rejected"]:
        raise SystemExit(f"{backend} {label} run of {file.name}: expected {expected} {wanted}, got {figures}")
    return Result(
        backend=backend,
        label=label,
        records=figures["records"],
        seconds=figures["seconds"],
        open_seconds=figures["open_seconds"],
        validate_seconds=figures["validate_seconds"],
        records_per_second=figures["records"] / figures["seconds"],
        peak_rss_mib=figures["peak_rss_kib"] / 1024,
        baseline_rss_mib=figures["baseline_rss_kib"] / 1024,
        ru_maxrss_mib=figures["ru_maxrss_kib"] / 1024,
        new=figures["new"],
        unchanged=figures["unchanged"],
        invalid=figures["invalid"],
    )


def check_generator(directory: Path, seed: int) -> None:
    """The generator must produce only valid records: ingest a small file and insist on zero invalid lines."""
    file = write_ndjson(directory / "check.ndjson", GENERATOR_CHECK_SIZE, seed)
    with Store.open(f"sqlite:///{directory / 'check.db'}") as store:
        report = ingest_files(store, [file], skip_invalid=True)
    if report.invalid or report.totals.new != GENERATOR_CHECK_SIZE:
        problems = "\n".join(p.describe(with_source=False) for p in report.problems[:10])
        raise SystemExit(f"the generator made {report.invalid} invalid records of {GENERATOR_CHECK_SIZE}:\n{problems}")
    file.unlink()


def _psycopg_conninfo(url: str) -> str:
    """The SQLAlchemy URL as libpq understands it (without the `+psycopg` driver name)."""
    scheme, rest = url.split("://", 1)
    return f"{scheme.split('+', 1)[0]}://{rest}"


def postgres_reachable(url: str) -> str | None:
    """None when the server answers, else why not."""
    import psycopg  # noqa: PLC0415 - only the parent needs it; the SQLite children stay without it

    try:
        with psycopg.connect(_psycopg_conninfo(url), connect_timeout=5):
            return None
    except psycopg.Error as error:
        return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


class PostgresSchema:
    """A fresh schema for one run, dropped (CASCADE) afterwards; `url` points the store's search_path at it."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.name = f"bench_{uuid.uuid4().hex[:12]}"

    @property
    def url(self) -> str:
        separator = "&" if "?" in self.base_url else "?"
        return f"{self.base_url}{separator}options={quote(f'-csearch_path={self.name}')}"

    def _execute(self, sql: str) -> None:
        import psycopg  # noqa: PLC0415 - as above

        with psycopg.connect(_psycopg_conninfo(self.base_url), autocommit=True) as connection:
            connection.execute(sql)

    def __enter__(self) -> PostgresSchema:
        self._execute(f'CREATE SCHEMA "{self.name}"')
        return self

    def __exit__(self, *exc: object) -> None:
        self._execute(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE')


def run_backend(backend: str, files: dict[int, Path], directory: Path, postgres_url: str) -> list[Result]:
    results: list[Result] = []
    largest = max(files)
    for size, file in sorted(files.items()):
        print(f"  {backend}: ingesting {size:,} records …", file=sys.stderr, flush=True)
        if backend == "sqlite":
            url = f"sqlite:///{directory / f'bench-{size}.db'}"
            results.append(measure(backend, "fresh", url, file, size))
            if size == largest:
                # The nightly case: the app delivers everything again and almost nothing changed.
                print(f"  {backend}: re-ingesting the same {size:,} records …", file=sys.stderr, flush=True)
                results.append(measure(backend, "re-ingest", url, file, size))
        else:
            with PostgresSchema(postgres_url) as schema:
                results.append(measure(backend, "fresh", schema.url, file, size))
    return results


def memory_ratios(results: list[Result]) -> dict[str, dict[str, float]]:
    """Per backend, fresh runs: peak RSS at the largest size over the smallest, and the growth in MiB."""
    ratios: dict[str, dict[str, float]] = {}
    for backend in dict.fromkeys(r.backend for r in results):
        fresh = sorted((r for r in results if r.backend == backend and r.label == "fresh"), key=lambda r: r.records)
        if len(fresh) < 2:
            continue
        small, large = fresh[0], fresh[-1]
        ratios[backend] = {
            "small_records": small.records,
            "large_records": large.records,
            "ratio": large.peak_rss_mib / small.peak_rss_mib,
            "growth_mib": large.peak_rss_mib - small.peak_rss_mib,
        }
    return ratios


def sqlite_goal(results: list[Result]) -> dict[str, Any] | None:
    fresh = [r for r in results if r.backend == "sqlite" and r.label == "fresh"]
    if not fresh:
        return None
    largest = max(fresh, key=lambda r: r.records)
    return {
        "records": largest.records,
        "records_per_second": largest.records_per_second,
        "goal": GOAL_RECORDS_PER_SECOND,
        "passed": largest.records_per_second >= GOAL_RECORDS_PER_SECOND,
    }


def print_table(results: list[Result], environment: dict[str, Any]) -> None:
    print(
        f"\nodoosync ingest benchmark — {environment['date']}, {environment['cpus']} CPUs, "
        f"Python {environment['python']}"
    )
    print(f"seed {environment['seed']}; each row is one fresh process; times are ingest_files only\n")
    header = (
        f"{'backend':<11} {'run':<10} {'records':>8} {'seconds':>8} {'records/s':>10} "
        f"{'pass 1 s':>8} {'open s':>7} {'base MiB':>9} {'peak MiB':>9}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        validate = f"{r.validate_seconds:8.2f}" if r.validate_seconds is not None else f"{'-':>8}"
        print(
            f"{r.backend:<11} {r.label:<10} {r.records:>8,} {r.seconds:>8.2f} {r.records_per_second:>10,.0f} "
            f"{validate} {r.open_seconds:>7.2f} {r.baseline_rss_mib:>9.1f} {r.peak_rss_mib:>9.1f}"
        )
    print()
    for backend, figures in memory_ratios(results).items():
        flat = "flat" if figures["ratio"] <= FLAT_MEMORY_RATIO else "GROWS"
        print(
            f"memory {backend}: peak({figures['large_records']:,}) / peak({figures['small_records']:,}) = "
            f"{figures['ratio']:.2f} ({figures['growth_mib']:+.1f} MiB) — {flat} (limit {FLAT_MEMORY_RATIO})"
        )
    goal = sqlite_goal(results)
    if goal:
        verdict = "PASS" if goal["passed"] else "FAIL"
        print(
            f"goal sqlite: {goal['records_per_second']:,.0f} records/s at {goal['records']:,} records "
            f"against {goal['goal']:,}/s — {verdict}"
        )


def parse_sizes(text: str) -> tuple[int, ...]:
    sizes = tuple(sorted({int(part.replace("_", "")) for part in text.split(",") if part.strip()}))
    if not sizes or min(sizes) < 100:
        raise argparse.ArgumentTypeError("sizes are record counts of at least 100, e.g. 10000,100000")
    return sizes


def parse_backends(text: str) -> tuple[str, ...]:
    backends = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = set(backends) - {"sqlite", "postgresql"}
    if not backends or unknown:
        raise argparse.ArgumentTypeError("backends are sqlite and/or postgresql")
    return backends


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark odoosync ingest: records/s and peak memory.")
    parser.add_argument("--sizes", type=parse_sizes, default=DEFAULT_SIZES, help="record counts (10000,100000)")
    parser.add_argument("--backends", type=parse_backends, default=("sqlite", "postgresql"), help="sqlite,postgresql")
    parser.add_argument("--quick", action="store_true", help=f"smoke run: sizes {QUICK_SIZES[0]},{QUICK_SIZES[1]}")
    parser.add_argument("--json", action="store_true", help="print the results as one JSON document")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed (same seed, same records)")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help="server to use; each run gets its own schema (default: $BENCH_POSTGRES_URL or %(default)s)",
    )
    parser.add_argument("--require-postgres", action="store_true", help="fail when PostgreSQL is unreachable")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        if not args.url or not args.file:
            parser.error("--child needs --url and --file")
        run_child(args.url, args.file, sys.stdout)
        return 0

    sizes: tuple[int, ...] = QUICK_SIZES if args.quick else args.sizes
    backends: list[str] = list(args.backends)
    skipped: dict[str, str] = {}
    if "postgresql" in backends:
        reason = postgres_reachable(args.postgres_url)
        if reason is not None:
            if args.require_postgres:
                print(f"PostgreSQL is unreachable ({reason}) and --require-postgres was given", file=sys.stderr)
                return 2
            print(f"PostgreSQL is unreachable ({reason}): running SQLite only", file=sys.stderr)
            skipped["postgresql"] = reason
            backends.remove("postgresql")

    environment = {
        "date": date.today().isoformat(),
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "seed": args.seed,
        "sizes": list(sizes),
        "backends": backends,
        "skipped": skipped,
    }
    with tempfile.TemporaryDirectory(prefix="odoosync-bench-") as temp:
        directory = Path(temp)
        print(f"checking the generator ({GENERATOR_CHECK_SIZE:,} records) …", file=sys.stderr, flush=True)
        check_generator(directory, args.seed)
        files: dict[int, Path] = {}
        for size in sizes:
            started = time.perf_counter()
            files[size] = write_ndjson(directory / f"records-{size}.ndjson", size, args.seed)
            megabytes = files[size].stat().st_size / 1024 / 1024
            print(
                f"generated {size:,} records ({megabytes:.1f} MiB) in {time.perf_counter() - started:.1f} s",
                file=sys.stderr,
                flush=True,
            )
        results: list[Result] = []
        for backend in backends:
            results += run_backend(backend, files, directory, args.postgres_url)

    if args.json:
        document = {
            "environment": environment,
            "results": [asdict(r) for r in results],
            "memory_ratio": memory_ratios(results),
            "sqlite_goal": sqlite_goal(results),
            "flat_memory_ratio": FLAT_MEMORY_RATIO,
        }
        print(json.dumps(document, indent=2))
    else:
        print_table(results, environment)
        for backend, reason in skipped.items():
            print(f"{backend}: skipped, unreachable ({reason})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
