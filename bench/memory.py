"""Memory benchmark: peak RSS of `odoosync sync` backfilling 10,000 and 100,000 records into the sandbox.

For each size the benchmark starts a fresh sandbox in its own process (bench/running_sandbox.py) and sets up a
fresh workspace the way a person would (tests/support/workspace.prepare: connect, ingest, map, Rent product,
`enable --backfill-since 2025-01-01`, which queues every record that goes to Odoo). The records are the sample
portfolio (samples/portfolio.ndjson) plus generated approved rent payments (tests/support/portfolio.py) up to the
size. None of that is measured. Then `odoosync sync --json` runs as a subprocess and drains the whole queue; its
peak RSS, its wall time and its records/s are the figures. Only the sync process counts: the sandbox keeps every
invoice in memory and grows with the size, which is not odoosync's memory.

Goal (from the issue): peak RSS of the sync process at the largest size at most 1.20 times the one at the
smallest. Exit status 0 when met, 1 when missed, 2 when a sync did not push every record it should.

    .venv/bin/python bench/memory.py [--sizes 10000,100000] [--seed 7] [--json]

bench/README.md explains the figures and how the peak is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from running_sandbox import running_sandbox

# tests/support builds the records and the workspace; it is importable with the repository root on sys.path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support.portfolio import rent_payments, sample_documents, write_ndjson
from tests.support.workspace import ODOOSYNC, prepare

GOAL_RATIO = 1.20
DEFAULT_SIZES = (10_000, 100_000)
QUICK_SIZES = (2_000, 20_000)
DEFAULT_SEED = 7
DEFAULT_VERSION = 17
BACKFILL_SINCE = "2025-01-01"
SYNC_TIMEOUT_SECONDS = 3_600
# The types in the order odoosync syncs them, and the status a record needs to go to Odoo (odoosync's rule too).
ORDER = ("contact", "expense", "deposit", "rent_payment")
SYNCING_STATUS = {"rent_payment": "approved", "expense": "verified", "deposit": "recorded"}

# The measured command runs under this small Python process, which starts it, waits for it and writes the
# figures as JSON to the file named by its first argument; the command's stdout and stderr pass through.
#
# Why a wrapper: getrusage's ru_maxrss of a child is at least the RSS of the memory image its exec replaced
# (Linux carries that high-water mark into the new program; see bench/README.md, ingest benchmark). Started
# straight from this script, which holds the records list (about 290 MiB at 100,000 records), the sync's figure
# would be this script's. Started from the wrapper, it is at least the wrapper's own peak (about 12 MiB,
# reported as `wrapper_peak_kib`), far below any odoosync process. The wrapper also samples the child's own
# VmHWM from /proc every 50 ms while it runs. Both figures can miss a little of the true peak (the kernel
# updates the high-water mark lazily and counts pages approximately; they differed by up to 0.4 MiB here):
# the peak reported is the higher of the two.
WRAPPER = r"""
import json, resource, subprocess, sys, time

def vmhwm(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None

out, command = sys.argv[1], sys.argv[2:]
started = time.perf_counter()
child = subprocess.Popen(command)
sampled = None
while child.poll() is None:
    sampled = vmhwm(child.pid) or sampled
    time.sleep(0.05)
seconds = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
figures = {
    "returncode": child.returncode,
    "seconds": seconds,
    "peak_rss_kib": usage.ru_maxrss,
    "cpu_seconds": usage.ru_utime + usage.ru_stime,
    "sampled_vmhwm_kib": sampled,
    "wrapper_peak_kib": vmhwm("self"),
}
with open(out, "w") as file:
    json.dump(figures, file)
"""


def stop(message: str) -> NoReturn:
    """A sync did not push what it should: its memory figure would mean nothing."""
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(2)


@dataclass(frozen=True)
class SandboxDetails:
    """What tests/support/workspace.prepare reads of a Sandbox, for one running in another process."""

    url: str
    database: str
    login: str
    api_key: str


@dataclass
class Measured:
    """One command run under the wrapper: what it printed, and its figures."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    cpu_seconds: float
    peak_rss_kib: int
    sampled_vmhwm_kib: int | None
    wrapper_peak_kib: int | None

    @property
    def peak_kib(self) -> int:
        """The higher of getrusage's figure and the last VmHWM sampled: each can miss a little of the peak."""
        return max(self.peak_rss_kib, self.sampled_vmhwm_kib or 0)


def measure(env: dict[str, str], *args: str, scratch: Path) -> Measured:
    """Run `odoosync ARGS` in a process of its own (under the wrapper) and read its peak RSS and wall time."""
    figures_file = scratch / "figures.json"
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, str(figures_file), *ODOOSYNC, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=SYNC_TIMEOUT_SECONDS,
        check=False,
    )
    if done.returncode != 0 or not figures_file.exists():
        stop(f"the measuring wrapper failed (exit {done.returncode}):\n{done.stderr}")
    figures = json.loads(figures_file.read_text())
    figures_file.unlink()
    return Measured(stdout=done.stdout, stderr=done.stderr, **figures)


def sandbox_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the sandbox process has used so far, from /proc/PID/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def sandbox_peak_mib(pid: int) -> float | None:
    """The sandbox process's own peak RSS (VmHWM), read while it still runs."""
    try:
        with Path(f"/proc/{pid}/status").open(encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


# --- the records ------------------------------------------------------------------------------------------------


def write_records(path: Path, size: int, seed: int) -> dict[str, Any]:
    """The sample portfolio plus generated approved rent payments: `size` records in all, in one NDJSON file."""
    records = sample_documents()
    records += rent_payments(max(size - len(records), 0), seed=seed)
    write_ndjson(path, records)
    to_sync = sum(r["type"] not in SYNCING_STATUS or r.get("status") == SYNCING_STATUS[r["type"]] for r in records)
    return {
        "records": len(records),
        "to_sync": to_sync,
        "by_type": {kind: sum(r["type"] == kind for r in records) for kind in ORDER},
        "megabytes": path.stat().st_size / 1024 / 1024,
    }


# --- one size ---------------------------------------------------------------------------------------------------


@dataclass
class Result:
    records: int
    to_sync: int
    synced: int
    seconds: float  # wall time of the `odoosync sync --json` process
    engine_seconds: float  # odoosync's own figure: run_sync from start to end
    cpu_seconds: float  # CPU time (user + system) of the sync process
    sandbox_cpu_seconds: float  # CPU time the sandbox process used while the sync ran
    records_per_second: float  # synced ÷ seconds
    batches: int
    odoo_calls: int
    peak_rss_mib: float  # the sync process's peak RSS: the higher of the two figures below
    ru_maxrss_mib: float  # the wrapper's getrusage(RUSAGE_CHILDREN).ru_maxrss after the sync ended
    sampled_vmhwm_mib: float | None  # the last VmHWM sampled while the sync ran
    base_rss_mib: float  # peak RSS of `odoosync test --json` in the same workspace: start-up, imports, connection
    wrapper_peak_mib: float | None  # the wrapper's own peak: a measured peak at or below this would be inflated
    sandbox_peak_mib: float | None  # the sandbox process's peak RSS at the end (not odoosync's memory)
    setup_seconds: float  # connect, ingest, map, Rent product, enable with the backfill (not measured)


def run_size(size: int, seed: int, version: int, scratch: Path) -> Result:
    input_file = scratch / f"records-{size}.ndjson"
    started = time.perf_counter()
    counts = write_records(input_file, size, seed)
    progress(
        f"{size:,} records: generated ({counts['megabytes']:.1f} MiB, {counts['to_sync']:,} to sync) in "
        f"{time.perf_counter() - started:.1f} s"
    )
    with running_sandbox("--version", str(version)) as details:
        root = scratch / f"workspace-{size}"
        root.mkdir()
        started = time.perf_counter()
        env = prepare(
            root,
            SandboxDetails(details["url"], details["database"], details["login"], details["api_key"]),  # type: ignore[arg-type]
            [input_file],
            since=BACKFILL_SINCE,
        )
        setup_seconds = time.perf_counter() - started
        progress(f"{size:,} records: workspace ready in {setup_seconds:.1f} s (connect, ingest, map, enable)")
        base = measure(env, "test", "--json", scratch=scratch)
        if base.returncode != 0:
            stop(f"odoosync test exited {base.returncode}\n{base.stdout}\n{base.stderr}")
        progress(f"{size:,} records: syncing …")
        sandbox_cpu = sandbox_cpu_seconds(details["pid"])
        sync = measure(env, "sync", "--json", scratch=scratch)
        sandbox_cpu = sandbox_cpu_seconds(details["pid"]) - sandbox_cpu
        sandbox_mib = sandbox_peak_mib(details["pid"])
    input_file.unlink()
    if sync.returncode != 0:
        stop(f"odoosync sync exited {sync.returncode}\n{sync.stdout}\n{sync.stderr}")
    report = json.loads(sync.stdout)
    synced = sum(tally["synced"] for tally in report["by_type"].values())
    if not report["ok"] or synced != counts["to_sync"]:
        stop(f"odoosync synced {synced} of {counts['to_sync']} records:\n{json.dumps(report, indent=2)[:4000]}")
    result = Result(
        records=counts["records"],
        to_sync=counts["to_sync"],
        synced=synced,
        seconds=sync.seconds,
        engine_seconds=report["seconds"],
        cpu_seconds=sync.cpu_seconds,
        sandbox_cpu_seconds=sandbox_cpu,
        records_per_second=synced / sync.seconds,
        batches=report["batches"],
        odoo_calls=report["odoo_calls"],
        peak_rss_mib=sync.peak_kib / 1024,
        ru_maxrss_mib=sync.peak_rss_kib / 1024,
        sampled_vmhwm_mib=sync.sampled_vmhwm_kib / 1024 if sync.sampled_vmhwm_kib else None,
        base_rss_mib=base.peak_kib / 1024,
        wrapper_peak_mib=sync.wrapper_peak_kib / 1024 if sync.wrapper_peak_kib else None,
        sandbox_peak_mib=sandbox_mib,
        setup_seconds=setup_seconds,
    )
    progress(f"{size:,} records: synced {synced:,} in {result.seconds:.1f} s, peak RSS {result.peak_rss_mib:.1f} MiB")
    return result


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the report -------------------------------------------------------------------------------------------------


def verdict(results: list[Result]) -> dict[str, Any] | None:
    """Peak RSS at the largest size over the smallest, against the goal (None with a single size)."""
    if len(results) < 2:
        return None
    small, large = min(results, key=lambda r: r.records), max(results, key=lambda r: r.records)
    ratio = large.peak_rss_mib / small.peak_rss_mib
    return {
        "small_records": small.records,
        "large_records": large.records,
        "ratio": ratio,
        "growth_mib": large.peak_rss_mib - small.peak_rss_mib,
        "goal_ratio": GOAL_RATIO,
        "passed": ratio <= GOAL_RATIO,
    }


def print_table(results: list[Result], environment: dict[str, Any]) -> None:
    print(
        f"\nodoosync memory benchmark — {environment['date']}, {environment['cpus']} CPUs, Python "
        f"{environment['python']}, Odoo {environment['version']} sandbox in its own process, seed {environment['seed']}"
    )
    print("each size: a fresh sandbox and workspace, then one `odoosync sync --json` process drains the backfill\n")
    header = (
        f"{'records':>8} {'synced':>8} {'batches':>7} {'seconds':>8} {'records/s':>9} {'cpu s':>7} "
        f"{'base MiB':>9} {'peak MiB':>9} {'sandbox MiB':>11}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        sandbox = f"{r.sandbox_peak_mib:11.0f}" if r.sandbox_peak_mib is not None else f"{'-':>11}"
        print(
            f"{r.records:>8,} {r.synced:>8,} {r.batches:>7,} {r.seconds:>8.1f} {r.records_per_second:>9,.0f} "
            f"{r.cpu_seconds:>7.1f} {r.base_rss_mib:>9.1f} {r.peak_rss_mib:>9.1f} {sandbox}"
        )
    print()
    for r in results:
        print(
            f"{r.records:,}: {r.odoo_calls:,} Odoo calls; engine {r.engine_seconds:.1f} s of the {r.seconds:.1f} s; "
            f"sandbox CPU {r.sandbox_cpu_seconds:.1f} s meanwhile; set-up {r.setup_seconds:.1f} s (not measured)"
        )
    print()
    outcome = verdict(results)
    if outcome is None:
        print("goal: not measured (it compares two sizes; give two or more in --sizes)")
    else:
        print(
            f"goal: peak({outcome['large_records']:,}) / peak({outcome['small_records']:,}) = {outcome['ratio']:.2f} "
            f"({outcome['growth_mib']:+.1f} MiB) against ≤ {GOAL_RATIO:.2f} — {'PASS' if outcome['passed'] else 'FAIL'}"
        )


def parse_sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(sorted({int(part.replace("_", "")) for part in text.split(",") if part.strip()}))
    except ValueError as error:
        raise argparse.ArgumentTypeError("sizes are record counts, e.g. 10000,100000") from error
    floor = len(sample_documents())
    if not sizes or min(sizes) < floor:
        raise argparse.ArgumentTypeError(f"sizes are record counts of at least {floor}, e.g. 10000,100000")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=parse_sizes, default=DEFAULT_SIZES, help="record counts (10000,100000)")
    parser.add_argument("--quick", action="store_true", help=f"smoke run: sizes {QUICK_SIZES[0]},{QUICK_SIZES[1]}")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the generated rent payments")
    parser.add_argument("--version", type=int, default=DEFAULT_VERSION, help="Odoo version the sandbox imitates")
    parser.add_argument("--json", action="store_true", help="print the results as one JSON document")
    args = parser.parse_args(argv)
    sizes: tuple[int, ...] = QUICK_SIZES if args.quick else args.sizes

    environment = {
        "date": date.today().isoformat(),
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "seed": args.seed,
        "version": args.version,
        "sizes": list(sizes),
        "backfill_since": BACKFILL_SINCE,
    }
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="odoosync-bench-memory-") as temp:
        results = [run_size(size, args.seed, args.version, Path(temp)) for size in sizes]
    environment["total_seconds"] = round(time.perf_counter() - started, 1)
    outcome = verdict(results)
    if args.json:
        document = {"environment": environment, "results": [asdict(r) for r in results], "goal": outcome}
        print(json.dumps(document, indent=2))
    else:
        print_table(results, environment)
    return 1 if outcome is not None and not outcome["passed"] else 0


if __name__ == "__main__":
    sys.exit(main())
