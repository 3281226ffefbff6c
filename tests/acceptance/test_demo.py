"""The README's first command: `odoosync demo` runs the whole product against the sandbox and shows it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.support.portfolio import sample_documents


def run_demo(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ODOOSYNC_")}
    env.update({"COLUMNS": "80", **(env_extra or {})})
    return subprocess.run(
        [sys.executable, "-m", "odoosync", "demo", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_demo_syncs_the_portfolio_and_its_edits(tmp_path: Path) -> None:
    # A key for a real Odoo in the environment must not leak into the demo.
    done = run_demo("--json", "--dir", str(tmp_path / "demo"), env_extra={"ODOOSYNC_API_KEY": "a-real-key"})
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    documents = sample_documents()
    approved = sum(1 for d in documents if d["type"] == "rent_payment" and d["status"] == "approved")
    verified = sum(1 for d in documents if d["type"] == "expense" and d["status"] == "verified")
    first = report["first_sync"]
    assert first["ok"]
    assert first["by_type"]["contact"]["synced"] == 21
    assert first["by_type"]["rent_payment"]["synced"] == approved
    assert first["by_type"]["expense"]["synced"] == verified
    assert first["by_type"]["deposit"]["synced"] == 9
    second = report["second_sync"]
    assert second["ok"]
    assert second["jobs"] == 4
    assert all(counts.get("failed", 0) == 0 for counts in report["queue"].values())
    chips = {chip["id"]: chip for chip in report["chips"]}
    assert chips["RP-2026-0001"]["chip"] == "synced"
    assert chips["EX-302"]["odoo"]["state"] == "cancel"
    assert chips["C-1012"]["odoo"]["state"] == "archived"
    odoo = report["odoo_records"]
    assert odoo["counts"] == {"invoices": approved, "bills": verified, "payments": 9, "partners": 21}
    assert {row["lang"] for row in odoo["partners"]} <= {"ar_001", "en_US"}
    assert (tmp_path / "demo" / "config.toml").exists()
    assert "a-real-key" not in done.stdout + done.stderr
    # What the ingest counted and the sync did not take is said, by its status in the app.
    held = Counter((d["type"], d["status"]) for d in documents if d["type"] != "contact")
    assert report["not_eligible"] == {
        "rent_payment": {"pending": held[("rent_payment", "pending")]},
        "expense": {"submitted": held[("expense", "submitted")]},
    }


def test_the_demo_reads_well_and_leaves_nothing_behind(tmp_path: Path) -> None:
    # A temporary folder of its own: other tests running beside it (pytest -n) make and remove demo folders too.
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    done = run_demo(env_extra={"TMPDIR": str(temporary)})
    assert done.returncode == 0, done.stderr
    for heading in (
        "First sync",
        "Second sync",
        "The queue",
        "A few records",
        "Customer invoices",
        "Vendor bills",
        "Payments",
        "Partners",
    ):
        assert heading in done.stdout
    assert "● Synced" in done.stdout
    assert not list(temporary.iterdir())  # its folder is gone
    # At 80 columns (run_demo's): the records the sync left out are said, and no document number is cut.
    held = Counter((d["type"], d["status"]) for d in sample_documents() if d["type"] != "contact")
    assert "Not synced, by their status in the app:" in done.stdout
    assert (
        f"rent payments: {held[('rent_payment', 'pending')]} pending (rent payments sync once approved)" in done.stdout
    )
    assert f"expenses: {held[('expense', 'submitted')]} submitted (expenses sync once verified)" in done.stdout
    numbers = re.findall(r"│ ((?:INV|BILL|P[A-Z]+[0-9])/\S*)", done.stdout)
    assert any(number.startswith("INV/") for number in numbers)
    assert all(
        re.fullmatch(r"(INV/[0-9]{4}/[0-9]{5}|BILL/[0-9]{4}/[0-9]{2}/[0-9]{4}|P[A-Z]+[0-9]/[0-9]{4}/[0-9]{5})", n)
        for n in numbers
    ), numbers
    assert all(len(line) <= 80 for line in done.stdout.splitlines() if line.startswith(("┃", "│"))), done.stdout


@pytest.mark.parametrize("version", [19])
def test_the_demo_runs_on_another_odoo_version(version: int) -> None:
    done = run_demo("--json", "--version", str(version))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["odoo"]["version"] == version
