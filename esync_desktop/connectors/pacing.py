"""Client-side pacing: token bucket, in-flight cap, serialised writes, holds from rate headers."""

# One pacer is shared by every client of the same account (see shared_pacer).

from __future__ import annotations

import hashlib
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

Clock = Callable[[], float]
Sleep = Callable[[float], None]


@dataclass(frozen=True)
class PacingConfig:
    """Requests per second, burst size and requests in flight for one account."""

    rate: float
    burst: int
    max_in_flight: int
    # Writes one at a time: both APIs warn that parallel writes to one store go wrong.
    serialize_writes: bool = True
    # How fast the server's own quota headers may let it go (None: never above `rate`).
    max_rate: float | None = None


# Why the account waits: the store answered 429, or its quota is nearly spent.
RATE_LIMITED, LOW_QUOTA = "rate_limited", "low_quota"


@dataclass(frozen=True)
class QuotaState:
    """What the store's rate-limit headers last said, and the wait in force when told."""

    quota: int | None = None  # requests allowed per window
    left: int | None = None  # requests left in the window
    waiting_s: float = 0.0
    reason: str = ""  # RATE_LIMITED or LOW_QUOTA while waiting

    @property
    def used_share(self) -> float | None:
        """The share of the window's quota in use (0-1), None when the store does not say."""
        if not self.quota or self.left is None:
            return None
        return max(0.0, min(1.0, (self.quota - self.left) / self.quota))


QuotaWatcher = Callable[[QuotaState], None]


class Pacer:
    """Thread-safe. `slot(write)` blocks until a request may start and frees it afterwards."""

    def __init__(
        self, config: PacingConfig, clock: Clock = time.monotonic, sleep: Sleep = time.sleep
    ):
        self.config = config
        self._clock = clock
        self._sleep = sleep
        self._rate = config.rate
        self._burst = float(config.burst)
        self._tokens = float(config.burst)
        self._stamp = clock()
        self._hold_until = 0.0
        self._lock = threading.Lock()
        self._in_flight = threading.BoundedSemaphore(config.max_in_flight)
        self._writes = threading.Lock()
        self._quota = QuotaState()
        self._watchers: list[QuotaWatcher] = []

    @property
    def rate(self) -> float:
        with self._lock:
            return self._rate

    @contextmanager
    def slot(self, write: bool = False) -> Iterator[None]:
        serial = write and self.config.serialize_writes
        if serial:
            self._writes.acquire()
        try:
            with self._in_flight:
                self._take()
                yield
        finally:
            if serial:
                self._writes.release()

    def _take(self) -> None:
        while True:
            with self._lock:
                now = self._clock()
                self._tokens = min(self._burst, self._tokens + (now - self._stamp) * self._rate)
                self._stamp = now
                wait = self._hold_until - now
                if wait <= 0:
                    if self._tokens >= 1:
                        self._tokens -= 1
                        return
                    wait = (1 - self._tokens) / self._rate
            self._sleep(wait)

    def hold(self, seconds: float, reason: str = LOW_QUOTA) -> None:
        """No request of this account starts for `seconds` (a 429, or the quota nearly spent)."""
        if seconds <= 0:
            return
        with self._lock:
            self._hold_until = max(self._hold_until, self._clock() + seconds)
            self._quota = replace(self._quota, reason=reason)
        self._tell()

    def note_quota(self, quota: float | None, left: float | None) -> None:
        """What the store's headers say of its quota (either may be unknown)."""
        with self._lock:
            self._quota = replace(
                self._quota,
                quota=int(quota) if quota is not None else self._quota.quota,
                left=int(left) if left is not None else self._quota.left,
            )
        self._tell()

    def quota_state(self) -> QuotaState:
        with self._lock:
            waiting = max(0.0, self._hold_until - self._clock())
            reason = self._quota.reason if waiting > 0 else ""
            return replace(self._quota, waiting_s=waiting, reason=reason)

    def watch(self, watcher: QuotaWatcher) -> Callable[[], None]:
        """Call `watcher` (on the requesting thread) whenever the quota or a wait changes;
        returns the function that stops it."""
        with self._lock:
            self._watchers.append(watcher)

        def stop() -> None:
            with self._lock:
                if watcher in self._watchers:
                    self._watchers.remove(watcher)

        return stop

    def _tell(self) -> None:
        with self._lock:
            watchers = list(self._watchers)
        if watchers:
            state = self.quota_state()
            for watcher in watchers:
                watcher(state)

    def held_for(self) -> float:
        """Seconds left of the current hold (0 when none)."""
        with self._lock:
            return max(0.0, self._hold_until - self._clock())

    def set_rate(self, rate: float) -> None:
        """Follow the quota the server announces, never faster than the configured ceiling."""
        if rate <= 0:
            return
        with self._lock:
            self._rate = min(rate, self.config.max_rate or self.config.rate)


_registry: weakref.WeakValueDictionary[tuple[object, ...], Pacer] = weakref.WeakValueDictionary()
_registry_lock = threading.Lock()


def shared_pacer(
    api: str,
    base_url: str,
    account: str,
    token: str,
    config: PacingConfig,
    clock: Clock,
    sleep: Sleep,
) -> Pacer:
    """The pacer of this account: the limits are per token, so a connection test in the UI and
    a sync in a worker thread draw from the same budget. Keyed by a digest, never the token."""
    digest = hashlib.sha256(token.encode()).hexdigest()[:16]
    key = (api, base_url.rstrip("/"), account, digest, config, id(clock), id(sleep))
    with _registry_lock:
        pacer = _registry.get(key)
        if pacer is None:
            pacer = Pacer(config, clock, sleep)
            _registry[key] = pacer
        return pacer
