"""StateDb: the runtime state of eSync Desktop in one SQLite file (settings live apart)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from esync_desktop.storage.state.base import to_text
from esync_desktop.storage.state.cursors import CursorsMixin
from esync_desktop.storage.state.intlog import IntegrationLogMixin
from esync_desktop.storage.state.journal import JournalMixin
from esync_desktop.storage.state.link_baselines import LinkBaselinesMixin
from esync_desktop.storage.state.links import LinksMixin
from esync_desktop.storage.state.lock import RunLock
from esync_desktop.storage.state.records import INTENT
from esync_desktop.storage.state.runs import RunsMixin

log = logging.getLogger(__name__)

KEEP_RUNS = 1000
KEEP_JOURNAL_DAYS = 90


class StateDb(
    RunsMixin, JournalMixin, CursorsMixin, IntegrationLogMixin, LinksMixin, LinkBaselinesMixin
):
    """Runs and their items, the write journal, cursors and hashes, the integration log, and
    the run lock (a file beside the database). Safe to use from several threads; several
    processes may open the same file (WAL, busy timeout)."""

    def __init__(self, path: Path, *, prune: bool = True) -> None:
        self._prune_at_open = prune
        super().__init__(path)
        self._run_lock = RunLock(self.path.with_name(self.path.name + ".runlock"))

    def _prepare(self) -> None:
        # Inside the open's damage check: pruning walks most tables' indexes.
        if self._prune_at_open:
            self.prune()

    @contextmanager
    def run_lock(self, task: str = "") -> Iterator[RunLock]:
        """Hold the run lock for the block; RunLocked at once when another run holds it.
        Runs left "running" by a process that died are marked "interrupted" on the way in."""
        self._run_lock.acquire(task)
        try:
            stale = self.mark_interrupted_runs()
            if stale:
                log.warning("%d run(s) were interrupted (their process ended)", stale)
            yield self._run_lock
        finally:
            self._run_lock.release()

    def acquire_run_lock(self, task: str = "") -> RunLock:
        """The lock, held until its release() (for callers that cannot use a with block)."""
        self._run_lock.acquire(task)
        return self._run_lock

    def prune(
        self,
        *,
        log_days: int = 30,
        log_rows: int = 200_000,
        keep_runs: int = KEEP_RUNS,
        journal_days: int = KEEP_JOURNAL_DAYS,
        now: datetime | None = None,
    ) -> dict[str, int]:
        """Bound the database: old log entries, runs beyond the newest `keep_runs` (with their
        items), and settled journal entries older than `journal_days`. Open intents are never
        pruned: they are what crash recovery needs."""
        now = now or datetime.now().astimezone()
        removed = {"log": self.prune_log(max_age_days=log_days, max_rows=log_rows, now=now)}
        with self._tx() as conn:
            row = conn.execute(
                "SELECT id FROM runs ORDER BY id DESC LIMIT 1 OFFSET ?", (keep_runs,)
            ).fetchone()
            removed["runs"] = (
                conn.execute("DELETE FROM runs WHERE id <= ?", (row[0],)).rowcount if row else 0
            )
            removed["journal"] = conn.execute(
                "DELETE FROM journal WHERE status != ? AND updated_at < ?",
                (INTENT, to_text(now - timedelta(days=journal_days))),
            ).rowcount
        return removed
