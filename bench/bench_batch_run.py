"""Benchmark: ``backcare batch`` from file to file (``batch.run.screen_file``): a register of
generated intakes in flat Parquet screened into Parquet by the polars engine on every core, as
the command does it (each row validated, every refused row to the errors file, the summary).

The anchor, measured in the same run, is Polars reading the same register and writing it back.
Each step runs in a process of its own, which prints its seconds and its peak resident memory
during the step (the knowledge base, loaded before, counted); each size is measured
``--repeat`` times, anchor and run in turn, and the range is printed.
Target: the run at most 2x the anchor. Prints figures; passes or fails nothing.

The register is written as ``--format`` (``parquet``, ``csv`` or ``jsonl``); the anchor always
reads and writes the Parquet file of the same rows.

    .venv/bin/python bench/bench_batch_run.py [--sizes 100000 1000000] [--repeat 3]
        [--format parquet|csv|jsonl]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_batch import base_register, in_turn, peak_mb, reset_peak, sized

from backcare.batch.run import Options, screen_file
from backcare.knowledge import load_knowledge


def _written(frame: pl.DataFrame, path: Path) -> None:
    """The register as CSV (a JSON text a list, a number or a truth value; days as written)
    or JSON lines (one flat row a line), the formats ``backcare batch`` reads."""
    if path.suffix == ".jsonl":
        frame.write_ndjson(path)
        return
    lists = [name for name, dtype in frame.schema.items() if isinstance(dtype, pl.List)]
    as_json = [
        pl.col(name).map_elements(lambda items: json.dumps(items.to_list()), return_dtype=pl.String)
        for name in lists
    ]
    frame.with_columns(as_json).write_csv(path)


def _step(kind: str, source: Path, target: Path) -> None:
    """One measured step in this fresh process: prints its seconds, processor seconds and peak
    resident memory (MB)."""
    load_knowledge()
    reset_peak()
    start, cpu = time.perf_counter(), time.process_time()
    if kind == "anchor":
        pl.read_parquet(source.with_suffix(".parquet")).write_parquet(target)
    else:
        options = Options(today=date(2026, 11, 22), engine="polars", workers=os.cpu_count() or 1)
        screen_file(source, target, errors=target.with_suffix(".csv"), options=options)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(seconds, cpu, peak_mb())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--distinct", type=int, default=50_000, help="distinct intakes generated")
    parser.add_argument("--format", choices=("parquet", "csv", "jsonl"), default="parquet")
    parser.add_argument("--step", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        _step(args.step[0], Path(args.step[1]), Path(args.step[2]))
        return
    base = base_register(args.distinct)
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            source = Path(tmp) / f"register-{size}.{args.format}"
            rows = sized(size, base)
            rows.write_parquet(source.with_suffix(".parquet"))
            if args.format != "parquet":
                _written(rows, source)
            turns = in_turn(__file__, "run", source, Path(tmp), args.repeat)
            print(turns.line(size, "backcare batch"))


if __name__ == "__main__":
    main()
