"""Removing tokens and secrets from what the connectors record: URLs, headers and bodies."""

from __future__ import annotations

import re
from collections.abc import Iterable

from esync_desktop.log import REDACTED, longest_secret, redact

MAX_RECORDED_BODY = 2000
# How far past the cut a body is still redacted, beside the longest secret: a credential that
# starts before the cut is redacted whole before it is cut (its header name and separator, or
# a member name and its spaces, fit in this).
CUT_MARGIN = 256

# JSON members whose values are credentials wherever they appear in a body. A value the cut
# leaves without its closing quote is redacted to the end of what is kept.
_SECRET_MEMBER = re.compile(
    r"(?i)(\"(?:access_token|refresh_token|client_secret|password|token|secret|api_key)\"\s*:\s*)"
    r"\"[^\"]*(?:\"|\Z)"
)


class Redactor:
    """Replaces the given secrets (and credential-looking headers and members) with a marker."""

    def __init__(self, secrets: Iterable[str | None]) -> None:
        wanted = sorted({s for s in secrets if s and s.strip()}, key=len, reverse=True)
        self._longest = len(wanted[0]) if wanted else 0
        # Even a short token is hidden here: these records are ours, not the shared log.
        self._pattern = re.compile("|".join(re.escape(s) for s in wanted)) if wanted else None

    def text(self, value: str) -> str:
        if self._pattern is not None:
            value = self._pattern.sub(REDACTED, value)
        value = _SECRET_MEMBER.sub(lambda m: f'{m[1]}"{REDACTED}"', value)
        return redact(value)

    def body(self, raw: bytes | str | None, limit: int = MAX_RECORDED_BODY) -> str | None:
        """A body as recorded: decoded, cut to `limit` characters, redacted. Only what is kept
        is redacted (a page of a listing is hundreds of KB), but with a margin past the cut as
        long as any secret, so a secret the cut runs through is redacted whole, never half."""
        if raw is None or raw == b"" or raw == "":
            return None
        text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
        if len(text) <= limit:
            return self.text(text)
        margin = CUT_MARGIN + max(self._longest, longest_secret())
        end = limit + margin
        while True:
            # A secret cut by `end` is left as it is, in the last `margin` characters of the
            # redacted window: those are never kept. Redactions shorten the window, so it grows
            # until what is kept lies before them.
            redacted = self.text(text[:end])
            if len(redacted) >= limit + margin or end >= len(text):
                break
            end *= 2
        return f"{redacted[:limit]}... [{len(text) - limit} more characters]"
