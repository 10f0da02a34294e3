"""Queries that pages run at every view, compiled to SQL by the ORM once and run again with
new numbers: compiling a query (its joins, columns and conditions) took ten times as long as
running it on SQLite, and was most of a page's own time.

``fetch(build, *numbers)`` is ``list(build(*numbers))``: ``build`` makes the query from whole
numbers (a clinic's or a client's key), after the constant arguments of a ``partial`` (a
model, a page's bounds), and is called once per thread (each thread has its own database
connection) with stand-ins for the numbers, which the compiled SQL's parameters then carry in
their places; each run puts the numbers given in their places. Records come back as the ORM
makes them (each field converted for the database, ``select_related`` records attached) and
rows of a ``values_list`` query as tuples. Nothing else may vary between calls of one
``build``: it reads no clock and no setting and closes over no value around it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
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


def fetch(build: Callable[..., QuerySet[M, Any]], *numbers: int) -> list[Any]:
    """What ``list(build(*numbers))`` gives, without compiling the query again. The numbers
    are keys: one past the database's 64 bits (an address typed by hand) matches nothing."""
    if not all(_SMALLEST <= number < -_SMALLEST for number in numbers):
        return []
    kept: lru.Kept[Hashable, _Compiled] = _local.__dict__.setdefault("compiled", lru.Kept(LIMIT))
    key = _key(build)
    compiled = kept.find(key)
    if compiled is None:
        query = build(*(_STAND_IN - i for i in range(len(numbers))))
        try:
            compiled = _compile(query, len(numbers))
        except EmptyResultSet:  # a condition no row meets, whatever the numbers
            return []
        kept.keep(key, compiled)
    params = list(compiled.params)
    for place, number in compiled.places:
        params[place] = int(numbers[number])
    compiler = compiled.compiler
    with compiler.connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        rows: Any = cursor.fetchall()
    if compiled.converters:
        rows = compiler.apply_converters(rows, compiled.converters)
    return _records(compiler, rows) if compiled.records else list(map(tuple, rows))


def _key(build: Callable[..., Any]) -> tuple[Hashable, ...]:
    """What tells one query from another: the function's code (the same for each copy of a
    function made in a loop) and the constant arguments of a partial (a model)."""
    if isinstance(build, partial):
        return (*_key(build.func), build.args, tuple(sorted(build.keywords.items())))
    if build.__closure__ or build.__defaults__ or build.__kwdefaults__:
        raise ValueError("the query would read values from around it: pass them as numbers")
    return (build.__code__,)


def _compile(query: QuerySet[Any], count: int) -> _Compiled:
    if query.db != DEFAULT_DB_ALIAS or query._iterable_class not in (
        ModelIterable,
        ValuesListIterable,
    ):
        raise ValueError("only records or a values_list's tuples, from the default database")
    compiler = query.query.get_compiler(using=query.db)
    sql, params = compiler.as_sql()
    places = tuple(
        (place, _STAND_IN - value)
        for place, value in enumerate(params)
        if isinstance(value, int) and 0 <= _STAND_IN - value < count
    )
    missing = set(range(count)) - {number for _, number in places}
    if missing:
        raise ValueError(f"the query does not carry numbers {sorted(missing)} as parameters")
    records = query._iterable_class is ModelIterable
    columns = [column[0] for column in compiler.select[: compiler.col_count]]
    if compiler.has_composite_fields(columns):
        raise ValueError("a composite primary key is not read here")
    converters = compiler.get_converters(columns)
    return _Compiled(compiler, sql, tuple(params), places, records, converters)


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
