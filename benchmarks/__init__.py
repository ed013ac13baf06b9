"""Benchmarks of whole runs against the sandbox: calls per side beside the minimum the APIs allow,
wall time beside the rate-limit bound, CPU and peak memory of the engine process.

    python -m benchmarks                  1k, 10k and 100k items (tens of minutes)
    python -m benchmarks --quick          small sizes, low latency (CI: fails on call ratios only)

Figures are printed, saved as JSON (benchmarks/results.json) and written into README.md's table.
"""
