"""``backcare batch``: a register of intakes screened into one row each, every refused row
reported with its row number, field and problem, the same rows whatever the formats."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from backcare.batch import registers, result
from backcare.batch.run import Options, screen_file
from backcare.clinical import assess, parse_intake, to_json
from backcare.intake_file import read

INTAKES = sorted((Path(__file__).parent.parent / "golden" / "intakes").glob("*.yaml"))
TODAY = date(2026, 12, 2)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backcare", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={"COLUMNS": "120", "PATH": "/usr/bin:/bin"},
    )


def nested_intakes() -> list[dict[str, Any]]:
    return [{"id": path.stem, **yaml.safe_load(path.read_text())} for path in INTAKES]


def flat(mapping: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A nested intake as dotted columns (lists and lists of objects stay whole)."""
    columns: dict[str, Any] = {}
    for name, value in mapping.items():
        if isinstance(value, dict):
            columns.update(flat(value, f"{prefix}{name}."))
        else:
            columns[f"{prefix}{name}"] = value
    return columns


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row, default=str) + "\n" for row in rows))
    return path


def write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    names = list(dict.fromkeys(name for row in rows for name in row))
    with path.open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(names)
        for row in rows:
            writer.writerow([registers._csv_cell(_plain(row.get(n))) for n in names])
    return path


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def read_back(path: Path) -> list[dict[str, Any]]:
    """An output file's rows as Python values, whatever its format."""
    return [
        row.data | {"id": row.id}
        for chunk in registers.chunks(path, 100)
        for row in chunk
    ]


def screened(source: Path, target: Path, tmp_path: Path, **options: Any) -> Any:
    return screen_file(
        source, target, errors=tmp_path / "refused.csv", options=Options(today=TODAY, **options)
    )


def test_malformed_rows_are_reported_with_row_field_and_problem_and_good_rows_kept(tmp_path):
    good = flat(nested_intakes()[0])
    source = tmp_path / "register.csv"
    write_csv(source, [good, {**good, "id": "too-old", "client.age": 130}, good])
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
    columns = [_plain(flat(n)) for n in nested]
    names = list(dict.fromkeys(name for row in columns for name in row))
    table = pa.Table.from_pylist([{name: row.get(name) for name in names} for row in columns])
    pq.write_table(table, tmp_path / "flat.parquet")
    sources.append(tmp_path / "flat.parquet")
    outputs = []
    for source in sources:
        for kind in ("parquet", "csv", "jsonl"):
            target = tmp_path / f"{source.stem}-{source.suffix[1:]}-out.{kind}"
            assert screened(source, target, tmp_path).refused == 0
            outputs.append(read_back(target))
    assert len(outputs[0]) == len(INTAKES)
    assert all(rows == outputs[0] for rows in outputs)
    assert [row["id"] for row in outputs[0]] == [path.stem for path in INTAKES]


def test_the_python_engine_gives_each_row_its_own_assessment(tmp_path, kb):
    source = write_jsonl(tmp_path / "register.jsonl", nested_intakes())
    target = tmp_path / "results.jsonl"
    screened(source, target, tmp_path, full=True)
    rows = [json.loads(line) for line in target.read_text().splitlines()]
    for path, row in zip(INTAKES, rows, strict=True):
        assessment = assess(parse_intake(read(path), today=TODAY), kb)
        assert json.loads(row["assessment"]) == _plain(to_json(assessment))
        assert row == result.row(row["row"], path.stem, assessment, full=True)


def test_full_is_what_assess_json_prints(tmp_path):
    intake = INTAKES[0]
    source = write_jsonl(tmp_path / "one.jsonl", [yaml.safe_load(intake.read_text())])
    target = tmp_path / "one.jsonl.out.jsonl"
    ran = cli("batch", str(source), "-o", str(target), "--full", "--engine", "python")
    assert ran.returncode == 0, ran.stderr
    alone = cli("assess", "--json", str(intake))
    row = json.loads(target.read_text())
    assert json.loads(row["assessment"]) == json.loads(alone.stdout)


def test_refused_rows_exit_1_saying_how_many_and_the_summary_counts_decisions(tmp_path):
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
    ],
)
def test_bad_arguments_or_an_unreadable_file_exit_2(tmp_path, args, message):
    (tmp_path / "in.jsonl").write_text("{}\n")
    ran = cli("batch", *[str(tmp_path / a) if "." in a else a for a in args])
    assert ran.returncode == 2
    assert message in ran.stderr
    assert "Traceback" not in ran.stderr
