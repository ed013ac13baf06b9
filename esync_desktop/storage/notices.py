"""What storage tells the owner at start: a damaged file healed, settings reset or upgraded.

Notices are data (a kind and a message, with the files involved), so the command line and the
window each show them their own way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

STATE_RESTORED = "state_restored"  # a damaged state database replaced by its last good copy
STATE_RESET = "state_reset"  # a damaged state database with no good copy: started empty
SETTINGS_RESTORED = "settings_restored"  # a damaged settings file replaced by its last good copy
SETTINGS_RESET = "settings_reset"  # settings (or some values) back to defaults
SETTINGS_UPGRADED = "settings_upgraded"  # an older settings file read and upgraded


@dataclass(frozen=True)
class Notice:
    """One thing the owner should know about their files: `kind` is one of the constants above,
    `message` says what happened, what was lost and where the old file is."""

    kind: str
    message: str
    moved_to: Path | None = None  # where the damaged or replaced file is kept
    restored_from: Path | None = None  # the last good copy that was put back
    good_as_of: datetime | None = None  # when that copy was taken: what is newer is lost

    def __str__(self) -> str:
        return self.message
