"""Registers of intakes on disk: read in chunks, results and refusals written chunk by chunk.

The format is the file's extension: ``.csv``; ``.jsonl`` or ``.ndjson`` (JSON lines, one intake
a line, nested as in the contract or flat); ``.parquet``. CSV and JSON lines are read a row at a
time by the standard library, so that a malformed row is refused with its number and the rows
around it are kept; Parquet is read a record batch at a time by pyarrow. Memory stays bounded by
the chunk size whatever the size of the register.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from backcare import intake_file
from backcare.batch import flat
from backcare.batch.sink import Sink
from backcare.errors import InvalidIntake, Problem, UnreadableRegister

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}


@dataclass(frozen=True, slots=True)
class Row:
    """One intake of a register: its number (from 1), its id when given, and its mapping, or
    the problems that kept it from being read."""

    number: int
    id: str | None
    data: dict[str, Any] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()


def format_of(path: Path) -> str:
    """The register format named by the file's extension."""
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        allowed = ", ".join(FORMATS)
        raise UnreadableRegister(
            f"{path.name}: unknown format {path.suffix or '(no extension)'!r}; allowed: {allowed}"
        ) from None


def chunks(path: Path, size: int) -> Iterator[list[Row]]:
    """The register's rows, ``size`` at a time."""
    return _chunked(_rows(path), size)


def _chunked(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while True:
        chunk = [item for _, item in zip(range(size), items, strict=False)]
        if not chunk:
            return
        yield chunk


def count(path: Path) -> int:
    """About how many rows the register holds (exact for Parquet), for the progress shown."""
    kind = format_of(path)
    if kind == "parquet":
        return int(_parquet(path).metadata.num_rows)
    lines = 0
    with _opened(path, "rb") as stream:
        while block := stream.read(1 << 20):
            lines += block.count(b"\n")
    return max(lines - (kind == "csv"), 0)


def _rows(path: Path) -> Iterator[Row]:
    if format_of(path) == "parquet":
        yield from _parquet_rows(path)
        return
    for read in records(path):
        yield read if isinstance(read, Row) else as_row(read)


def as_row(read: Record) -> Row:
    """A row as read, with its intake mapping, or its problems."""
    return row(read.number, read.mapping, checked=read.checked)


@dataclass(frozen=True, slots=True)
class Record:
    """One readable row of a CSV or JSON-lines register, as read: its number, its mapping of
    columns (flat, or nested as in the contract), and whether their names were checked."""

    number: int
    mapping: dict[str, Any]
    checked: bool


def records(path: Path) -> Iterator[Record | Row]:
    """The rows of a CSV or JSON-lines register as read; a row that cannot be read at all is a
    ``Row`` with its problems."""
    with _opened(path, "r", encoding="utf-8-sig", newline="") as stream:
        yield from (_csv_rows(stream, path) if format_of(path) == "csv" else _jsonl_rows(stream))


def record_chunks(path: Path, size: int) -> Iterator[list[Record | Row]]:
    """The rows of a CSV or JSON-lines register as read, ``size`` at a time."""
    return _chunked(records(path), size)


def _opened(path: Path, mode: str, **options: Any) -> IO[Any]:
    try:
        return path.open(mode, **options)
    except OSError as error:
        raise UnreadableRegister(f"cannot read {path}: {error.strerror}") from None


def row(number: int, mapping: dict[str, Any], *, checked: bool = False) -> Row:
    """The register's row numbered ``number`` from its mapping of columns (``checked`` when
    their names were checked already)."""
    row_id, rest = flat.split_id(mapping)
    try:
        return Row(number, row_id, flat.intake(rest, checked=checked))
    except InvalidIntake as refused:
        return Row(number, row_id, problems=tuple(refused.problems))


def _csv_rows(stream: IO[str], path: Path) -> Iterator[Record | Row]:
    reader = csv.reader(stream)
    try:
        header = next(reader, None)
        if not header:
            return
        _check_header(header, path)
        for number, cells in enumerate(reader, start=1):
            if len(cells) != len(header):
                problem = Problem(
                    "FILE", f"has {len(cells)} cells; the header names {len(header)} columns"
                )
                yield Row(number, None, problems=(problem,))
                continue
            values = {name: flat.cell(name, text) for name, text in zip(header, cells, strict=True)}
            yield Record(number, values, checked=True)
    except (csv.Error, UnicodeDecodeError) as error:
        raise UnreadableRegister(f"{path.name} is not readable CSV (UTF-8): {error}") from None


def _check_header(header: Sequence[str], path: Path) -> None:
    unknown = flat.unknown_columns(header)
    if unknown:
        raise UnreadableRegister(f"{path.name}: " + "; ".join(str(p) for p in unknown))
    seen: set[str] = set()
    for name in header:
        if not name.strip():
            raise UnreadableRegister(f"{path.name}: the header has a column with no name")
        if name in seen:
            raise UnreadableRegister(f"{path.name}: the header names column {name!r} twice")
        seen.add(name)


def _jsonl_rows(stream: IO[str]) -> Iterator[Record | Row]:
    try:
        for number, line in enumerate(stream, start=1):
            if line.strip():
                yield _json_row(number, line)
    except UnicodeDecodeError as error:
        raise UnreadableRegister(f"not UTF-8 text: {error}") from None


def _json_row(number: int, line: str) -> Record | Row:
    try:
        data = intake_file.load(line.encode(), as_json=True)
    except InvalidIntake as refused:
        return Row(number, None, problems=tuple(refused.problems))
    if not isinstance(data, dict):
        problem = Problem("", "each line is one intake: a JSON object of fields")
        return Row(number, None, problems=(problem,))
    return Record(number, data, checked=False)


def _parquet(path: Path) -> pq.ParquetFile:
    try:
        return pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as error:
        raise UnreadableRegister(f"{path.name} is not a readable Parquet file: {error}") from None


def _parquet_rows(path: Path) -> Iterator[Row]:
    register = _parquet(path)
    _check_header(register.schema_arrow.names, path)
    number = 0
    for batch in register.iter_batches(batch_size=4096):
        for mapping in batch.to_pylist():
            number += 1
            yield row(number, mapping, checked=True)


def frames(path: Path, size: int) -> Iterator[tuple[int, pl.DataFrame]]:
    """A Parquet register ``size`` rows at a time, as frames, each with the number of its
    first row (its columns' names checked first). Polars reads each slice on every core."""
    register = _parquet(path)
    _check_header(register.schema_arrow.names, path)
    rows = register.metadata.num_rows
    scan = pl.scan_parquet(path)
    for start in range(0, rows, size):
        try:
            frame = scan.slice(start, size).collect()
        except pl.exceptions.PolarsError as error:
            problem = f"{path.name} is not a readable Parquet file: {error}"
            raise UnreadableRegister(problem) from None
        yield start + 1, frame


class Writer:
    """Result rows into one file, a chunk at a time, in the format its extension names: rows
    from Python by pyarrow, frames into Parquet by pyarrow too, while the next chunk is screened
    (``batch.sink``)."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.kind = format_of(path)
        self.schema = schema
        self.path = path
        self._parquet: pq.ParquetWriter | None = None
        self._sink: Sink | None = None
        self._stream: IO[str] | None = None
        self._csv: Any = None
        if self.kind != "parquet":
            self._stream = path.open("w", encoding="utf-8", newline="")
            if self.kind == "csv":
                self._csv = csv.writer(self._stream)
                self._csv.writerow(schema.names)

    def write(self, rows: list[dict[str, Any]] | pl.DataFrame) -> None:
        if isinstance(rows, pl.DataFrame):
            self._write_frame(rows)
            return
        if self.kind == "parquet":
            self._write_table(pa.Table.from_pylist(rows, schema=self.schema))
        elif self._csv is not None:
            self._csv.writerows(
                [_csv_cell(row.get(name)) for name in self.schema.names] for row in rows
            )
        elif self._stream is not None:
            self._stream.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)

    def _write_frame(self, frame: pl.DataFrame) -> None:
        if self.kind == "parquet":
            written = frame.select(self.schema.names)
            self._sink = self._sink or Sink(self.path, written.schema)
            self._sink.write(written)
        elif self.kind == "jsonl" and self._stream is not None:
            self._stream.write(frame.select(self.schema.names).write_ndjson())
        else:
            self.write(frame.to_dicts())

    def _write_table(self, table: pa.Table) -> None:
        self._parquet = self._parquet or pq.ParquetWriter(self.path, self.schema)
        self._parquet.write_table(table)

    def close(self) -> None:
        if self._sink is not None:
            self._sink.close()
        elif self.kind == "parquet" and self._parquet is None:  # no rows: the columns alone
            self._write_table(self.schema.empty_table())
        if self._parquet is not None:
            self._parquet.close()
        if self._stream is not None:
            self._stream.close()


def _csv_cell(value: Any) -> str:
    """Text as itself; numbers, lists and truth values as JSON, which ``flat.cell`` reads back."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


ERROR_COLUMNS = ("row", "id", "field", "problem")


class ErrorsFile:
    """Every refused row, one line a problem: its row number, id, field and what is wrong."""

    def __init__(self, path: Path) -> None:
        self._stream = path.open("w", encoding="utf-8", newline="")
        self._csv = csv.writer(self._stream)
        self._csv.writerow(ERROR_COLUMNS)

    def write(self, row: Row) -> None:
        for problem in row.problems:
            self._csv.writerow([row.number, row.id or "", problem.path, problem.message])

    def close(self) -> None:
        self._stream.close()
