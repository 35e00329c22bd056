"""Keys of the unique indexes that no UNIQUE constraint expresses: expression keys (`lower(email)`)
and partial indexes (`WHERE active`), checked row by row against the keys already used."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from datalchemy_mp import checks as checkmod
from datalchemy_mp.contracts.pgfacts import UniqueIndex

Warn = Callable[[str, str], None]


class IndexKeys:
    """One key function per checkable unique index; what cannot be checked is warned about."""

    def __init__(self, indexes: Sequence[UniqueIndex], names: Sequence[str], today: dt.date, warn: Warn):
        self.names = list(names)
        self.index = {n: i for i, n in enumerate(names)}
        self.indexes: list[UniqueIndex] = []
        self.columns: list[tuple[int, ...]] = []
        """Positions of the plain-column keys of each index (what a retry should change)."""
        self._keys: list[Callable[[tuple, list[str]], tuple | None]] = []
        for u in indexes:
            try:
                key = self._key_function(u, today)
            except checkmod.UnsupportedCheck as exc:
                warn(
                    f"unique index {u.name} cannot be checked ({exc}); its uniqueness is not enforced",
                    u.name,
                )
                continue
            self.indexes.append(u)
            self._keys.append(key)
            self.columns.append(tuple(self.index[c] for c in self._referenced(u) if c in self.index))

    def __len__(self) -> int:
        return len(self._keys)

    def key(self, k: int, values: tuple, fields: list[str]) -> tuple | None:
        """The key of row (`values`, formatted `fields`) in index `k`; None: the row is not in it."""
        return self._keys[k](values, fields)

    def _referenced(self, u: UniqueIndex) -> list[str]:
        cols = [c for c in u.columns if c]
        for text in u.expressions:
            cols.extend(n for n in self.names if n not in cols and n in text)
        return cols

    def _key_function(self, u: UniqueIndex, today: dt.date) -> Callable[[tuple, list[str]], tuple | None]:
        missing = [c for c in u.columns if c is not None and c not in self.index]
        if missing:
            raise checkmod.UnsupportedCheck(f"column(s) {', '.join(missing)} not generated", u.name)
        parts: list[Callable[[tuple, list[str]], Any]] = []
        for column, text in zip(u.columns, u.expressions, strict=True):
            if column is not None:
                parts.append(_field(self.index[column]))
            else:
                parts.append(_expression(checkmod.value_function(text, today), self.names))
        include = self._predicate(u.predicate, today) if u.predicate else None
        nulls_distinct = not u.nulls_not_distinct

        def key(values: tuple, fields: list[str]) -> tuple | None:
            if include is not None and not include(values):
                return None
            try:
                out = tuple(p(values, fields) for p in parts)
            except (checkmod.UnsupportedCheck, ArithmeticError, TypeError, ValueError):
                return ("unevaluable", values)  # compared whole: only an identical row clashes
            if nulls_distinct and None in out:  # NULLs never collide (unless NULLS NOT DISTINCT)
                return None
            return out

        return key

    def _predicate(self, predicate: str, today: dt.date) -> Callable[[tuple], bool]:
        """Whether a row is in a partial index: its WHERE is TRUE (not FALSE, not NULL)."""
        outside = checkmod.parse_check(f"({predicate}) IS NOT TRUE")
        unknown = [c for c in outside.columns if c not in self.index]
        if unknown:
            raise checkmod.UnsupportedCheck(f"WHERE reads {', '.join(unknown)}", predicate)
        passes = outside.compile(self.index, today)
        return lambda values: not passes(values)


def _field(j: int) -> Callable[[tuple, list[str]], Any]:
    """A key part that is a written column: its CSV field (NULL as None)."""
    return lambda values, fields: fields[j] if fields[j] != "" else None


def _expression(fn: Callable[[dict], Any], names: list[str]) -> Callable[[tuple, list[str]], Any]:
    """A key part that is an expression over the row's raw values."""
    return lambda values, fields: fn(dict(zip(names, values, strict=True)))
