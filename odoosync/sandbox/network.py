"""What makes the sandbox look far away and real: TLS with a certificate made at start, and added latency.

Latency comes from a TCP proxy in front of the server, not from sleeping in the handler: every byte crosses the
proxy half a round trip late in each direction, so a TLS handshake, a new TCP connection (charged one extra round
trip on its first bytes, as the SYN/SYN-ACK would be) and every request all pay what they would pay against a
server that far away. Without that, a benchmark could not show what a new connection per call costs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import heapq
import ipaddress
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def self_signed_certificate(directory: Path, host: str = "127.0.0.1") -> tuple[Path, Path]:
    """Write a fresh certificate for localhost/127.0.0.1 (and `host`) and its key; returns (cert, key) paths.
    The certificate is its own CA: a client verifies the sandbox by trusting the certificate file."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "odoosync sandbox")])
    names: list[x509.GeneralName] = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    try:
        names.append(x509.IPAddress(ipaddress.ip_address(host)))
    except ValueError:
        names.append(x509.DNSName(host))
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=7))
        .add_extension(x509.SubjectAlternativeName(list(dict.fromkeys(names))), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path = directory / "sandbox-cert.pem"
    key_path = directory / "sandbox-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_path.chmod(0o600)
    return cert_path, key_path


class _DelayedPipe:
    """One direction of one connection: bytes read now are written `delay` seconds later, in order."""

    def __init__(
        self,
        source: socket.socket,
        target: socket.socket,
        delay: float,
        first_extra: float,
        on_done: threading.Barrier,
    ) -> None:
        self.on_done = on_done
        self.source = source
        self.target = target
        self.delay = delay
        self.first_extra = first_extra
        self._queue: list[tuple[float, int, bytes]] = []
        self._sequence = 0
        self._ready = threading.Condition()
        self._closed = False

    def start(self) -> None:
        threading.Thread(target=self._read, daemon=True, name="sandbox-proxy-read").start()
        threading.Thread(target=self._write, daemon=True, name="sandbox-proxy-write").start()

    def _read(self) -> None:
        extra = self.first_extra
        last_due = 0.0
        try:
            while data := self.source.recv(65536):
                with self._ready:
                    # A byte stream keeps its order: a chunk is never due before the one read ahead of it (the
                    # first chunk of a connection pays for the connection set-up as well).
                    last_due = max(time.monotonic() + self.delay + extra, last_due)
                    heapq.heappush(self._queue, (last_due, self._sequence, data))
                    self._sequence += 1
                    self._ready.notify()
                extra = 0.0
        except OSError:
            pass
        with self._ready:
            self._closed = True
            self._ready.notify()

    def _write(self) -> None:
        while True:
            with self._ready:
                while not self._queue and not self._closed:
                    self._ready.wait()
                if not self._queue:
                    break
                due, _, data = self._queue[0]
                wait = due - time.monotonic()
                if wait > 0:
                    self._ready.wait(wait)
                    continue
                heapq.heappop(self._queue)
            try:
                self.target.sendall(data)
            except OSError:
                break
        with contextlib.suppress(OSError):
            self.target.shutdown(socket.SHUT_WR)
        # The last of the two directions to finish closes both sockets (the barrier's action).
        with contextlib.suppress(threading.BrokenBarrierError):
            self.on_done.wait(timeout=60)


def _closer(*sockets: socket.socket) -> Callable[[], None]:
    def close() -> None:
        for sock in sockets:
            sock.close()

    return close


class LatencyProxy:
    """Listens on `host:port` and forwards to `upstream`, adding `latency_ms` to every round trip."""

    def __init__(self, host: str, port: int, upstream: tuple[str, int], latency_ms: float) -> None:
        self.upstream = upstream
        self.half = latency_ms / 2000
        self._listener = socket.create_server((host, port), reuse_port=False)
        self._listener.settimeout(0.05)
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._listener.getsockname()[:2]
        return str(host), int(port)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._accept, daemon=True, name="sandbox-proxy")
        self._thread.start()

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                break
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            server = socket.create_connection(self.upstream)
            server.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            done = threading.Barrier(2, action=_closer(client, server))
            # The first bytes of a new connection also pay the TCP handshake's round trip.
            _DelayedPipe(client, server, self.half, first_extra=2 * self.half, on_done=done).start()
            _DelayedPipe(server, client, self.half, first_extra=0.0, on_done=done).start()

    def stop(self) -> None:
        self._stopping.set()
        self._listener.close()
        if self._thread is not None:
            self._thread.join(timeout=2)
