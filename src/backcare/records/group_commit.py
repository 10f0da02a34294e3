"""Group commit: writes that arrive at the same moment from several threads of one process are
made together, in one transaction, so one flush to disk acknowledges many of them.

There is no background thread. The first caller to find no write under way becomes the
*leader*: it takes every write waiting (its own among them), hands them to ``write_batch`` on
its own database connection and, once that returns (committed) or raises, wakes every caller
of the batch with its own result or the batch's error. Callers that arrive meanwhile wait; when
the leader is done, one of them leads the next batch with all that gathered during the last
one. So under load each transaction carries the writes of every thread that was waiting, and a
lone write is made at once, with no delay added to wait for company.

A caller returns only after its write is committed, and a write that fails is an exception
for its caller, never lost in silence. When a batch of several fails with an error that is not
the database being busy (``retry_alone``), each write is tried again alone, so one bad write
fails only its own caller.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class _Waiting(Generic[T, R]):
    __slots__ = ("done", "error", "item", "result", "settled")

    def __init__(self, item: T) -> None:
        self.item = item
        self.done = False  # its batch is over: its caller may go
        self.settled = False  # it has its result or its error
        self.result: R | None = None
        self.error: BaseException | None = None


class GroupCommit(Generic[T, R]):
    """Writes ``T`` through ``write_batch`` (one transaction for the list, returning one ``R``
    for each item, in order), gathering the writes that wait at once into one call.
    ``retry_alone(error)``: whether the writes of a batch that failed so are tried again alone."""

    def __init__(
        self,
        write_batch: Callable[[Sequence[T]], Sequence[R]],
        *,
        retry_alone: Callable[[Exception], bool],
    ) -> None:
        self._write_batch = write_batch
        self._retry_alone = retry_alone
        self._changed = threading.Condition()
        self._waiting: list[_Waiting[T, R]] = []
        self._leading = False

    def write(self, item: T) -> R:
        """Write ``item`` with whatever else is waiting; return once it is committed, or raise
        the error that kept it from being written."""
        mine: _Waiting[T, R] = _Waiting(item)
        with self._changed:
            self._waiting.append(mine)
            while self._leading and not mine.done:
                self._changed.wait()
            if not mine.done:
                self._leading = True
                batch, self._waiting = self._waiting, []
        if not mine.done:
            self._lead(batch)
        if mine.error is not None:
            raise mine.error
        return mine.result  # type: ignore[return-value]

    def _lead(self, batch: list[_Waiting[T, R]]) -> None:
        try:
            self._settle(batch)
        finally:
            with self._changed:
                self._leading = False
                for waiting in batch:
                    if not waiting.settled:  # the leader was interrupted mid-write
                        waiting.error = RuntimeError("the write was interrupted; it may be lost")
                    waiting.done = True
                self._changed.notify_all()

    def _settle(self, batch: list[_Waiting[T, R]]) -> None:
        try:
            results = self._write_batch([waiting.item for waiting in batch])
        except Exception as error:
            if len(batch) == 1 or not self._retry_alone(error):
                for waiting in batch:
                    waiting.error, waiting.settled = error, True
                return
            for waiting in batch:
                self._settle([waiting])
            return
        for waiting, result in zip(batch, results, strict=True):
            waiting.result, waiting.settled = result, True
