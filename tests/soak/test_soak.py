"""The fault soak, short and with a fixed seed (about a minute): real syncs in a subprocess with
every fault on and SIGKILLs, then a check against the stores. The long one is a command (see
tests/soak/driver.py and the README)."""

from __future__ import annotations

import pytest

from tests.soak.driver import run_soak

SEED = 3


@pytest.mark.slow
def test_short_soak_converges_with_no_duplicate_and_nothing_lost() -> None:
    tally = run_soak(SEED, scenarios=2)
    print(tally.line(SEED, 0))
    assert tally.ok, tally.problems
    # The soak did what it says: faults of every kind fired, runs were killed, others finished.
    assert {"5xx", "429", "reset", "drop_after_write", "latency"} <= set(tally.faults)
    assert tally.killed > 0 and tally.finished > tally.scenarios
