"""The fault soak: real syncs (the CLI in a subprocess) against the sandbox with every fault on
(5xx, 429 bursts, connection resets, latency, responses dropped after the write) and SIGKILLs at
random moments, then clean runs, then a check against the stores themselves.

    python -m tests.soak.driver --seed 7 --scenarios 200
    python -m tests.soak.driver --seed 7 --minutes 10

Everything random comes from the seed (the faults' own dice too), so a failing scenario replays
with the same seed and `--first N --scenarios 1`. Prints one summary line; exits 1 when a target
is missed: 0 duplicates, 0 lost, 0 mismatched, converged, no open intent after a clean run,
`PRAGMA integrity_check` ok, and every run that was not killed ends with a per-item account
(exit 0 or 1, never 3: the store always answers here).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from esync_desktop.connectors.bigcommerce import BigCommerceClient
from esync_desktop.connectors.clover import CloverClient
from esync_desktop.domain.sku import sku_key
from esync_desktop.paths import AppPaths
from esync_desktop.sandbox.faults import Faults
from esync_desktop.sandbox.server import SandboxServer
from esync_desktop.storage.settings import WeightRules
from esync_desktop.sync import defaults
from esync_desktop.sync.model import Outcome
from tests.sync.live import sandbox_env

ROOT = Path(__file__).resolve().parents[2]
TASK = defaults.DEFAULT_TASK_NAME
FAULTED_RUNS = 3
CLEAN_RUNS = 4
RUN_TIMEOUT_S = 240
WRITE = ("POST ", "PUT ")


@dataclass
class Tally:
    scenarios: int = 0
    runs: int = 0
    killed: int = 0
    finished: int = 0  # ended with a per-item account (exit 0 or 1 and a JSON document)
    stopped: int = 0  # not killed, yet no per-item account (exit 3 or a crash)
    item_failures: int = 0  # items that failed or were unconfirmed in the faulted runs
    converged: int = 0
    duplicates: int = 0
    lost: int = 0
    mismatched: int = 0
    open_intents: int = 0
    integrity_failures: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            self.scenarios > 0
            and self.converged == self.scenarios
            and not (self.duplicates or self.lost or self.mismatched or self.stopped)
            and not (self.open_intents or self.integrity_failures)
        )

    def line(self, seed: int, seconds: float) -> str:
        faults = " ".join(f"{k}={v}" for k, v in sorted(self.faults.items())) or "none"
        return (
            f"soak seed={seed} scenarios={self.scenarios} runs={self.runs} killed={self.killed} "
            f"finished={self.finished} stopped={self.stopped} item_failures={self.item_failures} "
            f"faults[{faults}] "
            f"duplicates={self.duplicates} lost={self.lost} mismatched={self.mismatched} "
            f"converged={self.converged}/{self.scenarios} open_intents={self.open_intents} "
            f"integrity_failures={self.integrity_failures} seconds={seconds:.0f} "
            f"result={'ok' if self.ok else 'FAILED'}"
        )


class CountingFaults(Faults):
    """The sandbox's faults, counting each one that fires by kind."""

    def __init__(self, seed: int) -> None:
        super().__init__(seed)
        self.fired: Counter[str] = Counter()

    def reseed(self, seed: str) -> None:
        """The dice of one scenario, so that it replays alone."""
        with self._lock:
            self._random = random.Random(seed)

    def decide(self, api: str, path: str, is_write: bool) -> dict[str, Any]:
        decision = super().decide(api, path, is_write)
        for kind in ("reset", "throttle", "drop"):
            if decision.get(kind):
                self.fired[{"throttle": "429", "drop": "drop_after_write"}.get(kind, kind)] += 1
        if decision.get("error"):
            self.fired["5xx"] += 1
        if decision.get("latency_ms"):
            self.fired["latency"] += 1
        return decision


def random_faults(rng: random.Random) -> dict[str, dict[str, Any]]:
    """Every kind on, at rates a store that still answers shows."""
    return {
        "bigcommerce": {
            "error_rate": rng.uniform(0.02, 0.06),
            "error_status": rng.choice([500, 502, 503, 504]),
            # A 429 says when the quota window resets and the client waits that long, so a
            # longer run of them means another app is using the quota up. The HTTP layer
            # gives a request 5 attempts for 429s and 5 more for 5xx answers.
            "burst_429_next": rng.randint(1, 3),
            "latency_ms": rng.randint(0, 8),
            "reset_rate": rng.uniform(0.0, 0.04),
            "drop_after_write_rate": rng.uniform(0.02, 0.12),
        },
        "clover": {
            "error_rate": rng.uniform(0.0, 0.05),
            "error_status": rng.choice([500, 503]),
            "latency_ms": rng.randint(0, 5),
            "reset_rate": rng.uniform(0.0, 0.03),
        },
    }


class Scenario:
    """One data folder syncing the sandbox's demo stores through faults and kills."""

    def __init__(self, server: SandboxServer, rng: random.Random, home: Path) -> None:
        self.server = server
        self.rng = rng
        self.home = home
        self.env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
            "ESYNC_HOME": str(home),
            **sandbox_env(server),
        }
        self.paths = AppPaths(home / "config", home / "data", home / "logs")
        # Weights for some of the demo categories only: fewer creates make shorter scenarios,
        # and the rest is skipped as missing_weight, as in a store being set up.
        categories = sorted(defaults.DEMO_CATEGORY_WEIGHTS)
        chosen = rng.sample(categories, rng.randint(2, max(2, len(categories) // 2)))
        self.weights = WeightRules(
            by_sku=dict(defaults.DEMO_SKU_WEIGHTS),
            by_category={c: defaults.DEMO_CATEGORY_WEIGHTS[c] for c in chosen},
        )

    # -- the engine, as the owner runs it -------------------------------------------------

    def services(self, paths: AppPaths | None = None) -> Any:
        from esync_desktop.app import Services

        services = Services(paths=paths or self.paths, environ=self.env)
        services.settings.weights = self.weights
        return services

    def sync(
        self, kill_after_writes: int | None = None, kill_after_s: float | None = None
    ) -> tuple[int | None, dict[str, Any] | None, str]:
        """One `sync --task ... --json`; SIGKILLed once the stores took that many more writes,
        or after that many seconds. Returns (exit code or None when killed, the JSON document,
        stderr)."""
        start = self.writes()
        # Output goes to files: a pipe nobody reads while polling fills up and blocks the run.
        with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
            proc = subprocess.Popen(
                [sys.executable, "-m", "esync_desktop", "sync", "--task", TASK, "--json"],
                env=self.env,
                cwd=ROOT,
                stdout=out,
                stderr=err,
                text=True,
            )
            code = self._wait(proc, start, kill_after_writes, kill_after_s)
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read(), err.read()
        if code == "killed":
            return None, None, stderr
        if code == "hung":
            return -1, None, f"hung for {RUN_TIMEOUT_S}s: {stderr[-2000:]}"
        try:
            document = json.loads(stdout) if stdout.strip() else None
        except ValueError:
            document = None
        return proc.returncode, document, stderr

    def _wait(
        self, proc: subprocess.Popen[str], start: int, writes: int | None, seconds: float | None
    ) -> str:
        began = time.monotonic()
        while proc.poll() is None:
            elapsed = time.monotonic() - began
            if elapsed > RUN_TIMEOUT_S:
                proc.kill()
                proc.wait()
                return "hung"
            late = seconds is not None and elapsed >= seconds
            if late or (writes is not None and self.writes() - start >= writes):
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                return "killed"
            time.sleep(0.005)
        return "done"

    def writes(self) -> int:
        endpoints = self.server.counter_snapshot()["bigcommerce"]["endpoints"]
        return sum(n for route, n in endpoints.items() if route.startswith(WRITE))

    # -- the stores ------------------------------------------------------------------------

    def bc_client(self) -> BigCommerceClient:
        info = self.server.describe()
        return BigCommerceClient(info["url"], info["bc_store_hash"], info["bc_token"])

    def clover_items(self) -> dict[str, dict[str, Any]]:
        info = self.server.describe()
        with CloverClient(info["url"], info["clover_merchant_id"], info["clover_token"]) as c:
            items = list(c.iter_items(expand=("itemStock",)))
        return {key: i for i in items if (key := sku_key(i.get("sku")))}

    def bc_skus(self) -> tuple[Counter[str], dict[str, tuple[Decimal, int | None]]]:
        """How many objects hold each SKU (products, and variants of products with options),
        and the price and stock each shows."""
        counts: Counter[str] = Counter()
        values: dict[str, tuple[Decimal, int | None]] = {}
        with self.bc_client() as bc:
            for product in bc.iter_products(include=("variants",)):
                variants = [v for v in product.get("variants") or [] if v.get("option_values")]
                if not variants:
                    key = sku_key(product.get("sku"))
                    if key:
                        counts[key] += 1
                        level = product.get("inventory_level")
                        values[key] = (Decimal(str(product.get("price"))), level)
                    continue
                for variant in variants:
                    key = sku_key(variant.get("sku"))
                    if key:
                        counts[key] += 1
                        price = variant.get("price")
                        if price is None:
                            price = product.get("price")
                        values[key] = (Decimal(str(price)), variant.get("inventory_level"))
        return counts, values

    def mutate_clover(self, n: int) -> None:
        """The shop changes some prices and stock levels between syncs."""
        info = self.server.describe()
        with CloverClient(info["url"], info["clover_merchant_id"], info["clover_token"]) as c:
            items = [i for i in c.iter_items() if sku_key(i.get("sku"))]
            for item in self.rng.sample(items, min(n, len(items))):
                if self.rng.random() < 0.5:
                    c.update_item(item["id"], {"price": self.rng.randint(100, 9999)})
                else:
                    c.set_item_stock(item["id"], self.rng.randint(0, 40))


def _eligible(plan: Any) -> set[str]:
    """SKU keys the task creates on a fresh data folder: simple products and variants."""
    keys: set[str] = set()
    for action in plan.actions:
        for row in action.rows:
            if row.outcome is not Outcome.CREATE:
                continue
            skus = [row.payload.get("sku")] + [
                v.get("sku") for v in row.payload.get("variants", [])
            ]
            keys |= {k for s in skus if (k := sku_key(s))}
    return keys


def _integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def _open_intents(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(
            conn.execute("SELECT COUNT(*) FROM journal WHERE status = 'intent'").fetchone()[0]
        )
    finally:
        conn.close()


def run_scenario(server: SandboxServer, faults: CountingFaults, rng: random.Random, tally: Tally,
                 workdir: Path, number: int) -> None:  # fmt: skip
    server.faults.clear()
    server.reset()
    scenario = Scenario(server, rng, workdir / f"scenario-{number}")
    fresh = workdir / f"baseline-{number}"
    baseline = scenario.services(AppPaths(fresh / "config", fresh / "data", fresh / "logs"))
    try:
        eligible = _eligible(baseline.plan_task(_task(baseline)))
    finally:
        baseline.stop()
    services = scenario.services()
    services.save_settings()  # the CLI reads the weight rules from the settings file
    services.stop()

    def note(text: str) -> None:
        tally.problems.append(f"scenario {number}: {text}")

    for _ in range(FAULTED_RUNS):
        for api, changes in random_faults(rng).items():
            faults.configure(api, changes)
        dice = rng.random()
        if dice < 0.4:  # in the middle of the writes
            code, document, err = scenario.sync(kill_after_writes=rng.randint(1, 40))
        elif dice < 0.6:  # at any moment, reading included
            code, document, err = scenario.sync(kill_after_s=rng.uniform(0.2, 5.0))
        else:
            code, document, err = scenario.sync()
        tally.runs += 1
        faults.clear()
        if code is None:
            tally.killed += 1
        elif code in (0, 1) and document is not None and "actions" in document:
            tally.finished += 1
            tally.item_failures += document["summary"]["fail"]
        else:
            tally.stopped += 1
            note(f"a faulted run ended {code} without a per-item account: {err.strip()[-600:]}")
        if rng.random() < 0.5:
            scenario.mutate_clover(rng.randint(1, 6))

    # Clean runs until one has nothing left to write.
    converged = False
    for _ in range(CLEAN_RUNS):
        code, document, err = scenario.sync(None)
        tally.runs += 1
        if code not in (0, 1) or document is None:
            tally.stopped += 1
            note(f"a clean run ended {code}: {err.strip()[-600:]}")
            break
        tally.finished += 1
        summary = document["summary"]
        if summary["create"] == 0 and summary["update"] == 0 and summary["fail"] == 0:
            converged = True
            break
    state_db = scenario.paths.state_db
    if converged:
        tally.converged += 1
    else:
        note("no clean run ended with nothing to write")
    open_intents = _open_intents(state_db)
    tally.open_intents += open_intents
    if open_intents:
        note(f"{open_intents} intents still open after a clean run")
    if _integrity(state_db) != "ok":
        tally.integrity_failures += 1
        note("the state database failed PRAGMA integrity_check")

    # The stores themselves: each eligible item exactly once, with Clover's price and stock.
    counts, values = scenario.bc_skus()
    clover = scenario.clover_items()
    duplicates = sorted(k for k, n in counts.items() if n > 1)
    lost = sorted(k for k in eligible if counts[k] == 0)
    mismatched = []
    for key in sorted(eligible - set(lost)):
        item = clover[key]
        price = Decimal(int(item["price"])) / 100
        stock = (item.get("itemStock") or {}).get("quantity")
        level = max(0, math.floor(Decimal(str(stock)))) if stock is not None else None
        if values[key] != (price, level):
            mismatched.append(f"{key}: BigCommerce {values[key]}, Clover {(price, level)}")
    tally.duplicates += len(duplicates)
    tally.lost += len(lost)
    tally.mismatched += len(mismatched)
    for what, found in (("duplicated", duplicates), ("lost", lost), ("mismatched", mismatched)):
        if found:
            note(f"{what}: {found[:5]}")
    tally.scenarios += 1


def _task(services: Any) -> Any:
    return next(t for t in services.settings.tasks if t.name == TASK)


def run_soak(
    seed: int,
    *,
    scenarios: int | None = None,
    minutes: float | None = None,
    first: int = 0,
    log: Callable[[str], None] = lambda text: None,
    keep: str | None = None,
) -> Tally:
    """Scenarios `first`, `first + 1`, ... until `scenarios` are done or `minutes` are up."""
    tally = Tally()
    faults = CountingFaults(seed)
    tally.faults = faults.fired
    server = SandboxServer(seed="demo")
    server.faults = faults
    started = time.monotonic()
    server.start()
    try:
        # A short rate window, so that a 429 burst costs a second, not half a minute.
        _admin(server, {"bigcommerce": {"plan": "pro", "window_ms": 1000}})
        with contextlib.ExitStack() as stack:
            tmp = (
                tempfile.mkdtemp(prefix="esync-soak-", dir=keep)
                if keep
                else stack.enter_context(tempfile.TemporaryDirectory(prefix="esync-soak-"))
            )
            for number in _numbers(first, scenarios):
                if minutes is not None and time.monotonic() - started > minutes * 60:
                    break
                rng = random.Random(f"{seed}/{number}")
                faults.reseed(f"{seed}/{number}")
                run_scenario(server, faults, rng, tally, Path(tmp), number)
                log(f"scenario {number} done: {tally.line(seed, time.monotonic() - started)}")
    finally:
        server.stop()
    return tally


def _numbers(first: int, count: int | None) -> Iterator[int]:
    n = first
    while count is None or n < first + count:
        yield n
        n += 1


def _admin(server: SandboxServer, body: dict[str, Any]) -> None:
    import urllib.request

    request = urllib.request.Request(
        server.url + "/_sandbox/settings",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.soak.driver", description=__doc__)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scenarios", type=int, help="how many scenarios (default: no limit)")
    parser.add_argument("--minutes", type=float, help="stop starting scenarios after this long")
    parser.add_argument("--first", type=int, default=0, help="the first scenario's number")
    parser.add_argument("--verbose", action="store_true", help="a line after each scenario")
    parser.add_argument("--keep", metavar="DIR", help="keep the data folders (logs) under DIR")
    args = parser.parse_args(argv)
    if args.scenarios is None and args.minutes is None:
        parser.error("give --scenarios or --minutes")
    started = time.monotonic()
    tally = run_soak(
        args.seed,
        scenarios=args.scenarios,
        minutes=args.minutes,
        first=args.first,
        log=(lambda text: print(text, file=sys.stderr)) if args.verbose else (lambda text: None),
        keep=args.keep,
    )
    for problem in tally.problems:
        print(problem, file=sys.stderr)
    print(tally.line(args.seed, time.monotonic() - started))
    return 0 if tally.ok else 1


if __name__ == "__main__":
    sys.exit(main())
