"""Transport benchmark: odoosync's Odoo client against OdooRPC 0.10.1, side by side in one run.

500 `read` calls over TLS to a sandbox that behaves like a server 20 ms away (its latency proxy makes TCP and TLS
set-up pay the round trips too). odoosync keeps one connection alive; OdooRPC (urllib) opens a new connection,
with a new TLS handshake, for every call. Goal: odoosync at least 2.5 times OdooRPC's calls per second.

    .venv/bin/python bench/transport.py [--calls 500] [--latency-ms 20] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import odoorpc
from running_sandbox import running_sandbox

from odoosync.odoo.client import OdooClient
from odoosync.odoo.transport import Endpoint

GOAL_RATIO = 2.5


def odoosync_calls(details: dict[str, Any], calls: int, ids: list[int]) -> float:
    endpoint = Endpoint(details["url"], details["database"], details["login"], verify_tls=Path(details["ca_file"]))
    started = time.perf_counter()
    with OdooClient.connect(endpoint, details["api_key"], protocol="jsonrpc") as client:
        for _ in range(calls):
            client.read("res.partner", ids, ["name", "email"])
    return time.perf_counter() - started


def odoorpc_calls(details: dict[str, Any], calls: int, ids: list[int]) -> float:
    # OdooRPC verifies TLS with Python's default context, which trusts what SSL_CERT_FILE names.
    os.environ["SSL_CERT_FILE"] = details["ca_file"]
    parts = urlsplit(details["url"])
    started = time.perf_counter()
    odoo = odoorpc.ODOO(parts.hostname, protocol="jsonrpc+ssl", port=parts.port, version=f"{details['version']}.0")
    uid = odoo.json(
        "/jsonrpc",
        {
            "service": "common",
            "method": "authenticate",
            "args": [details["database"], details["login"], details["api_key"], {}],
        },
    )["result"]
    for _ in range(calls):
        odoo.json(
            "/jsonrpc",
            {
                "service": "object",
                "method": "execute_kw",
                "args": [
                    details["database"],
                    uid,
                    details["api_key"],
                    "res.partner",
                    "read",
                    [ids],
                    {"fields": ["name", "email"]},
                ],
            },
        )
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--version", type=int, default=17)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    with running_sandbox(
        "--tls", "--latency-ms", str(options.latency_ms), "--version", str(options.version)
    ) as details:
        endpoint = Endpoint(details["url"], details["database"], details["login"], verify_tls=Path(details["ca_file"]))
        with OdooClient.connect(endpoint, details["api_key"]) as client:
            ids = client.search("res.partner", [], limit=2)
        ours = odoosync_calls(details, options.calls, ids)
        theirs = odoorpc_calls(details, options.calls, ids)
    results = {
        "calls": options.calls,
        "latency_ms": options.latency_ms,
        "odoosync_calls_per_second": options.calls / ours,
        "odoorpc_calls_per_second": options.calls / theirs,
        "ratio": theirs / ours,
        "goal_ratio": GOAL_RATIO,
    }
    results["goal_met"] = results["ratio"] >= GOAL_RATIO
    if options.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"transport benchmark — {options.calls} read calls over TLS, {options.latency_ms:g} ms round trip")
    print(f"  odoosync (keep-alive, httpx)      {results['odoosync_calls_per_second']:7.1f} calls/s  ({ours:5.1f} s)")
    print(f"  OdooRPC 0.10.1 (new connection)   {results['odoorpc_calls_per_second']:7.1f} calls/s  ({theirs:5.1f} s)")
    verdict = "PASS" if results["goal_met"] else "FAIL"
    print(f"  ratio {results['ratio']:.2f}x (goal {GOAL_RATIO}x) — {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
