"""The per-store rate limiter: a fixed window (30 s) with a quota by plan and the four
`X-Rate-Limit-*` headers BigCommerce sends on every response (§4)."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

# Requests per 30 s window (api-rate-limits.mdx); "unlimited" stands for Enterprise's unlimited
# plan, which still reports a (very large) quota, for benchmarks.
PLAN_QUOTAS = {
    "standard": 150,
    "plus": 150,
    "pro": 450,
    "enterprise": 7_000_000,
    "unlimited": 7_000_000,
}
WINDOW_MS = 30_000


@dataclass
class Window:
    started: float  # monotonic seconds
    used: int


class RateLimiter:
    """Thread-safe; one window per store (the quota is shared by every client of the store)."""

    def __init__(self, plan: str = "standard") -> None:
        if plan not in PLAN_QUOTAS:
            raise ValueError(f"unknown plan {plan!r}; choose one of {', '.join(PLAN_QUOTAS)}")
        self._lock = threading.Lock()
        self.plan = plan
        self.quota = PLAN_QUOTAS[plan]
        self.window_ms = WINDOW_MS
        self._window = Window(time.monotonic(), 0)

    def set_plan(self, plan: str) -> None:
        if plan not in PLAN_QUOTAS:
            raise ValueError(f"unknown plan {plan!r}; choose one of {', '.join(PLAN_QUOTAS)}")
        with self._lock:
            self.plan = plan
            self.quota = PLAN_QUOTAS[plan]

    def set_limits(self, *, window_ms: int | None = None, quota: int | None = None) -> None:
        with self._lock:
            if window_ms is not None:
                if window_ms < 1:
                    raise ValueError("window_ms must be positive")
                self.window_ms = window_ms
            if quota is not None:
                if quota < 1:
                    raise ValueError("quota must be positive")
                self.quota = quota
            self._window = Window(time.monotonic(), 0)

    def reset(self) -> None:
        with self._lock:
            self._window = Window(time.monotonic(), 0)

    def _roll(self, moment: float) -> None:
        if (moment - self._window.started) * 1000 >= self.window_ms:
            self._window = Window(moment, 0)

    def _headers(self, moment: float) -> dict[str, str]:
        reset_ms = max(0, math.ceil(self.window_ms - (moment - self._window.started) * 1000))
        return {
            "X-Rate-Limit-Time-Window-Ms": str(self.window_ms),
            "X-Rate-Limit-Time-Reset-Ms": str(reset_ms),
            "X-Rate-Limit-Requests-Quota": str(self.quota),
            "X-Rate-Limit-Requests-Left": str(max(self.quota - self._window.used, 0)),
        }

    def acquire(self) -> tuple[bool, dict[str, str]]:
        """(admitted, headers). A refused request costs nothing and gets `X-Retry-After`."""
        with self._lock:
            moment = time.monotonic()
            self._roll(moment)
            if self._window.used >= self.quota:
                headers = self._headers(moment)
                retry = max(1, math.ceil(int(headers["X-Rate-Limit-Time-Reset-Ms"]) / 1000))
                headers["X-Retry-After"] = str(retry)
                return False, headers
            self._window.used += 1
            return True, self._headers(moment)

    def peek(self) -> dict[str, str]:
        """The headers as they stand, without spending a request."""
        with self._lock:
            moment = time.monotonic()
            self._roll(moment)
            return self._headers(moment)
