"""The Qt binding installed keeps Python's reference counts whole.

PySide6 6.12.0 takes a reference off `True`/`False` every time a signal carrying a bool is
emitted; after enough emissions the interpreter frees the bool singletons and dies at quit with
`Fatal Python error: bool_dealloc`. pyproject.toml keeps that release out; this test fails on any
binding with the same fault, whatever its version.
"""

from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QObject, Signal

EMISSIONS = 1000


class _Emitter(QObject):
    flag = Signal(bool)
    anything = Signal(object)
    pair = Signal(str, bool)


def _refs_lost(emit) -> tuple[int, int]:
    gc.collect()
    true_before, false_before = sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(EMISSIONS):
        emit()
    gc.collect()
    return true_before - sys.getrefcount(True), false_before - sys.getrefcount(False)


def test_emitting_bools_keeps_their_reference_counts(qtbot) -> None:
    emitter = _Emitter()
    received: list[object] = []
    emitter.flag.connect(received.append)
    emitter.anything.connect(received.append)
    emitter.pair.connect(lambda name, value: received.append(value))
    for emit in (
        lambda: emitter.flag.emit(True),
        lambda: emitter.flag.emit(False),
        lambda: emitter.anything.emit(True),
        lambda: emitter.pair.emit("busy", False),
    ):
        lost_true, lost_false = _refs_lost(emit)
        received.clear()
        # Other threads may hold or drop a few references meanwhile; the fault loses one per
        # emission, so it shows as a loss of about EMISSIONS.
        assert lost_true < EMISSIONS // 2, f"{lost_true} references to True lost"
        assert lost_false < EMISSIONS // 2, f"{lost_false} references to False lost"
