"""JSON intakes read by the fast reader are exactly what the checked reader gives, and every
refusal (repeated keys, long numbers, limits, text JSON does not allow) is the same."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from backcare import intake_file
from backcare.errors import InvalidIntake

ROOT = Path(__file__).parents[2]
DEEP = '{"notes": ' + "[" * intake_file.MAX_DEPTH + "]" * intake_file.MAX_DEPTH + "}"
WIDE = '{"allergies": [' + ",".join(['"x"'] * intake_file.MAX_VALUES) + "]}"
TRICKY = [
    '{"client": {"age": 40}, "client": {"age": 41}}',
    '{"client": {"age": 40, "age": 41}}',
    '{"notes": "a: b", "client": {"age": 40, "age": 41}}',  # a colon in a string hides nothing
    '{"notes": "a: b", "client": {"age": 40}}',
    '{"notes": "say \\"a\\": 1", "x": {"y": 1, "y": 2}}',
    '{"client": {"age": 123456789012345678901234}}',
    '{"client": {"age": 18446744073709551616}}',
    '{"client": {"age": 1234567890123456789}}',
    '{"client": {"age": 12345678901234567890}}',
    '{"client": {"age": 99999999999999999999}}',
    '{"client": {"age": -9223372036854775809}}',
    '{"client": {"age": 40}, "vitals": {"temperature_c": 1e19}}',
    '{"client": {"age": 40}, "vitals": {"temperature_c": -9.3e18}}',
    '{"client": {"age": 40}, "notes": "phone 0123456789012345678"}',
    '{"vitals": {"temperature_c": NaN}}',
    '{"vitals": {"temperature_c": 1e400}}',
    '{"notes": "\\ud800"}',
    '{"client": {"age": 40}',
    "[1, 2, 3]",
    '"just text"',
    DEEP,
    DEEP.replace("[]", "[[]]", 1),
    WIDE,
    WIDE.replace('["x",', '["x","x",', 1),
    '{"a": {}, "b": [], "c": [{}], "d": {"e": {"f": null}}}',
]


def checked(text: str) -> Any:
    """The checked reader alone (Python's json with every key and number seen)."""
    data = intake_file._from_json(text)
    problems = list(intake_file._tree_problems(data))
    if problems:
        raise InvalidIntake(problems)
    return data


def outcome(read: Any, text: str) -> tuple[str, Any]:
    try:
        return "read", json.dumps(read(text), sort_keys=True, default=repr)
    except InvalidIntake as refused:
        return "refused", [(p.path, p.message) for p in refused.problems]


def intakes() -> list[str]:
    return [
        json.dumps(yaml.safe_load(path.read_text()), default=str)
        for folder in ("tests/golden/intakes", "examples")
        for path in sorted((ROOT / folder).glob("*.yaml"))
    ]


@pytest.mark.parametrize("text", [*TRICKY, *intakes()])
def test_the_fast_reader_reads_and_refuses_as_the_checked_reader(text: str) -> None:
    fast = outcome(lambda t: intake_file.load(t.encode(), as_json=True), text)
    assert fast == outcome(checked, text)


def test_a_repeated_key_is_refused_even_when_a_string_holds_colons() -> None:
    with pytest.raises(InvalidIntake) as refused:
        intake_file.load(TRICKY[2].encode(), as_json=True)
    assert "duplicate key 'age'" in refused.value.problems[0].message


def test_json_bytes_read_as_their_utf8_text_with_or_without_a_byte_order_mark() -> None:
    text = '{"client": {"age": 40}, "notes": "café: süß"}'
    plain = intake_file.load(text.encode(), as_json=True)
    assert plain == json.loads(text)
    assert intake_file.load(b"\xef\xbb\xbf" + text.encode(), as_json=True) == plain


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        (b'{"notes": "caf\xe9"}', "byte 0xe9 at line 1, column 15"),  # Latin-1
        (b'{"notes": "\xed\xa0\x80"}', "byte 0xed at line 1, column 12"),  # a surrogate
        (b'{"notes": "\xc0\xaf"}', "byte 0xc0 at line 1, column 12"),  # an over-long form
    ],
)
def test_json_that_is_not_utf8_is_refused_naming_the_byte(raw: bytes, where: str) -> None:
    with pytest.raises(InvalidIntake) as refused:
        intake_file.load(raw, as_json=True)
    [problem] = refused.value.problems
    assert problem.message.startswith(f"is not UTF-8 text: {where} cannot be read")
