"""Recorded bodies: only what is kept is redacted, and no secret survives the cut, whole or in
part, wherever the cut falls."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from esync_desktop.connectors.redaction import MAX_RECORDED_BODY, Redactor
from esync_desktop.log import REDACTED

TOKEN = "tok-" + "9f3a" * 10  # as long as a real access token


def _visible_pieces(secret: str) -> list[str]:
    """Every piece of the secret of 8 characters: a cut secret must not show even that."""
    keep = 8
    return [secret[i : i + keep] for i in range(len(secret) - keep + 1)]


def _leaks(recorded: str, secret: str) -> bool:
    return any(piece in recorded for piece in _visible_pieces(secret))


filler = st.text(alphabet='abcdefghij {}[],:"0123456789\n', max_size=120)


@settings(max_examples=300, deadline=None)
@given(
    before=st.one_of(
        st.integers(min_value=0, max_value=2 * MAX_RECORDED_BODY + 100),
        # the cut lands inside the first copy
        st.integers(min_value=MAX_RECORDED_BODY - 80, max_value=MAX_RECORDED_BODY),
    ),
    copies=st.integers(min_value=1, max_value=200),
    gap=filler,
    kind=st.sampled_from(["token", "member", "header"]),
)
def test_no_secret_survives_the_cut(before: int, copies: int, gap: str, kind: str) -> None:
    secret = TOKEN if kind == "token" else "sec-" + "7e1b" * 12
    piece = {
        "token": TOKEN,
        "member": json.dumps({"client_secret": secret}),
        "header": f"Authorization: Bearer {secret}",
    }[kind]
    # Each credential on its own line, as headers and JSON members are written.
    body = "x" * before + (piece + "\n" + gap) * copies + "y" * 3000
    recorded = Redactor([TOKEN]).body(body.encode()) or ""
    assert not _leaks(recorded, secret)
    assert len(recorded) <= MAX_RECORDED_BODY + 40


@settings(max_examples=200, deadline=None)
@given(before=st.integers(min_value=MAX_RECORDED_BODY - 60, max_value=MAX_RECORDED_BODY + 5))
def test_a_member_value_cut_at_the_edge_is_hidden(before: int) -> None:
    secret = "pw-" + "x1y2" * 400  # longer than any margin: the cut lands inside the value
    body = "a" * before + json.dumps({"password": secret}) + "b" * 100
    recorded = Redactor([]).body(body) or ""
    assert not _leaks(recorded, secret) and "x1y2x1y2" not in recorded


def test_a_short_body_is_redacted_whole_and_kept_whole() -> None:
    body = json.dumps({"token": "abc", "note": f"uses {TOKEN}"})
    recorded = Redactor([TOKEN]).body(body)
    assert recorded == json.dumps({"token": REDACTED, "note": f"uses {REDACTED}"})


def test_a_long_body_is_cut_to_the_limit_with_the_count_of_the_rest() -> None:
    body = "z" * 10_000
    recorded = Redactor([TOKEN]).body(body.encode()) or ""
    assert (
        recorded == "z" * MAX_RECORDED_BODY + f"... [{10_000 - MAX_RECORDED_BODY} more characters]"
    )


def test_same_record_as_redacting_everything_first_when_nothing_moves() -> None:
    """Without secrets near the cut the kept text is what a redaction of the whole body gave."""
    body = json.dumps({"elements": [{"id": n, "name": f"Item {n}"} for n in range(2000)]})
    redactor = Redactor([TOKEN])
    whole = redactor.text(body)
    recorded = redactor.body(body) or ""
    assert recorded.startswith(whole[:MAX_RECORDED_BODY]) and "more characters]" in recorded
