"""How long the `odoosync` command takes to start, side by side with `python -c "import typer"`.

Each round runs every command once, in turn, as a fresh process, so that a busy moment of the machine falls on all
of them alike; the figure is the median over the rounds. The goal (issue 20): `odoosync --version` within 1.5 times
the time of `import typer`. The commands that need no database or network are timed too, and what each one
imports of the heavy libraries is listed.

    .venv/bin/python bench/startup.py            # 15 rounds
    .venv/bin/python bench/startup.py --rounds 40 --json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
HEAVY = ("sqlalchemy", "httpx", "rich", "alembic")
GOAL = 1.5


def commands(workdir: Path) -> dict[str, list[str]]:
    odoosync = str(BIN / "odoosync")
    return {
        "import typer": [sys.executable, "-c", "import typer"],
        "odoosync --version": [odoosync, "--version"],
        "odoosync --help": [odoosync, "--help"],
        "odoosync config --help": [odoosync, "config", "--help"],
        "odoosync config show": [odoosync, "--config", str(workdir / "config.toml"), "config", "show"],
        "odoosync sync --help": [odoosync, "sync", "--help"],
        "odoosync status X (a database)": [
            odoosync,
            "--config",
            str(workdir / "config.toml"),
            "status",
            "contact",
            "X",
        ],
    }


def run_once(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def heavy_imports(argv: list[str], env: dict[str, str]) -> list[str]:
    """The heavy libraries a command imports, read from `python -X importtime`."""
    if Path(argv[0]).name == "odoosync":
        argv = [sys.executable, "-X", "importtime", argv[0], *argv[1:]]
    else:
        argv = [argv[0], "-X", "importtime", *argv[1:]]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    names = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    return [name for name in HEAVY if name in names]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON document")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as workdir:
        env = {**os.environ, "XDG_CONFIG_HOME": workdir, "XDG_DATA_HOME": workdir, "XDG_STATE_HOME": workdir}
        # An empty config (every value its default): with --config, a file that does not exist is an error.
        (Path(workdir) / "config.toml").touch(mode=0o600)
        table = commands(Path(workdir))
        for argv in table.values():
            run_once(argv, env)  # warm the file cache and the bytecode
        times: dict[str, list[float]] = {name: [] for name in table}
        for _ in range(args.rounds):
            for name, argv in table.items():
                times[name].append(run_once(argv, env))
        imports = {name: heavy_imports(argv, env) for name, argv in table.items()}

    base = statistics.median(times["import typer"])
    rows = [
        {
            "command": name,
            "median_s": round(statistics.median(values), 4),
            "ratio": round(statistics.median(values) / base, 2),
            "heavy_imports": imports[name],
        }
        for name, values in times.items()
    ]
    version_ratio = next(row["ratio"] for row in rows if row["command"] == "odoosync --version")
    passed = isinstance(version_ratio, float) and version_ratio <= GOAL
    if args.json:
        print(json.dumps({"rounds": args.rounds, "rows": rows, "goal": GOAL, "passed": passed}, indent=2))
        return
    print(f"{'command':<34} {'median s':>9} {'× typer':>8}  heavy imports")
    for row in rows:
        heavy = ", ".join(row["heavy_imports"]) or "-"  # type: ignore[arg-type]
        print(f"{row['command']:<34} {row['median_s']:>9.3f} {row['ratio']:>8.2f}  {heavy}")
    verdict = "PASS" if passed else "FAIL"
    print(f"goal: odoosync --version within {GOAL}× of import typer: {version_ratio}× {verdict} ({args.rounds} rounds)")


if __name__ == "__main__":
    main()
