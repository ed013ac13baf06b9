"""The integration log: exchanges and mapping errors, filters, search, bounds and pruning."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from esync_desktop.log import register_secret
from esync_desktop.storage.state import EXCHANGE, MAPPING_ERROR, StateDb
from tests.storage.helpers import raw_db


@dataclass(frozen=True)
class Exchange:
    """Shaped like connectors.http.Exchange."""

    api: str
    method: str
    path: str
    status: int | None
    duration_ms: float
    request_body: str | None
    response_body: str | None
    error: str | None
    attempt: int


def test_exchanges_and_mapping_errors(db: StateDb) -> None:
    run = db.start_run("Nightly")
    db.log_exchange(
        run,
        Exchange("bigcommerce", "POST", "/v3/catalog/products", 422, 81.5, '{"name": "Mug"}',
                 '{"title": "duplicate name"}', None, 1),
    )  # fmt: skip
    db.log_exchange(None, {"api": "clover", "method": "GET", "path": "/v3/items", "status": None,
                           "error": "timed out", "attempt": 3})  # fmt: skip
    db.log_mapping_error(run, "send-standard", "MUG-1", "name already used", {"field": "name"})
    db.log_mapping_error(run, "send-standard: MUG-2: refused", sku="MUG-2")  # the short form

    entries = db.log_entries()
    assert [e.kind for e in entries] == [EXCHANGE, EXCHANGE, MAPPING_ERROR, MAPPING_ERROR]
    post, get, error, short = entries
    assert (post.run_id, post.status, post.duration_ms, post.attempt) == (run, 422, 81.5, 1)
    assert post.response_body == '{"title": "duplicate name"}'
    assert post.summary == "bigcommerce POST /v3/catalog/products -> 422 (82 ms)"
    assert get.summary == "clover GET /v3/items -> timed out"
    assert (error.action, error.sku, error.details) == ("send-standard", "MUG-1", {"field": "name"})
    assert error.summary == "send-standard: MUG-1: name already used"
    assert (short.action, short.sku, short.message) == (
        None,
        "MUG-2",
        "send-standard: MUG-2: refused",
    )

    assert [e.id for e in db.log_entries(run_id=run)] == [post.id, error.id, short.id]
    assert [e.id for e in db.log_entries(kind=MAPPING_ERROR)] == [error.id, short.id]
    assert [e.id for e in db.log_entries(text="DUPLICATE")] == [post.id]
    assert [e.id for e in db.log_entries(text="mug-1")] == [error.id]
    assert [e.id for e in db.log_entries(run_id=run, kind=EXCHANGE, text="catalog")] == [post.id]
    assert db.log_entries(text="%") == []  # a literal, not a wildcard
    # The bound keeps the newest entries, still in order.
    assert [e.id for e in db.log_entries(limit=2)] == [error.id, short.id]


def test_secrets_never_reach_the_database(db: StateDb) -> None:
    register_secret("live-token-abc123456")
    db.log_exchange(
        None,
        {
            "api": "clover",
            "method": "GET",
            "path": "/v3/items?access_token=live-token-abc123456",
            "status": 401,
            "request_body": "Authorization: Bearer live-token-abc123456",
            "response_body": {"echo": "live-token-abc123456"},
            "error": "bad token live-token-abc123456",
        },
    )
    db.log_mapping_error(None, "send-standard", "A", "token live-token-abc123456 refused",
                         {"header": "X-Auth-Token: live-token-abc123456"})  # fmt: skip
    with raw_db(db.path) as conn:
        dump = "\n".join(conn.iterdump())
    assert "live-token-abc123456" not in dump
    assert "[REDACTED]" in dump


def test_long_bodies_are_cut_after_redaction(db: StateDb) -> None:
    register_secret("cut-token-9876543210")
    body = "x" * (64 * 1024 - 5) + "cut-token-9876543210" + "y" * 100
    db.log_exchange(None, {"api": "bigcommerce", "response_body": body})
    [entry] = db.log_entries()
    assert entry.response_body is not None
    assert "cut-token" not in entry.response_body and "cut-" not in entry.response_body[-200:-30]
    assert entry.response_body.endswith("more characters]")


def test_pruning_by_age_and_count(db: StateDb) -> None:
    for n in range(10):
        db.log_mapping_error(None, "send-prices", f"S{n}", "refused")
    with raw_db(db.path) as conn:
        old = (datetime.now().astimezone() - timedelta(days=40)).isoformat()
        conn.execute("UPDATE log_entries SET at = ? WHERE sku IN ('S0', 'S1')", (old,))
    assert db.prune_log(max_age_days=30, max_rows=5) == 5
    assert [e.sku for e in db.log_entries()] == ["S5", "S6", "S7", "S8", "S9"]
    assert db.prune_log() == 0
