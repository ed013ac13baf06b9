"""Runs one CLI command in this process and writes its figures to a JSON file: CPU (all
threads), peak RSS, and the CPU spent planning (after both stores were read).

    python -m benchmarks.child FIGURES.json preview --json
    ESYNC_BENCH_PROFILE=preview.prof python -m benchmarks --preview-only --sizes 10000
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

# Set to a file name: the run is profiled (cProfile) into it, e.g. for `python -m pstats FILE`.
PROFILE_ENV = "ESYNC_BENCH_PROFILE"


def main(argv: list[str]) -> int:
    out, command = Path(argv[0]), argv[1:]
    import esync_desktop.app as app
    from esync_desktop.cli import run

    planning = [0.0]
    plan_actions = getattr(app, "plan_actions")  # noqa: B009 (the name app.py imported)

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.thread_time()
        try:
            return plan_actions(*args, **kwargs)
        finally:
            planning[0] += time.thread_time() - started

    setattr(app, "plan_actions", timed)  # noqa: B010
    profile_to = os.environ.get(PROFILE_ENV)
    if profile_to:
        import cProfile

        profiler = cProfile.Profile()
        code = profiler.runcall(run, command)
        profiler.dump_stats(profile_to)
    else:
        code = run(command)
    sys.stdout.flush()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    figures = {
        "exit": code,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "planning_cpu_s": planning[0],
        "peak_rss_mb": _peak_rss_kb(usage) / 1024,
    }
    out.write_text(json.dumps(figures), encoding="utf-8")
    return code


def _peak_rss_kb(usage: resource.struct_rusage) -> float:
    """This process's own peak: Linux keeps ru_maxrss across fork and exec, so a child of the
    benchmark (which holds both emulated stores) would report the parent's size; VmHWM is of
    this program's memory only."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return float(line.split()[1])
    except OSError:
        pass
    return float(usage.ru_maxrss)  # kilobytes on Linux


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
