"""Benchmark: the cold start of the command line, as a user runs it, beside ``python -c pass``
(the interpreter's own start) in the same run. Prints figures; it passes or fails nothing.

Timed: ``backcare --help``, ``backcare assess FILE`` and ``backcare assess --json FILE`` with the
knowledge base kept from an earlier start (the usual case), and ``backcare assess FILE`` with
an empty cache directory (the first start after an install or a change of the knowledge base).
Targets: ``--help`` under 0.3 s, ``assess FILE`` under 0.4 s.

Beside each wall time, the processor time the command used (user and system): other work on
the machine lengthens the first much more than the second. The warm-up run may write the
package's compiled bytecode, as installing it does, even where PYTHONDONTWRITEBYTECODE is set.

    .venv/bin/python bench/bench_cold_start.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INTAKE = ROOT / "examples" / "heparin-and-bruise.yaml"


def _used() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return children.ru_utime + children.ru_stime


def seconds(
    command: list[str], runs: int, env: dict[str, str], fresh: bool = False
) -> tuple[list[float], list[float]]:
    """The wall and processor times of ``runs`` runs of ``command``."""
    walls, cpus = [], []
    for _ in range(runs):
        if fresh:
            env = {**env, "XDG_CACHE_HOME": tempfile.mkdtemp(prefix="backcare-bench-")}
        start, used = time.perf_counter(), _used()
        subprocess.run(command, check=True, capture_output=True, env=env)
        walls.append(time.perf_counter() - start)
        cpus.append(_used() - used)
    return walls, cpus


def main(runs: int) -> None:
    backcare = str(Path(sys.executable).with_name("backcare"))
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "XDG_CACHE_HOME": cache}
        warm = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
        subprocess.run([backcare, "assess", str(INTAKE)], check=True, capture_output=True, env=warm)
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
    base, base_cpu = statistics.median(anchor[0]), statistics.median(anchor[1])
    print(f"cold start, median (min) of {runs} runs; wall time, then processor time:")
    print(
        f"  {'python -c pass [anchor]':<36} {base:6.3f} s ({min(anchor[0]):.3f})"
        f"  cpu {base_cpu:.3f} s"
    )
    for label, (walls, cpus), target in cases:
        median, cpu = statistics.median(walls), statistics.median(cpus)
        aim = f"   target under {target} s" if target else ""
        print(
            f"  {label:<36} {median:6.3f} s ({min(walls):.3f})  {median / base:5.1f}x the anchor"
            f"  cpu {cpu:.3f} s {cpu / base_cpu:5.1f}x{aim}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    main(parser.parse_args().runs)
