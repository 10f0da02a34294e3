"""Screening a register from file to file: chunks read, screened on every core, written in order.

At most two chunks per worker are in flight, so memory stays bounded however long the register.
Every refused row goes to the errors file (when one is asked for) and is counted in the summary:
nothing is dropped silently.
"""

from __future__ import annotations

import importlib.util
import multiprocessing
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from backcare.batch import compiled, reference, registers, result
from backcare.batch.compiled import ScreenedFrame
from backcare.batch.reference import Screened
from backcare.batch.registers import ErrorsFile, Row, Writer
from backcare.errors import UnreadableRegister

ENGINES = ("polars", "python", "spark")
# Rows a chunk: the compiled engines pay a fixed cost a call, so they take larger chunks.
CHUNK_ROWS = {"python": 500, "spark": 100_000}
# Rows a chunk for the polars engine, which reads every register as frames.
FRAME_ROWS = 50_000


@dataclass
class Summary:
    """What a run found: rows read, screened and refused; decisions; the findings' counts."""

    screened: int = 0
    refused: int = 0
    decisions: Counter[str] = field(default_factory=Counter)
    findings: Counter[str] = field(default_factory=Counter)

    @property
    def read(self) -> int:
        return self.screened + self.refused

    def add(self, rows: list[dict[str, Any]] | pl.DataFrame, refused: list[Row]) -> None:
        self.screened += len(rows)
        self.refused += len(refused)
        if isinstance(rows, pl.DataFrame):
            findings = rows.get_column("findings").explode().drop_nulls()
            self.decisions.update(dict(rows.get_column("decision").value_counts().iter_rows()))
            self.findings.update(dict(findings.value_counts().iter_rows()))
            return
        self.decisions.update(row["decision"] for row in rows)
        self.findings.update(rule for row in rows for rule in row["findings"])

    def shares(self) -> list[tuple[str, int, float]]:
        """Each decision with its count and its share of the screened rows, most frequent first."""
        total = self.screened or 1
        return [(name, n, n / total) for name, n in self.decisions.most_common()]


@dataclass(frozen=True, slots=True)
class Options:
    today: date
    full: bool = False
    engine: str = "python"
    workers: int = 2
    chunk_rows: int | None = None  # the engine's own size unless given
    rows: int | None = None  # about how many the register holds, when known

    @property
    def chunk(self) -> int:
        return self.chunk_rows or CHUNK_ROWS.get("python" if self.full else self.engine, 500)


def screen_file(
    source: Path,
    target: Path,
    *,
    errors: Path | None,
    options: Options,
    progress: Callable[[int], None] = lambda _: None,
) -> Summary:
    """Screen every row of ``source`` into ``target``; ``progress`` hears each chunk's size."""
    check(source, target, errors, options)
    summary = Summary()
    writer = Writer(target, result.schema(full=options.full))
    refusals = ErrorsFile(errors) if errors else None
    try:
        for rows, refused in _all_screened(source, options):
            writer.write(rows)
            if refusals:
                for row in refused:
                    refusals.write(row)
            summary.add(rows, refused)
            progress(len(rows) + len(refused))
    finally:
        writer.close()
        if refusals:
            refusals.close()
    return summary


def check(source: Path, target: Path, errors: Path | None, options: Options) -> None:
    """Refuse a run that cannot start: formats, engine, files."""
    registers.format_of(source)
    registers.format_of(target)
    if options.engine == "spark" and importlib.util.find_spec("pyspark") is None:
        raise UnreadableRegister(
            "the spark engine needs PySpark: pip install 'backcare[spark]' (and Java 17)"
        )
    if options.engine not in ENGINES:
        raise UnreadableRegister(
            f"unknown engine {options.engine!r}; allowed: {', '.join(ENGINES)}"
        )
    if not source.is_file():
        raise UnreadableRegister(f"cannot read {source}: no such file")
    if errors is not None and errors.suffix.lower() != ".csv":
        raise UnreadableRegister(f"{errors.name}: the errors file is written as CSV (.csv)")
    for written in (target, errors):
        if written is not None and not written.resolve().parent.is_dir():
            raise UnreadableRegister(f"cannot write {written}: there is no folder {written.parent}")
    if target.resolve() == source.resolve():
        raise UnreadableRegister("the output would overwrite the input; name another file")


def _all_screened(source: Path, options: Options) -> Iterator[Screened | ScreenedFrame]:
    """Each chunk of the register screened, in order: for the polars engine as frames (Parquet
    read by Polars, CSV and JSON lines read by Python and made frames), validated column by
    column, in this process (Polars spreads each chunk over the cores; a pool of processes
    would only add their start and their copies of the chunks); for the others a row at a
    time, on a pool of processes when more than one worker."""
    screen: Callable[[Any], Screened | ScreenedFrame]
    framed = options.engine == "polars" and not options.full
    if framed and registers.format_of(source) == "parquet":
        size = options.chunk_rows or FRAME_ROWS
        chunks: Iterator[Any] = registers.frames(source, size)
        screen = _Frames(today=options.today)
    elif framed:
        size = options.chunk_rows or FRAME_ROWS
        chunks = registers.record_chunks(source, size)
        screen = _Records(today=options.today)
    else:
        size = options.chunk
        chunks = registers.chunks(source, size)
        screen = _engine(options)
    one_chunk = options.rows is not None and options.rows <= size
    # Spark spreads each chunk over its own workers; otherwise a pool unless it costs more.
    if (
        options.workers <= 1
        or one_chunk
        or options.engine == "spark"
        or isinstance(screen, _Frames | _Records)
    ):
        yield from (screen(chunk) for chunk in chunks)
        return
    # Spawned, not forked: a fork of a process whose Polars threads are running can hang.
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=options.workers, mp_context=spawn) as pool:
        yield from _in_order(pool, screen, chunks, ahead=2 * options.workers)


def _in_order(
    pool: Executor,
    screen: Callable[[Any], Screened | ScreenedFrame],
    chunks: Iterator[Any],
    *,
    ahead: int,
) -> Iterator[Screened | ScreenedFrame]:
    waiting: deque[Future[Screened | ScreenedFrame]] = deque()
    for chunk in chunks:
        waiting.append(pool.submit(screen, chunk))
        if len(waiting) >= ahead:
            yield waiting.popleft().result()
    while waiting:
        yield waiting.popleft().result()


@dataclass(frozen=True, slots=True)
class _Frames:
    """The compiled engine on a chunk read as a frame (its first row's number, the frame)."""

    today: date

    def __call__(self, chunk: tuple[int, pl.DataFrame]) -> ScreenedFrame:
        first, frame = chunk
        return compiled.screen_frame(frame, first, today=self.today)


@dataclass(frozen=True, slots=True)
class _Records:
    """The compiled engine on a chunk of a CSV or JSON-lines register, made a frame."""

    today: date

    def __call__(self, chunk: list[registers.Record | Row]) -> ScreenedFrame:
        return compiled.screen_records(chunk, today=self.today)


@dataclass(frozen=True, slots=True)
class _Reference:
    """The reference engine as a picklable callable, for the process pool."""

    today: date
    full: bool

    def __call__(self, rows: list[Row]) -> Screened:
        return reference.screen_chunk(rows, today=self.today, full=self.full)


@dataclass(frozen=True, slots=True)
class _Spark:
    today: date

    def __call__(self, rows: list[Row]) -> Screened:
        return compiled.screen_chunk(rows, today=self.today, screen=compiled.on_spark)


def _engine(options: Options) -> Callable[[list[Row]], Screened]:
    if options.engine == "python" or options.full:  # the whole assessment comes from the core
        return _Reference(today=options.today, full=options.full)
    return _Spark(today=options.today)
