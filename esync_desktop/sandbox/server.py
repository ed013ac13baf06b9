"""One loopback HTTP server serving the emulated Clover and BigCommerce APIs plus admin routes."""

from __future__ import annotations

import contextlib
import logging
import random
import socket
import struct
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

from esync_desktop.sandbox.bigcommerce.api import BigCommerceApi
from esync_desktop.sandbox.clover.api import CloverApi
from esync_desktop.sandbox.credentials import DEMO_CREDENTIALS, SandboxCredentials
from esync_desktop.sandbox.demo_links import link_demo
from esync_desktop.sandbox.faults import Faults
from esync_desktop.sandbox.http import BadJson, Request, Response
from esync_desktop.sandbox.store import Store

log = logging.getLogger(__name__)

ADMIN_PREFIX = "/_sandbox"
SEEDS = ("demo", "empty")


class EmulatedApi(Protocol):
    """What the server needs of one emulated API."""

    name: str

    def owns(self, path: str) -> bool:
        """True when the path is in this API's namespace."""

    def admit(self, request: Request) -> Response | None:
        """Outside the state lock: auth and rate/concurrency limits; a response rejects."""

    def release(self, request: Request) -> None:
        """Called once for every admitted request when it is finished."""

    def handle(self, request: Request) -> Response:
        """Under the state lock: route and serve; sets `request.route` for the counters."""

    def server_error(self, status: int) -> Response:
        """A 5xx reply in this API's shape (fault injection)."""

    def throttled(self) -> Response:
        """A 429 reply in this API's shape with its headers (fault injection)."""

    def seed(self, seed: str, items: int) -> None:
        """Fill an empty store with the named seed (under the state lock)."""

    def configure(self, changes: dict[str, Any]) -> None:
        """Admin settings of this API (e.g. BigCommerce plan); raises ValueError on unknown keys."""

    def admin(self, request: Request) -> Response | None:
        """Admin routes under /_sandbox/{name}/...; None when not one of its own."""


class SandboxServer:
    """Start with `start()` (background thread) or `serve_forever()`; `url` is the base URL."""

    def __init__(
        self,
        *,
        port: int = 0,
        seed: str = "demo",
        items: int = 0,
        plan: str = "standard",
        db_path: Path | None = None,
        credentials: SandboxCredentials = DEMO_CREDENTIALS,
        latency_ms: tuple[int, int] = (0, 0),
        in_bigcommerce_every: int = 4,
    ) -> None:
        if seed not in SEEDS:
            raise ValueError(f"unknown seed {seed!r}; choose one of {', '.join(SEEDS)}")
        self.credentials = credentials
        self.store = Store(db_path)
        self.faults = Faults()
        self.set_latency(latency_ms)
        self._latency_random = random.Random(4321)
        self.clover = CloverApi(self.store, credentials)
        self.bigcommerce = BigCommerceApi(self.store, credentials, plan=plan)
        self.bigcommerce.generated_in_bigcommerce_every = max(1, in_bigcommerce_every)
        self.apis: tuple[EmulatedApi, ...] = (self.clover, self.bigcommerce)
        self.counters: dict[str, Counter[str]] = {api.name: Counter() for api in self.apis}
        self._counter_lock = threading.Lock()
        with self.store.lock:
            if self.store.is_empty:
                self._seed(seed, items)
            else:
                self.clover.seed_missing(seed)
        self._httpd = _HTTPServer(("127.0.0.1", port), _Handler)
        self._httpd.sandbox = self
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> SandboxServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="sandbox-http", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.store.close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- admin ---------------------------------------------------------------------------------

    def set_latency(self, latency_ms: tuple[int, int] | list[int]) -> None:
        """Every API request takes this long more (uniform between the two, in ms), spent
        while it counts as in flight, like the real APIs' round trips (50-150 ms)."""
        low, high = (int(v) for v in latency_ms)
        if not 0 <= low <= high:
            raise ValueError(f"latency_ms must be two numbers 0 <= low <= high, not {latency_ms}")
        self.latency_ms = (low, high)

    def _latency(self) -> float:
        low, high = self.latency_ms
        if not high:
            return 0.0
        with self._counter_lock:
            return self._latency_random.uniform(low, high) / 1000

    def reset(self, seed: str = "demo", items: int = 0) -> None:
        if seed not in SEEDS:
            raise ValueError(f"unknown seed {seed!r}; choose one of {', '.join(SEEDS)}")
        with self.store.lock:
            self.store.clear()
            self._seed(seed, items)
        self.reset_counters()

    def _seed(self, seed: str, items: int) -> None:
        for api in self.apis:
            api.seed(seed, items)
        if seed == "demo":
            link_demo(self.clover.db, self.bigcommerce.db)
        self.store.flush()

    def counter_snapshot(self) -> dict[str, Any]:
        with self._counter_lock:
            return {
                name: {"total": sum(c.values()), "endpoints": dict(sorted(c.items()))}
                for name, c in self.counters.items()
            }

    def reset_counters(self) -> None:
        with self._counter_lock:
            for counter in self.counters.values():
                counter.clear()

    def _count(self, api: str, route: str) -> None:
        with self._counter_lock:
            self.counters[api][route] += 1

    def _admin(self, request: Request) -> Response:
        sub = request.path[len(ADMIN_PREFIX) :]
        try:
            body = request.json() if request.body.strip() else {}
        except BadJson as exc:
            return Response.json(400, {"error": f"body is not JSON: {exc}"})
        try:
            if sub == "/health":
                return Response.json(200, {"ok": True})
            if sub == "/credentials":
                return Response.json(200, self.describe())
            if sub == "/reset" and request.method == "POST":
                self.reset(str(body.get("seed", "demo")), int(body.get("items", 0)))
                return Response.json(200, {"ok": True})
            if sub == "/counters":
                return Response.json(200, self.counter_snapshot())
            if sub == "/counters/reset" and request.method == "POST":
                self.reset_counters()
                return Response.json(200, {"ok": True})
            if sub == "/faults":
                if request.method == "DELETE":
                    self.faults.clear()
                elif request.method == "POST":
                    for api, changes in body.items():
                        if api not in self.counters:
                            raise ValueError(f"unknown API {api!r}")
                        self.faults.configure(api, changes)
                return Response.json(200, self.faults.snapshot())
            if sub == "/settings" and request.method == "POST":
                if "latency_ms" in body:
                    self.set_latency(body.pop("latency_ms"))
                for api in self.apis:
                    if api.name in body:
                        api.configure(body[api.name])
                return Response.json(200, {"ok": True})
            for api in self.apis:
                if sub.startswith(f"/{api.name}/"):
                    with self.store.lock:
                        response = api.admin(request)
                        self.store.flush()
                    if response is not None:
                        return response
        except ValueError as exc:
            return Response.json(400, {"error": str(exc)})
        return Response.json(404, {"error": f"no admin route {request.method} {request.path}"})

    def describe(self) -> dict[str, str]:
        return {
            "url": self.url,
            "clover_merchant_id": self.credentials.clover_merchant_id,
            "clover_token": self.credentials.clover_token,
            "bc_store_hash": self.credentials.bc_store_hash,
            "bc_token": self.credentials.bc_token,
            "warehouse_merchant_id": self.credentials.warehouse_merchant_id,
            "warehouse_token": self.credentials.warehouse_token,
        }

    # -- dispatch ------------------------------------------------------------------------------

    def dispatch(self, request: Request) -> Response | None:
        """The response to send, or None to drop the connection without one."""
        if request.path.startswith(ADMIN_PREFIX + "/"):
            return self._admin(request)
        api = next((a for a in self.apis if a.owns(request.path)), None)
        if api is None:
            return Response.json(404, {"error": f"no API at {request.path}"})
        decision = self.faults.decide(api.name, request.path, request.is_write)
        if decision.get("reset"):
            self._count(api.name, "(connection reset)")
            raise ConnectionResetError
        rejected = api.admit(request)
        if rejected is not None:
            self._count(api.name, request.route or f"{request.method} (rejected)")
            return rejected
        try:
            delay = self._latency() + decision.get("latency_ms", 0) / 1000
            if delay:
                time.sleep(delay)
            if decision.get("throttle"):
                response = api.throttled()
            elif decision.get("error"):
                response = api.server_error(int(decision["error"]))
            else:
                with self.store.lock:
                    response = api.handle(request)
                    if request.is_write:
                        self.store.flush()
        finally:
            api.release(request)
        self._count(api.name, request.route or f"{request.method} (unrouted)")
        if decision.get("drop") and 200 <= response.status < 300:
            return None
        return response


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64
    sandbox: SandboxServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that was killed or timed out drops its connection: nothing to report.
        if isinstance(sys.exc_info()[1], ConnectionResetError | BrokenPipeError):
            log.debug("sandbox: client %s went away", client_address)
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        # Headers and body go out as two writes: with Nagle's algorithm the second one waits
        # for the client's delayed ACK (about 40 ms) on every small answer.
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("sandbox: " + format, *args)

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers=self.headers,
            body=body,
        )
        try:
            response = self.server.sandbox.dispatch(request)
        except ConnectionResetError:
            self._reset()
            return
        except Exception:
            log.exception("sandbox handler failed for %s %s", self.command, self.path)
            response = Response.json(500, {"message": "sandbox internal error"})
        if response is None:
            # The write was applied; the client never hears of it.
            self.close_connection = True
            self._reset()
            return
        self.send_response(response.status)
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if response.body and self.command != "HEAD":
            self.wfile.write(response.body)

    def _reset(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    def __getattr__(self, name: str) -> Any:
        # Every method reaches the emulated API, which answers an unsupported one 405 in its own
        # shape (the standard library would answer 501 for TRACE or OPTIONS).
        if name.startswith("do_") and name[3:].isupper():
            return self._serve
        raise AttributeError(name)
