"""The one httpx layer under both clients: headers, timeouts, pacing, retries, redaction."""

from __future__ import annotations

import logging
import random
import ssl
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import quote, urlencode, urlsplit

import httpx

from esync_desktop import USER_AGENT
from esync_desktop.connectors import jsonio
from esync_desktop.connectors.deadline import DeadlineTransport, within
from esync_desktop.connectors.errors import (
    ApiError,
    BadResponseError,
    DeadlineError,
    ResponseTooLargeError,
    TransportError,
)
from esync_desktop.connectors.pacing import (
    RATE_LIMITED,
    Clock,
    Pacer,
    PacingConfig,
    Sleep,
    shared_pacer,
)
from esync_desktop.connectors.redaction import Redactor
from esync_desktop.log import register_secret

log = logging.getLogger(__name__)
# httpx logs every URL at INFO and httpcore every header exchange at DEBUG, outside our
# redaction; the exchange records and the lines below say the same, redacted.
for _name in ("httpx", "httpcore"):
    logging.getLogger(_name).setLevel(logging.WARNING)

Params = Sequence[tuple[str, Any]] | Mapping[str, Any] | None
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
# Each attempt of a request, from connecting to the last byte of the body (docs/ENGINE.md).
REQUEST_DEADLINE = 120.0
# One request, all its attempts and the waits between them: a wait that would end later is not
# made (a Retry-After of an hour fails the request now instead of holding the run).
REQUEST_BUDGET = 300.0
# The largest answer read: a page of 1000 expanded Clover items is about 1 MB.
MAX_BODY_BYTES = 32 * 2**20
# Failures that happen before a single byte of the request left: safe to send again.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Failures that no retry can fix (a wrong address).
_HOPELESS = (httpx.UnsupportedProtocol, httpx.InvalidURL, httpx.LocalProtocolError)


@dataclass(frozen=True)
class Exchange:
    """One attempt of one request, as the integration log keeps it (redacted and truncated)."""

    api: str
    method: str
    path: str
    status: int | None
    duration_ms: int
    request_body: str | None
    response_body: str | None
    error: str | None
    attempt: int
    query: str = ""


ExchangeHook = Callable[[Exchange], None]


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait. Injectable so tests can record the waits.

    `max_attempts` holds for each kind of failure on its own: 429s (the store is busy: waits
    as long as it says), 5xx answers and connection failures. A request that was throttled a
    few times and then met one 502 is sent again; all of its waits fit in the request's budget.
    """

    max_attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 60.0
    jitter: float = 0.25  # up to this fraction is added to each backoff
    sleep: Sleep = time.sleep
    clock: Clock = time.monotonic
    rand: Callable[[], float] = random.random

    def backoff(self, retry: int) -> float:
        """The wait before retry number `retry` (1 = the first retry): exponential + jitter."""
        delay = min(self.max_delay, self.base_delay * 2 ** (retry - 1))
        return float(delay * (1 + self.jitter * self.rand()))


class _TooLarge(Exception):
    def __init__(self, size: int, status: int) -> None:
        super().__init__(size)
        self.size = size
        self.status = status


@dataclass(frozen=True)
class Failure:
    """An HTTP error answer, handed to the API's wording."""

    status: int
    method: str
    path: str
    body: Any  # parsed JSON, or the text when it was not JSON
    headers: httpx.Headers
    attempts: int
    maybe_applied: bool = False


@dataclass(frozen=True)
class Reply:
    """A 2xx answer: status, headers and the decoded body (None when empty)."""

    status: int
    headers: httpx.Headers
    data: Any


class ApiProfile(Protocol):
    """What differs between the two APIs: names, wording, rate-limit headers, number parsing."""

    name: str  # "clover" / "bigcommerce" (the Exchange's api)
    label: str  # "Clover" / "BigCommerce" (for people)
    min_429_wait: float

    def parse_float(self, text: str) -> Any: ...
    def retry_hint(self, status: int, headers: httpx.Headers) -> float | None: ...
    def observe(self, headers: httpx.Headers, pacer: Pacer) -> None: ...
    def error(self, failure: Failure) -> ApiError: ...
    def unreachable(self, method: str, path: str, reason: str, maybe_applied: bool) -> str: ...


# The kinds of failure that each have their own `RetryPolicy.max_attempts`.
THROTTLED, SERVER, TRANSPORT = "throttled", "server", "transport"


@dataclass
class _Failures:
    """One request's failed attempts of each kind so far."""

    seen: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str) -> int:
        self.seen[kind] = self.seen.get(kind, 0) + 1
        return self.seen[kind]


@dataclass
class _Counters:
    requests: int = 0
    retries: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class HttpLayer:
    """Sends requests for one account. Thread-safe: the engine's worker and the UI may share it."""

    def __init__(
        self,
        profile: ApiProfile,
        base_url: str,
        *,
        account: str,
        token: str,
        auth_headers: Mapping[str, str],
        pacing: PacingConfig,
        on_exchange: ExchangeHook | None = None,
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout | float | None = None,
        deadline: float = REQUEST_DEADLINE,
        budget: float = REQUEST_BUDGET,
        max_body: int = MAX_BODY_BYTES,
    ) -> None:
        self.profile = profile
        self.deadline = deadline
        self.budget = budget
        self.max_body = max_body
        self.base_url = check_base_url(profile, base_url)
        self.retry = retry or RetryPolicy()
        self.on_exchange = on_exchange
        register_secret(token)  # the shared log redacts it from now on
        self.redactor = Redactor([token])
        self.pacer = shared_pacer(
            profile.name,
            self.base_url,
            account,
            token,
            pacing,
            self.retry.clock,
            self.retry.sleep,
        )
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json", **auth_headers}
        self._client = httpx.Client(
            headers=headers,
            timeout=timeout if timeout is not None else DEFAULT_TIMEOUT,
            follow_redirects=False,
            # TLS verification is always on (the transport is built with verify=True).
            transport=DeadlineTransport(
                httpx.Limits(
                    max_connections=pacing.max_in_flight + 1,
                    max_keepalive_connections=pacing.max_in_flight + 1,
                )
            ),
        )
        self._counters = _Counters()

    # -- counters --------------------------------------------------------------------------

    @property
    def request_count(self) -> int:
        """Requests sent, retries included (each one spends the store's quota)."""
        with self._counters.lock:
            return self._counters.requests

    @property
    def retry_count(self) -> int:
        with self._counters.lock:
            return self._counters.retries

    def _bump(self, name: str) -> None:
        with self._counters.lock:
            setattr(self._counters, name, getattr(self._counters, name) + 1)

    def close(self) -> None:
        self._client.close()

    # -- requests --------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Params = None,
        body: Any = None,
        idempotent: bool | None = None,
    ) -> Reply:
        """Send with pacing and retries; a 2xx Reply, or an ApiError subclass. Every attempt
        ends within `deadline` seconds, and all attempts and waits together within `budget`."""
        method = method.upper()
        write = method not in ("GET", "HEAD")
        if idempotent is None:
            idempotent = method in ("GET", "HEAD", "PUT", "DELETE")
        query = encode_query(params)
        url = f"{self.base_url}{path}" + (f"?{query}" if query else "")
        content = jsonio.encode(body) if body is not None else None
        headers = {"Content-Type": "application/json"} if content is not None else None
        budget_end = self.retry.clock() + self.budget
        attempt = 0
        failed = _Failures()
        while True:
            attempt += 1
            started = time.perf_counter()
            allowed = min(self.deadline, max(budget_end - self.retry.clock(), 1.0))
            until = time.monotonic() + allowed
            try:
                with self.pacer.slot(write):
                    self._bump("requests")
                    started = time.perf_counter()
                    with within(allowed) as until:
                        response, raw = self._send(method, url, content, headers, until)
            except _TooLarge as big:
                error: ApiError = self._too_large(method, path, big.size)
                self._record(
                    method, path, query, big.status, _ms(started), content, None, str(error),
                    attempt,
                )  # fmt: skip
                raise error from None
            except httpx.HTTPError as exc:
                elapsed = _ms(started)
                sent = not isinstance(exc, _NOT_SENT + _HOPELESS)
                maybe_applied = sent and write
                late = isinstance(exc, httpx.TimeoutException) and time.monotonic() >= until
                # An untrusted certificate stays untrusted: say so at once, never work around it.
                hopeless = isinstance(exc, _HOPELESS) or _tls_failure(exc)
                reason = self.redactor.text(_describe(exc))
                if _tls_failure(exc):
                    reason = f"the server's certificate is not trusted: {reason}"
                tries = failed.add(TRANSPORT)
                wait = self.retry.backoff(tries)
                retry = (
                    not maybe_applied
                    and not hopeless
                    and tries < self.retry.max_attempts
                    and self.retry.clock() + wait < budget_end
                )
                if retry:
                    self._record(method, path, query, None, elapsed, content, None, reason, attempt)
                    self._wait(method, path, reason, tries, wait, hold=False)
                    continue
                lost = self._lost(method, path, exc, maybe_applied, reason, allowed if late else 0)
                self._record(method, path, query, None, elapsed, content, None, str(lost), attempt)
                raise lost from None
            elapsed = _ms(started)
            status = response.status_code
            self.profile.observe(response.headers, self.pacer)
            if 200 <= status < 300:
                try:
                    data = jsonio.decode(raw, self.profile.parse_float)
                except ValueError as exc:
                    unreadable = self._bad_body(method, path, status, response, exc)
                    self._record(
                        method, path, query, status, elapsed, content, raw, str(unreadable),
                        attempt,
                    )  # fmt: skip
                    raise unreadable from None
                self._record(method, path, query, status, elapsed, content, raw, None, attempt)
                return Reply(status, response.headers, data)
            throttled = status == 429
            # A 503 and a 429 were refused before any work; other 5xx on a create may have
            # been applied, and sending it again could make a second object.
            may_retry = throttled or status == 503 or (status >= 500 and idempotent)
            tries = failed.add(THROTTLED if throttled else SERVER) if may_retry else 0
            if may_retry and tries < self.retry.max_attempts:
                wait = self.retry.backoff(tries)
                hint = self.profile.retry_hint(status, response.headers)
                if throttled:
                    wait = max(wait, hint if hint is not None else self.profile.min_429_wait)
                elif hint is not None:
                    wait = max(wait, hint)
                # A wait past the budget would only end in the same answer, later.
                if self.retry.clock() + wait < budget_end:
                    note = f"{status} {response.reason_phrase}"
                    self._record(
                        method, path, query, status, elapsed, content, raw,
                        f"{note}; retry in {wait:.2f}s", attempt,
                    )  # fmt: skip
                    self._wait(method, path, note, tries, wait, hold=throttled)
                    continue
            failure = Failure(
                status,
                method,
                path,
                _error_body(raw, self.profile.parse_float),
                response.headers,
                attempt,
                maybe_applied=write and not idempotent and status >= 500,
            )
            error = self.profile.error(failure)
            self._record(
                method, path, query, status, elapsed, content, raw,
                self.redactor.text(str(error)), attempt,
            )  # fmt: skip
            raise error

    def _send(
        self,
        method: str,
        url: str,
        content: bytes | None,
        headers: dict[str, str] | None,
        until: float,
    ) -> tuple[httpx.Response, bytes]:
        """One exchange, its body read in pieces: never more than `max_body` bytes (decoded,
        so a compressed bomb is caught too) and never past the deadline."""
        request = self._client.build_request(method, url, content=content, headers=headers)
        response = self._client.send(request, stream=True)
        try:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > self.max_body:
                raise _TooLarge(int(declared), response.status_code)
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > self.max_body:
                    raise _TooLarge(len(body), response.status_code)
                if time.monotonic() >= until:
                    raise httpx.ReadTimeout("the request's deadline passed", request=request)
            return response, bytes(body)
        finally:
            response.close()

    def _lost(
        self,
        method: str,
        path: str,
        exc: httpx.HTTPError,
        maybe_applied: bool,
        reason: str,
        late_after: float,
    ) -> TransportError:
        """The error for a request that got no full answer; `late_after` > 0: its deadline."""
        label = self.profile.label
        # The owner reads plain words; the exception's own text is in details.
        common: dict[str, Any] = {
            "maybe_applied": maybe_applied,
            "api": self.profile.name,
            "method": method,
            "path": path,
            "details": reason,
        }
        if late_after:
            plain = (
                f"the answer did not arrive in time: {self.deadline:g} seconds per attempt, "
                f"{self.budget:g} per request with its retries"
            )
            message = self.profile.unreachable(method, path, plain, maybe_applied)
            return DeadlineError(
                f"{label} answered too slowly", message, seconds=late_after, **common
            )
        title = f"No answer from {label}" if maybe_applied else f"Cannot reach {label}"
        message = self.profile.unreachable(method, path, _plain(exc), maybe_applied)
        return TransportError(title, message, **common)

    def _too_large(self, method: str, path: str, size: int) -> ResponseTooLargeError:
        label = self.profile.label
        return ResponseTooLargeError(
            f"Answer from {label} too large",
            f"{label} answered {method} {path} with more than {self.max_body // 2**20} MB "
            f"({size} bytes seen), more than any page of the API holds. A proxy may be in the "
            "way; check the address in Connections and try again later.",
            api=self.profile.name,
            method=method,
            path=path,
        )

    def _wait(
        self, method: str, path: str, reason: str, tries: int, wait: float, *, hold: bool
    ) -> None:
        self._bump("retries")
        log.warning(
            "%s %s %s: %s; failure %d of %d of this kind, waiting %.2fs",
            self.profile.label,
            method,
            path,
            reason,
            tries,
            self.retry.max_attempts,
            wait,
        )
        if hold:
            # The whole account waits, not just this thread: sending early lengthens the ban.
            self.pacer.hold(wait, RATE_LIMITED)
        self.retry.sleep(wait)

    def _bad_body(
        self, method: str, path: str, status: int, response: httpx.Response, exc: ValueError
    ) -> BadResponseError:
        kind = response.headers.get("Content-Type", "no content type")
        return BadResponseError(
            f"Unreadable answer from {self.profile.label}",
            f"{self.profile.label} answered {method} {path} with {status} but the body is not "
            f"valid JSON ({kind}: {self.redactor.text(str(exc))[:200]}). A proxy or captive "
            "portal may be in the way; check the address in Connections and try again later.",
            api=self.profile.name,
            status=status,
            method=method,
            path=path,
        )

    def bad_shape(self, method: str, path: str, what: str) -> BadResponseError:
        """A readable body that lacks what the API documents (e.g. no `data` list)."""
        return BadResponseError(
            f"Unexpected answer from {self.profile.label}",
            f"{self.profile.label} answered {method} {path} without {what}. Try again later; "
            "if it persists, send the integration log to support.",
            api=self.profile.name,
            method=method,
            path=path,
        )

    def _record(
        self,
        method: str,
        path: str,
        query: str,
        status: int | None,
        duration_ms: int,
        request_body: bytes | None,
        response_body: bytes | None,
        error: str | None,
        attempt: int,
    ) -> None:
        log.debug(
            "%s %s %s -> %s in %d ms (attempt %d)",
            self.profile.label,
            method,
            path,
            status if status is not None else "no response",
            duration_ms,
            attempt,
        )
        if self.on_exchange is None:
            return
        exchange = Exchange(
            api=self.profile.name,
            method=method,
            path=self.redactor.text(path),
            status=status,
            duration_ms=duration_ms,
            request_body=self.redactor.body(request_body),
            response_body=self.redactor.body(response_body),
            error=self.redactor.text(error) if error else None,
            attempt=attempt,
            query=self.redactor.text(query),
        )
        try:
            self.on_exchange(exchange)
        except Exception:  # the log must never break a sync
            log.exception("the exchange hook failed")


def check_base_url(profile: ApiProfile, base_url: str) -> str:
    """`scheme://host[:port]` without a trailing slash, or an ApiError naming the setting."""
    url = (base_url or "").strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
        raise ApiError(
            f"Invalid {profile.label} address",
            f"'{url}' is not a web address like https://api.example.com. Correct the "
            f"{profile.label} address in Connections.",
            api=profile.name,
        )
    return url


def encode_query(params: Params) -> str:
    """A query string with spaces as %20 (Clover's `orderBy=modifiedTime%20ASC`) and the
    punctuation of filter names kept (`sku:in=A,B`)."""
    if not params:
        return ""
    pairs = params.items() if isinstance(params, Mapping) else params
    return urlencode([(k, str(v)) for k, v in pairs], quote_via=quote, safe=":,")


def segment(value: object) -> str:
    """One path segment: an id can never add a slash or a query to the path."""
    text = str(value)
    if not text:
        raise ValueError("an empty id cannot name an object")
    return quote(text, safe="")


def _error_body(raw: bytes, parse_float: Callable[[str], Any]) -> Any:
    try:
        return jsonio.decode(raw, parse_float)
    except ValueError:
        return raw[:2000].decode("utf-8", errors="replace")[:500]


def _tls_failure(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _plain(exc: httpx.HTTPError) -> str:
    """What went wrong with the connection, in the owner's words."""
    if _tls_failure(exc):
        return "the server's certificate is not trusted"
    if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
        return "no answer to the connection in time"
    if isinstance(exc, httpx.TimeoutException):
        return "it stopped answering in time"
    if isinstance(exc, httpx.ConnectError):
        return "the connection was refused or the address was not found"
    if isinstance(exc, _HOPELESS):
        return "the address is not a valid web address"
    return "the connection broke"


def _describe(exc: httpx.HTTPError) -> str:
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"


def _ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
