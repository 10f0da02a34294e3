"""``backcare batch``: a register of intakes screened into one row each, every refused row
reported with its row number, field and problem, the same rows whatever the formats."""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from backcare.batch import result
from backcare.batch.columns import SCHEMA, flat_from_intake
from backcare.batch.run import Options, screen_file
from backcare.cli import main
from backcare.clinical import assess, parse_intake, to_json
from backcare.intake_file import read

INTAKES = sorted((Path(__file__).parent.parent / "golden" / "intakes").glob("*.yaml"))
TODAY = date(2026, 12, 2)


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(monkeypatch, capsys):
    """Run the ``backcare`` command in this process, as its entry point does."""

    def run(*args: str) -> Ran:
        monkeypatch.setattr(sys, "argv", ["backcare", *args])
        with pytest.raises(SystemExit) as ended:
            main()
        out = capsys.readouterr()
        return Ran(int(ended.value.code or 0), out.out, out.err)

    return run


def nested_intakes() -> list[dict[str, Any]]:
    return [{"id": path.stem, **yaml.safe_load(path.read_text())} for path in INTAKES]


def flat(intake: dict[str, Any]) -> dict[str, Any]:
    """A nested intake as a row of the flat layout, its id kept."""
    row_id, rest = intake.get("id"), {k: v for k, v in intake.items() if k != "id"}
    return {"id": row_id, **flat_from_intake(rest, today=TODAY)}


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row, default=str) + "\n" for row in rows))
    return path


def write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    """Rows as CSV the way a spreadsheet holds them: lists as items separated by ';'."""
    names = list(dict.fromkeys(name for row in rows for name in row))
    with path.open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(names)
        for row in rows:
            writer.writerow([_spreadsheet(row.get(n)) for n in names])
    return path


def _spreadsheet(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(value)
    return json.dumps(value) if isinstance(value, bool | int | float) else str(value)


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def read_back(path: Path) -> list[dict[str, Any]]:
    """An output file's rows as Python values, whatever its format."""
    if path.suffix == ".parquet":
        return pq.read_table(path).to_pylist()
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text().splitlines()]
    types = dict(result.COLUMNS)
    return [
        {name: _csv_value(text, types[name]) for name, text in row.items()}
        for row in csv.DictReader(path.read_text().splitlines())
    ]


def _csv_value(text: str, dtype: pa.DataType) -> Any:
    if text == "":
        return None
    return text if pa.types.is_string(dtype) else json.loads(text)


def screened(source: Path, target: Path, tmp_path: Path, **options: Any) -> Any:
    return screen_file(
        source,
        target,
        errors=tmp_path / "refused.csv",
        options=Options(today=TODAY, workers=1, **options),
    )


def test_malformed_rows_are_reported_with_row_field_and_problem_and_good_rows_kept(tmp_path):
    good = flat(nested_intakes()[0])
    source = tmp_path / "register.csv"
    write_csv(source, [good, {**good, "id": "too-old", "age": 130}, good])
    with source.open("a") as stream:
        stream.write("only,three,cells\n")
    target = tmp_path / "results.csv"
    summary = screened(source, target, tmp_path)
    assert (summary.screened, summary.refused) == (2, 2)
    with (tmp_path / "refused.csv").open() as stream:
        refusals = list(csv.DictReader(stream))
    assert [(r["row"], r["id"], r["field"]) for r in refusals] == [
        ("2", "too-old", "client.age"),
        ("4", "", "FILE"),
    ]
    assert "less than or equal to 120" in refusals[0]["problem"]
    assert "3 cells" in refusals[1]["problem"]
    assert [row["row"] for row in read_back(target)] == [1, 3]


def test_every_input_and_output_format_gives_the_same_rows(tmp_path):
    nested = nested_intakes()
    sources = [
        write_jsonl(tmp_path / "nested.jsonl", nested),
        write_jsonl(tmp_path / "flat.jsonl", [flat(n) for n in nested]),
        write_csv(tmp_path / "flat.csv", [flat(n) for n in nested]),
    ]
    frame = pl.DataFrame([flat(n) for n in nested], schema={"id": pl.String(), **SCHEMA})
    frame.write_parquet(tmp_path / "flat.parquet")
    sources.append(tmp_path / "flat.parquet")
    outputs = []
    for source in sources:
        for kind, engine in (("parquet", "polars"), ("csv", "python"), ("jsonl", "polars")):
            target = tmp_path / f"{source.stem}-{source.suffix[1:]}-out.{kind}"
            assert screened(source, target, tmp_path, engine=engine).refused == 0
            outputs.append(read_back(target))
    assert len(outputs[0]) == len(INTAKES)
    assert all(rows == outputs[0] for rows in outputs)
    assert [row["id"] for row in outputs[0]] == [path.stem for path in INTAKES]


def test_a_parquet_result_holds_the_same_columns_of_plain_texts_from_every_engine(tmp_path):
    source = write_jsonl(tmp_path / "register.jsonl", nested_intakes())
    written = {}
    for engine in ("polars", "python"):
        target = tmp_path / f"{engine}.parquet"
        screened(source, target, tmp_path, engine=engine)
        written[engine] = pq.read_table(target)
    assert written["polars"].schema == written["python"].schema == result.schema(full=False)
    assert written["polars"].to_pylist() == written["python"].to_pylist()


def test_the_python_engine_gives_each_row_its_own_assessment(tmp_path, kb):
    source = write_jsonl(tmp_path / "register.jsonl", nested_intakes())
    target = tmp_path / "results.jsonl"
    screened(source, target, tmp_path, full=True)
    rows = [json.loads(line) for line in target.read_text().splitlines()]
    for path, row in zip(INTAKES, rows, strict=True):
        assessment = assess(parse_intake(read(path), today=TODAY), kb)
        assert json.loads(row["assessment"]) == _plain(to_json(assessment))
        assert row == result.row(row["row"], path.stem, assessment, full=True)


def test_full_is_what_assess_json_prints(tmp_path, cli):
    intake = INTAKES[0]
    source = write_jsonl(tmp_path / "one.jsonl", [yaml.safe_load(intake.read_text())])
    target = tmp_path / "one.jsonl.out.jsonl"
    ran = cli("batch", str(source), "-o", str(target), "--full", "--engine", "python")
    assert ran.returncode == 0, ran.stderr
    alone = cli("assess", "--json", str(intake))
    row = json.loads(target.read_text())
    assert json.loads(row["assessment"]) == json.loads(alone.stdout)


def test_refused_rows_exit_1_saying_how_many_and_the_summary_counts_decisions(tmp_path, cli):
    rows = [*nested_intakes(), {"client": {"age": -1}}, {"client": {"age": 30}, "colour": "red"}]
    source = write_jsonl(tmp_path / "register.jsonl", rows)
    errors = tmp_path / "why.csv"
    ran = cli("batch", str(source), "-o", str(tmp_path / "out.parquet"), "--errors", str(errors))
    assert ran.returncode == 1
    assert f"2 of {len(rows)} rows refused" in ran.stderr
    assert "intakes screened" in ran.stderr
    assert "most frequent findings" in ran.stderr
    fields = [r["field"] for r in csv.DictReader(errors.read_text().splitlines())]
    assert fields == ["client.age", "colour"]
    assert pq.read_table(tmp_path / "out.parquet").num_rows == len(INTAKES)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.csv", "-o", "out.csv"], "no such file"),
        (["in.jsonl", "-o", "out.xlsx"], "unknown format '.xlsx'"),
        (["in.jsonl", "-o", "out.csv", "--engine", "abacus"], "unknown engine"),
        (["in.jsonl", "-o", "no/such/out.csv"], "there is no folder"),
    ],
)
def test_bad_arguments_or_an_unreadable_file_exit_2(tmp_path, cli, args, message):
    (tmp_path / "in.jsonl").write_text("{}\n")
    ran = cli("batch", *[str(tmp_path / a) if "." in a else a for a in args])
    assert ran.returncode == 2
    assert message in ran.stderr
    assert "Traceback" not in ran.stderr


def test_chunks_screened_on_a_pool_of_processes_come_back_in_the_register_order(tmp_path):
    source = write_jsonl(tmp_path / "register.jsonl", nested_intakes() * 2)
    alone, pooled = tmp_path / "alone.jsonl", tmp_path / "pooled.jsonl"
    screened(source, alone, tmp_path, chunk_rows=2)
    chosen = Options(today=TODAY, workers=2, chunk_rows=2, engine="polars")
    screen_file(source, pooled, errors=None, options=chosen)
    assert read_back(pooled) == read_back(alone)
    assert [row["row"] for row in read_back(pooled)] == list(range(1, 2 * len(INTAKES) + 1))
