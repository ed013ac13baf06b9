"""The headless commands: preview/sync --json on the demo stores, exit codes, tasks, weights."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from esync_desktop.cli import run
from esync_desktop.sandbox.credentials import DEMO_CREDENTIALS
from tests.sync.live import sandbox_env


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, dict[str, Any]]:
    code = run(argv)
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_demo_sync_twice_creates_then_nothing(
    capsys: pytest.CaptureFixture[str], esync_home: Path
) -> None:
    code, preview = _json(capsys, ["preview", "--demo", "--action", "send-standard", "--json"])
    assert code == 0
    assert set(preview) == {"task", "demo", "actions", "summary", "api_calls"}
    assert (preview["task"], preview["demo"]) == ("command line", True)
    [action] = preview["actions"]
    assert action["action"] == "send-standard"
    row = action["rows"][0]
    assert set(row) >= {
        "action",
        "sku",
        "outcome",
        "reason",
        "clover_id",
        "clover_name",
        "bc_id",
        "bc_name",
        "changes",
    }
    planned = preview["summary"]["create"]
    assert planned > 100 and preview["summary"]["skip"] > 0
    assert preview["api_calls"]["clover"] > 0 and preview["api_calls"]["bigcommerce"] > 0

    code, first = _json(capsys, ["sync", "--demo", "--action", "send-standard", "--json"])
    assert code == 0
    assert first["summary"]["create"] == planned
    assert first["summary"]["fail"] == 0
    assert first["actions"][0]["counts"]["create"] == planned
    assert first["api_calls"]["bigcommerce"] >= planned

    code, second = _json(capsys, ["sync", "--demo", "--action", "send-standard", "--json"])
    assert code == 0
    assert second["summary"]["create"] == 0 and second["summary"]["update"] == 0
    skipped = [r for r in second["actions"][0]["rows"] if r["outcome"] == "skip"]
    assert all(r["reason"] for r in skipped)

    # The demo tokens never reach a file (settings, state database, logs, demo stores).
    for path in esync_home.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for token in (DEMO_CREDENTIALS.clover_token, DEMO_CREDENTIALS.bc_token):
                assert token.encode() not in data, path

    # Starting the demo stores over brings the products to create back.
    assert run(["sandbox", "reset"]) == 0
    capsys.readouterr()
    code, fresh = _json(capsys, ["preview", "--demo", "--action", "send-standard", "--json"])
    assert fresh["summary"]["create"] == planned


def test_human_output_has_a_table_and_a_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["preview", "--demo", "--action", "send-prices"]) == 0
    out = capsys.readouterr().out
    assert "Update prices:" in out
    assert "COF-001" in out and "Price: " in out
    assert "(demo stores): nothing is written" in out
    assert "In total: " in out and "API calls: Clover" in out


def test_exit_codes_and_messages(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, sandbox: Any
) -> None:
    # No connection configured: a configuration error that says what to set.
    assert run(["preview", "--action", "send-standard"]) == 2
    err = capsys.readouterr().err
    assert "ESYNC_CLOVER_TOKEN" in err and "--demo" in err
    assert run(["preview", "--task", "nope", "--demo"]) == 2
    assert "tasks list" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        run(["preview", "--action", "send-everything"])
    assert exc.value.code == 2
    capsys.readouterr()
    # A wrong token: cannot authenticate.
    env = sandbox_env(sandbox)
    env["ESYNC_BC_TOKEN"] = "wrong-token-123456"
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert run(["preview", "--action", "send-standard"]) == 3
    assert capsys.readouterr().err.startswith("error: ")
    # Nothing listening: cannot connect.
    monkeypatch.setenv("ESYNC_BC_TOKEN", sandbox.describe()["bc_token"])
    monkeypatch.setenv("ESYNC_CLOVER_BASE_URL", "http://127.0.0.1:9")
    assert run(["preview", "--action", "send-standard"]) == 3
    assert "error: " in capsys.readouterr().err
    # A base URL that would send the token in clear: a configuration error naming the variable.
    monkeypatch.setenv("ESYNC_BC_BASE_URL", "http://example.com")
    assert run(["preview", "--action", "send-standard"]) == 2
    err = capsys.readouterr().err
    assert "ESYNC_BC_BASE_URL" in err and "https://" in err


def test_tasks_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["tasks", "list"]) == 0
    assert "Catalogue sync: send-standard -> send-matrix" in capsys.readouterr().out
    assert run(["tasks", "add", "Stock", "send-inventory-standard", "send-prices"]) == 0
    assert (
        run(["tasks", "option", "Stock", "send-inventory-standard", "require_name_match", "off"])
        == 0
    )
    assert run(["tasks", "schedule", "stock", "every", "30"]) == 0
    capsys.readouterr()
    assert run(["tasks", "show", "Stock"]) == 0
    out = capsys.readouterr().out
    assert "require_name_match=False" in out and "every 30 min" in out
    assert run(["tasks", "option", "Stock", "send-prices", "colour", "red"]) == 2
    assert run(["tasks", "add", "stock", "send-prices"]) == 2  # names are unique, any case
    assert run(["tasks", "remove", "STOCK"]) == 0
    capsys.readouterr()
    assert run(["tasks", "list"]) == 0
    assert "Stock" not in capsys.readouterr().out


def test_weights_commands(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    csv = tmp_path / "weights.csv"
    csv.write_text("sku,weight\nMUG-001,0.5\n COF-002 ,1.25\n", encoding="utf-8")
    assert run(["weights", "import", str(csv)]) == 0
    assert run(["weights", "default", "0.3"]) == 0
    assert run(["weights", "category", "Mugs", "0.45"]) == 0
    assert run(["weights", "category", "Cards", "heavy"]) == 2
    # Outside BigCommerce's range (more than 0, at most 9,999,999,999): refused, with why.
    for weight in ("1e309", "0", "-1", "1e10", "nan"):
        assert run(["weights", "category", "Cards", weight]) == 2, weight
    assert "more than 0" in capsys.readouterr().err
    assert run(["weights", "list"]) == 0
    out = capsys.readouterr().out
    assert "default: 0.3" in out and "category Mugs: 0.45" in out
    assert "sku COF-002: 1.25" in out and "sku MUG-001: 0.5" in out
    bad = tmp_path / "bad.csv"
    bad.write_text("code;kg\nA;1\n", encoding="utf-8")
    assert run(["weights", "import", str(bad)]) == 2
    assert "sku" in capsys.readouterr().err
    # Every line bad: nothing imported, a usage error; some lines bad: the rest imported, exit 1.
    bad.write_text("sku,weight\nA,heavy\nB,-1\n", encoding="utf-8")
    assert run(["weights", "import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "line 2" in err and "nothing was changed" in err
    bad.write_text("sku,weight\nA,heavy\nB,2.5\n", encoding="utf-8")
    assert run(["weights", "import", str(bad)]) == 1
    assert "line 2" in capsys.readouterr().err
    assert run(["weights", "list"]) == 0
    out = capsys.readouterr().out
    assert "sku B: 2.5" in out and "sku A:" not in out


def test_a_name_bigcommerce_would_refuse_is_skipped_and_named(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, sandbox: Any
) -> None:
    from esync_desktop.connectors.bigcommerce import BigCommerceClient

    for name, value in sandbox_env(sandbox).items():
        monkeypatch.setenv(name, value)
    assert run(["weights", "category", "Cards", "0.03"]) == 0
    info = sandbox.describe()
    with BigCommerceClient(info["url"], info["bc_store_hash"], info["bc_token"]) as bc:
        # A web product already uses the name of the Clover item CRD-005 ("Thank You Card").
        bc.create_product(
            {
                "name": "Thank You Card",
                "type": "physical",
                "price": "2",
                "weight": "0.1",
                "sku": "WEB-TY",
            }
        )
        web_id = bc.products_by_sku(["WEB-TY"])[0]["id"]
    capsys.readouterr()
    # The preview already read the catalogue: the name is refused there, not by BigCommerce.
    code, done = _json(capsys, ["sync", "--action", "send-standard", "--json"])
    assert code == 0
    [taken] = [r for r in done["actions"][0]["rows"] if r["sku"] == "CRD-005"]
    assert (taken["outcome"], taken["reason"]) == ("skip", "name_in_use")
    assert taken["facts"]["bc_id"] == web_id
    assert not [r for r in done["actions"][0]["rows"] if r["outcome"] == "fail"]
    assert done["summary"]["create"] > 10


def test_category_map_and_location(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["categories", "map", "Drinkware", "Mugs"]) == 0
    assert run(["location", "3"]) == 0
    assert run(["location", "0"]) == 2
    capsys.readouterr()
    assert run(["categories", "list"]) == 0
    assert "Drinkware -> Mugs" in capsys.readouterr().out
    assert run(["location"]) == 0
    assert "location 3" in capsys.readouterr().out
    assert run(["categories", "map", "drinkware", "none"]) == 0
    capsys.readouterr()
    assert run(["categories", "list"]) == 0
    assert "No mapping" in capsys.readouterr().out


def _wait_for_creates(sandbox: Any, n: int, proc: Any) -> None:
    import time

    from tests.sync.live import endpoint_count

    deadline = time.monotonic() + 60
    while endpoint_count(sandbox, "bigcommerce", "POST", "/catalog/products") < n:
        assert proc.poll() is None, "the sync ended before it was interrupted"
        assert time.monotonic() < deadline, "no product was created within a minute"
        time.sleep(0.02)


def test_ctrl_c_stops_between_writes_and_the_next_sync_does_the_rest(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, sandbox: Any
) -> None:
    import os
    import signal
    import subprocess
    import sys

    from tests.sync.live import admin, endpoint_count

    assert run(["weights", "category", "Cards", "0.03"]) == 0  # a few dozen creates
    capsys.readouterr()
    for name, value in sandbox_env(sandbox).items():
        monkeypatch.setenv(name, value)
    env = dict(os.environ)
    argv = [sys.executable, "-m", "esync_desktop", "sync", "--action", "send-standard", "--json"]
    # Slow writes, so that the interrupt lands while products are being created.
    admin(sandbox, "/_sandbox/faults", {"bigcommerce": {"latency_ms": 150}})
    with subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        _wait_for_creates(sandbox, 2, proc)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    first = json.loads(out)
    assert first["cancelled"] is True and b"stopping after the current write" in err
    done = first["summary"]["create"]
    assert 2 <= done < 20
    admin(sandbox, "/_sandbox/faults", {"bigcommerce": {"latency_ms": 0}})
    rest = subprocess.run(argv, env=env, capture_output=True, timeout=120, check=False)
    assert rest.returncode == 0, rest.stderr
    second = json.loads(rest.stdout)
    assert second["cancelled"] is False
    total = endpoint_count(sandbox, "bigcommerce", "POST", "/catalog/products")
    assert total == done + second["summary"]["create"]
    assert second["summary"]["create"] > 0
    # Nothing is left: a third look finds nothing to create, so every product exists once.
    assert run(["preview", "--action", "send-standard", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["create"] == 0


def test_without_a_task_the_default_task_runs_in_the_owners_words(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, doc = _json(capsys, ["preview", "--demo", "--json"])
    assert code == 0
    assert (doc["task"], doc["demo"]) == ("Catalogue sync", True)
    assert [a["action"] for a in doc["actions"]][:2] == ["send-standard", "send-matrix"]
    skipped = {r["reason"] for a in doc["actions"] for r in a["rows"]}
    assert "missing_weight" in skipped  # --json keeps the stable codes

    assert run(["preview", "--demo"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Preview of “Catalogue sync”, the default task (demo stores)")
    # The window's labels and "what to do" texts, not the codes.
    assert "Create simple products from Clover items: " in out
    assert "Skipped: No weight for this item (" in out
    assert "What to do: Add a weight for each item in Weight rules" in out
    assert "What to do: Create category 'Bags' in BigCommerce" in out
    for code_word in ("send-standard", "missing_weight", "inventory_level", "category_not_in"):
        assert code_word not in out
    # Full category names, never cut.
    for action in doc["actions"]:
        for row in action["rows"]:
            if row["outcome"] == "create" and row["sku"]:
                names = ", ".join(row["changes"]["categories"][1])
                assert f"Categories: {names}\n" in out, row["sku"]
    assert "…" not in out
    total = doc["summary"]
    assert (
        f"In total: {total['create']} to create, {total['update']} to update, "
        f"{total['unchanged']} unchanged, {total['skip']} skipped, 0 failed. "
        f"A sync would make {total['create'] + total['update']} changes in BigCommerce." in out
    )
    assert "need your attention" in out


def test_json_prints_a_document_on_every_exit(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, sandbox: Any
) -> None:
    # 2: not set up.
    code, doc = _json(capsys, ["preview", "--json"])
    assert code == 2
    assert doc["task"] == "Catalogue sync" and doc["error"]["kind"] == "configuration"
    assert "ESYNC_CLOVER_TOKEN" in doc["error"]["message"]
    # 2: a usage error found by the parser.
    with pytest.raises(SystemExit) as exc:
        run(["sync", "--json", "--action", "send-everything"])
    assert exc.value.code == 2
    doc = json.loads(capsys.readouterr().out)
    assert doc["error"]["kind"] == "usage" and "send-everything" in doc["error"]["message"]
    # 2: no such task.
    code, doc = _json(capsys, ["sync", "--json", "--demo", "--task", "nope"])
    assert (code, doc["error"]["kind"]) == (2, "usage")
    # 3: a wrong token.
    env = sandbox_env(sandbox)
    env["ESYNC_BC_TOKEN"] = "wrong-token-123456"
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code, doc = _json(capsys, ["sync", "--json", "--action", "send-prices"])
    assert code == 3
    assert doc["task"] == "command line" and doc["error"]["kind"] == "auth"
    assert doc["error"]["message"]
    # 3: nothing listening.
    monkeypatch.setenv("ESYNC_BC_TOKEN", sandbox.describe()["bc_token"])
    monkeypatch.setenv("ESYNC_CLOVER_BASE_URL", "http://127.0.0.1:9")
    code, doc = _json(capsys, ["preview", "--json", "--action", "send-prices"])
    assert (code, doc["error"]["kind"]) == (3, "connection")


def _rename_in_clover(sandbox: Any, sku: str, name: str) -> None:
    from esync_desktop.connectors.clover import CloverClient

    info = sandbox.describe()
    with CloverClient(info["url"], info["clover_merchant_id"], info["clover_token"]) as clover:
        [item] = [i for i in clover.iter_items(expand=()) if i.get("sku") == sku]
        clover.update_item(item["id"], {"name": name})


def test_hostile_names_are_escaped_on_the_terminal_and_defused_in_the_csv(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    sandbox: Any,
    tmp_path: Path,
) -> None:
    import csv

    for name, value in sandbox_env(sandbox).items():
        monkeypatch.setenv(name, value)
    hostile = '=HYPERLINK("http://evil.example","x")\x1b[2J\u202e'
    _rename_in_clover(sandbox, "COF-001", hostile)
    out_csv = tmp_path / "preview.csv"
    argv = ["preview", "--action", "send-prices", "--all", "--csv", str(out_csv)]
    assert run(argv) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out
    assert '=HYPERLINK("http://evil.example","x")\\x1b[2J\\u202e' in out
    assert "Saved " in out and str(out_csv) in out
    with out_csv.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    [row] = [r for r in rows if r["SKU"] == "COF-001"]
    assert row["Clover name"] == "'" + hostile
    assert all(not v.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for v in r.values())
    assert {r["Action"] for r in rows} == {"Update prices"}
    assert any(r["What to do"] for r in rows)


def _parsers(parser: Any) -> Iterator[Any]:
    import argparse

    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _parsers(sub)


def test_every_argument_has_help_and_the_epilog_names_the_variables() -> None:
    from esync_desktop.cli import build_parser

    parser = build_parser()
    for sub in _parsers(parser):
        for action in sub._actions:
            assert action.help, f"{sub.prog}: {action.dest} has no help"
    epilog = parser.format_help()
    for name in ("ESYNC_CLOVER_TOKEN", "ESYNC_BC_TOKEN", "ESYNC_BC_STORE_HASH", "ESYNC_HOME"):
        assert name in epilog


def test_option_and_weights_help_list_what_to_type(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, sandbox: Any
) -> None:
    with pytest.raises(SystemExit):
        run(["tasks", "option", "--help"])
    out = capsys.readouterr().out
    assert "send-standard visible: on/off, default on" in out
    assert "require_name_match: on/off, default on  (Names must match in both stores)" in out
    # Not set up: the unit cannot be read, and the help says so.
    with pytest.raises(SystemExit):
        run(["weights", "import", "--help"])
    out = capsys.readouterr().out
    assert "`sku` and `weight`" in out and "semicolon" in out
    assert "could not be read just now: the store is not set up" in out
    # Set up: the store's own unit (the sandbox says Ounces, as BigCommerce spells it).
    for name, value in sandbox_env(sandbox).items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit):
        run(["weights", "import", "--help"])
    assert "weights are in ounces (oz), the weight unit of your BigCommerce store" in (
        capsys.readouterr().out.replace("\n  ", " ")
    )


def test_a_lost_stock_write_is_that_items_result_and_the_sync_reports_every_item(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, sandbox: Any
) -> None:
    import httpx

    for name, value in sandbox_env(sandbox).items():
        monkeypatch.setenv(name, value)
    assert run(["weights", "default", "0.5"]) == 0
    # The answer to the stock write is lost: the connection is reset once it is sent.
    faults = {"reset_rate": 1.0, "path_contains": "adjustments"}
    httpx.post(f"{sandbox.url}/_sandbox/faults", json={"bigcommerce": faults}).raise_for_status()
    capsys.readouterr()
    argv = ["sync", "--json", "--action", "send-standard", "--action", "send-inventory-standard"]
    code, doc = _json(capsys, argv)
    assert code == 1
    assert "error" not in doc
    rows = {(r["action"], r["sku"]): r for a in doc["actions"] for r in a["rows"]}
    created = [k for k, r in rows.items() if k[0] == "send-standard" and r["outcome"] == "create"]
    assert len(created) > 100
    lost = [
        r for k, r in rows.items() if k[0] == "send-inventory-standard" and r["outcome"] == "fail"
    ]
    assert lost and all(r["reason"] == "unconfirmed" for r in lost)
