"""Clover's per-token limits: new requests per second and concurrent requests in flight."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class LimitSettings:
    rate_per_second: int = 16
    concurrency: int = 5
    # Clover's example value is 21 s; the emulator defaults to a short wait so tests stay fast.
    retry_after: int = 1


@dataclass
class _TokenState:
    recent: deque[float] = field(default_factory=deque)
    in_flight: int = 0


class TokenLimiter:
    """Thread-safe; `acquire` returns None when admitted or the name of the limit that tripped."""

    def __init__(
        self, settings: LimitSettings, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.settings = settings
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens: dict[str, _TokenState] = {}

    def acquire(self, token: str) -> str | None:
        now = self._clock()
        with self._lock:
            state = self._tokens.setdefault(token, _TokenState())
            if state.in_flight >= self.settings.concurrency:
                return "concurrency"
            while state.recent and now - state.recent[0] >= 1.0:
                state.recent.popleft()
            if len(state.recent) >= self.settings.rate_per_second:
                return "rate"
            state.recent.append(now)
            state.in_flight += 1
            return None

    def release(self, token: str) -> None:
        with self._lock:
            state = self._tokens.get(token)
            if state is not None and state.in_flight > 0:
                state.in_flight -= 1

    def reset(self) -> None:
        with self._lock:
            self._tokens.clear()
