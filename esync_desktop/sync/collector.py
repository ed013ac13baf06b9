"""The cyclic garbage collector held off while a plan is read and made."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside the block. A full read and plan of 100k items allocate
    millions of objects that all live until the plan is done, so each collection the
    allocations set off walks the whole catalogue again for nothing; the engine's records
    hold no reference cycles (and any it made are collected when the block ends)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()
