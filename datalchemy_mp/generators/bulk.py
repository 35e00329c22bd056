"""The bulk fast path: a block of values made with vectorised numpy operations.

numpy draws and transforms a whole block (4096 values) in C, at a few nanoseconds a value,
where a Python loop costs a few hundred. A generator draws from ``Batch.np`` (a numpy
``Generator`` for the block, seeded from ``Batch.rng``, so bytes stay a function of the seed)
and returns ``column(array)``: a ``list`` of the Python values, which is what every consumer
reads (CHECKs, derived columns, transforms, plugins), that also carries the array, so that the
CSV formatter turns it into text at C speed (output.csv). Any change to the values (a transform,
NULLs) makes a new plain list, and the formatter then uses the list.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

U64 = np.uint64


class Column(list):
    """A block of values as a list, with the array it was made from (``array``)."""

    __slots__ = ("array",)


def column(array: np.ndarray) -> Column:
    """The values of ``array`` as Python objects (datetime64 -> datetime/date, bool_ -> bool)."""
    out = Column(array.tolist())
    out.array = array
    return out


def array_of(values: list) -> np.ndarray | None:
    """The array a block was made from, or None for a plain list."""
    return values.array if type(values) is Column else None


def indexes(idx: Sequence[int]) -> np.ndarray:
    """Row indexes as uint64 (a ``range`` without a Python loop)."""
    if isinstance(idx, range) and idx.step == 1:
        return np.arange(idx.start, idx.stop, dtype=U64)
    return np.asarray(idx, dtype=U64)


def mix64(x: np.ndarray, key: int) -> np.ndarray:
    """splitmix64 of ``x + key`` (uint64, wrapping): a keyed bijection that scrambles every bit."""
    with np.errstate(over="ignore"):
        z = x + U64(key & 0xFFFFFFFFFFFFFFFF)
        z = (z ^ (z >> U64(30))) * U64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> U64(27))) * U64(0x94D049BB133111EB)
        return z ^ (z >> U64(31))


def timestamp_text(array: np.ndarray, zone: str = "") -> list[str]:
    """``YYYY-MM-DD HH:MM:SS`` (Postgres's text form) of a datetime64 array, ``zone`` appended."""
    text = np.datetime_as_string(array.astype("datetime64[s]"), unit="s")
    codes = text.view(np.uint32).reshape(len(text), -1).copy()
    codes[:, 10] = ord(" ")  # the ISO "T"
    out = codes.view(text.dtype).ravel()
    if zone:
        out = np.char.add(out, zone)
    return out.tolist()


def date_text(array: np.ndarray) -> list[str]:
    """``YYYY-MM-DD`` of a datetime64 array."""
    return np.datetime_as_string(array.astype("datetime64[D]"), unit="D").tolist()


def objects(values: Sequence) -> np.ndarray:
    """An object array of ``values`` (Python objects kept as they are), to index by a block of picks."""
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def weighted(weights: Sequence[float]):
    """``pick(g, n)``: n indexes into ``weights``, each drawn with probability weight / total."""
    cum = np.cumsum(np.asarray(weights, dtype=float))
    top = len(cum) - 1

    def pick(g: np.random.Generator, n: int) -> np.ndarray:
        return np.minimum(np.searchsorted(cum, g.random(n) * cum[-1], side="right"), top)

    return pick
