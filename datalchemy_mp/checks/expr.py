"""CheckExpr and parse_check: the parsed CHECK, evaluated by tree walk or compiled."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .compile import Compiler
from .parse import parse_root
from .tree import Node, columns_of
from .values import Clock, Incomparable, MapEnv, UnsupportedCheck


@dataclass(frozen=True)
class CheckExpr:
    """A parsed CHECK expression. It passes unless it is FALSE (NULL passes)."""

    text: str
    columns: frozenset[str]
    _root: Node = field(repr=False, compare=False)

    def evaluate(self, row: Mapping[str, Any], today: dt.date) -> bool:
        """Whether `row` (column name -> value) satisfies the CHECK; CURRENT_DATE is `today`."""
        try:
            return self._root.passes(MapEnv(row, _clock(today)))
        except Incomparable:
            return False

    def compile(self, index: Mapping[str, int], today: dt.date) -> Callable[[Sequence[Any]], bool]:
        """The same decision on a row tuple (`index`: column name -> position), compiled once."""
        return Compiler(self._root, index, _clock(today), self.text).build()


@lru_cache(maxsize=64)
def _clock(today: dt.date) -> Clock:
    return Clock(today)


def parse_check(expression: str) -> CheckExpr:
    """Parse a CHECK as Postgres prints it (`CHECK (...)`, or the bare expression)."""
    root = parse_root(expression)
    return CheckExpr(expression, frozenset(columns_of(root)), root)


def value_function(expression: str, today: dt.date) -> Callable[[Mapping[str, Any]], Any]:
    """The SQL value of an expression (an index key such as `lower(email)`) for a row given as
    column name -> value; UnsupportedCheck when the expression is outside the supported subset."""
    from .tree import NullTest

    root = parse_root(f"({expression}) IS NULL")
    if not isinstance(root, NullTest):  # pragma: no cover - the parser keeps `x IS NULL` as is
        raise UnsupportedCheck("an expression the parser reshaped", expression)
    arg, clock = root.arg, _clock(today)

    def value(row: Mapping[str, Any]) -> Any:
        return arg.value(MapEnv(row, clock))

    return value
