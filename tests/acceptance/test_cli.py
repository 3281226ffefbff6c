"""The commands as a person runs them, through Typer's runner: output, --json, exit statuses, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from odoosync.cli.app import app
from odoosync.cli.exit_codes import ExitCode
from tests.conftest import SAMPLES

runner = CliRunner()
PORTFOLIO = str(SAMPLES / "portfolio.ndjson")
EDITS = str(SAMPLES / "edits.ndjson")
BAD = str(SAMPLES / "bad.ndjson")


def run(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.usefixtures("cli_env")
class TestIngest:
    def test_the_portfolio_prints_a_summary_per_type(self) -> None:
        code, out, _ = run("ingest", PORTFOLIO)
        assert code == ExitCode.OK
        assert "Ingested 102 line(s)" in out
        rows = {line.split("│")[1].strip(): line for line in out.splitlines() if line.count("│") > 5}
        assert rows["rent_payment"].split("│")[2].strip() == "48"
        assert rows["total"].split("│")[2].strip() == "102"

    def test_json_report(self) -> None:
        run("ingest", PORTFOLIO)
        code, out, _ = run("ingest", "--json", PORTFOLIO, EDITS)
        assert code == ExitCode.OK
        report = json.loads(out)
        assert report["ok"] is True
        assert report["totals"] == {"new": 0, "updated": 4, "unchanged": 102, "stale": 0, "invalid": 0}
        assert report["by_type"]["contact"]["updated"] == 2

    def test_bad_input_names_every_line_exits_65_and_stores_nothing(self) -> None:
        code, out, err = run("ingest", BAD)
        assert code == ExitCode.INVALID_INPUT == 65
        assert out == ""
        assert "9 invalid line(s): nothing was stored" in err
        for number in range(1, 10):
            assert f"  line {number}" in err
        assert "line 6 (contact C-X6): emial: is not a known field" in err
        assert "Traceback" not in err
        code, _, err = run("status", "contact", "C-X3")
        assert code == ExitCode.NOT_FOUND

    def test_bad_input_as_json(self) -> None:
        code, out, _ = run("ingest", "--json", BAD)
        assert code == 65
        report = json.loads(out)
        assert report["rejected"] is True
        assert [p["line"] for p in report["problems"]] == list(range(1, 10))
        assert report["problems"][0]["field"] == "charges[0].amount"

    def test_skip_invalid_stores_the_rest(self) -> None:
        code, out, err = run("ingest", "--skip-invalid", PORTFOLIO, BAD)
        assert code == ExitCode.OK
        assert "9 invalid line(s) skipped" in err
        assert f"{BAD} line 3 (contact C-X3): vat:" in err
        assert "Ingested 102 of 111 line(s)" in out

    def test_skip_invalid_with_every_line_invalid_stores_nothing_and_exits_65(self) -> None:
        code, out, err = run("ingest", "--skip-invalid", BAD)
        assert code == ExitCode.INVALID_INPUT == 65
        assert out == ""
        assert "9 invalid line(s) skipped, and no valid one: nothing was stored" in err
        assert "--skip-invalid to store" not in err  # it was given
        code, out, _ = run("ingest", "--skip-invalid", "--json", BAD)
        assert code == 65
        report = json.loads(out)
        assert (report["ok"], report["rejected"], report["lines"]) == (False, True, 9)
        assert report["totals"] == {"new": 0, "updated": 0, "unchanged": 0, "stale": 0, "invalid": 9}

    def test_standard_input(self) -> None:
        code, out, _ = run("ingest", "-", stdin=Path(EDITS).read_bytes())
        assert code == ExitCode.OK
        assert "Ingested 4 line(s)" in out

    def test_a_missing_file(self) -> None:
        code, _, err = run("ingest", "nope.ndjson")
        assert code == ExitCode.NO_INPUT == 66
        assert err.startswith("error: cannot read nope.ndjson: no such file")

    def test_an_empty_file(self, tmp_path: Path) -> None:
        empty = tmp_path / "empty.ndjson"
        empty.write_text("")
        code, _, err = run("ingest", str(empty))
        assert code == ExitCode.INVALID_INPUT
        assert "holds no records: nothing to ingest" in err

    def test_invalid_utf8(self, tmp_path: Path) -> None:
        path = tmp_path / "latin1.ndjson"
        path.write_bytes('{"type":"contact","id":"C-1","roles":["tenant"],"name":"Jos\xe9"}\n'.encode("latin-1"))
        code, _, err = run("ingest", str(path))
        assert code == ExitCode.INVALID_INPUT
        assert "line 1: is not valid UTF-8 (byte 0xe9 at column 60)" in err


@pytest.mark.usefixtures("cli_env")
class TestStatusAndQueue:
    def test_a_stored_record_is_not_synced_until_connected(self) -> None:
        run("ingest", PORTFOLIO)
        code, out, _ = run("status", "rent_payment", "RP-2026-0001")
        assert code == ExitCode.OK
        assert "rent_payment RP-2026-0001  ● Not synced" in out
        assert "not connected to Odoo yet" in out
        code, out, _ = run("status", "--json", "rent_payment", "RP-2026-0001")
        status = json.loads(out)
        assert (status["chip"], status["label"], status["version"]) == ("not_synced", "Not synced", 1)

    def test_an_unknown_record(self) -> None:
        code, _, err = run("status", "deposit", "DP-404")
        assert code == ExitCode.NOT_FOUND
        assert "no deposit with id 'DP-404' is stored" in err
        assert "odoosync ingest FILE" in err

    def test_an_unknown_type_is_a_usage_error(self) -> None:
        code, _, err = run("status", "invoice", "I-1")
        assert code == ExitCode.USAGE
        assert "invoice" in err

    def test_the_queue_starts_empty(self) -> None:
        run("ingest", PORTFOLIO)
        assert run("queue", "list")[:2] == (0, "The queue is empty.\n")
        code, out, _ = run("queue", "list", "--json", "--state", "failed", "--type", "expense")
        assert (code, json.loads(out)) == (0, {"summary": {}, "total": 0, "jobs": [], "not_shown": 0})


@pytest.mark.usefixtures("cli_env")
class TestErrors:
    def test_a_config_with_a_syntax_error(self, tmp_path: Path) -> None:
        config = tmp_path / "broken.toml"
        config.write_text("[odoo]\nurl = https://x.example\n")
        code, _, err = run("--config", str(config), "queue", "list")
        assert code == ExitCode.CONFIG == 78
        assert str(config) in err
        assert "line 2" in err
        assert "Traceback" not in err

    def test_an_unreachable_postgresql(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("ODOOSYNC_DATABASE_URL", "postgresql://odoosync:pw-XYZ-123@127.0.0.1:1/odoosync")
        code, out, err = run("queue", "list")
        assert code == ExitCode.UNAVAILABLE == 69
        assert "cannot open the local database postgresql://odoosync:***@127.0.0.1:1/odoosync" in err
        assert "pw-XYZ-123" not in out + err
        assert "Traceback" not in err

    def test_debug_shows_the_traceback_but_never_the_password(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("ODOOSYNC_DATABASE_URL", "postgresql://odoosync:pw-XYZ-123@127.0.0.1:1/odoosync")
        code, out, err = run("--debug", "queue", "list")
        assert code == ExitCode.UNAVAILABLE
        assert "Traceback (most recent call last)" in err
        assert "pw-XYZ-123" not in out + err

    def test_version(self) -> None:
        code, out, _ = run("--version")
        assert code == 0
        assert out.startswith("odoosync 0.")


@pytest.mark.usefixtures("cli_env")
class TestConfigShow:
    SECRET = "odoo-key-4f9a0c1b2d3e"

    def test_defaults_and_the_key_source_without_the_key(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("ODOOSYNC_API_KEY", self.SECRET)
        code, out, err = run("config", "show")
        assert code == 0
        assert "not created yet: defaults apply" in out
        assert self.SECRET not in out + err
        code, out, err = run("config", "show", "--json")
        entries = {e["key"]: e["value"] for e in json.loads(out)["entries"]}
        assert entries["odoo.api_key (effective)"] == "set (from environment variable ODOOSYNC_API_KEY)"
        assert self.SECRET not in out + err

    def test_json_masks_the_inline_key_and_the_database_password(self, tmp_path: Path) -> None:
        config = tmp_path / "config.toml"
        config.write_text(
            f'[odoo]\nurl = "https://example.odoo.com"\napi_key = "{self.SECRET}"\n'
            '[database]\nurl = "postgresql://u:db-pass-77@127.0.0.1/test"\n[future]\nflag = true\n'
        )
        config.chmod(0o600)
        code, out, err = run("--config", str(config), "config", "show", "--json")
        assert code == 0
        shown = json.loads(out)
        entries = {e["key"]: e for e in shown["entries"]}
        assert entries["odoo.url"] == {
            "key": "odoo.url",
            "value": "https://example.odoo.com",
            "source": "file",
            "unknown": False,
        }
        assert entries["odoo.api_key"]["value"] == "****"
        assert "db-pass-77" not in out
        assert entries["future.flag"]["unknown"] is True
        assert self.SECRET not in out + err

    def test_a_world_readable_config_with_a_secret_is_refused(self, tmp_path: Path) -> None:
        config = tmp_path / "config.toml"
        config.write_text(f'[odoo]\napi_key = "{self.SECRET}"\n')
        config.chmod(0o644)
        code, out, err = run("--config", str(config), "config", "show")
        assert code == ExitCode.CONFIG
        assert f"chmod 600 {config}" in err
        assert self.SECRET not in out + err
