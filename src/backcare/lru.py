"""A bounded store of worked-out values shared by a server's threads: at most ``size`` values,
the one used longest ago going first."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Kept(Generic[K, V]):
    def __init__(self, size: int) -> None:
        self._size = size
        self._values: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def find(self, key: K) -> V | None:
        """The value kept for ``key``, if any (it becomes the most recently used)."""
        with self._lock:
            found = self._values.get(key)
            if found is not None:
                self._values.move_to_end(key)
            return found

    def keep(self, key: K, value: V) -> None:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self._size:
                self._values.popitem(last=False)

    def get(self, key: K, make: Callable[[], V]) -> V:
        """The value kept for ``key``, else ``make()``, kept. ``make`` runs outside the lock:
        two threads may make the same value, never a wrong one."""
        found = self.find(key)
        if found is None:
            found = make()
            self.keep(key, found)
        return found

    def cache_clear(self) -> None:
        with self._lock:
            self._values.clear()
