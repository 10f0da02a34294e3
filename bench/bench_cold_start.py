"""Benchmark: the cold start of the command line, as a user runs it, beside ``python -c pass``
(the interpreter's own start) in the same run. Prints figures; it passes or fails nothing.

Timed: ``backcare --help``, ``backcare assess FILE`` and ``backcare assess --json FILE`` with the
knowledge base kept from an earlier start (the usual case), and ``backcare assess FILE`` with
an empty cache directory (the first start after an install or a change of the knowledge base).
Targets: ``--help`` under 0.3 s, ``assess FILE`` under 0.4 s.

    .venv/bin/python bench/bench_cold_start.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INTAKE = ROOT / "examples" / "heparin-and-bruise.yaml"


def seconds(command: list[str], runs: int, env: dict[str, str], fresh: bool = False) -> list[float]:
    walls = []
    for _ in range(runs):
        if fresh:
            env = {**env, "XDG_CACHE_HOME": tempfile.mkdtemp(prefix="backcare-bench-")}
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)
        walls.append(time.perf_counter() - start)
    return walls


def main(runs: int) -> None:
    backcare = str(Path(sys.executable).with_name("backcare"))
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "XDG_CACHE_HOME": cache}
        subprocess.run([backcare, "assess", str(INTAKE)], check=True, capture_output=True, env=env)
        anchor = seconds([sys.executable, "-c", "pass"], runs, env)
        cases = [
            ("backcare --help", seconds([backcare, "--help"], runs, env), 0.3),
            ("backcare assess FILE", seconds([backcare, "assess", str(INTAKE)], runs, env), 0.4),
            (
                "backcare assess --json FILE",
                seconds([backcare, "assess", "--json", str(INTAKE)], runs, env),
                None,
            ),
            (
                "backcare assess FILE, first start",
                seconds([backcare, "assess", str(INTAKE)], max(1, runs // 3), env, fresh=True),
                None,
            ),
        ]
    base = statistics.median(anchor)
    print(f"cold start, median (min) of {runs} runs:")
    print(f"  {'python -c pass [anchor]':<36} {base:6.3f} s ({min(anchor):.3f})")
    for label, walls, target in cases:
        median = statistics.median(walls)
        aim = f"   target under {target} s" if target else ""
        print(
            f"  {label:<36} {median:6.3f} s ({min(walls):.3f})  {median / base:5.1f}x the anchor"
            f"{aim}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    main(parser.parse_args().runs)
