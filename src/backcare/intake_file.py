"""Reading an intake file: bytes in, the decoded YAML or JSON that ``parse_intake`` validates.

Every way a file can be malformed is an ``InvalidIntake`` naming the field (or ``FILE``, with the
line) and what is allowed. The limits, documented in docs/intake-v1.md, keep the time to refuse a
hostile file short (a tenth of a second, not ten seconds):

- at most ``MAX_BYTES`` (1 MiB), read no further; UTF-8 text (a leading byte order mark is fine);
- at most ``MAX_DEPTH`` levels of lists and mappings, and ``MAX_VALUES`` values in all;
- whole numbers of at most ``MAX_DIGITS`` digits (Python refuses to read 4,300 and more);
- each key once per mapping; no YAML aliases (``*name``), which can make a small file huge;
- no YAML sets (``!!set``), which JSON cannot write and which would pass for a list.

JSON is read by orjson, straight from the bytes (it refuses what is not UTF-8, as decoding
does), when that gives what the checked reader gives (almost every intake: no over-long number,
no repeated key, within the limits); anything else is decoded and read again by the checked
reader, which names what is wrong.
"""

from __future__ import annotations

import codecs
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent, MappingStartEvent, SequenceStartEvent
from yaml.resolver import Resolver

from backcare.clinical.intake import field_path
from backcare.clinical.text import shown
from backcare.errors import InvalidIntake, Problem

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 10
MAX_VALUES = 10_000
MAX_DIGITS = 20


def read(file: Path) -> Any:
    """The decoded intake in ``file`` (``-`` is standard input, read as YAML)."""
    try:
        if str(file) == "-":
            raw = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            with file.open("rb") as stream:
                raw = stream.read(MAX_BYTES + 1)
    except OSError as error:
        raise InvalidIntake([Problem("FILE", f"cannot read {file}: {error.strerror}")]) from None
    return load(raw, as_json=file.suffix.lower() == ".json")


def load(raw: bytes, *, as_json: bool) -> Any:
    """Decode an intake from bytes of YAML, or of JSON when ``as_json``."""
    if len(raw) > MAX_BYTES:
        raise _refused(f"is larger than {MAX_BYTES:,} bytes (1 MiB), the most an intake may be")
    if as_json:
        fast = _fast_json(raw.removeprefix(codecs.BOM_UTF8))
        if fast is not _UNREAD:
            return fast
    text = _decoded(raw)
    data = _from_json(text) if as_json else _from_yaml(text)
    problems = list(_tree_problems(data))
    if problems:
        raise InvalidIntake(problems)
    return data


def _refused(message: str) -> InvalidIntake:
    return InvalidIntake([Problem("FILE", message)])


def _decoded(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        byte = raw[error.start]
        raise _refused(
            f"is not UTF-8 text: byte 0x{byte:02x} at line {line}, column {column} "
            "cannot be read; save the file as UTF-8"
        ) from None


@dataclass(frozen=True, slots=True)
class _LongNumber:
    """Stands in for a whole number with too many digits, so the field can be named."""

    digits: int


def _whole(text: str) -> int | _LongNumber:
    digits = len(text.lstrip("+-").replace("_", ""))
    return _LongNumber(digits) if digits > MAX_DIGITS else int(text)


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping: dict[str, Any] = {}
    for key, value in pairs:
        if key in mapping:
            raise _DuplicateKey(key)
        mapping[key] = value
    return mapping


_UNREAD = object()
# orjson reads a whole number that does not fit in 64 bits as a float (of at least 2**63): a text
# holding a float that large takes the checked reader, which names a number of too many digits.
_LARGE = float(2**63)
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')


def _fast_json(text: bytes) -> Any:
    """The intake read by orjson, or ``_UNREAD`` when the checked reader must read it: orjson
    refuses it (NaN, a lone surrogate, ...), or keeps the last of repeated keys, or it breaks a
    limit, or it holds a number that large."""
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError:
        return _UNREAD
    keys = _keys_within_limits(data)
    if keys is None:
        return _UNREAD
    # In valid JSON each key is followed by one colon outside strings: fewer keys read than
    # such colons means a repeated key was dropped.
    if text.count(b":") != keys and _STRING.sub(b"", text).count(b":") != keys:
        return _UNREAD
    return data


def _keys_within_limits(data: Any) -> int | None:
    """The number of keys in a decoded tree within the depth and size limits and without a
    float of 2**63 or more, else ``None``."""
    keys, values, depth = 0, 1, 0
    level = [data]
    while level:
        below: list[Any] = []
        for value in level:
            kind = type(value)
            if kind is dict:
                keys += len(value)
                below.extend(value.values())
            elif kind is list:
                below.extend(value)
            elif kind is float and not -_LARGE < value < _LARGE:
                return None
            else:
                continue
            if depth >= MAX_DEPTH:
                return None
        values += len(below)
        if values > MAX_VALUES:
            return None
        level, depth = below, depth + 1
    return keys


def _from_json(text: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_unique, parse_int=_whole)
    except json.JSONDecodeError as error:
        raise _refused(f"is not valid JSON: {error}") from None
    except RecursionError:
        raise _refused(_too_deep()) from None
    except _DuplicateKey as duplicate:
        # json gives no position; the YAML reader (JSON is YAML) finds the line of the key.
        try:
            _yaml_load(text)
        except _DuplicateAt as located:
            raise _refused(_marked(located)) from None
        except (yaml.YAMLError, RecursionError):
            pass
        raise _refused(_duplicate(duplicate.key)) from None


def _from_yaml(text: str) -> Any:
    try:
        return _yaml_load(text)
    except _Refusal as error:
        raise _refused(_marked(error)) from None
    except yaml.MarkedYAMLError as error:
        if "nesting depth" in str(error.problem):  # libyaml's own limit, met before ours
            error.problem = _too_deep()
            raise _refused(_marked(error)) from None
        raise _refused(f"is not valid YAML: {_marked(error)}") from None
    except yaml.YAMLError as error:
        raise _refused(f"is not valid YAML: {' '.join(str(error).split())}") from None


def _marked(error: yaml.MarkedYAMLError) -> str:
    mark = error.problem_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    return f"{where}{error.problem or error}"


def _duplicate(key: Any, first_line: int | None = None) -> str:
    first = f" (first on line {first_line})" if first_line else ""
    return f"duplicate key {shown(key)}{first}; each field may be given once"


def _too_deep() -> str:
    return f"is nested too deeply: at most {MAX_DEPTH} levels of lists and mappings are allowed"


def _too_many() -> str:
    return f"holds more than {MAX_VALUES:,} values, the most an intake may hold"


class _Refusal(yaml.MarkedYAMLError):
    """Valid YAML that an intake does not accept (a limit, an alias, a repeated key)."""

    def __init__(self, problem: str, mark: Any) -> None:
        super().__init__(problem=problem, problem_mark=mark)


class _DuplicateAt(_Refusal):
    pass


class _Limits:
    """Composer and constructor steps of PyYAML's safe loader, with the limits and checks."""

    _depth = 0
    _values = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        loader: Any = self
        event = loader.peek_event()
        if loader.check_event(AliasEvent):
            raise _Refusal("aliases (*name) are not accepted in an intake", event.start_mark)
        self._values += 1
        if self._values > MAX_VALUES:
            raise _Refusal(_too_many(), event.start_mark)
        nested = loader.check_event(MappingStartEvent, SequenceStartEvent)
        self._depth += nested
        if self._depth > MAX_DEPTH:
            raise _Refusal(_too_deep(), event.start_mark)
        try:
            return super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self._depth -= nested

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        loader: Any = self
        first_lines: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = loader.construct_object(key_node, deep=deep)
            try:
                seen = first_lines.get(key)
            except TypeError:  # unhashable: the safe constructor says so
                continue
            if seen is not None:
                raise _DuplicateAt(_duplicate(key, seen), key_node.start_mark)
            first_lines[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep)  # type: ignore[misc]

    def construct_set(self, node: Any) -> Any:
        raise _Refusal("sets (!!set) are not accepted in an intake; write a list", node.start_mark)

    def construct_whole(self, node: Any) -> Any:
        digits = len(node.value.lstrip("+-").replace("_", ""))
        if digits > MAX_DIGITS:
            return _LongNumber(digits)
        return SafeConstructor.construct_yaml_int(self, node)  # type: ignore[arg-type]


if getattr(yaml, "__with_libyaml__", False):
    from yaml._yaml import CParser

    class _Loader(_Limits, Composer, CParser, SafeConstructor, Resolver):
        """libyaml's parser (fast) with PyYAML's composer (where the limits are checked)."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

else:  # pragma: no cover - PyYAML built without libyaml

    class _Loader(_Limits, yaml.SafeLoader):  # type: ignore[no-redef]
        pass


_Loader.add_constructor("tag:yaml.org,2002:int", _Limits.construct_whole)  # type: ignore[type-var]
_Loader.add_constructor("tag:yaml.org,2002:set", _Limits.construct_set)  # type: ignore[type-var]


def _yaml_load(text: str) -> Any:
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _tree_problems(data: Any) -> Iterator[Problem]:
    """Depth, size and over-long numbers of the decoded tree (JSON is not limited as it loads)."""
    stack: list[tuple[Any, tuple[Any, ...], int]] = [(data, (), 0)]
    values = 0
    while stack:
        value, loc, depth = stack.pop()
        values += 1
        if values > MAX_VALUES:
            yield Problem("FILE", _too_many())
            return
        if isinstance(value, _LongNumber):
            yield Problem(
                field_path(loc),
                f"a number of {value.digits:,} digits; numbers in an intake have at most "
                f"{MAX_DIGITS} digits",
            )
        elif isinstance(value, dict | list):
            if depth + 1 > MAX_DEPTH:
                yield Problem(field_path(loc), _too_deep())
                continue
            if isinstance(value, dict) and any(isinstance(k, _LongNumber) for k in value):
                yield Problem(field_path(loc), "field names must be text, not numbers")
                continue
            if values + len(stack) + len(value) > MAX_VALUES:
                yield Problem("FILE", _too_many())
                return
            items = value.items() if isinstance(value, dict) else enumerate(value)
            stack.extend((child, (*loc, key), depth + 1) for key, child in reversed(list(items)))
