"""The benchmark's table as Markdown, written into README.md between two markers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

START = "<!-- benchmark table: start (python -m benchmarks writes it) -->"
END = "<!-- benchmark table: end -->"
HEADER = (
    "| items | run | calls Clover / BigCommerce | minimum the APIs allow (ratio) "
    "| wall | rate-limit bound (ratio) | CPU (planning) | peak RSS |\n"
    "|---:|---|---|---|---:|---|---:|---:|"
)


def _ratio(value: Any) -> str:
    if value is None:
        return "∞"
    return f"{value:.2f}"


def _size(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def table_line(row: Mapping[str, Any]) -> str:
    size, run = _size(row["size"]), row["run"]
    if row.get("skipped"):
        return f"| {size} | {run} | skipped: {row['skipped']} | | | | | |"
    c, b = row["clover"], row["bigcommerce"]
    mc, mb = row["minimum"]["clover"], row["minimum"]["bigcommerce"]
    calls = f"{c['reads'] + c['writes']} / {b['reads'] + b['writes']}"
    least = (
        f"{mc['reads'] + mc['writes']} / {mb['reads'] + mb['writes']} "
        f"({_ratio(row.get('clover_ratio'))} / {_ratio(row.get('bigcommerce_ratio'))})"
    )
    wall = f"{row['wall_s']:.1f} s"
    bound = f"{row['bound_s']:.1f} s ({_ratio(row.get('wall_ratio'))})"
    cpu = f"{row['cpu_s']:.1f} s ({row['planning_cpu_s']:.2f} s)"
    rss = f"{row['peak_rss_mb']:.0f} MB"
    return f"| {size} | {run} | {calls} | {least} | {wall} | {bound} | {cpu} | {rss} |"


def render(rows: Iterable[Mapping[str, Any]], settings: Mapping[str, Any]) -> str:
    low, high = settings["latency_ms"]
    lines = [
        f"Sandbox on the BigCommerce {settings['plan'].title()} plan, {low}-{high} ms added to "
        f"every request; generated on {settings['when']}.",
        "",
        HEADER,
    ]
    lines += [table_line(r) for r in rows]
    notes = [
        f"- {_size(r['size'])} {r['run']}: {note}" for r in rows for note in r.get("notes", [])
    ]
    if notes:
        lines += ["", *notes]
    return "\n".join(lines)


def write_table(readme: Path, text: str) -> None:
    """Replaces what is between the markers (appends a section with them when they are missing)."""
    content = readme.read_text(encoding="utf-8")
    block = f"{START}\n{text}\n{END}"
    if START in content and END in content:
        head, rest = content.split(START, 1)
        _, tail = rest.split(END, 1)
        content = f"{head}{block}{tail}"
    else:
        content = content.rstrip("\n") + f"\n\n## Benchmarks\n\n{block}\n"
    readme.write_text(content, encoding="utf-8")
