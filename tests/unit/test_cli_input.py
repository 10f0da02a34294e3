"""Malformed intakes through ``backcare assess``: exit code 2, one line per problem naming the
field (or FILE and the line) and what is allowed; never an internal error.

The command runs in this process (``backcare.cli.main`` with its arguments), so a case costs
milliseconds; ``test_cli.py`` runs it as a real process."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from backcare import intake_file
from backcare.cli import main

OK = b"client: {age: 40}\n"


def assess(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    file: Path | str,
    stdin: bytes = b"",
) -> tuple[int, list[str]]:
    monkeypatch.setattr(sys, "argv", ["backcare", "assess", "--json", str(file)])
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    with pytest.raises(SystemExit) as exit_:
        main()
    return int(exit_.value.code or 0), capsys.readouterr().err.splitlines()


CASES = [
    pytest.param(
        "notes.yaml",
        OK + b'notes: "caf\xe9"\n',
        "error: FILE: is not UTF-8 text: byte 0xe9 at line 2, column 12",
        id="not-utf8",
    ),
    pytest.param(
        "deep.json",
        b'{"client": {"age": 40}, "notes": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        "error: FILE: is nested too deeply: at most 10 levels",
        id="deep-json",
    ),
    pytest.param(
        "deep.yaml",
        OK + b"notes: " + b"[" * 50 + b"]" * 50 + b"\n",
        "error: FILE: line 2, column 17: is nested too deeply: at most 10 levels",
        id="deep-yaml",
    ),
    pytest.param(
        "age.json",
        b'{"client": {"age": ' + b"9" * 5000 + b"}}",
        "error: client.age: a number of 5,000 digits; numbers in an intake have at most 20 digits",
        id="huge-number-json",
    ),
    pytest.param(
        "age.yaml",
        b"client: {age: " + b"9" * 5000 + b"}\n",
        "error: client.age: a number of 5,000 digits; numbers in an intake have at most 20 digits",
        id="huge-number-yaml",
    ),
    pytest.param(
        "regions.yaml",
        OK + b"pain: {regions: [[low_back]]}\n",
        "error: pain.regions: ['low_back'] is not a region; each region is written as text",
        id="list-in-regions",
    ),
    pytest.param(
        "notes.yaml",
        OK + b"notes: {said: hello}\n",
        "error: notes: must be text",
        id="mapping-for-text",
    ),
    pytest.param(
        "flags.yaml",
        OK + b"red_flags: [fever]\n",
        "error: red_flags: must be a mapping of fields",
        id="list-for-mapping",
    ),
    pytest.param(
        "twice.yaml",
        b"client: {age: 40}\nnotes: x\nclient: {age: 50}\n",
        "error: FILE: line 3, column 1: duplicate key 'client' (first on line 1); "
        "each field may be given once",
        id="duplicate-yaml",
    ),
    pytest.param(
        "twice.json",
        b'{"client": {"age": 40},\n "client": {"age": 50}}',
        "error: FILE: line 2, column 2: duplicate key 'client' (first on line 1); "
        "each field may be given once",
        id="duplicate-json",
    ),
    pytest.param(
        "alias.yaml",
        b"client: &c {age: 40}\nnotes: *c\n",
        "error: FILE: line 2, column 8: aliases (*name) are not accepted in an intake",
        id="alias",
    ),
    pytest.param(
        "big.yaml",
        OK + b'medications: ["' + b"x" * 10_000_000 + b'"]\n',
        "error: FILE: is larger than 1,048,576 bytes (1 MiB), the most an intake may be",
        id="ten-megabytes",
    ),
    pytest.param(
        "many.yaml",
        OK + b"allergies: [" + b"x, " * 20_000 + b"x]\n",
        "error: FILE: line 2, column 29992: holds more than 10,000 values",
        id="too-many-values",
    ),
    pytest.param(
        "long.yaml",
        OK + b"medications: [" + b"x" * 1000 + b"]\n",
        "error: medications[0]: is too long (1,000 characters); at most 200 allowed",
        id="long-text",
    ),
    pytest.param(
        "nul.json",
        b'{"client": {"age": 40}, "notes": "a\\u0000b"}',
        "error: notes: contains U+0000 at character 2, a control character",
        id="nul",
    ),
    pytest.param(
        "escape.yaml",
        OK + b'allergies: ["nuts\\e[31m"]\n',
        "error: allergies[0]: contains U+001B at character 5, a control character",
        id="terminal-escape",
    ),
    pytest.param(
        "raw.yaml",
        OK + b"notes: a\x01b\n",
        "error: FILE: is not valid YAML",
        id="raw-control-character",
    ),
    pytest.param(
        "nan.json",
        b'{"client": {"age": 40}, "pain": {"duration_weeks": NaN}}',
        "error: pain.duration_weeks: must be a finite number",
        id="nan",
    ),
    pytest.param(
        "set.yaml",
        OK + b"conditions: !!set {flu, gout}\n",
        "error: FILE: line 2, column 13: sets (!!set) are not accepted in an intake; write a list",
        id="yaml-set",
    ),
    pytest.param(
        "time.yaml",
        OK + b"assessed_on: 2026-11-01 10:00:00\n",
        "error: assessed_on: datetime.datetime(2026, 11, 1, 10, 0) is not a date; write YYYY-MM-DD",
        id="time-for-date",
    ),
    pytest.param(
        "object.yaml",
        b"!!python/object/apply:os.system [ls]\n",
        "error: FILE: is not valid YAML: line 1, column 1: could not determine a constructor",
        id="python-object",
    ),
    pytest.param(
        "float.json",
        b'{"client": {"age": 1e400}}',
        "error: client.age: must be a whole number",
        id="huge-float",
    ),
]


@pytest.mark.parametrize(("name", "content", "message"), CASES)
def test_a_malformed_intake_exits_2_naming_the_problem(
    tmp_path, monkeypatch, capsys, name, content, message
):
    path = tmp_path / name
    path.write_bytes(content)
    code, lines = assess(monkeypatch, capsys, path)
    assert code == 2
    assert len(lines) == 1, lines
    assert lines[0].startswith(message), lines[0]


def test_standard_input_is_limited_and_checked_like_a_file(monkeypatch, capsys):
    code, lines = assess(monkeypatch, capsys, "-", stdin=OK + b"client: {age: 41}\n")
    assert (code, lines) == (
        2,
        [
            "error: FILE: line 2, column 1: duplicate key 'client' (first on line 1); "
            "each field may be given once"
        ],
    )
    code, lines = assess(monkeypatch, capsys, "-", stdin=b"#" * (intake_file.MAX_BYTES + 1))
    assert code == 2
    assert "larger than 1,048,576 bytes" in lines[0]


def test_every_problem_of_a_file_is_one_line(tmp_path, monkeypatch, capsys):
    path = tmp_path / "bad.json"
    path.write_bytes(b'{"client": {"age": 1' + b"0" * 30 + b', "sex": "m\\u0000"}, "notes": 7}')
    code, lines = assess(monkeypatch, capsys, path)
    assert code == 2
    assert lines == [
        "error: client.age: a number of 31 digits; numbers in an intake have at most 20 digits"
    ]
    path.write_bytes(b'{"client": {"age": 140, "sex": "m\\u0000"}, "notes": 7}')
    code, lines = assess(monkeypatch, capsys, path)
    assert code == 2
    assert lines == [
        "error: client.age: 140 is out of range: input should be less than or equal to 120",
        "error: client.sex: 'm\\x00' is not allowed; allowed: 'female', 'male', 'intersex' or "
        "'unknown'",
        "error: notes: must be text",
    ]


def test_a_file_within_the_limits_is_assessed(tmp_path, monkeypatch, capsys):
    path = tmp_path / "ok.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + OK + b"notes: 'caf\xc3\xa9, tab\there'\n")
    code, lines = assess(monkeypatch, capsys, path)
    assert (code, lines) == (0, [])
