"""Helpers for engine tests against a running sandbox: Services wired to it through ESYNC_*
variables (as a headless install would be), and direct reads of the demo stores."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from esync_desktop.app import Services
from esync_desktop.paths import AppPaths
from esync_desktop.storage.settings import ActionConfig, TaskConfig, WeightRules
from esync_desktop.sync import defaults


def sandbox_env(server: Any) -> dict[str, str]:
    info = server.describe()
    return {
        "ESYNC_CLOVER_BASE_URL": info["url"],
        "ESYNC_CLOVER_MERCHANT_ID": info["clover_merchant_id"],
        "ESYNC_CLOVER_TOKEN": info["clover_token"],
        "ESYNC_BC_BASE_URL": info["url"],
        "ESYNC_BC_STORE_HASH": info["bc_store_hash"],
        "ESYNC_BC_TOKEN": info["bc_token"],
    }


def services_for(server: Any, *, weights: bool = True, paths: AppPaths | None = None) -> Services:
    services = Services(paths=paths, environ=sandbox_env(server))
    if weights:
        services.settings.weights = WeightRules(
            by_sku=dict(defaults.DEMO_SKU_WEIGHTS),
            by_category=dict(defaults.DEMO_CATEGORY_WEIGHTS),
        )
    return services


def task(*actions: str, stop_when_empty: bool = True, **options: Any) -> TaskConfig:
    return TaskConfig(
        name="test",
        actions=[ActionConfig(a, dict(options.get(a.replace("-", "_"), {}))) for a in actions],
        stop_when_empty=stop_when_empty,
    )


def admin(server: Any, path: str, body: dict[str, Any] | None = None) -> Any:
    """Call an admin route (/_sandbox/...)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        server.url + path, data=data, method="POST" if data is not None else "GET"
    )
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


def endpoint_count(server: Any, api: str, method: str, fragment: str) -> int:
    """Requests counted by the sandbox for routes of `api` with this method and path part."""
    endpoints = server.counter_snapshot()[api]["endpoints"]
    return sum(
        n for route, n in endpoints.items() if route.startswith(method + " ") and fragment in route
    )


def rows_by(plan_or_doc: Any, action: str) -> dict[str, Any]:
    """sku -> row of one action in a TaskPlan."""
    for action_plan in plan_or_doc.actions:
        if action_plan.action == action:
            return {r.sku or r.clover_name: r for r in action_plan.rows}
    raise KeyError(action)
