"""Removing tokens and secrets from what the connectors record: URLs, headers and bodies."""

from __future__ import annotations

import re
from collections.abc import Iterable

from esync_desktop.log import REDACTED, redact

MAX_RECORDED_BODY = 2000

# JSON members whose values are credentials wherever they appear in a body.
_SECRET_MEMBER = re.compile(
    r"(?i)(\"(?:access_token|refresh_token|client_secret|password|token|secret|api_key)\"\s*:\s*)"
    r"\"[^\"]*\""
)


class Redactor:
    """Replaces the given secrets (and credential-looking headers and members) with a marker."""

    def __init__(self, secrets: Iterable[str | None]) -> None:
        wanted = sorted({s for s in secrets if s and s.strip()}, key=len, reverse=True)
        # Even a short token is hidden here: these records are ours, not the shared log.
        self._pattern = re.compile("|".join(re.escape(s) for s in wanted)) if wanted else None

    def text(self, value: str) -> str:
        if self._pattern is not None:
            value = self._pattern.sub(REDACTED, value)
        value = _SECRET_MEMBER.sub(lambda m: f'{m[1]}"{REDACTED}"', value)
        return redact(value)

    def body(self, raw: bytes | str | None, limit: int = MAX_RECORDED_BODY) -> str | None:
        """A body as recorded: decoded, redacted, then cut to `limit` characters."""
        if raw is None or raw == b"" or raw == "":
            return None
        text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
        # Redact before cutting so a token split by the cut cannot leak its first half.
        text = self.text(text)
        if len(text) > limit:
            text = f"{text[:limit]}... [{len(text) - limit} more characters]"
        return text
