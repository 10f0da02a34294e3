"""``backcare batch``: a whole register of intakes screened (the work is in backcare.batch)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Annotated

import typer


def batch(
    source: Annotated[
        Path, typer.Argument(metavar="INPUT", help="Register: .csv, .jsonl or .parquet.")
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Results: .parquet, .csv or .jsonl.")
    ],
    full: Annotated[
        bool, typer.Option("--full", help="Add each whole assessment JSON (as assess --json).")
    ] = False,
    engine: Annotated[
        str, typer.Option(help="polars, python (the reference) or spark.")
    ] = "polars",
    errors: Annotated[Path | None, typer.Option(help="Write every refused row here (CSV).")] = None,
) -> None:
    """Screen a whole register of intakes; exit 1 when some rows were refused."""
    from dataclasses import replace

    from rich.console import Console

    from backcare.batch import registers
    from backcare.batch.display import print_summary, progress_bar
    from backcare.batch.run import Options, check, screen_file

    console = Console(stderr=True)
    options = Options(today=date.today(), full=full, engine=engine, workers=os.cpu_count() or 1)
    check(source, output, errors, options)
    rows = registers.count(source)
    options = replace(options, rows=rows)
    with progress_bar(console) as bar:
        task = bar.add_task("screening", total=rows)
        summary = screen_file(
            source,
            output,
            errors=errors,
            options=options,
            progress=lambda n: bar.advance(task, n),
        )
    print_summary(summary, console)
    if summary.refused:
        where = f"; see {errors}" if errors else "; add --errors FILE to see why"
        console.print(f"{summary.refused:,} of {summary.read:,} rows refused{where}")
        raise typer.Exit(1)
