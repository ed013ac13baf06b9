"""429s and 5xx answers spend separate retry budgets: a store that was busy for a while and
then failed once does not end the run; each kind still gives up after its own attempts."""

from __future__ import annotations

import pytest

from esync_desktop.connectors.errors import ServerError
from esync_desktop.connectors.http import RetryPolicy
from esync_desktop.sandbox.server import SandboxServer
from tests.connectors.conftest import UNPACED, ManualClock, bc_client, clover_client


def test_four_429s_then_a_502_still_succeeds_on_clover(
    sandbox: SandboxServer, clock: ManualClock, policy: RetryPolicy
) -> None:
    sandbox.faults.configure("clover", {"burst_429_next": 4, "error_next": 1, "error_status": 502})
    with clover_client(sandbox, retry=policy, pacing=UNPACED) as client:
        assert client.merchant()["name"]
        assert client.request_count == 6
    # Four throttled waits (at least Clover's second), then the 5xx's own first backoff.
    assert clock.waits == [1.0, 1.0, 2.0, 4.0, 0.5]


def test_four_429s_then_a_502_still_succeeds_on_bigcommerce(
    sandbox: SandboxServer, clock: ManualClock, policy: RetryPolicy
) -> None:
    sandbox.faults.configure(
        "bigcommerce", {"burst_429_next": 4, "error_next": 1, "error_status": 502}
    )
    with bc_client(sandbox, retry=policy, pacing=UNPACED) as client:
        assert client.store_info()["name"]
        assert client.request_count == 6
    *throttled, server = clock.waits
    # Each 429 waits for the quota window BigCommerce names; the 502 backs off on its own.
    assert len(throttled) == 4 and all(w > 25.0 for w in throttled)
    assert server == 0.5


def test_server_errors_still_give_up_after_their_own_attempts(
    sandbox: SandboxServer, clock: ManualClock, policy: RetryPolicy
) -> None:
    sandbox.faults.configure("clover", {"burst_429_next": 4, "error_next": 5, "error_status": 502})
    with clover_client(sandbox, retry=policy, pacing=UNPACED) as client:
        with pytest.raises(ServerError) as caught:
            client.merchant()
        assert client.request_count == 9
    assert clock.waits == [1.0, 1.0, 2.0, 4.0, 0.5, 1.0, 2.0, 4.0]
    assert caught.value.status == 502 and "after 9 attempts" in caught.value.message
