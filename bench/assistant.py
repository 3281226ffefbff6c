"""Setup Assistant benchmark: how often `map suggest` gives the accountant's expense account on the Saudi chart.

The labelled sets are bench/data/categories.toml (categories as property managers write them, English and Arabic,
each with the account an accountant picks) and bench/data/categories-second.toml (written after the first had been
used to tune the vocabulary). For each server, a fresh workspace is set up as a person would: connect, ingest one
verified expense per category (from one vendor), then `odoosync map suggest --kind category --json`. It counts:

- right: the top suggestion is the labelled account;
- none: nothing suggested (the plan shows the nearest accounts, commented);
- wrong: a suggestion that is not the labelled account (the one that costs the accountant).

Goal (the issue): right at least 90 %, wrong at most 5 % (1 in 20), on real Odoo 17, 18 and 19.

    .venv/bin/python bench/assistant.py                      # the sandbox of Odoo 16, 17, 18 and 19
    .venv/bin/python bench/assistant.py --versions 18 --json
    .venv/bin/python bench/assistant.py --live               # the Odoo of ODOOSYNC_LIVE_URL/_DB/_LOGIN/_API_KEY

Exit status 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from running_sandbox import running_sandbox

DATA = Path(__file__).resolve().parent / "data"
SETS = {"first": DATA / "categories.toml", "second": DATA / "categories-second.toml"}
GOAL_RIGHT = 0.90
GOAL_WRONG = 0.05
VENDOR = {
    "type": "contact",
    "id": "BENCH-V1",
    "roles": ["vendor"],
    "name": "Bench Vendor Co.",
    "is_company": True,
    "updated_at": "2026-01-01T00:00:00+03:00",
}


@dataclass
class Result:
    server: str
    labelled: str
    total: int = 0
    right: int = 0
    none: int = 0
    wrong: list[str] = field(default_factory=list)

    def share(self, count: int) -> float:
        return count / self.total if self.total else 0.0

    @property
    def met(self) -> bool:
        return self.share(self.right) >= GOAL_RIGHT and self.share(len(self.wrong)) <= GOAL_WRONG


def expenses(categories: list[str]) -> str:
    lines = [json.dumps(VENDOR)]
    for number, category in enumerate(categories, start=1):
        expense = {
            "type": "expense",
            "id": f"BENCH-EX-{number}",
            "status": "verified",
            "vendor_id": VENDOR["id"],
            "bill_date": "2026-03-01",
            "lines": [{"category": category, "amount": "100.00", "vat_rate": "15"}],
            "updated_at": "2026-03-01T00:00:00+03:00",
        }
        lines.append(json.dumps(expense, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def odoosync(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "odoosync", *args], env=env, capture_output=True, text=True, timeout=600, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"odoosync {' '.join(args)} exited {done.returncode}:\n{done.stderr}")
    return done.stdout


def measure(server: str, connection: dict[str, str], labelled: str) -> Result:
    labels: dict[str, str] = tomllib.loads(SETS[labelled].read_text(encoding="utf-8"))["categories"]
    result = Result(server, labelled, total=len(labels))
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        env = {k: v for k, v in os.environ.items() if not k.startswith("ODOOSYNC_")}
        env.update(
            XDG_CONFIG_HOME=str(root / "config"), XDG_DATA_HOME=str(root / "data"), BENCH_KEY=connection["api_key"]
        )
        odoosync(
            env,
            "connect",
            "--url",
            connection["url"],
            "--database",
            connection["database"],
            "--login",
            connection["login"],
            "--api-key-env",
            "BENCH_KEY",
        )
        records = root / "expenses.ndjson"
        records.write_text(expenses(list(labels)), encoding="utf-8")
        odoosync(env, "ingest", str(records))
        out = odoosync(env, "map", "suggest", "--kind", "category", "--json", "--out", str(root / "plan.toml"))
    suggestions = {s["code"]: s for s in json.loads(out)["suggestions"]}
    for category, account in labels.items():
        suggestion = suggestions[category.strip()]
        target = suggestion.get("target")
        if target is None:
            result.none += 1
        elif target == account:
            result.right += 1
        else:
            result.wrong.append(f"{category!r} → {suggestion['name']} (labelled {account}): {suggestion['why']}")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--versions", default="16,17,18,19", help="sandbox versions to run (default: all four)")
    parser.add_argument("--live", action="store_true", help="also run against the Odoo of ODOOSYNC_LIVE_*")
    parser.add_argument("--live-only", action="store_true", help="run against the Odoo of ODOOSYNC_LIVE_* only")
    parser.add_argument("--json", action="store_true", help="print every figure as one JSON document")
    args = parser.parse_args()
    results: list[Result] = []
    if not args.live_only:
        for version in [int(v) for v in args.versions.split(",") if v]:
            with running_sandbox("--version", str(version)) as details:
                connection = {k: str(details[k]) for k in ("url", "database", "login", "api_key")}
                results += [measure(f"sandbox {version}", connection, labelled) for labelled in SETS]
    if args.live or args.live_only:
        names = ("URL", "DB", "LOGIN", "API_KEY")
        missing = [f"ODOOSYNC_LIVE_{n}" for n in names if not os.environ.get(f"ODOOSYNC_LIVE_{n}")]
        if missing:
            raise SystemExit(f"--live needs {', '.join(missing)}")
        connection = dict(
            zip(("url", "database", "login", "api_key"), (os.environ[f"ODOOSYNC_LIVE_{n}"] for n in names), strict=True)
        )
        version = (
            json.loads(
                subprocess.run(
                    [
                        "curl",
                        "-s",
                        "-H",
                        "Content-Type: application/json",
                        "-d",
                        '{"params":{}}',
                        connection["url"] + "/web/webclient/version_info",
                    ],
                    capture_output=True,
                    text=True,
                    check=False,
                ).stdout
                or "{}"
            )
            .get("result", {})
            .get("server_version", "?")
        )
        results += [measure(f"Odoo {version}", connection, labelled) for labelled in SETS]
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "server": r.server,
                        "set": r.labelled,
                        "categories": r.total,
                        "right": round(r.share(r.right), 4),
                        "none": round(r.share(r.none), 4),
                        "wrong": round(r.share(len(r.wrong)), 4),
                        "wrong_ones": r.wrong,
                        "goal_met": r.met,
                    }
                    for r in results
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        print(f"{'server':<18} {'set':<7} {'categories':>10} {'right':>7} {'none':>7} {'wrong':>7}  goal")
        for r in results:
            print(
                f"{r.server:<18} {r.labelled:<7} {r.total:>10} {r.share(r.right):>7.1%} {r.share(r.none):>7.1%} "
                f"{r.share(len(r.wrong)):>7.1%}  {'met' if r.met else 'MISSED'}"
            )
            for line in r.wrong:
                print(f"    wrong: {line}")
        print(f"goal: right ≥ {GOAL_RIGHT:.0%} and wrong ≤ {GOAL_WRONG:.0%} of each set")
    return 0 if all(r.met for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
