"""Switchable faults: 5xx errors, 429 bursts, latency, connection resets, dropped responses."""

from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass, fields
from typing import Any


@dataclass
class FaultSettings:
    """One API's fault switches. `*_next` counts fire on the next N matching requests; `*_rate`
    fire at random with that probability (seeded, so a test run is repeatable)."""

    error_rate: float = 0.0
    error_next: int = 0
    error_status: int = 503
    burst_429_next: int = 0
    latency_ms: int = 0
    reset_rate: float = 0.0
    reset_next: int = 0
    drop_after_write_rate: float = 0.0
    drop_after_write_next: int = 0
    # Only requests whose path contains this text are affected (e.g. "/catalog/products").
    path_contains: str = ""

    def update(self, changes: dict[str, Any]) -> None:
        known = {f.name: f.type for f in fields(self)}
        for key, value in changes.items():
            if key not in known:
                raise ValueError(
                    f"unknown fault setting {key!r}; known: {', '.join(sorted(known))}"
                )
            current = getattr(self, key)
            setattr(self, key, type(current)(value))


class Faults:
    """Fault switches per API name ("clover", "bigcommerce"); decisions are thread-safe."""

    def __init__(self, seed: int = 1234) -> None:
        self._lock = threading.Lock()
        self._random = random.Random(seed)
        self.settings: dict[str, FaultSettings] = {}

    def for_api(self, api: str) -> FaultSettings:
        with self._lock:
            return self.settings.setdefault(api, FaultSettings())

    def configure(self, api: str, changes: dict[str, Any]) -> None:
        settings = self.for_api(api)
        with self._lock:
            settings.update(changes)

    def clear(self) -> None:
        with self._lock:
            self.settings.clear()

    def snapshot(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            return {api: asdict(s) for api, s in self.settings.items()}

    def _fires(self, settings: FaultSettings, counter: str, rate: str) -> bool:
        if getattr(settings, counter) > 0:
            setattr(settings, counter, getattr(settings, counter) - 1)
            return True
        probability = float(getattr(settings, rate))
        return probability > 0 and self._random.random() < probability

    def decide(self, api: str, path: str, is_write: bool) -> dict[str, Any]:
        """What to do with one request: latency, reset, error status, 429, drop after write."""
        with self._lock:
            settings = self.settings.get(api)
            if settings is None or (settings.path_contains and settings.path_contains not in path):
                return {}
            decision: dict[str, Any] = {}
            if settings.latency_ms:
                decision["latency_ms"] = settings.latency_ms
            if self._fires(settings, "reset_next", "reset_rate"):
                decision["reset"] = True
            elif settings.burst_429_next > 0:
                settings.burst_429_next -= 1
                decision["throttle"] = True
            elif self._fires(settings, "error_next", "error_rate"):
                decision["error"] = settings.error_status
            elif is_write and self._fires(
                settings, "drop_after_write_next", "drop_after_write_rate"
            ):
                decision["drop"] = True
            return decision
