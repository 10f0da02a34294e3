"""Frames written into one Parquet file by Polars, in a thread of its own, so that one chunk is
written while the next is screened (on the other core).

The frames may hold their texts as categories (``engine.CATEGORICAL``): the file holds them as
plain texts, as every engine writes them, turned back in the writing thread, so that work too
is off the screening thread. Polars has no writer to add frames to one at a time, so the frames
are the source of a lazy query (``register_io_source``) whose ``sink_parquet`` streams them to
the file in their order. At most one frame waits its turn, so memory stays bounded.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
from polars.io.plugins import register_io_source

_WAIT = 0.1  # seconds between looks at whether the writing thread has stopped


class Sink:
    """Frames of one schema into the Parquet file at ``path``, in the order given."""

    def __init__(self, path: Path, schema: pl.Schema) -> None:
        self.schema = schema
        self._waiting: queue.Queue[pl.DataFrame | None] = queue.Queue(maxsize=1)
        self._failed: list[BaseException] = []
        frames = register_io_source(self._frames, schema=schema)
        self._thread = threading.Thread(target=self._write, args=(frames, path), daemon=True)
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

    def _frames(self, *_: Any) -> Iterator[pl.DataFrame]:
        while (frame := self._waiting.get()) is not None:
            yield frame

    def _write(self, frames: pl.LazyFrame, path: Path) -> None:
        try:
            frames.with_columns(_as_texts(self.schema)).sink_parquet(path)
        except BaseException as error:  # raised again in the thread that writes the frames
            self._failed.append(error)


def _as_texts(schema: pl.Schema) -> list[pl.Expr]:
    """Each column of categories, or list of them, cast to texts."""
    return [
        pl.col(name).cast(pl.List(pl.String) if isinstance(dtype, pl.List) else pl.String)
        for name, dtype in schema.items()
        if dtype in (pl.Categorical(), pl.List(pl.Categorical()))
    ]
