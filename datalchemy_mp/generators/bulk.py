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
    array: np.ndarray | None

    def _changed(self) -> None:
        self.array = None  # the list was changed in place: the array no longer matches

    def __setitem__(self, key, value) -> None:  # type: ignore[no-untyped-def]
        self._changed()
        super().__setitem__(key, value)

    def __delitem__(self, key) -> None:  # type: ignore[no-untyped-def]
        self._changed()
        super().__delitem__(key)

    def __iadd__(self, other):  # type: ignore[no-untyped-def, misc]
        self._changed()
        return super().__iadd__(other)

    def append(self, value) -> None:  # type: ignore[no-untyped-def]
        self._changed()
        super().append(value)

    def extend(self, values) -> None:  # type: ignore[no-untyped-def]
        self._changed()
        super().extend(values)

    def insert(self, index, value) -> None:  # type: ignore[no-untyped-def]
        self._changed()
        super().insert(index, value)

    def pop(self, index=-1):  # type: ignore[no-untyped-def]
        self._changed()
        return super().pop(index)

    def remove(self, value) -> None:  # type: ignore[no-untyped-def]
        self._changed()
        super().remove(value)

    def sort(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self._changed()
        super().sort(*args, **kwargs)

    def reverse(self) -> None:
        self._changed()
        super().reverse()


def column(array: np.ndarray) -> Column:
    """The values of ``array`` as Python objects (datetime64 -> datetime/date, bool_ -> bool)."""
    out = Column(array.tolist())
    out.array = array
    return out


def set_array(values: Column, array: np.ndarray, changed: Sequence[int]) -> None:
    """Give ``values`` (changed in place at ``changed``) its array back, those elements set
    from the list; it stays without one if a new value does not fit the array's type exactly."""
    new = [values[k] for k in changed]
    try:
        items = np.array(new, dtype=array.dtype)
    except (TypeError, ValueError):
        return
    back = items.tolist()
    if back != new or any(type(a) is not type(b) for a, b in zip(back, new, strict=True)):
        return
    array = array.copy()
    array[list(changed)] = items
    values.array = array


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
    seconds = array.astype("datetime64[s]")
    if not _four_digit_years(seconds):
        text = np.datetime_as_string(seconds, unit="s").tolist()
        return [t.replace("T", " ") + zone for t in text]
    return _civil_text(seconds.astype(np.int64), 19, zone)


def date_text(array: np.ndarray) -> list[str]:
    """``YYYY-MM-DD`` of a datetime64 array."""
    days = array.astype("datetime64[D]")
    if not _four_digit_years(days):
        return np.datetime_as_string(days, unit="D").tolist()
    return _civil_text(days.astype(np.int64) * 86400, 10)


def _four_digit_years(array: np.ndarray) -> bool:
    return not len(array) or bool(
        array.min() >= np.datetime64("0001-01-01") and array.max() < np.datetime64("10000-01-01")
    )


def digit_codes(values: np.ndarray, width: int) -> np.ndarray:
    """ASCII digit codes (uint8, shape (n, width)) of non-negative integers, zero-padded."""
    out = np.empty((len(values), width), dtype=np.uint8)
    v = values.astype(np.int64)
    for k in range(width - 1, -1, -1):
        out[:, k] = 48 + v % 10
        v = v // 10
    return out


_PAIRS = digit_codes(np.arange(100), 2).view(np.uint16).ravel()  # two ASCII digits as one item
_YEARS = digit_codes(np.arange(10000), 4).view(np.uint32).ravel()


def _digits(table: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The ASCII digits of ``values`` (shape (n, digits)) by a one-dimensional table lookup."""
    return table[values].view(np.uint8).reshape(len(values), -1)


def _civil_text(seconds: np.ndarray, width: int, suffix: str = "") -> list[str]:
    """The first ``width`` characters of ``YYYY-MM-DD HH:MM:SS`` for seconds since 1970
    (years 1-9999), ``suffix`` appended: the days-to-civil-date algorithm of H. Hinnant on
    whole arrays, digits by table lookup."""
    days, sod = np.divmod(seconds, 86400)
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    month = np.where(mp < 10, mp + 3, mp - 9)
    template = np.frombuffer(b"0000-00-00 00:00:00"[:width] + suffix.encode() + b"\n", dtype=np.uint8)
    out = np.empty((len(seconds), len(template)), dtype=np.uint8)
    out[:] = template
    out[:, 0:4] = _digits(_YEARS, yoe + era * 400 + (month <= 2))
    out[:, 5:7] = _digits(_PAIRS, month)
    out[:, 8:10] = _digits(_PAIRS, doy - (153 * mp + 2) // 5 + 1)
    if width > 10:
        out[:, 11:13] = _digits(_PAIRS, sod // 3600)
        out[:, 14:16] = _digits(_PAIRS, sod // 60 % 60)
        out[:, 17:19] = _digits(_PAIRS, sod % 60)
    return lines(out)


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


def texts(*parts: np.ndarray) -> list[str]:
    """One ASCII string per row of the uint8 code arrays ``parts`` put side by side (codes of
    printable characters: no newline)."""
    n = len(parts[0])
    rows = np.empty((n, sum(p.shape[1] for p in parts) + 1), dtype=np.uint8)
    at = 0
    for p in parts:
        rows[:, at : at + p.shape[1]] = p
        at += p.shape[1]
    rows[:, at] = _NEWLINE
    return lines(rows)


_NEWLINE = ord("\n")


def lines(rows: np.ndarray) -> list[str]:
    """One string per row of a uint8 code array whose last column is a newline: decoded at
    once and split, twice as fast as decoding row by row."""
    if not len(rows):
        return []
    out = rows.tobytes().decode("ascii").split("\n")
    out.pop()
    return out
