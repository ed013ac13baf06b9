"""`weights import` memory: generates big weights files in a temp folder and prints the peak RSS
of reading each one (each in a fresh process, so one's peak does not hide another's).

    python -m tests.benchmarks.bench_weights_import [SIZE_MB]     (default 1024: a 1 GB file)

Cases: the big file with the default limits (refused at once: over 50 MB); the same file with
the limits lifted, read to the end (SKUs repeat, so the table stays small and what is measured
is the reading); one line of SIZE_MB without a line break (limits lifted); and the largest file
the limits take, 200,000 different SKUs.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHUNK_LINES = 20_000


def _write_rows(path: Path, size_mb: int, distinct: int, rows: int | None = None) -> None:
    """Rows until the file is size_mb (or `rows` rows padded to reach it); a SKU's weight is
    the same wherever it repeats."""
    target = size_mb * 1024 * 1024
    pad = "p" * max(0, target // rows - 30) if rows else "a note"
    written = n = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("sku,weight,note\n")
        while written < target and (rows is None or n < rows):
            count = CHUNK_LINES if rows is None else min(CHUNK_LINES, rows - n)
            block = "".join(
                f"SKU-{(n + i) % distinct:07d},{(n + i) % distinct % 97 + 1}.25,{pad}\n"
                for i in range(count)
            )
            n += count
            out.write(block)
            written += len(block)


def _write_one_line(path: Path, size_mb: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("sku,weight\n")
        piece = "X" * (1024 * 1024)
        for _ in range(size_mb):
            out.write(piece)


def _measure(path: Path, lifted: bool) -> None:
    """In the child: read the file, print one line of figures."""
    from esync_desktop.storage.weights_csv import Limits, WeightCsvError, read_weights_csv

    limits = Limits(max_bytes=None, max_rows=None) if lifted else Limits()
    started = time.perf_counter()
    try:
        result = read_weights_csv(path, limits)
        what = f"{len(result.weights)} weights, {len(result.problems)} lines skipped"
    except WeightCsvError as exc:
        what = f"refused: {str(exc)[-80:]}"
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{peak_kib / 1024:.0f}\t{seconds:.1f}\t{what}", flush=True)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        _measure(Path(argv[1]), argv[2] == "lifted")
        return 0
    size_mb = int(argv[0]) if argv else 1024
    folder = Path(tempfile.mkdtemp(prefix="bench-weights-"))
    try:
        big, line, most = folder / "big.csv", folder / "one-line.csv", folder / "200k.csv"
        print(f"generating {size_mb} MB files in {folder} ...", flush=True)
        _write_rows(big, size_mb, distinct=1000)
        _write_one_line(line, size_mb)
        _write_rows(most, 48, distinct=200_000, rows=200_000)
        baseline = subprocess.run(
            [sys.executable, "-c", "import resource, esync_desktop.storage.weights_csv;"
             "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        print(f"baseline (interpreter + module): peak RSS {int(baseline.stdout) / 1024:.0f} MiB")
        cases = [
            (f"{size_mb} MB, default limits", big, "default"),
            (f"{size_mb} MB, limits lifted, read to the end", big, "lifted"),
            (f"{size_mb} MB on one line, limits lifted", line, "lifted"),
            (f"{most.stat().st_size // (1024 * 1024)} MB, 200,000 SKUs, default limits", most,
             "default"),
        ]  # fmt: skip
        for label, path, mode in cases:
            child = subprocess.run(
                [sys.executable, "-m", "tests.benchmarks.bench_weights_import", "--child",
                 str(path), mode],
                capture_output=True, text=True,
            )  # fmt: skip
            if child.returncode != 0:
                print(f"{label}: failed\n{child.stderr}", file=sys.stderr)
                return 1
            peak, seconds, what = child.stdout.strip().split("\t")
            print(f"{label}: peak RSS {peak} MiB, {seconds} s ({what})", flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
