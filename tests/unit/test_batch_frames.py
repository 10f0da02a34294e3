"""A Parquet register screened as frames, checked column by column, gives the same results and
the same errors file, word for word, as the rows checked one at a time by ``parse_intake``."""

from __future__ import annotations

import csv
import json
import random
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq
import pytest

from backcare.batch import registers, screenable
from backcare.batch.columns import SCHEMA, conform, flat_row
from backcare.batch.framed import framed
from backcare.batch.reference import parsed
from backcare.batch.run import Options, screen_file
from backcare.clinical import parse_intake
from backcare.knowledge import load_knowledge
from tests.registers import TODAY, register

KB = load_knowledge()

# Cells a register may hold that the contract refuses, or writes otherwise ("low_back").
ODD: list[dict[str, Any]] = [
    {"age": 130},
    {"age": -1},
    {"age": None},
    {"sex": "mle"},
    {"pregnant_weeks": 50},
    {"sex": "male", "pregnant_weeks": 12},
    {"occupation": "pilot"},
    {"pregnancy_complications": ["x" * 201]},
    {"pain_intensity": 11},
    {"pain_duration_weeks": float("nan")},
    {"pain_duration_weeks": -2.0},
    {"pain_cause": "gravity"},
    {"pain_regions": ["low_bak"]},
    {"pain_regions": ["low_back"]},
    {"pain_numbness": [f"neck{i}" for i in range(60)]},
    {"pain": False, "pain_intensity": 3},
    {"red_flag_fever": None, "pain_weakness": ["knee"]},
    {"temperature_c": 50.0},
    {"systolic": 20},
    {"systolic": 100, "diastolic": 120},
    {"conditions": ["sciatica:sometimes"]},
    {"conditions": ["sciatica@knee"]},
    {"conditions": ["sciatica@low_back"]},
    {"conditions": [""]},
    {"conditions": ["x" * 201]},
    {"medications": ["   "]},
    {"medications": ["warfarin\x01"]},
    {"procedures": ["surgery:2030-01-01"]},
    {"procedures": ["surgery:yesterday"]},
    {"procedures": ["lobotomy:2026-01-01"]},
    {"skin": ["bruise@"]},
    {"skin": ["itch@neck"]},
    {"clearances": ["red_flag.fever|2030-01-01|Dr Lee"]},
    {"clearances": ["red_flag.fever||"]},
    {"clearances": ["red_flag.significant_trauma | 2026-11-01 | Dr Lee"]},
    {"allergies": ["latex\x02"]},
    {"notes": "seen\x00"},
    {"preferred_modalities": ["reiki-ish"]},
    {"preferred_session_minutes": 5},
    {"preferred_pressure": "crushing"},
    {"assessed_on": date(2026, 1, 1)},
]


@pytest.fixture(scope="module")
def mixed() -> tuple[pl.DataFrame, set[int]]:
    """Generated rows, a third of them given one odd change; the numbers of the changed rows."""
    rng = random.Random(3)
    rows, changed = [], set()
    for number, data in enumerate(register(900, KB, seed=11), start=1):
        row = flat_row(parse_intake(data, today=TODAY)) | {"id": f"c{number}"}
        if rng.random() < 0.33:
            row |= rng.choice(ODD)
            changed.add(number)
        rows.append(row)
    return pl.DataFrame(rows, schema={"id": pl.String(), **SCHEMA}, orient="row"), changed


def test_every_row_parse_intake_refuses_is_found_unsure_and_no_untouched_row_is(mixed):
    frame, changed = mixed
    numbered = frame.with_columns(pl.int_range(1, frame.height + 1).alias("row"))
    rows = conform(numbered).with_columns(pl.col("assessed_on").fill_null(TODAY))
    unsure = set(rows.filter(screenable.unsure(rows, KB)).get_column("row").to_list())
    as_rows = [registers.row(m.pop("row"), m, checked=True) for m in numbered.to_dicts()]
    _, refused = parsed(as_rows, today=TODAY, kb=KB)
    assert len(refused) > 100
    assert {row.number for row in refused} <= unsure
    assert unsure <= changed


def _errors(path: Path) -> list[dict[str, str]]:
    with path.open() as stream:
        return list(csv.DictReader(stream))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return value.isoformat() if isinstance(value, date) else json.dumps(value)


def _write_csv(frame: pl.DataFrame, path: Path) -> None:
    with path.open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(frame.columns)
        writer.writerows([_cell(v) for v in row] for row in frame.iter_rows())
        writer.writerow(["c-short", "40"])  # too few cells: refused on its own
        writer.writerow(_cell(v) for v in frame.row(0))


# Lines a JSON-lines register may hold beside flat rows of the layout's types.
ODD_LINES = [
    "",
    "not json",
    "[1, 2]",
    json.dumps({"id": "n1", "client": {"age": 40}, "assessed_on": "2026-11-01"}),
    json.dumps({"id": "n2", "client": {"age": 400}}),
    json.dumps({"id": "u1", "age": 40, "colour": "blue"}),
    json.dumps({"id": "t1", "age": "40"}),
    json.dumps({"id": "t2", "age": 40.0, "pain_duration_weeks": 3}),
    json.dumps({"id": "t3", "age": True}),
    json.dumps({"id": "d1", "age": 40, "assessed_on": "2026-02-30"}),
    json.dumps({"id": "d2", "age": 40, "assessed_on": "22/11/2026"}),
    json.dumps({"id": 7, "age": 40, "conditions": ["sciatica", 3]}),
]


def _write_jsonl(frame: pl.DataFrame, path: Path) -> None:
    lines = [json.dumps(row, default=date.isoformat) for row in frame.to_dicts()]
    path.write_text("\n".join(lines[:50] + ODD_LINES + lines[50:]) + "\n")


WRITERS = {
    "register.parquet": lambda frame, path: frame.write_parquet(path),
    "register.csv": _write_csv,
    "register.jsonl": _write_jsonl,
}


@pytest.mark.parametrize("name", WRITERS)
def test_frames_and_rows_give_the_same_results_and_the_same_errors_file(mixed, tmp_path, name):
    frame, _ = mixed
    source = tmp_path / name
    WRITERS[name](frame, source)
    got: dict[str, Any] = {}
    for engine in ("polars", "python"):  # polars reads frames; python, a row at a time
        target, errors = tmp_path / f"{engine}.parquet", tmp_path / f"{engine}.csv"
        options = Options(today=TODAY, engine=engine, workers=1, chunk_rows=400)
        summary = screen_file(source, target, errors=errors, options=options)
        got[engine] = (pq.read_table(target).to_pylist(), _errors(errors), summary)
    (rows, refusals, summary), (want_rows, want_refusals, want_summary) = got.values()
    assert refusals == want_refusals
    assert rows == want_rows
    assert (summary.screened, summary.refused) == (want_summary.screened, want_summary.refused)
    assert summary.decisions == want_summary.decisions
    assert summary.findings == want_summary.findings
    fields = {r["field"] for r in refusals}
    assert fields >= {"client.age", "vitals.diastolic", "procedures[0].date"}


def test_a_column_of_another_type_is_checked_row_by_row(tmp_path):
    source = tmp_path / "typed-as-text.parquet"
    pl.DataFrame({"id": ["a", "b"], "age": ["40", "x"]}).write_parquet(source)
    errors = tmp_path / "refused.csv"
    options = Options(today=TODAY, engine="polars", workers=1)
    summary = screen_file(source, tmp_path / "out.parquet", errors=errors, options=options)
    assert (summary.screened, summary.refused) == (0, 2)
    assert [(r["row"], r["field"], r["problem"]) for r in _errors(errors)] == [
        ("1", "client.age", "must be a whole number"),
        ("2", "client.age", "must be a whole number"),
    ]


@pytest.mark.parametrize("name", ["register.csv", "register.jsonl"])
def test_rows_of_the_layouts_types_go_into_the_frame_and_odd_lines_are_checked_alone(
    tmp_path, name
):
    rows = [flat_row(parse_intake(d, today=TODAY)) for d in register(60, KB, seed=5)]
    source = tmp_path / name
    WRITERS[name](pl.DataFrame(rows, schema=SCHEMA, orient="row"), source)
    (chunk,) = registers.record_chunks(source, 1000)
    frame, others = framed(chunk)
    # CSV: a row of too few cells, then the first row again; JSON lines: a blank line, the
    # odd lines, the rest of the rows.
    alone, framed_rows = {"register.csv": ([61], 61), "register.jsonl": (list(range(52, 63)), 60)}[
        name
    ]
    assert [row.number for row in others] == alone
    assert frame.height == framed_rows
