"""One size of the benchmark: a sandbox seeded with N items, and the engine run against it in a
child process, once per kind of run, with the sandbox's request counters read after each."""

from __future__ import annotations

import json
import math
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import limits
from benchmarks.limits import Calls, Minimum, Rates
from esync_desktop.domain.plan import ACTION_IDS
from esync_desktop.paths import ENV_HOME, AppPaths
from esync_desktop.sandbox.clover.inventory import set_stock, update_item
from esync_desktop.sandbox.server import SandboxServer

ROOT = Path(__file__).resolve().parents[1]
TRUE_UP = "true-up"
WRITE_TARGET = 1.05  # writes: at the batch minimum (a rounding of one call in twenty)
NO_CHANGE_TARGET = 1.05
CHANGED_SHARE = 100  # 1 % of the items change between runs
# The preview of the largest catalogue (issue: "Preview of 100k items").
PREVIEW_TARGET_SIZE = 100_000
PREVIEW_PLANNING_S = 3.0
PREVIEW_RSS_MB = 400.0
PREVIEW_WALL_RATIO = 1.3


@dataclass
class Row:
    """One run, as printed, saved and rendered."""

    size: int
    run: str
    clover: Calls | None = None
    bigcommerce: Calls | None = None
    minimum: Minimum | None = None
    wall_s: float = 0.0
    bound_s: float = 0.0
    cpu_s: float = 0.0
    planning_cpu_s: float = 0.0
    peak_rss_mb: float = 0.0
    retries_429: int = 0
    skipped: str = ""
    notes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        doc = asdict(self)
        for side in ("clover", "bigcommerce"):
            calls = getattr(self, side)
            if calls is not None and self.minimum is not None:
                least = getattr(self.minimum, side)
                doc[f"{side}_ratio"] = _finite(limits.ratio(calls.total, least.total))
        if self.bound_s:
            doc["wall_ratio"] = self.wall_s / self.bound_s
        return doc


def _finite(value: float) -> float | None:
    return None if math.isinf(value) else value


@dataclass(frozen=True)
class Settings:
    sizes: tuple[int, ...]
    latency_ms: tuple[int, int]
    plan: str
    first_sync_max: int
    quick: bool
    only: tuple[str, ...] = ()  # run kinds to measure (empty: all)


def delta_reads_present(paths: AppPaths) -> bool:
    """Whether the engine remembers both sides (a link table in its state database): only then
    can a run read just what changed."""
    if not paths.state_db.exists():
        return False
    with sqlite3.connect(paths.state_db) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    return any("link" in name.lower() for name in names)


class SizeRun:
    """The runs of one size, in order, each measured on its own."""

    def __init__(self, size: int, settings: Settings, say: Callable[[Row], None]) -> None:
        self.size = size
        self.settings = settings
        self.say = say
        self.rows: list[Row] = []
        low, high = settings.latency_ms
        self.latency_s = (low + high) / 2000
        self.rates = Rates.for_plan(settings.plan)
        self.fresh = size <= settings.first_sync_max
        self.every = 4 if self.fresh else 1  # too big to create: start from a matched catalogue
        self.products = math.ceil(size / self.every)
        self.home = Path(tempfile.mkdtemp(prefix=f"esync-bench-{size}-"))
        self.paths = AppPaths(self.home / "config", self.home / "data", self.home / "logs")
        self._delta = False

    # -- the child process ---------------------------------------------------------------------

    def _env(self, server: SandboxServer) -> dict[str, str]:
        info = server.describe()
        return {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
            ENV_HOME: str(self.home),
            "ESYNC_CLOVER_BASE_URL": info["url"],
            "ESYNC_CLOVER_MERCHANT_ID": info["clover_merchant_id"],
            "ESYNC_CLOVER_TOKEN": info["clover_token"],
            "ESYNC_BC_BASE_URL": info["url"],
            "ESYNC_BC_STORE_HASH": info["bc_store_hash"],
            "ESYNC_BC_TOKEN": info["bc_token"],
        }

    def _cli(self, server: SandboxServer, *args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "esync_desktop", *args],
            env=self._env(server),
            check=True,
            capture_output=True,
        )

    def _engine(self, server: SandboxServer, row: Row, *args: str) -> dict[str, Any]:
        """Runs the engine; fills the row's calls, wall, CPU and memory; returns its --json."""
        figures = self.home / "figures.json"
        server.reset_counters()
        # Each run starts with the quotas whole, as a periodic sync 15 minutes after the last
        # one does: the previous run's spent window is not this run's cost.
        server.clover.limiter.reset()
        server.bigcommerce.limiter.reset()
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.child", str(figures), *args, "--json"],
            stdin=subprocess.DEVNULL,
            env=self._env(server),
            capture_output=True,
            text=True,
        )
        row.wall_s = time.perf_counter() - started
        counters = server.counter_snapshot()
        row.clover, row.bigcommerce = (_calls(counters[api]) for api in ("clover", "bigcommerce"))
        row.retries_429 = sum(_rejected(counters[api]) for api in ("clover", "bigcommerce"))
        if done.returncode not in (0, 1) or not figures.exists():
            raise RuntimeError(f"{row.run} at {self.size}: exit {done.returncode}: {done.stderr}")
        measured = json.loads(figures.read_text(encoding="utf-8"))
        row.cpu_s = measured["cpu_s"]
        row.planning_cpu_s = measured["planning_cpu_s"]
        row.peak_rss_mb = measured["peak_rss_mb"]
        document: dict[str, Any] = json.loads(done.stdout)
        return document

    def _finish(self, row: Row, minimum: Minimum, *, delta: bool, writes: bool) -> None:
        row.minimum = minimum
        assert row.clover is not None and row.bigcommerce is not None
        row.bound_s = limits.bound(row.clover, row.bigcommerce, self.rates, self.latency_s)
        if row.retries_429:
            row.notes.append(f"{row.retries_429} requests refused with 429")
        for side in ("clover", "bigcommerce"):
            calls, least = getattr(row, side), getattr(minimum, side)
            if writes and limits.ratio(calls.writes, least.writes) > WRITE_TARGET:
                row.failures.append(
                    f"{side} writes {calls.writes} > {WRITE_TARGET}x the minimum {least.writes}"
                )
            if delta:
                over = limits.ratio(calls.total, least.total) > NO_CHANGE_TARGET
                if over and self._delta:
                    row.failures.append(
                        f"{side} calls {calls.total} > {NO_CHANGE_TARGET}x the minimum "
                        f"{least.total}"
                    )
                elif over:
                    row.notes.append(
                        f"target not met: {side} reads {calls.reads} calls where {least.reads} "
                        "would do — the engine has no link table yet, so every run reads both "
                        "catalogues in full"
                    )
        self.rows.append(row)
        self.say(row)

    # -- the runs ------------------------------------------------------------------------------

    def run(self) -> list[Row]:
        low, high = self.settings.latency_ms
        server = SandboxServer(
            seed="empty",
            items=self.size,
            plan=self.settings.plan,
            latency_ms=(low, high),
            in_bigcommerce_every=self.every,
        ).start()
        try:
            self._cli(server, "weights", "default", "1")
            self._preview(server)
            self._delta = delta_reads_present(self.paths)
            if self.settings.only == ("preview",):
                return self.rows
            self._first(server)
            self._no_change(server)
            self._changes(server, "stock")
            self._changes(server, "price")
            self._true_up(server)
        finally:
            server.stop()
            shutil.rmtree(self.home, ignore_errors=True)
        return self.rows

    def _preview(self, server: SandboxServer) -> None:
        row = Row(self.size, "preview (full read)")
        document = self._engine(server, row, "preview")
        if self.size >= PREVIEW_TARGET_SIZE:
            assert row.clover is not None and row.bigcommerce is not None
            row.bound_s = limits.bound(row.clover, row.bigcommerce, self.rates, self.latency_s)
            rows = sum(int(v) for v in (document.get("summary") or {}).values())
            row.notes += preview_misses(row, rows)
        self._finish(row, limits.full_read(self.size, self.products), delta=False, writes=False)

    def _first(self, server: SandboxServer) -> None:
        if self.fresh:
            row = Row(self.size, "first sync")
            self._engine(server, row, "sync")
            count = self.size - self.products
            minimum = limits.creates(limits.full_read(self.size, self.products), count)
        else:
            row = Row(self.size, "first sync (catalogue already matched)")
            row.notes.append(
                f"{self.size - math.ceil(self.size / 4)} creates would take at least "
                f"{(self.size * 3 / 4) / self.rates.bigcommerce / 60:.0f} min: the sandbox "
                "starts with every item already on the web store"
            )
            self._engine(server, row, "sync")
            minimum = limits.full_read(self.size, self.size)
        self._finish(row, minimum, delta=False, writes=True)
        self.products = self.size if self.fresh else self.products

    def _no_change(self, server: SandboxServer) -> None:
        row = Row(self.size, "no-change run")
        self._engine(server, row, "sync")
        self._finish(row, limits.delta_read(self.size, 0), delta=True, writes=True)

    def _changes(self, server: SandboxServer, what: str) -> None:
        count = max(1, self.size // CHANGED_SHARE)
        db = server.clover.db
        with server.store.lock:
            items = sorted(db.t["items"].rows.values(), key=lambda d: d["id"])[:count]
            for n, item in enumerate(items):
                if what == "stock":
                    stock = db.stock(item["id"]) or {}
                    set_stock(db, item, float(stock.get("quantity") or 0) + 1 + n % 3)
                else:
                    update_item(db, item, {"price": int(item.get("price") or 0) + 100})
            server.store.flush()
        row = Row(self.size, f"1 % {what} changes")
        self._engine(server, row, "sync")
        if what == "stock":
            minimum = limits.stock_writes(limits.delta_read(self.size, 0), count)
        else:
            minimum = limits.price_writes(limits.delta_read(self.size, count), count)
        self._finish(row, minimum, delta=True, writes=True)

    def _true_up(self, server: SandboxServer) -> None:
        row = Row(self.size, "true-up")
        if TRUE_UP not in ACTION_IDS:
            row.skipped = f"no `{TRUE_UP}` action in this version"
            self.rows.append(row)
            self.say(row)
            return
        self._engine(server, row, "sync", "--action", TRUE_UP)
        self._finish(row, limits.full_read(self.size, self.products), delta=False, writes=True)


def preview_misses(row: Row, rows: int) -> list[str]:
    """The preview targets a run missed, each with what the time or memory went to."""
    notes = []
    if row.planning_cpu_s >= PREVIEW_PLANNING_S:
        notes.append(
            f"target not met: planning took {row.planning_cpu_s:.1f} s of CPU (target "
            f"< {PREVIEW_PLANNING_S:.0f} s): {rows} plan rows, one per item and step (the "
            "drift check reuses the price and stock steps' rows), each made in Python"
        )
    if row.peak_rss_mb >= PREVIEW_RSS_MB:
        notes.append(
            f"target not met: peak RSS {row.peak_rss_mb:.0f} MB (target < {PREVIEW_RSS_MB:.0f} "
            f"MB): both catalogues parsed and the {rows} plan rows, held until the plan is shown "
            "(the records, links and values the next delta run plans from go to the database "
            "as they are read or made, none held whole)"
        )
    if row.bound_s and row.wall_s > PREVIEW_WALL_RATIO * row.bound_s:
        notes.append(
            f"target not met: wall {row.wall_s / row.bound_s:.2f}x the read bound (target "
            f"{PREVIEW_WALL_RATIO}x): the engine's {row.cpu_s:.0f} s of CPU run one thread "
            "at a time (Python, but for SQLite's share of the link table write, made while the "
            f"plan is), and the plan ({row.planning_cpu_s:.1f} s) and the JSON come after the "
            "last page"
        )
    return notes


def _calls(counter: dict[str, Any]) -> Calls:
    reads = writes = 0
    for route, count in counter["endpoints"].items():
        if route.startswith(("GET ", "HEAD ")):
            reads += count
        else:
            writes += count
    return Calls(reads, writes)


def _rejected(counter: dict[str, Any]) -> int:
    return sum(c for route, c in counter["endpoints"].items() if "rejected" in route)
