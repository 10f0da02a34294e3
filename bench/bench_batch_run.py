"""Benchmark: ``backcare batch`` from file to file (registers.py, run.py): a generated register
in flat Parquet screened into Parquet by each engine, on one worker and on every core.

The anchor, measured in the same run, reads the register through ``registers.chunks`` and
writes the rows back with ``registers.Writer`` without screening them: what reading, checking
the names of the columns and writing cost on their own. Prints figures; passes or fails nothing.

    .venv/bin/python bench/bench_batch_run.py [--rows 20000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import polars as pl
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.registers import TODAY, register

from backcare.batch import registers
from backcare.batch.columns import SCHEMA, flat_from_intake
from backcare.batch.run import Options, screen_file
from backcare.knowledge import load_knowledge


def _anchor(source: Path, target: Path) -> float:
    started = time.perf_counter()
    writer = registers.Writer(target, pa.schema([("row", pa.int64()), ("id", pa.string())]))
    for chunk in registers.chunks(source, 500):
        writer.write([{"row": row.number, "id": row.id} for row in chunk])
    writer.close()
    return time.perf_counter() - started


def _run(source: Path, target: Path, options: Options) -> float:
    started = time.perf_counter()
    screen_file(source, target, errors=target.with_suffix(".csv"), options=options)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    rows = parser.parse_args().rows
    kb = load_knowledge()
    flat = [flat_from_intake(intake, today=TODAY) for intake in register(rows, kb)]
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "register.parquet"
        pl.DataFrame(flat, schema=SCHEMA, orient="row").write_parquet(source)
        anchor = _anchor(source, Path(folder) / "anchor.parquet")
        print(f"{rows:,} rows; anchor (read, check the columns, write): {anchor:.2f} s")
        cores = os.cpu_count() or 1
        for engine in ("polars", "python"):
            for workers in sorted({1, cores}):
                options = Options(today=date.today(), engine=engine, workers=workers, rows=rows)
                took = _run(source, Path(folder) / f"{engine}-{workers}.parquet", options)
                print(
                    f"  {engine:7} {workers} worker(s): {took:6.2f} s, {rows / took:8,.0f} rows/s,"
                    f" {took / anchor:5.1f}x the anchor"
                )


if __name__ == "__main__":
    main()
