"""python -m benchmarks [--quick] [--sizes 1000,10000,100000] [--latency 50-150] ..."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from benchmarks import readme
from benchmarks.runs import ROOT, Row, Settings, SizeRun

RESULTS = ROOT / "benchmarks" / "results.json"
QUICK_RESULTS = ROOT / "benchmarks" / "results-quick.json"


def _sizes(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part.strip())


def _latency(text: str) -> tuple[int, int]:
    low, _, high = text.partition("-")
    return int(low), int(high or low)


def _print(row: Row) -> None:
    doc = row.as_dict()
    print(readme.table_line(doc), flush=True)
    for note in row.notes:
        print(f"    note: {note}", flush=True)
    for failure in row.failures:
        print(f"    OVER TARGET: {failure}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, low latency (CI)")
    parser.add_argument("--sizes", type=_sizes, help="item counts, e.g. 1000,10000,100000")
    parser.add_argument("--latency", type=_latency, help="ms added to each request, LOW-HIGH")
    parser.add_argument("--plan", default="pro", help="BigCommerce plan (default pro)")
    parser.add_argument(
        "--first-sync-max",
        type=int,
        help="largest size whose first sync creates the products (bigger sizes start matched)",
    )
    parser.add_argument(
        "--preview-only", action="store_true", help="only the preview of each size (profiling)"
    )
    parser.add_argument("--out", type=Path, help="where to save the JSON results")
    parser.add_argument(
        "--no-readme", action="store_true", help="do not write the table into README.md"
    )
    args = parser.parse_args(argv)
    settings = Settings(
        sizes=args.sizes or ((250, 1000) if args.quick else (1000, 10_000, 100_000)),
        latency_ms=args.latency or ((5, 15) if args.quick else (50, 150)),
        plan=args.plan,
        first_sync_max=args.first_sync_max or (250 if args.quick else 1000),
        quick=args.quick,
        only=("preview",) if args.preview_only else (),
    )
    print(readme.HEADER, flush=True)
    rows: list[Row] = []
    started = time.perf_counter()
    for size in settings.sizes:
        rows += SizeRun(size, settings, _print).run()
    docs = [r.as_dict() for r in rows]
    meta = {
        "latency_ms": list(settings.latency_ms),
        "plan": settings.plan,
        "sizes": list(settings.sizes),
        "quick": settings.quick,
        "when": time.strftime("%Y-%m-%d", time.gmtime()),
        "seconds": round(time.perf_counter() - started, 1),
    }
    out = args.out or (QUICK_RESULTS if args.quick else RESULTS)
    out.write_text(json.dumps({"settings": meta, "rows": docs}, indent=1) + "\n", "utf-8")
    if not (args.quick or args.no_readme or args.preview_only):
        readme.write_table(ROOT / "README.md", readme.render(docs, meta))
    failures = [f"{r.size} {r.run}: {f}" for r in rows for f in r.failures]
    print(f"saved {out} ({meta['seconds']} s)")
    if failures:
        print("call ratios over target:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
