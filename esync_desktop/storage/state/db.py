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
# The item rows the kept runs may hold together: a run of a 100k-item catalogue records 300k
# (every row of every step), so 1000 such runs would be tens of GB. About 300 MB.
KEEP_RUN_ITEMS = 2_000_000
# The newest runs kept whatever their items.
KEEP_RUNS_AT_LEAST = 10
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
        keep_items: int = KEEP_RUN_ITEMS,
        journal_days: int = KEEP_JOURNAL_DAYS,
        now: datetime | None = None,
    ) -> dict[str, int]:
        """Bound the database: old log entries, runs beyond the newest `keep_runs` or beyond
        those holding `keep_items` item rows together (with their items; the newest
        KEEP_RUNS_AT_LEAST are kept whatever their size), and settled journal entries older
        than `journal_days`. Open intents are never pruned: they are what crash recovery
        needs. Done at every open and after every run."""
        now = now or datetime.now().astimezone()
        removed = {"log": self.prune_log(max_age_days=log_days, max_rows=log_rows, now=now)}
        with self._tx() as conn:
            row = conn.execute(
                "SELECT id FROM runs ORDER BY id DESC LIMIT 1 OFFSET ?", (keep_runs,)
            ).fetchone()
            # The newest run that goes (0: none).
            last_gone = row[0] if row else 0
            # The newest run whose items, with those of every newer run, pass the bound.
            row = conn.execute(
                "SELECT run_id FROM (SELECT run_id, SUM(COUNT(*)) OVER "
                "(ORDER BY run_id DESC) AS held FROM run_items GROUP BY run_id) "
                "WHERE held > ? ORDER BY run_id DESC LIMIT 1",
                (keep_items,),
            ).fetchone()
            floor = conn.execute(
                "SELECT id FROM runs ORDER BY id DESC LIMIT 1 OFFSET ?", (KEEP_RUNS_AT_LEAST - 1,)
            ).fetchone()
            if row is not None and floor is not None:
                last_gone = max(last_gone, min(row[0], floor[0] - 1))
            removed["runs"] = conn.execute("DELETE FROM runs WHERE id <= ?", (last_gone,)).rowcount
            removed["journal"] = conn.execute(
                "DELETE FROM journal WHERE status != ? AND updated_at < ?",
                (INTENT, to_text(now - timedelta(days=journal_days))),
            ).rowcount
        return removed
