"""The data revisions: counters the database moves on every change to the watched tables.

A trigger (migration 0008) moves the counter of `contact`, `assignment`, `task` or
`directive` whenever a row of that table is written, by whoever writes it: the bot, a
command, another instance. What is remembered between units of work (who is behind a
chat, an assignment, what was planned) is kept only while the counters it was read with
stand still.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from sqlmodel import col, select

from db.engine import Work
from db.models import DataRevision

_ALL = select(DataRevision.name, DataRevision.revision).order_by(col(DataRevision.name))

Revisions = dict[str, int]
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def data_revisions(*, session: Work) -> Revisions:
    """Every watched table's counter, by name, as the database has it now."""
    return {name: revision for name, revision in session.connection().execute(_ALL)}


def revisions_of(session: Work) -> Revisions:
    """The counters, read once per unit of work (its later writes are seen by the next one)."""
    found: Revisions | None = session.info.get("revisions")
    if found is None:
        found = session.info["revisions"] = data_revisions(session=session)
    return found


class Remembered(Generic[K, V]):
    """Values read from the database by key, kept while their tables' counters stand.

    When any counter of `tables` moved, everything is forgotten; beyond `size` keys the
    least recently used go.
    """

    def __init__(self, tables: tuple[str, ...], size: int = 10_000) -> None:
        self.tables, self.size = tables, size
        self._stamp: tuple[int, ...] | None = None
        self._values: OrderedDict[K, V] = OrderedDict()

    def __len__(self) -> int:
        return len(self._values)

    def get(self, session: Work, key: K, load: Callable[[], V]) -> V:
        """The value of `key`, read by `load` unless it is remembered and still true."""
        revisions = revisions_of(session)
        stamp = tuple(revisions.get(table, -1) for table in self.tables)
        if stamp != self._stamp:
            self._values.clear()
            self._stamp = stamp
        if key in self._values:
            self._values.move_to_end(key)
            return self._values[key]
        value = self._values[key] = load()
        if len(self._values) > self.size:
            self._values.popitem(last=False)
        return value
