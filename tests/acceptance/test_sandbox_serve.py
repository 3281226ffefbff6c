"""`odoosync sandbox serve` as a real process: ready to use, and stopped by Ctrl-C."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import httpx


def test_serve_prints_the_connection_and_answers_until_interrupted() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "odoosync", "sandbox", "serve", "--port", "0", "--version", "19", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        details = json.loads(process.stdout.readline())
        assert set(details) == {"url", "database", "login", "api_key", "version", "ca_file"}
        assert details["version"] == 19
        response = httpx.post(
            f"{details['url']}/json/2/res.partner/search_count",
            json={"domain": []},
            headers={"Authorization": f"bearer {details['api_key']}"},
        )
        assert response.status_code == 200
        assert response.json() >= 2
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "sandbox stopped" in err


def test_an_unknown_version_is_a_usage_error() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "odoosync", "sandbox", "serve", "--version", "15"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "imitates Odoo 16, 17, 18 and 19" in result.stderr
