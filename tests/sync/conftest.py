"""Fixtures of the engine tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.sync.live import admin, services_for


@pytest.fixture
def services(sandbox: Any) -> Iterator[Any]:
    """Services wired to the demo stores through ESYNC_* variables, on Pro's API quota so that
    creating the demo catalogue is not paced by the rate window."""
    admin(sandbox, "/_sandbox/settings", {"bigcommerce": {"plan": "pro"}})
    services = services_for(sandbox)
    yield services
    services.stop()


@pytest.fixture
def stores(sandbox: Any) -> Iterator[Any]:
    """Direct access to both demo stores (tests/sync/orders_live.py)."""
    from tests.sync.orders_live import Stores

    found = Stores(sandbox)
    yield found
    found.close()
