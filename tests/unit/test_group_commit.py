"""Group commit on its own, with an in-memory store for a database: writes that wait at once go
in one batch, each caller gets its own result, and a failed write is an error for its caller."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import pytest

from backcare.records.group_commit import GroupCommit

CALLERS = 6


class Bad(Exception):
    pass


class Store:
    """Keeps what it is given, one list per batch; refuses items starting with "bad" (the whole
    batch, as a transaction would); the first batch waits until ``opened`` is set."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.opened = threading.Event()

    def write(self, items: Sequence[str]) -> list[str]:
        if not self.batches:
            self.opened.wait(10)
        if any(item.startswith("bad") for item in items):
            raise Bad(f"refused {items}")
        self.batches.append(list(items))
        return [f"kept {item}" for item in items]


def run_callers(group: GroupCommit[str, str], store: Store, items: list[str]) -> dict[str, str]:
    """Each item written from its own thread while the first batch is held open, until every
    other caller is waiting; what each caller got back (its result, or its error's class)."""
    got: dict[str, str] = {}

    def call(item: str) -> None:
        try:
            got[item] = group.write(item)
        except Exception as error:  # every outcome is recorded and checked
            got[item] = type(error).__name__

    first = threading.Thread(target=call, args=("first",))
    first.start()
    rest = [threading.Thread(target=call, args=(item,)) for item in items]
    for thread in rest:
        thread.start()
    deadline = time.monotonic() + 10
    while len(group._waiting) < len(items) and time.monotonic() < deadline:
        time.sleep(0.001)
    store.opened.set()
    for thread in [first, *rest]:
        thread.join(10)
    return got


def test_writes_that_wait_together_go_in_one_batch_and_each_caller_gets_its_own_result() -> None:
    store = Store()
    group = GroupCommit(store.write, retry_alone=lambda _: True)
    items = [f"event {n}" for n in range(CALLERS)]

    got = run_callers(group, store, items)

    assert got == {item: f"kept {item}" for item in ["first", *items]}
    assert store.batches[0] == ["first"]
    assert sorted(store.batches[1]) == sorted(items)  # all that waited, in one batch
    assert len(store.batches) == 2


def test_one_bad_write_in_a_batch_fails_only_its_own_caller() -> None:
    store = Store()
    group = GroupCommit(store.write, retry_alone=lambda _: True)
    items = [f"event {n}" for n in range(CALLERS)] + ["bad one"]

    got = run_callers(group, store, items)

    assert got.pop("bad one") == "Bad"
    assert got == {item: f"kept {item}" for item in ["first", *items[:-1]]}
    kept = sorted(item for batch in store.batches for item in batch)
    assert kept == sorted(["first", *items[:-1]])


def test_a_batch_that_fails_as_a_whole_is_an_error_for_every_caller_in_it() -> None:
    store = Store()
    group = GroupCommit(store.write, retry_alone=lambda _: False)  # say, the database busy
    items = [f"event {n}" for n in range(CALLERS)] + ["bad one"]

    got = run_callers(group, store, items)

    assert got == {"first": "kept first", **dict.fromkeys(items, "Bad")}
    assert store.batches == [["first"]]


def test_a_lone_write_is_made_at_once_and_the_next_one_after_it() -> None:
    store = Store()
    store.opened.set()
    group = GroupCommit(store.write, retry_alone=lambda _: True)

    assert group.write("one") == "kept one"
    assert group.write("two") == "kept two"
    with pytest.raises(Bad):
        group.write("bad three")
    assert store.batches == [["one"], ["two"]]
