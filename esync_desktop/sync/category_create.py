"""create-categories: make the BigCommerce categories the owner asked for (the fix for items
whose Clover category has no BigCommerce category). Planned from the store's categories like
any other step, so the owner confirms exactly what is created; applied through the journal.

Option `names`: the BigCommerce category names to create, at the top of the store's tree. A
name the store already has (anywhere in the tree, as the category rule matches it) is
`already_in_bigcommerce`, so planning again after a lost answer or on another PC never makes
a second one (BigCommerce also refuses a sibling with the same name).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from esync_desktop.connectors.errors import (
    ApiError,
    ConflictError,
    NotFoundError,
    ServerError,
    TransportError,
    ValidationError,
)
from esync_desktop.domain.sku import clean_name, name_key
from esync_desktop.sync.action_hooks import ApplyContext
from esync_desktop.sync.apply import RowResult
from esync_desktop.sync.cursors import Cursor
from esync_desktop.sync.model import ActionPlan, Outcome, PlanRow, Reason
from esync_desktop.sync.reading import Cancelled
from esync_desktop.sync.rules import Rules
from esync_desktop.sync.snapshot import Snapshot

log = logging.getLogger(__name__)

CREATE_CATEGORIES = "create-categories"
# The name its runs are recorded under (History), apart from the owner's tasks.
CATEGORY_TASK = "Create categories in BigCommerce"
REFUSED = (ValidationError, ConflictError, NotFoundError)


def plan_create_categories(
    snapshot: Snapshot, options: Mapping[str, Any], cursor: Cursor, rules: Rules
) -> ActionPlan:
    names = options.get("names") or []
    have = {name_key(c.name) for c in snapshot.bc_categories} - {None}
    rows: list[PlanRow] = []
    seen: set[str] = set()
    for raw in names if isinstance(names, list | tuple) else []:
        name, key = clean_name(str(raw)), name_key(str(raw))
        if name is None or key is None or key in seen:
            continue
        seen.add(key)
        if key in have:
            rows.append(
                PlanRow(
                    CREATE_CATEGORIES,
                    None,
                    Outcome.SKIP,
                    Reason.ALREADY_IN_BIGCOMMERCE,
                    bc_name=name,
                    detail=f"BigCommerce already has a category named {name!r}",
                )
            )
            continue
        rows.append(
            PlanRow(
                CREATE_CATEGORIES,
                None,
                Outcome.CREATE,
                bc_name=name,
                changes={"category": (None, name)},
                detail=f"new top-level category {name!r}",
                payload={"name": name, "parent_id": 0},
            )
        )
    return ActionPlan(CREATE_CATEGORIES, tuple(rows))


def journal_key(scope: str, name: str, run_id: int) -> str:
    """Per run: the plan checked the store first, so a later run may create it again only if it
    was deleted meanwhile."""
    return f"{scope}|{CREATE_CATEGORIES}/{name_key(name)}/{run_id}"


def _said(exc: ApiError) -> str:
    fields = "; ".join(f"{k}: {v}" for k, v in getattr(exc, "field_errors", {}).items())
    return "; ".join(x for x in (exc.title, fields) if x)


def _find(ctx: ApplyContext, name: str) -> int | None:
    """The id of a top-level category with this name, if the store has one."""
    wanted = name_key(name)
    for row in ctx.bc.iter_categories(name=name):
        same = isinstance(row, dict) and name_key(str(row.get("name", ""))) == wanted
        if same and not row.get("parent_id"):
            return int(row["id"])
    return None


def _tree_id(ctx: ApplyContext) -> int:
    for tree in ctx.bc.iter_trees():
        if isinstance(tree, dict) and isinstance(tree.get("id"), int):
            return int(tree["id"])
    return 1


def _create(ctx: ApplyContext, row: PlanRow, tree_id: int) -> RowResult:
    name = str(row.payload["name"])
    key = journal_key(ctx.scope, name, ctx.run_id)
    journal = ctx.journal
    journal.journal_intent(key, f"{CREATE_CATEGORIES}:category", None, row.payload, ctx.run_id)
    try:
        made = ctx.bc.create_category(name, tree_id, int(row.payload.get("parent_id", 0)))
    except REFUSED as exc:
        journal.journal_fail(key, _said(exc))
        detail = f"BigCommerce refused category {name!r}: {_said(exc)}"
        ctx.on_item_error(row, detail)
        return RowResult(row, Outcome.FAIL, Reason.REJECTED, None, detail)
    except (TransportError, ServerError) as exc:
        if isinstance(exc, TransportError) and not exc.maybe_applied:
            journal.journal_fail(key, _said(exc))
            raise
        found = _find(ctx, name)
        journal.journal_resolve(key, found is not None, {"id": found} if found else {})
        if found is not None:
            log.info("category %r: answer lost; found as %s", name, found)
            return RowResult(row, row.outcome, None, found, row.detail, written=True)
        detail = f"BigCommerce did not answer ({_said(exc)}) and has no category {name!r}"
        ctx.on_item_error(row, detail)
        return RowResult(row, Outcome.FAIL, Reason.STORE_ERROR, None, detail)
    category_id = int(made["id"])
    journal.journal_confirm(key, {"id": category_id})
    return RowResult(row, row.outcome, None, category_id, row.detail, written=True)


def apply_create_categories(plan: ActionPlan, ctx: ApplyContext) -> list[RowResult]:
    """Results for every row, in order; raises Cancelled between creates (results so far in
    ctx.partial) and ApiError when BigCommerce cannot be reached."""
    done = [RowResult(r, r.outcome, r.reason, r.bc_id, r.detail) for r in plan.rows]
    ctx.partial = list(done)
    if not any(r.writes for r in plan.rows):
        return done
    tree_id = _tree_id(ctx)
    for i, row in enumerate(plan.rows):
        if not row.writes:
            continue
        if ctx.cancel is not None and ctx.cancel.is_set():
            raise Cancelled
        done[i] = _create(ctx, row, tree_id)
        ctx.tick(row, 1)
        ctx.partial = list(done)
    return done
