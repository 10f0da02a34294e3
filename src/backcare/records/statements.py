"""Queries that pages run at every view, compiled to SQL by the ORM once and run again with
new numbers: compiling a query (its joins, columns and conditions) took ten times as long as
running it on SQLite, and was most of a page's own time.

``fetch(build, *values)`` is ``list(build(*values))``: ``build`` makes the query from whole
numbers (a clinic's or a client's key) and words (what was typed in a search, each matched by a
``contains`` lookup), after the constant arguments of a ``partial`` (a model, a page's bounds),
and is called once per thread (each thread has its own database connection) and per number of
words with stand-ins for the values, which the compiled SQL's parameters then carry in their
places; each run puts the values given in their places, a word as the lookup puts it (escaped
for LIKE by the database's own operations, between its wildcards). Records come back as the
ORM makes them (each field converted for the database, ``select_related`` records attached)
and rows of a ``values_list`` query as tuples. Nothing else may vary between calls of one
``build``: it reads no clock and no setting and closes over no value around it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model, QuerySet
from django.db.models.query import (  # type: ignore[attr-defined]
    ModelIterable,
    ValuesListIterable,
    get_related_populators,
)
from django.db.models.sql.compiler import SQLCompiler

from backcare import lru

M = TypeVar("M", bound=Model)
# stand-ins no key can be, each found in the parameters exactly where its number goes
_STAND_IN = -(2**62)
_WORD = "StandInForWord"  # a word's stand-in, then its number: letters that LIKE's escaping keeps
_SMALLEST = -(2**63)
LIMIT = 256  # queries kept compiled by each thread (each page of a list is one): the oldest go


@dataclass(frozen=True)
class _Compiled:
    compiler: SQLCompiler
    sql: str
    params: tuple[Any, ...]
    places: tuple[tuple[int, int], ...]  # (parameter, number): where each number goes
    records: bool  # records, or the tuples of a values_list query
    converters: dict[int, Any]  # each column's conversion from the database's value


_local = threading.local()


def fetch(build: Callable[..., QuerySet[M, Any]], *values: int | str) -> list[Any]:
    """What ``list(build(*values))`` gives, without compiling the query again. The numbers
    are keys: one past the database's 64 bits (an address typed by hand) matches nothing."""
    if not all(_SMALLEST <= v < -_SMALLEST for v in values if not isinstance(v, str)):
        return []
    kept: lru.Kept[Hashable, _Compiled] | None = getattr(_local, "compiled", None)
    if kept is None:  # the thread's first query
        kept = _local.compiled = lru.Kept(LIMIT)
    key = (*_key(build), tuple(isinstance(value, str) for value in values))
    compiled = kept.find(key)
    if compiled is None:
        try:
            compiled = _compile(build(*map(_stand_in, range(len(values)), values)), values)
        except EmptyResultSet:  # a condition no row meets, whatever the values
            return []
        kept.keep(key, compiled)
    compiler = compiled.compiler
    params = list(compiled.params)
    for place, number in compiled.places:
        value = values[number]
        params[place] = (
            _contains(compiler.connection.ops.prep_for_like_query(value))
            if isinstance(value, str)
            else int(value)
        )
    with compiler.connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        rows: Any = cursor.fetchall()
    if compiled.converters:
        rows = compiler.apply_converters(rows, compiled.converters)
    return _records(compiler, rows) if compiled.records else list(map(tuple, rows))


def _stand_in(number: int, value: int | str) -> int | str:
    """What the query is built with in place of the ``number``-th value (letters and digits
    for a word, which LIKE's escaping leaves as they are)."""
    return f"{_WORD}{number}" if isinstance(value, str) else _STAND_IN - number


def _contains(word: str) -> str:
    """The parameter a ``contains`` lookup makes of a word prepared for LIKE."""
    return f"%{word}%"


def _key(build: Callable[..., Any]) -> tuple[Hashable, ...]:
    """What tells one query from another: the function's code (the same for each copy of a
    function made in a loop) and the constant arguments of a partial (a model)."""
    if isinstance(build, partial):
        return (*_key(build.func), build.args, tuple(sorted(build.keywords.items())))
    if build.__closure__ or build.__defaults__ or build.__kwdefaults__:
        raise ValueError("the query would read values from around it: pass them as numbers")
    return (build.__code__,)


def _compile(query: QuerySet[Any], values: tuple[int | str, ...]) -> _Compiled:
    if query.db != DEFAULT_DB_ALIAS or query._iterable_class not in (
        ModelIterable,
        ValuesListIterable,
    ):
        raise ValueError("only records or a values_list's tuples, from the default database")
    compiler = query.query.get_compiler(using=query.db)
    sql, params = compiler.as_sql()
    places = tuple(_places(params, values))
    missing = set(range(len(values))) - {number for _, number in places}
    if missing:
        raise ValueError(f"the query does not carry values {sorted(missing)} as parameters")
    records = query._iterable_class is ModelIterable
    columns = [column[0] for column in compiler.select[: compiler.col_count]]
    if compiler.has_composite_fields(columns):
        raise ValueError("a composite primary key is not read here")
    converters = compiler.get_converters(columns)
    return _Compiled(compiler, sql, tuple(params), places, records, converters)


def _places(params: Sequence[Any], values: tuple[int | str, ...]) -> Iterator[tuple[int, int]]:
    """Where each value goes among the parameters: (parameter, value's number). A word must
    be a whole ``contains`` pattern, nothing else made of it."""
    stand_ins = {
        _contains(stand_in) if isinstance(stand_in, str) else stand_in: number
        for number, stand_in in enumerate(map(_stand_in, range(len(values)), values))
    }
    for place, param in enumerate(params):
        if isinstance(param, int | str) and param in stand_ins:
            yield place, stand_ins[param]
        elif isinstance(param, str) and _WORD in param:
            raise ValueError("a word is carried only by a contains lookup")


def _records(compiler: SQLCompiler, rows: Any) -> list[Any]:
    """The records of the rows, as the ORM's own iteration makes them."""
    db = compiler.using
    select, info = compiler.select, compiler.klass_info
    assert info is not None
    first, last = info["select_fields"][0], info["select_fields"][-1] + 1
    names = [column[0].target.attname for column in select[first:last]]
    related = get_related_populators(info, select, db)
    found = []
    for row in rows:
        record = info["model"].from_db(db, names, row[first:last])
        for populator in related:
            populator.populate(row, record)
        for name, place in compiler.annotation_col_map.items():
            setattr(record, name, row[place])
        found.append(record)
    return found
