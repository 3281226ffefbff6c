"""Run an emulated Odoo in a background thread: `with Sandbox() as odoo: odoo.url, odoo.api_key, …`."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from odoosync.sandbox.instance import Call, OdooInstance
from odoosync.sandbox.seed import ADMIN_LOGIN, seed
from odoosync.sandbox.server import FAULTS, FaultPlan, SandboxHTTPServer


class Sandbox:
    """An Odoo server on 127.0.0.1 with a seeded Saudi company, for the demo and the tests."""

    def __init__(
        self,
        version: int = 17,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        database: str = "sandbox",
        companies: int = 1,
        fail_rate: float = 0.0,
        faults: tuple[str, ...] = FAULTS,
        seed_value: int = 0,
        slow_seconds: float = 5.0,
    ) -> None:
        self.instance = OdooInstance(version, database)
        self.api_key = seed(self.instance, companies)
        self.login = ADMIN_LOGIN
        self.database = database
        self.faults = FaultPlan(rate=fail_rate, kinds=faults, seed=seed_value, slow_seconds=slow_seconds)
        self._server = SandboxHTTPServer((host, port), self.instance, self.faults)
        self._thread: threading.Thread | None = None

    @property
    def version(self) -> int:
        return self.instance.version

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def calls(self) -> list[Call]:
        return list(self.instance.calls)

    def call_counts(self) -> Counter[tuple[str, str]]:
        return Counter((call.model, call.method) for call in self.instance.calls)

    def start(self) -> Sandbox:
        # A short poll keeps stop() quick; tests start and stop hundreds of sandboxes.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="odoo-sandbox", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
