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
    hold no reference cycles.

    What the block leaves alive is frozen when it ends (gc.freeze: kept out of every later
    collection, still freed as soon as nothing refers to it), else the first collections after
    it walk those millions of objects once per generation: seconds at 100k items, and again at
    exit. The next block unfreezes them first, so the few cycles a read leaves behind (a
    connection's, an exception's) are still collected, a block later."""
    paused = gc.isenabled()
    gc.unfreeze()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if paused:
            gc.enable()
