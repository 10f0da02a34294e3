"""Benchmark: the Polars batch engine on registers of generated intakes (flat Parquet).

For each size: the anchor is Polars reading the register's Parquet file and writing it back,
measured in the same run; the engine reads, screens and writes the result. Peak memory is the
process's resident peak growth during each step. The in-process ``assess`` loop is timed on a
sample and extrapolated to the size (said so in the output). Target: engine at most 2x anchor.
Prints figures; it passes or fails nothing.

    .venv/bin/python bench/bench_batch.py [--sizes 100000 1000000] [--sample 2000]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.registers import TODAY, register

from backcare.batch.columns import flat_row
from backcare.batch.engine import screen
from backcare.clinical import assess, parse_intake
from backcare.knowledge import load_knowledge


def _step(kind: str, source: Path, target: Path) -> None:
    """One measured step, run in a fresh process: it prints its seconds and peak growth (MB)."""
    kb = load_knowledge()
    start_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    frame = pl.read_parquet(source)
    (screen(frame, kb) if kind == "engine" else frame).write_parquet(target)
    seconds = time.perf_counter() - start
    print(seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - start_mb)


def _measured(kind: str, source: Path, target: Path) -> tuple[float, float]:
    """Seconds and peak memory growth (MB) of one step, each in its own process."""
    command = [sys.executable, __file__, "--step", kind, str(source), str(target)]
    answer = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    seconds, peak = (float(x) for x in answer.split()[-2:])
    return seconds, peak


def _register(size: int, base: pl.DataFrame) -> pl.DataFrame:
    """``size`` rows: the generated base register repeated (names repeat as in a real one)."""
    times = -(-size // base.height)
    return pl.concat([base] * times).head(size)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--distinct", type=int, default=50_000, help="distinct intakes generated")
    parser.add_argument("--step", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        _step(args.step[0], Path(args.step[1]), Path(args.step[2]))
        return
    kb = load_knowledge()
    intakes = [parse_intake(d, today=TODAY) for d in register(args.distinct, kb, seed=1)]
    base = pl.DataFrame([flat_row(intake) for intake in intakes])

    start = time.perf_counter()
    for intake in intakes[: args.sample]:
        assess(intake, kb)
    per_intake = (time.perf_counter() - start) / args.sample

    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            source, copy, result = (Path(tmp) / f"{n}-{size}.parquet" for n in "acr")
            _register(size, base).write_parquet(source)

            anchor, anchor_mb = _measured("anchor", source, copy)
            engine, engine_mb = _measured("engine", source, result)

            print(
                f"{size:>9,} intakes  anchor (read+write) {anchor:6.2f} s  "
                f"engine (read+screen+write) {engine:6.2f} s  = {engine / anchor:4.1f}x anchor  "
                f"({size / engine:,.0f} intakes/s)  peak growth: anchor {anchor_mb:,.0f} MB, "
                f"engine {engine_mb:,.0f} MB  |  assess loop, extrapolated from "
                f"{args.sample:,}: {per_intake * size:7.1f} s"
            )


if __name__ == "__main__":
    main()
