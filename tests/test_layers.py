"""The engine layers never import Qt (only esync_desktop.ui may); imports point down the layers
of docs/ARCHITECTURE.md and form no circle."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import esync_desktop


def _non_ui_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(esync_desktop.__path__, "esync_desktop."):
        if info.name.startswith("esync_desktop.ui") or info.name.endswith("__main__"):
            continue
        names.append(info.name)
    return names


def test_non_ui_packages_do_not_import_qt() -> None:
    modules = _non_ui_modules()
    assert "esync_desktop.sandbox.server" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "leaked = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"Qt imported by the engine: {result.stdout}"


def test_entry_points_agree() -> None:
    for argv in (["-m", "esync_desktop", "--version"], ["main.py", "--version"]):
        result = subprocess.run(
            [sys.executable, *argv],
            capture_output=True,
            text=True,
            check=True,
            cwd=esync_desktop.__path__[0] + "/..",
        )
        assert result.stdout.strip() == f"eSync Desktop {esync_desktop.__version__}"


# The layers of docs/ARCHITECTURE.md, highest first: a module may import its own package and
# anything of a lower rank; modules of the same rank import each other only at the top (rank 4
# and up: the facade and what stands beside it, the CLI). paths, log and the package root are
# the base everybody may use (the package root, then paths, then log).
RANKS = {
    "ui": 6,
    "cli": 5,
    "cli_engine": 5,
    "cli_help": 5,
    "cli_output": 5,
    "cli_services": 5,
    "cli_settings": 5,
    "cli_fields": 5,
    "cli_stock": 5,
    "__main__": 5,
    "app": 4,
    "demo_stores": 4,
    "store_credentials": 4,
    "stock_locations": 4,
    "store_lists": 4,
    "diagnostics": 4,
    "preview_csv": 4,
    "wording": 4,
    "sync": 3,
    "connectors": 2,
    "storage": 2,
    "domain": 1,
    "log": 0,
    "paths": -1,
    "": -2,
}
# The sandbox stands beside the layers: it imports only itself and the base, and the app reaches
# it over HTTP, except for these imports, each for a stated reason. `lazy` ones must sit inside a
# function with a comment starting "# lazy:" right above, or under `if TYPE_CHECKING:`.
ALLOWED = {
    # The demo stores: their fixed ids name the demo's scope and are redacted from reports.
    ("esync_desktop.demo_stores", "esync_desktop.sandbox.credentials"): False,
    ("esync_desktop.diagnostics", "esync_desktop.sandbox.credentials"): False,
    # The demo starts the emulator in-process; `esync-desktop sandbox` serves it.
    ("esync_desktop.demo_stores", "esync_desktop.sandbox.server"): True,
    ("esync_desktop.cli", "esync_desktop.sandbox.server"): True,
    # With no command the CLI opens the window.
    ("esync_desktop.cli", "esync_desktop.ui.app"): True,
}


@dataclass(frozen=True)
class _Import:
    source: str
    target: str
    line: int
    lazy_reason: bool  # inside a function under a "# lazy:" comment, or for type checking only
    in_function: bool = False


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports() -> tuple[set[str], list[_Import]]:
    root = Path(esync_desktop.__path__[0])
    files = {_module_name(p, root): p for p in root.rglob("*.py")}
    found: list[_Import] = []
    for name, path in files.items():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        tree = ast.parse(text)
        in_function = {
            id(node)
            for func in ast.walk(tree)
            if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef)
            for node in ast.walk(func)
        }
        type_only = {
            id(node)
            for block in ast.walk(tree)
            if isinstance(block, ast.If) and ast.unparse(block.test) == "TYPE_CHECKING"
            for node in ast.walk(block)
        }
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = package[: len(package) - node.level + 1] if node.level else []
                module = ".".join([*base, *([node.module] if node.module else [])])
                subs = [f"{module}.{a.name}" for a in node.names if f"{module}.{a.name}" in files]
                targets = subs or [module]
            else:
                continue
            above = lines[node.lineno - 2].strip() if node.lineno > 1 else ""
            lazy = id(node) in type_only or (
                id(node) in in_function and above.startswith("# lazy:")
            )
            for target in targets:
                if target in files and target != name:
                    found.append(_Import(name, target, node.lineno, lazy, id(node) in in_function))
    return set(files), found


def _group(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_imports_point_down_the_layers() -> None:
    _, imports = _imports()
    assert len(imports) > 200
    wrong = []
    for imp in imports:
        source, target = _group(imp.source), _group(imp.target)
        if source == target:
            continue
        key = (imp.source, imp.target)
        if key in ALLOWED:
            if ALLOWED[key] and not imp.lazy_reason:
                wrong.append(f"{imp.source}:{imp.line} -> {imp.target} (needs a '# lazy:' reason)")
            continue
        if "sandbox" in (source, target):
            if target == "sandbox" or RANKS[target] > 0:
                wrong.append(f"{imp.source}:{imp.line} -> {imp.target} (sandbox)")
            continue
        rank, other = RANKS[source], RANKS[target]
        if other > rank or (other == rank and rank < 4):
            wrong.append(f"{imp.source}:{imp.line} -> {imp.target}")
    assert wrong == [], "imports against the layers:\n" + "\n".join(wrong)


def test_no_import_circles() -> None:
    modules, imports = _imports()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for imp in imports:
        graph[imp.source].add(imp.target)
    circles = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                circles.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target)
        path.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    assert circles == [], "import circles:\n" + "\n".join(circles)


def test_imports_inside_functions_say_why() -> None:
    """The project's own modules are imported at the top of a module; one waits inside a
    function only under a "# lazy:" comment saying why (an import the command may not need)."""
    _, imports = _imports()
    hidden = [
        f"{imp.source}:{imp.line} -> {imp.target}"
        for imp in imports
        if imp.in_function and not imp.lazy_reason
    ]
    assert not hidden, "imports inside functions without a '# lazy:' reason:\n" + "\n".join(hidden)
