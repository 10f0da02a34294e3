"""Frames written into one Parquet file by pyarrow, in a thread of its own, so that one chunk is
written while the next is screened (on the other core).

The frames may hold their texts as categories (``engine.CATEGORICAL``): their dictionaries are
written as they are, as Parquet's dictionary pages of plain texts, with nothing hashed again.
The file keeps no Arrow schema beside Parquet's own, so every reader (Polars, pyarrow, pandas)
reads those columns as plain texts, as every engine writes them. At most one frame waits its
turn, so memory stays bounded.
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

_WAIT = 0.1  # seconds between looks at whether the writing thread has stopped


class Sink:
    """Frames of one schema into the Parquet file at ``path``, in the order given."""

    def __init__(self, path: Path, schema: pl.Schema) -> None:
        self.schema = schema
        self._waiting: queue.Queue[pl.DataFrame | None] = queue.Queue(maxsize=1)
        self._failed: list[BaseException] = []
        self._thread = threading.Thread(target=self._write, args=(path,), daemon=True)
        self._thread.start()

    def write(self, frame: pl.DataFrame) -> None:
        """``frame`` after those written before; it must have the sink's columns and types."""
        if frame.schema != self.schema:
            raise ValueError(f"a frame of columns {frame.schema} for a file of {self.schema}")
        self._put(frame)

    def close(self) -> None:
        """Once the last frame is written; raises what stopped the writing, if anything did."""
        self._put(None)
        self._thread.join()
        self._raise()

    def _put(self, frame: pl.DataFrame | None) -> None:
        while self._thread.is_alive():
            try:
                self._waiting.put(frame, timeout=_WAIT)
                return
            except queue.Full:
                continue
        self._raise()

    def _raise(self) -> None:
        if self._failed:
            raise self._failed[0]

    def _write(self, path: Path) -> None:
        try:
            first = self._waiting.get()
            table = (first if first is not None else pl.DataFrame(schema=self.schema)).to_arrow()
            # No Arrow schema kept: categories are read back as the plain texts they hold.
            options = {
                "store_schema": False,
                "use_compliant_nested_type": False,
                "write_statistics": _filtered(table.schema),
            }
            with pq.ParquetWriter(path, table.schema, compression="zstd", **options) as file:
                file.write_table(table)
                while first is not None and (frame := self._waiting.get()) is not None:
                    file.write_table(frame.to_arrow())
        except BaseException as error:  # raised again in the thread that writes the frames
            self._failed.append(error)


def _filtered(schema: pa.Schema) -> list[str]:
    """The columns whose least and greatest values are kept for each row group, so that a
    reader can skip groups when filtering on them: those of one value a row. A list column's
    are of no use to a filter on the lists and took two fifths of the writing."""
    return [
        f.name
        for f in schema
        if not pa.types.is_list(f.type) and not pa.types.is_large_list(f.type)
    ]
