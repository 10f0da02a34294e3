"""Benchmark: the Polars batch engine (``batch.engine.screen``) on registers of generated
intakes in flat Parquet, read, screened and written a chunk of 100,000 rows at a time.

For each size: the anchor is Polars reading the register's Parquet file and writing it back,
measured in the same run; the engine step reads, screens and writes the result (as
``backcare batch`` writes it: categories, by pyarrow, ``registers.Writer``). Each step runs
in a process of its own; its peak memory is that process's peak resident size during the step
(the knowledge base, loaded before, stays resident and is counted), and its processor time that
of all the process's threads during the step, which other load on the machine disturbs less
than the wall time. Each size is measured
``--repeat`` times, anchor and engine in turn, and the range is printed. The in-process
``assess`` loop is timed on a sample and extrapolated to the size (said so in the output).
Target: engine at most 2x anchor. Prints figures; it passes or fails nothing.

    .venv/bin/python bench/bench_batch.py [--sizes 100000 1000000] [--sample 2000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.registers import TODAY, register

from backcare.batch import registers
from backcare.batch.columns import flat_row
from backcare.batch.engine import screen
from backcare.clinical import assess, parse_intake
from backcare.knowledge import load_knowledge

CHUNK = 100_000


def reset_peak() -> None:
    """Start this process's peak resident size afresh (Linux: ``VmHWM``), so that a step's peak
    is its own and not that of loading the knowledge base before it."""
    Path("/proc/self/clear_refs").write_text("5")


def peak_mb() -> float:
    """This process's peak resident size since ``reset_peak`` (MB)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _step(kind: str, source: Path, target: Path) -> None:
    """One measured step, run in a fresh process: prints its seconds, processor seconds and
    peak resident MB."""
    kb = load_knowledge()
    reset_peak()
    start, cpu = time.perf_counter(), time.process_time()
    if kind == "anchor":
        pl.read_parquet(source).write_parquet(target)
    else:
        chunks = registers.frames(source, CHUNK)
        screened = (screen(frame, kb, categorical=True) for _, frame in chunks)
        first = next(screened)
        # Written as ``backcare batch`` writes its results.
        writer = registers.Writer(target, first.to_arrow().schema)
        for each in chain([first], screened):
            writer.write(each)
        writer.close()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(seconds, cpu, peak_mb())


def measured(script: str, kind: str, source: Path, target: Path) -> tuple[float, float, float]:
    """Seconds, processor seconds and peak resident memory (MB) of one step of ``script``, in
    its own process."""
    command = [sys.executable, script, "--step", kind, str(source), str(target)]
    answer = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    seconds, cpu, peak = (float(x) for x in answer.split()[-3:])
    return seconds, cpu, peak


@dataclass
class Turns:
    """Seconds and peak memory of the anchor and of a step, run in turn ``repeat`` times."""

    anchors: list[float] = field(default_factory=list)
    steps: list[float] = field(default_factory=list)
    anchor_cpu: list[float] = field(default_factory=list)
    step_cpu: list[float] = field(default_factory=list)
    anchor_mb: float = 0.0
    step_mb: float = 0.0

    @property
    def ratios(self) -> list[float]:
        return [step / anchor for step, anchor in zip(self.steps, self.anchors, strict=True)]

    @property
    def cpu_ratios(self) -> list[float]:
        pairs = zip(self.step_cpu, self.anchor_cpu, strict=True)
        return [step / anchor for step, anchor in pairs]

    def line(self, size: int, name: str) -> str:
        """The figures of one size, each beside the anchor's."""
        anchors, steps, ratios = self.anchors, self.steps, self.ratios
        return (
            f"{size:>9,} intakes  anchor (Polars read+write) {min(anchors):5.2f}-"
            f"{max(anchors):5.2f} s  {name} {min(steps):6.2f}-{max(steps):6.2f} s  "
            f"= {min(ratios):4.1f}-{max(ratios):4.1f}x anchor  "
            f"({size / min(steps):,.0f} intakes/s at best)  processor time "
            f"{min(self.cpu_ratios):4.1f}-{max(self.cpu_ratios):4.1f}x anchor's  peak RSS: anchor "
            f"{self.anchor_mb:,.0f} MB, {name} {self.step_mb:,.0f} MB"
        )


def in_turn(script: str, kind: str, source: Path, folder: Path, repeat: int) -> Turns:
    """The anchor (Polars reading ``source`` and writing a copy) and step ``kind`` of
    ``script``, in turn, so that other load on the machine slows both alike."""
    turns = Turns()
    for _ in range(repeat):
        anchor, anchor_cpu, anchor_mb = measured(script, "anchor", source, folder / "copy.parquet")
        step, step_cpu, step_mb = measured(script, kind, source, folder / "result.parquet")
        turns.anchors.append(anchor)
        turns.steps.append(step)
        turns.anchor_cpu.append(anchor_cpu)
        turns.step_cpu.append(step_cpu)
        turns.anchor_mb = max(turns.anchor_mb, anchor_mb)
        turns.step_mb = max(turns.step_mb, step_mb)
    return turns


def base_register(distinct: int) -> pl.DataFrame:
    """``distinct`` generated intakes in the flat layout."""
    kb = load_knowledge()
    intakes = [parse_intake(d, today=TODAY) for d in register(distinct, kb, seed=1)]
    return pl.DataFrame([flat_row(intake) for intake in intakes])


def sized(size: int, base: pl.DataFrame) -> pl.DataFrame:
    """``size`` rows: the generated base register repeated (names repeat as in a real one)."""
    times = -(-size // base.height)
    return pl.concat([base] * times).head(size)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--distinct", type=int, default=50_000, help="distinct intakes generated")
    parser.add_argument("--step", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        _step(args.step[0], Path(args.step[1]), Path(args.step[2]))
        return
    kb = load_knowledge()
    base = base_register(args.distinct)
    intakes = [parse_intake(d, today=TODAY) for d in register(args.sample, kb, seed=1)]
    start = time.perf_counter()
    for intake in intakes:
        assess(intake, kb)
    per_intake = (time.perf_counter() - start) / args.sample

    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            source = Path(tmp) / f"register-{size}.parquet"
            sized(size, base).write_parquet(source)
            turns = in_turn(__file__, "engine", source, Path(tmp), args.repeat)
            print(
                f"{turns.line(size, 'engine (read+screen+write)')}  |  assess loop, "
                f"extrapolated from {args.sample:,}: {per_intake * size:7.1f} s"
            )


if __name__ == "__main__":
    main()
