"""The systemd units and the crontab example in systemd/: `systemd-analyze verify` accepts the units, every
odoosync command line in them is one the CLI parses, and the service's environment and credentials are enough
for a real sync run."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from odoosync.cli.app import command_tree
from odoosync.sandbox import Sandbox
from tests.conftest import ROOT, SAMPLES

SYSTEMD = ROOT / "systemd"
SERVICE = SYSTEMD / "odoosync.service"
TIMER = SYSTEMD / "odoosync.timer"
CRONTAB = SYSTEMD / "crontab.example"
INSTALLED = "/usr/local/bin/odoosync"
VENV_ODOOSYNC = Path(sys.executable).parent / "odoosync"
# A cron schedule: five fields of digits, `*`, `/`, `,` and `-` (names such as `mon` are not used here).
CRON_LINE = re.compile(r"^#?\s*((?:[\d*/,-]+\s+){5})(\S.*)$")
SHELL_OPERATORS = ("|", "&", ";", ">", "<", "2>", "1>")


# ------------------------------------------------------------------------------------------------- helpers


def unit_entries(path: Path) -> list[tuple[str, str, str]]:
    """(section, key, value) of every setting of a unit file, in order; comments and blank lines left out."""
    entries: list[tuple[str, str, str]] = []
    section = ""
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", ";")):
            continue
        assert not stripped.endswith("\\"), f"{path.name}: continuation lines are not used here: {line}"
        if stripped.startswith("["):
            section = stripped.strip("[]")
            continue
        key, _, value = stripped.partition("=")
        entries.append((section, key.strip(), value.strip()))
    return entries


def unit_values(path: Path, section: str, key: str) -> list[str]:
    return [value for s, k, value in unit_entries(path) if (s, k) == (section, key)]


def unit_value(path: Path, section: str, key: str) -> str:
    values = unit_values(path, section, key)
    assert len(values) == 1, f"{path.name}: [{section}] {key}= is set {len(values)} times"
    return values[0]


def seconds(timespan: str) -> float:
    """A systemd time span such as `90min`, `1h 30min` or `300` (seconds) in seconds."""
    units = {"": 1, "s": 1, "sec": 1, "min": 60, "m": 60, "h": 3600, "hr": 3600}
    parts = re.findall(r"(\d+(?:\.\d+)?)\s*([a-z]*)", timespan)
    assert parts, f"not a time span: {timespan!r}"
    return sum(float(number) * units[unit] for number, unit in parts)


def parse_invocation(args: list[str]) -> tuple[str, dict[str, Any]]:
    """Parse `odoosync ARGS` the way the program would, without running anything: (subcommand, its options).

    Raises click's UsageError (or BadParameter) when the command line is not one odoosync accepts.
    """
    group = command_tree()
    context = group.make_context("odoosync", list(args))
    # The group keeps the subcommand's name apart from its arguments, as its own invoke() does: the name in
    # `_protected_args` (`protected_args` in click 8.1, before typer vendored click), the rest in `args`.
    protected = getattr(context, "_protected_args", None)
    if protected is None:
        protected = getattr(context, "protected_args", [])
    name, command, rest = group.resolve_command(context, [*protected, *context.args])
    assert name is not None
    assert command is not None
    sub_context = command.make_context(name, rest, parent=context)
    return name, sub_context.params


def odoosync_words(words: list[str]) -> list[str]:
    """The arguments of the odoosync invocation in a shell command's words: after `odoosync`, up to an operator."""
    starts = [i for i, word in enumerate(words) if Path(word).name == "odoosync"]
    assert len(starts) == 1, f"expected one odoosync in {words}"
    args: list[str] = []
    for word in words[starts[0] + 1 :]:
        if word.startswith(SHELL_OPERATORS):
            break
        args.append(word)
    return args


def exec_start_words() -> list[str]:
    command_line = unit_value(SERVICE, "Service", "ExecStart")
    # Specifiers (%…) and $VARIABLE expansion would change the words systemd passes: none are used.
    assert "%" not in command_line
    assert "$" not in command_line
    words = shlex.split(command_line)
    assert words[0].startswith("/"), "systemd wants an absolute path (and no -, +, ! or @ prefix here)"
    return words


def cron_commands() -> list[tuple[str, str]]:
    """(schedule, command) of every cron line of the example, the commented ones included."""
    found = []
    for line in CRONTAB.read_text().splitlines():
        match = CRON_LINE.match(line)
        if match and "odoosync" in match[2]:
            found.append((match[1].strip(), match[2]))
    return found


def systemd_analyze() -> str:
    """The systemd-analyze program, or skip (fail on CI, which installs it: see .ci/run)."""
    found = shutil.which("systemd-analyze")
    if found is None:
        message = "systemd-analyze is not installed (Debian: apt-get install systemd); the unit files are not verified"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def units_for_this_machine(directory: Path, service_text: str | None = None) -> tuple[Path, Path]:
    """Both units in `directory`, the service's ExecStart pointing at this environment's odoosync.

    `systemd-analyze verify` checks that the program exists; /usr/local/bin/odoosync need not on a test machine.
    """
    assert VENV_ODOOSYNC.is_file()
    assert not re.search(r"\s", str(VENV_ODOOSYNC)), "a path with spaces would need quoting in ExecStart="
    text = SERVICE.read_text() if service_text is None else service_text
    assert text.count(f"\nExecStart={INSTALLED} ") == 1
    service = directory / SERVICE.name
    service.write_text(text.replace(f"\nExecStart={INSTALLED} ", f"\nExecStart={VENV_ODOOSYNC} "))
    timer = directory / TIMER.name
    shutil.copyfile(TIMER, timer)
    return service, timer


def verify(*units: Path) -> tuple[int, list[str]]:
    """`systemd-analyze verify`: its exit status and the lines it printed about these units.

    Unknown keys and bad values are only warnings (exit status 0), so the lines count too; lines about the
    machine's own units (pulled in as dependencies) are left out.
    """
    result = subprocess.run(
        [systemd_analyze(), "verify", "--man=no", *map(str, units)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={**os.environ, "SYSTEMD_LOG_COLOR": "0", "SYSTEMD_PAGER": ""},
    )
    directory = str(units[0].parent)
    lines = (result.stdout + result.stderr).splitlines()
    return result.returncode, [line for line in lines if directory in line or "odoosync" in line]


# ------------------------------------------------------------------------------------- systemd-analyze verify


def test_systemd_analyze_verify_accepts_both_units(tmp_path: Path) -> None:
    service, timer = units_for_this_machine(tmp_path)
    status, complaints = verify(service, timer)
    assert (status, complaints) == (0, [])


def test_verify_as_run_here_does_catch_a_misspelled_setting(tmp_path: Path) -> None:
    """The check above would see a mistake: a misspelled key is only a warning, and it is reported."""
    text = SERVICE.read_text().replace("\nProtectSystem=strict\n", "\nProtectSistem=strict\n")
    service, timer = units_for_this_machine(tmp_path, text)
    _, complaints = verify(service, timer)
    assert any("ProtectSistem" in line for line in complaints), complaints


def test_both_calendar_expressions_of_the_timer_are_valid() -> None:
    """The nightly one, and the commented every-5-minutes one (verify does not read comments)."""
    nightly = unit_value(TIMER, "Timer", "OnCalendar")
    commented = re.findall(r"^#OnCalendar=(.+)$", TIMER.read_text(), re.MULTILINE)
    assert commented == ["*:0/5"]
    for expression in (nightly, *commented):
        result = subprocess.run(
            [systemd_analyze(), "calendar", expression], capture_output=True, text=True, check=False, timeout=60
        )
        assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------------------------- what the units promise


def test_the_timer_starts_the_service_nightly_and_catches_up_missed_runs() -> None:
    assert unit_value(TIMER, "Timer", "Unit") == SERVICE.name
    assert unit_value(TIMER, "Timer", "OnCalendar") == "*-*-* 02:30:00"
    assert unit_value(TIMER, "Timer", "Persistent") == "true"
    assert seconds(unit_value(TIMER, "Timer", "RandomizedDelaySec")) > 0
    assert unit_value(TIMER, "Install", "WantedBy") == "timers.target"


def test_the_service_is_a_hardened_oneshot_with_the_key_as_a_credential() -> None:
    expected = {
        "Type": "oneshot",
        "DynamicUser": "yes",
        "StateDirectory": "odoosync",
        "UMask": "0077",
        "NoNewPrivileges": "yes",
        "CapabilityBoundingSet": "",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "PrivateDevices": "yes",
        "ProtectKernelTunables": "yes",
        "ProtectKernelModules": "yes",
        "ProtectKernelLogs": "yes",
        "ProtectControlGroups": "yes",
        "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
        "LockPersonality": "yes",
        "MemoryDenyWriteExecute": "yes",
    }
    assert {key: unit_value(SERVICE, "Service", key) for key in expected} == expected
    assert "@system-service" in unit_values(SERVICE, "Service", "SystemCallFilter")
    credentials = dict(value.split(":", 1) for value in unit_values(SERVICE, "Service", "LoadCredential"))
    assert credentials == {"config.toml": "/etc/odoosync/config.toml", "odoo-api-key": "/etc/odoosync/odoo-api-key"}
    environment = dict(value.split("=", 1) for value in unit_values(SERVICE, "Service", "Environment"))
    assert environment["ODOOSYNC_CONFIG"] == "%d/config.toml"
    assert environment["XDG_DATA_HOME"] == "/var/lib"
    assert "SuccessExitStatus" not in {key for _, key, _ in unit_entries(SERVICE)}, "see docs/operations.md"


# ---------------------------------------------------------------------------- the odoosync command lines


def test_the_service_command_line_is_a_valid_odoosync_sync() -> None:
    words = exec_start_words()
    assert words[0] == INSTALLED
    name, options = parse_invocation(words[1:])
    assert name == "sync"
    assert options["max_seconds"] is not None
    assert options["max_seconds"] > 0
    # The run stops starting batches well before systemd would kill it in the middle of one.
    assert options["max_seconds"] + 600 <= seconds(unit_value(SERVICE, "Service", "TimeoutStartSec"))


@pytest.mark.parametrize(
    "bad", [["sync", "--max-seconds", "soon"], ["sync", "--max-secs", "60"], ["synch"], ["sync", "--max-seconds", "-1"]]
)
def test_the_checker_refuses_what_odoosync_would_refuse(bad: list[str]) -> None:
    with pytest.raises(Exception) as refused:  # noqa: PT011 - click's UsageError, which typer does not export
        parse_invocation(bad)
    # click's usage errors carry the exit status odoosync gives a wrong command line.
    assert getattr(refused.value, "exit_code", None) == 2


def test_the_crontab_lines_are_valid_odoosync_syncs_behind_flock() -> None:
    commands = cron_commands()
    schedules = [schedule for schedule, _ in commands]
    assert "30 2 * * *" in schedules
    assert "*/5 * * * *" in schedules
    for schedule, command in commands:
        # cron turns an unescaped % into a newline.
        assert "%" not in command
        words = shlex.split(command)
        odoosync_at = next(i for i, word in enumerate(words) if Path(word).name == "odoosync")
        assert words[odoosync_at - 3 : odoosync_at] == ["flock", "-n", "/run/lock/odoosync.lock"], command
        name, options = parse_invocation(odoosync_words(words))
        assert name == "sync"
        assert options["max_seconds"] is not None
        every = re.fullmatch(r"\*/(\d+)", schedule.split()[0])
        if every:
            # A run fits between two starts (flock -n skips a start that finds one still going anyway).
            assert options["max_seconds"] < int(every[1]) * 60


# ---------------------------------------------------------------------- the service's environment, for real


def run_odoosync(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VENV_ODOOSYNC), *args],
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_the_service_environment_and_credentials_sync_what_the_documented_set_up_prepared(tmp_path: Path) -> None:
    """A root under tmp_path stands for /: /etc/odoosync is prepared as docs/operations.md says, then
    ExecStart's command runs with the unit's Environment= and its credentials copied as LoadCredential= does."""
    root = tmp_path / "root"
    etc = root / "etc" / "odoosync"
    etc.mkdir(parents=True, mode=0o700)
    contacts = [line for line in (SAMPLES / "portfolio.ndjson").read_text().splitlines() if '"contact"' in line]
    (tmp_path / "contacts.ndjson").write_text("\n".join(contacts) + "\n")
    with Sandbox(17) as sandbox:
        (etc / "config.toml").write_text('[odoo]\napi_key_credential = "odoo-api-key"\n')
        (etc / "odoo-api-key").write_text(sandbox.api_key + "\n")
        for path in etc.iterdir():
            path.chmod(0o600)
        # The one-time commands, run as root with the variables docs/operations.md gives.
        admin = {
            "ODOOSYNC_CONFIG": str(etc / "config.toml"),
            "XDG_DATA_HOME": str(root / "var" / "lib"),
            "CREDENTIALS_DIRECTORY": str(etc),
        }
        connect = ["connect", "--url", sandbox.url, "--database", sandbox.database, "--login", sandbox.login]
        for args in (
            connect,
            ["ingest", str(tmp_path / "contacts.ndjson")],
            ["enable", "--backfill-since", "2020-01-01"],
        ):
            done = run_odoosync(args, admin)
            assert done.returncode == 0, done.stderr

        # What systemd does at start: copy the credentials, set the environment.
        credentials = root / "run" / "credentials" / SERVICE.name
        credentials.mkdir(parents=True)
        for value in unit_values(SERVICE, "Service", "LoadCredential"):
            name, source = value.split(":", 1)
            shutil.copyfile(root / source.lstrip("/"), credentials / name)
            (credentials / name).chmod(0o400)
        service_env = {"CREDENTIALS_DIRECTORY": str(credentials)}
        for value in unit_values(SERVICE, "Service", "Environment"):
            key, _, text = value.partition("=")
            text = text.replace("%d", "/" + str(credentials.relative_to(root)))
            service_env[key] = str(root / text.lstrip("/")) if text.startswith("/") else text

        ran = run_odoosync([*exec_start_words()[1:], "--json"], service_env)
    assert ran.returncode == 0, ran.stderr
    report = json.loads(ran.stdout)
    assert report["by_type"]["contact"]["synced"] == len(contacts), report
    assert (root / "var" / "lib" / "odoosync" / "odoosync.db").is_file()
