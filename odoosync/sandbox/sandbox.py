"""Run an emulated Odoo in a background thread: `with Sandbox() as odoo: odoo.url, odoo.api_key, …`."""

from __future__ import annotations

import shutil
import ssl
import tempfile
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from odoosync.sandbox.faults import FAULTS
from odoosync.sandbox.instance import Call, OdooInstance
from odoosync.sandbox.network import LatencyProxy, self_signed_certificate
from odoosync.sandbox.seed import ADMIN_GROUPS, ADMIN_LOGIN, BASE_GROUPS, add_user, seed
from odoosync.sandbox.server import FaultPlan, SandboxHTTPServer


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
        tls: bool = False,
        latency_ms: float = 0.0,
        accounting_app: bool = True,
        think_ms: float = 0.0,
        keep_alive: bool | None = None,
    ) -> None:
        self.instance = OdooInstance(version, database, accounting_app=accounting_app)
        self.api_key = seed(self.instance, companies)
        self.login = ADMIN_LOGIN
        self.database = database
        self.faults = FaultPlan(rate=fail_rate, kinds=faults, seed=seed_value, slow_seconds=slow_seconds)
        self._workdir: Path | None = None
        self.ca_file: Path | None = None
        context = None
        if tls:
            self._workdir = Path(tempfile.mkdtemp(prefix="odoosync-sandbox-"))
            self.ca_file, key_file = self_signed_certificate(self._workdir, host)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(self.ca_file, key_file)
        # With latency the server hides behind the delaying proxy, which takes the address asked for.
        self._server = SandboxHTTPServer((host, 0 if latency_ms else port), self.instance, self.faults, context)
        self._server.think_seconds = think_ms / 1000
        # Odoo's own HTTP server (werkzeug) answers every call with Connection: close; keep-alive is the reverse
        # proxy's (Odoo Online, Odoo.sh, nginx), which is also what serves TLS and what a remote server sits behind.
        # By default the sandbox is the bare server, unless TLS or latency make it stand for a remote one.
        self._server.keep_alive = bool(tls or latency_ms) if keep_alive is None else keep_alive
        inner_host, inner_port = self._server.server_address[:2]
        upstream = (str(inner_host), int(inner_port))
        self._proxy = LatencyProxy(host, port, upstream, latency_ms) if latency_ms else None
        self._thread: threading.Thread | None = None

    @property
    def max_concurrent_calls(self) -> int:
        """The most calls it was answering at the same moment."""
        return self._server.max_in_flight

    @property
    def keep_alive(self) -> bool:
        """Whether it keeps connections open between calls (a proxy's behaviour) or closes each (odoo-bin's)."""
        return self._server.keep_alive

    @keep_alive.setter
    def keep_alive(self, value: bool) -> None:
        self._server.keep_alive = value

    @property
    def version(self) -> int:
        return self.instance.version

    @property
    def url(self) -> str:
        host, port = self._proxy.address if self._proxy else self._server.server_address[:2]
        scheme = "https" if self.ca_file else "http"
        return f"{scheme}://{host!s}:{port}"

    def add_user(self, login: str, name: str, *, accounting_rights: bool = False, settings: bool = True) -> str:
        """Another user with an API key (by default without accounting rights; `settings=False`: not an
        administrator, so without system parameters); returns the key."""
        groups = ADMIN_GROUPS if accounting_rights else BASE_GROUPS
        return add_user(self.instance, login, name, groups if settings else groups - {"base.group_system"})

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
        if self._proxy:
            self._proxy.start()
        return self

    def stop(self) -> None:
        if self._proxy:
            self._proxy.stop()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
