"""Compact storage of the engine's result records, read through lazy, immutable sequences.

Rule implemented: none; this is the memory layout of ``results``. A run of a million events yields
millions of records; as tuples each is a garbage-collected object that every full collection of
the caller's process traverses (seconds at that size, and ~100 bytes each). The engine instead
appends each record's fields to one flat list (``width`` fields per record), which the collector
sees as a single object, and ``Records`` rebuilds the ``NamedTuple`` records on access: iteration,
indexing, slicing, ``len``, ``==`` and ``+`` behave as on the tuple the engine used to return.
Records built on access are equal to, but not the same object as, those of an earlier access.

A disposal's lot pieces live in a second flat list (``USE_WIDTH`` fields per ``LotUse``); the
disposal stores the span of its pieces there, in the two slots where its ``lots`` field goes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any, TypeVar, overload

from portfolio.accounting.results import DisposalRecord, LotUse

R = TypeVar("R")
#: Fields per record in the flat lists: ``DisposalRecord`` (its ``lots`` as a start/end span).
DISPOSAL_WIDTH = 19
USE_WIDTH = 8
RECORD_WIDTH = 10  # IncomeRecord and FeeRecord

_new_use = partial(tuple.__new__, LotUse)
_new_disposal = partial(tuple.__new__, DisposalRecord)


class Records(Sequence[R]):
    """A read-only sequence of records over a flat list of their fields."""

    __slots__ = ("_flat", "_width", "_build")

    def __init__(self, flat: list[Any], width: int, build: Callable[[tuple[Any, ...]], R]):
        self._flat, self._width, self._build = flat, width, build

    def __len__(self) -> int:
        return len(self._flat) // self._width

    def __iter__(self) -> Iterator[R]:
        return map(self._build, zip(*[iter(self._flat)] * self._width, strict=True))

    @overload
    def __getitem__(self, index: int) -> R: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[R, ...]: ...

    def __getitem__(self, index: int | slice) -> R | tuple[R, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        count = len(self)
        if index < 0:
            index += count
        if not 0 <= index < count:
            raise IndexError("record index out of range")
        start = index * self._width
        return self._build(tuple(self._flat[start : start + self._width]))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (tuple, Records)):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __add__(self, other: object) -> tuple[Any, ...]:
        if isinstance(other, (tuple, Records)):
            return tuple(self) + tuple(other)
        return NotImplemented

    def __radd__(self, other: object) -> tuple[Any, ...]:
        if isinstance(other, (tuple, Records)):
            return tuple(other) + tuple(self)
        return NotImplemented

    def __repr__(self) -> str:
        return repr(tuple(self))


def plain_records(flat: list[Any], width: int, record: type[R]) -> Records[R]:
    """Records whose fields are stored as they are (``IncomeRecord``, ``FeeRecord``)."""
    return Records(flat, width, partial(tuple.__new__, record))  # type: ignore[type-var]


def disposal_records(flat: list[Any], uses: list[Any]) -> Records[DisposalRecord]:
    """Disposals over their flat fields, each with its ``LotUse`` pieces from ``uses``."""
    return Records(flat, DISPOSAL_WIDTH, _DisposalBuilder(uses))


class _DisposalBuilder:
    """Fields -> ``DisposalRecord``, its span in ``uses`` -> ``lots`` (a class: picklable)."""

    __slots__ = ("uses",)

    def __init__(self, uses: list[Any]) -> None:
        self.uses = uses

    def __call__(self, fields: tuple[Any, ...]) -> DisposalRecord:
        span = self.uses[fields[11] : fields[12]]
        lots = tuple(map(_new_use, zip(*[iter(span)] * USE_WIDTH, strict=True))) if span else ()
        return _new_disposal(fields[:11] + (lots,) + fields[13:])  # type: ignore[no-any-return]
