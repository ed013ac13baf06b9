"""sync-refunds: its id, default options, journal keys and reading the options."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SYNC_REFUNDS = "sync-refunds"
DEFAULTS: dict[str, Any] = {
    # Clover refunds of in-store sales put their units back on BigCommerce's stock: the
    # default for every refund line (off: the owner decides).
    "restock": False,
    # Per refund line, overriding `restock`: {"<Clover refund id>/<Clover line id>": true|false}
    # (a damaged return is not restocked).
    "restock_lines": {},
    # The first run looks this many days back (Clover's refund list covers 90 days).
    "first_run_days": 30,
}
MAX_FIRST_RUN_DAYS = 80
# Journal kinds: the intent's action is f"{SYNC_REFUNDS}:{kind}".
BC_REFUND, BC_CANCEL, RESTOCK = "bc-refund", "bc-cancel", "restock"
KINDS = (BC_REFUND, BC_CANCEL, RESTOCK)


def journal_key(scope: str, kind: str, ident: object) -> str:
    """Per store pair and refund (not per plan): each refund is handled once, ever."""
    return f"{scope}|{SYNC_REFUNDS}/{kind}/{ident}"


def marker(kind: str, ident: object) -> str:
    """The reference written into the Clover order's note; how a note is found again after a
    lost answer (like push-orders' externalReferenceId)."""
    return f"[{'BCR' if kind == BC_REFUND else 'BCX'}{ident}]"


@dataclass(frozen=True)
class RefundOptions:
    restock: bool
    restock_lines: dict[str, bool]
    first_run_days: int
    notes: tuple[str, ...] = ()

    def restocks(self, line_key: str) -> bool:
        return self.restock_lines.get(line_key, self.restock)

    @classmethod
    def parse(cls, options: Mapping[str, Any]) -> RefundOptions:
        merged = {**DEFAULTS, **dict(options)}
        notes: list[str] = []
        lines: dict[str, bool] = {}
        raw = merged.get("restock_lines")
        if isinstance(raw, str):  # as typed on the command line: "R1/L1=no, R1/L2=yes"
            pairs = (p.partition("=") for p in raw.replace(";", ",").split(","))
            raw = {k.strip(): v.strip() for k, sep, v in pairs if sep}
        for key, value in (raw if isinstance(raw, dict) else {}).items():
            flag = _flag(value)
            if flag is None:
                notes.append(f"restock_lines {key!r}: {value!r} is not yes/no and is ignored")
            else:
                lines[str(key).strip()] = flag
        try:
            days = int(str(merged.get("first_run_days") or DEFAULTS["first_run_days"]))
        except ValueError:
            notes.append("first_run_days is not a whole number: 30 days are read")
            days = int(DEFAULTS["first_run_days"])
        restock = _flag(merged.get("restock"))
        if restock is None:
            notes.append("restock is not yes/no: nothing is restocked unless a line says so")
        return cls(
            restock=bool(restock),
            restock_lines=lines,
            first_run_days=max(1, min(days, MAX_FIRST_RUN_DAYS)),
            notes=tuple(notes),
        )


def _flag(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in ("yes", "true", "on", "1"):
        return True
    if text in ("no", "false", "off", "0"):
        return False
    return None
