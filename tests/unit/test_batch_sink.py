"""Frames written into one Parquet file by pyarrow in a thread of its own (``batch.sink``)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from backcare.batch.sink import Sink


def _chunk(first: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "row": [first, first + 1],
            "decision": ["proceed", "refer"],
            "findings": [[], ["red_flag.cauda_equina", "screening.fever"]],
        },
        schema={
            "row": pl.Int64(),
            "decision": pl.Categorical(),
            "findings": pl.List(pl.Categorical()),
        },
    )


def _written(sink: Sink, chunks: list[pl.DataFrame]) -> None:
    for chunk in chunks:
        sink.write(chunk)
    sink.close()


def _as_texts(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.col("decision").cast(pl.String), pl.col("findings").cast(pl.List(pl.String))
    )


def test_frames_are_written_in_their_order_and_read_back_as_the_same_plain_texts(
    tmp_path: Path,
) -> None:
    chunks = [_chunk(first) for first in (1, 3, 5)]
    _written(Sink(tmp_path / "out.parquet", chunks[0].schema), chunks)

    written = pl.read_parquet(tmp_path / "out.parquet")
    assert written.schema == _as_texts(chunks[0]).schema
    assert written.equals(_as_texts(pl.concat(chunks)))
    table = pq.read_table(tmp_path / "out.parquet")
    assert [str(t) for t in table.schema.types] == ["int64", "string", "list<item: string>"]
    rows = table.to_pylist()
    assert [row["row"] for row in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[1] == {
        "row": 2,
        "decision": "refer",
        "findings": ["red_flag.cauda_equina", "screening.fever"],
    }


def test_a_frame_that_does_not_fit_the_columns_is_refused_before_it_is_written(
    tmp_path: Path,
) -> None:
    sink = Sink(tmp_path / "out.parquet", _chunk(1).schema)
    sink.write(_chunk(1))
    with pytest.raises(ValueError, match="a frame of columns"):
        sink.write(_chunk(3).with_columns(pl.col("decision").cast(pl.String)))
    sink.close()
    assert pl.read_parquet(tmp_path / "out.parquet").equals(_as_texts(_chunk(1)))


def test_a_file_that_cannot_be_written_stops_the_writer_with_its_error(tmp_path: Path) -> None:
    sink = Sink(tmp_path / "no such folder" / "out.parquet", _chunk(1).schema)
    chunks = [_chunk(first) for first in range(1, 41, 2)]  # more than wait their turn
    with pytest.raises(FileNotFoundError, match="no such folder"):
        _written(sink, chunks)


def test_a_reader_filtering_on_a_decision_can_skip_the_row_groups_without_it(
    tmp_path: Path,
) -> None:
    refer = _chunk(1).filter(pl.col("decision") == "refer")
    proceed = _chunk(3).filter(pl.col("decision") == "proceed")
    _written(Sink(tmp_path / "out.parquet", refer.schema), [refer, proceed])

    groups = pq.ParquetFile(tmp_path / "out.parquet").metadata
    decisions = [groups.row_group(i).column(1).statistics for i in range(groups.num_row_groups)]
    assert [(s.min, s.max) for s in decisions] == [("refer", "refer"), ("proceed", "proceed")]
