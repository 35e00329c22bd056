"""What CHECKs imply about single columns (bounds, choices, patterns, lengths) and orderings.

The engine uses these to generate inside a CHECK by construction; `CheckExpr.evaluate` still
decides every row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from .expr import CheckExpr
from .tree import And, Cast, Cmp, Col, Const, Func, Match, Node, Not, Now, NullTest, Or, Quant, Today, Truth
from .values import FLIP, Incomparable, cast_timestamp, compare, is_num


@dataclass(frozen=True)
class Ordering:
    """`left op right` between two columns of one row, e.g. data_fim >= data_inicio."""

    left: str
    op: str  # ">=", ">", "<=", "<", "="
    right: str
    nullable_guard: bool  # under "left IS NULL OR ..." (or right IS NULL OR ...)


def _conjuncts(node: Node) -> list[Node]:
    if isinstance(node, And):
        return [c for arg in node.args for c in _conjuncts(arg)]
    return [node]


def _split_null_guards(node: Or) -> tuple[set[str], list[Node]]:
    """The columns of `col IS NULL` disjuncts, and the other disjuncts."""
    guards: set[str] = set()
    rest: list[Node] = []
    for arg in node.args:
        if isinstance(arg, NullTest) and not arg.negated and isinstance(arg.arg, Col):
            guards.add(arg.arg.name)
        else:
            rest.append(arg)
    return guards, rest


def orderings(checks: Sequence[CheckExpr]) -> list[Ordering]:
    """Column-vs-column comparisons that hold for every row (or whenever both are non-NULL)."""
    found: list[Ordering] = []

    def add(node: Node, guards: set[str] | None) -> None:
        if not (
            isinstance(node, Cmp)
            and node.op in (">=", ">", "<=", "<", "=")
            and isinstance(node.left, Col)
            and isinstance(node.right, Col)
        ):
            return
        left, right = node.left.name, node.right.name
        if guards and not guards <= {left, right}:
            return  # only holds when some third column is non-NULL
        item = Ordering(left, node.op, right, bool(guards))
        if item not in found:
            found.append(item)

    for check in checks:
        for conj in _conjuncts(check._root):
            if isinstance(conj, Or):
                guards, rest = _split_null_guards(conj)
                if guards and len(rest) == 1:
                    for inner in _conjuncts(rest[0]):
                        add(inner, guards)
            else:
                add(conj, None)
    return found


# -- column hints

_INT_KINDS = {"smallint", "integer", "bigint", "int", "int2", "int4", "int8", "serial",
              "bigserial", "smallserial"}  # fmt: skip
_NUMERIC_KINDS = {"numeric", "decimal"}
_FLOAT_KINDS = {"real", "double", "double precision", "float", "float4", "float8"}
_TIMESTAMP_KINDS = {"timestamp", "timestamptz"}
_MARKER = "today"


@dataclass(frozen=True)
class _Fact:
    column: str
    key: str  # min | max | choices | pattern | min_length | max_length | contains | not_null
    value: Any
    exclusive: bool = False


def _column_name(node: Node) -> str | None:
    """The column of `col`, or of a text/enum cast of it (`(tipo)::text`)."""
    if isinstance(node, Col):
        return node.name
    if isinstance(node, Cast) and node.family == "text" and isinstance(node.arg, Col):
        return node.arg.name
    return None


def _constant(node: Node) -> tuple[bool, Any]:
    """(is it a constant, value); CURRENT_DATE and now() are the "today" marker."""
    if isinstance(node, Const):
        return node.val is not None, node.val
    if isinstance(node, Today):
        return True, Today()
    if isinstance(node, Now):
        return True, Now(node.local)
    return False, None


def _leaf_facts(node: Node) -> list[_Fact] | None:
    """Facts about single columns implied by a passing leaf (None: nothing usable)."""
    if isinstance(node, And):
        facts: list[_Fact] = []
        for arg in node.args:
            facts.extend(_leaf_facts(arg) or ())
        return facts
    if isinstance(node, NullTest) and node.negated and isinstance(node.arg, Col):
        return [_Fact(node.arg.name, "not_null", True)]
    if isinstance(node, Not) and isinstance(node.arg, NullTest) and not node.arg.negated:
        if isinstance(node.arg.arg, Col):
            return [_Fact(node.arg.arg.name, "not_null", True)]
    if isinstance(node, Truth) and isinstance(node.arg, Col):
        return [_Fact(node.arg.name, "choices", (True,))]
    if isinstance(node, Not) and isinstance(node.arg, Truth) and isinstance(node.arg.arg, Col):
        return [_Fact(node.arg.arg.name, "choices", (False,))]
    if isinstance(node, Quant) and node.op == "=" and not node.is_all:
        col = _column_name(node.left)
        values = [i.val for i in node.items if isinstance(i, Const)]
        if col and len(values) == len(node.items) and None not in values:
            return [_Fact(col, "choices", tuple(dict.fromkeys(values)))]
    if isinstance(node, Match) and not node.negated:
        col = _column_name(node.arg)
        if col:
            return [_Fact(col, "pattern", node.gen_pattern)]
    if isinstance(node, Cmp):
        return _cmp_facts(node)
    return None


def _cmp_facts(node: Cmp) -> list[_Fact] | None:
    op, left, right = node.op, node.left, node.right
    is_const, k = _constant(right)
    if not is_const:
        is_const, k = _constant(left)
        if not is_const:
            return None
        op, left = FLIP[op], right
    col = _column_name(left)
    if col is not None:
        if op == "=":
            return [_Fact(col, "choices", (k,))] if not isinstance(k, Node) else None
        if op == "<>":
            return None
        return [_Fact(col, "bound", (op, k))]
    if isinstance(left, Func) and isinstance(k, int) and not isinstance(k, bool):
        col = _column_name(left.args[0])
        if col is None:
            return None
        if left.name == "length":
            lo = {">=": k, ">": k + 1, "=": k}.get(op)
            hi = {"<=": k, "<": k - 1, "=": k}.get(op)
            facts = []
            if lo is not None:
                facts.append(_Fact(col, "min_length", max(lo, 0)))
            if hi is not None:
                facts.append(_Fact(col, "max_length", hi))
            return facts
        if left.name == "position" and isinstance(left.args[1], Const):
            needle = left.args[1].val
            if (op, k) in ((">", 0), (">", 1), (">=", 1), (">=", 2)) and isinstance(needle, str):
                return [_Fact(col, "contains", needle)]
    return None


def _bound(kind: str | None, op: str, k: Any) -> tuple[str, Any, bool]:
    """("min" | "max", value, exclusive) for `col op k` on a column of `kind`."""
    side = "min" if op in (">", ">=") else "max"
    strict = op in (">", "<")
    if isinstance(k, Today):
        return side, _MARKER, strict
    if isinstance(k, Now):
        if kind == "date":  # a date promotes to midnight, before now() = today 12:00
            return side, _MARKER, side == "min"
        return side, _MARKER, strict
    if kind in _INT_KINDS and is_num(k) and not isinstance(k, bool):
        d = Decimal(repr(k)) if isinstance(k, float) else Decimal(k)
        if side == "min":  # > 2.5 and >= 2.5 both give 3; > 2 gives 3
            v = d.to_integral_value(ROUND_FLOOR) + 1 if strict else d.to_integral_value(ROUND_CEILING)
        else:
            v = d.to_integral_value(ROUND_CEILING) - 1 if strict else d.to_integral_value(ROUND_FLOOR)
        return side, int(v), False
    if kind in _FLOAT_KINDS and is_num(k):
        return side, float(k), strict
    if kind in _NUMERIC_KINDS and is_num(k):
        return side, k, strict
    if kind == "date" and isinstance(k, dt.date):
        if isinstance(k, dt.datetime):
            utc = cast_timestamp(k, aware=False)
            at_midnight, day = utc.time() == dt.time(), utc.date()
            if side == "min":
                return side, day if (at_midnight and not strict) else day + dt.timedelta(1), False
            return side, day - dt.timedelta(1) if (at_midnight and strict) else day, False
        step = dt.timedelta(days=1 if strict else 0)
        return side, (k + step if side == "min" else k - step), False
    if kind in _TIMESTAMP_KINDS and isinstance(k, dt.date):
        return side, cast_timestamp(k, kind == "timestamptz"), strict
    return side, k, strict


def _tighter(side: str, new: Any, old: Any) -> bool | None:
    """Is bound `new` tighter than `old` (None: not comparable, e.g. a marker and a date)?"""
    if new == old:
        return None
    try:
        return compare(">" if side == "min" else "<", new, old)
    except (Incomparable, TypeError):
        return None


def column_hints(checks: Sequence[CheckExpr], kinds: Mapping[str, str]) -> dict[str, dict]:
    """Per-column facts every row must satisfy, to generate inside the bounds by construction.

    Only top-level AND conjuncts and the non-NULL branch of `col IS NULL OR <cond on col>`
    count. Keys: min/max, inclusive (ints tightened for integer kinds, dates by a day for date
    columns; otherwise a strict bound adds min_exclusive/max_exclusive: True), choices, pattern
    (Python regex, for `~` and LIKE), min_length/max_length, contains (substrings at a 1-based
    position > 1), not_null. "today" stands for CURRENT_DATE and now() (on a date column
    `d < now()` gives an inclusive max: the date is midnight, now() is noon; on timestamp
    columns "today" is the reference date, midnight for CURRENT_DATE, noon for now()). Where
    two bounds cannot be compared (a date and "today") the first is kept. Hints are a subset:
    `evaluate` still decides.
    """
    facts: list[_Fact] = []
    for check in checks:
        for conj in _conjuncts(check._root):
            if isinstance(conj, Or):
                facts.extend(_or_facts(conj))
            else:
                facts.extend(_leaf_facts(conj) or ())

    hints: dict[str, dict] = {}
    for fact in facts:
        h = hints.setdefault(fact.column, {})
        key, value = fact.key, fact.value
        if key == "bound":
            op, k = value
            side, v, exclusive = _bound(kinds.get(fact.column), op, k)
            if side not in h:
                h[side] = v
                h[f"{side}_exclusive"] = exclusive
            elif (tighter := _tighter(side, v, h[side])) is True:
                h[side] = v
                h[f"{side}_exclusive"] = exclusive
            elif tighter is None and v == h[side]:
                h[f"{side}_exclusive"] = h[f"{side}_exclusive"] or exclusive
        elif key == "choices":
            h["choices"] = value if "choices" not in h else tuple(v for v in h["choices"] if v in value)
        elif key == "pattern":
            h.setdefault("pattern", value)
        elif key == "min_length":
            h[key] = max(h.get(key, value), value)
        elif key == "max_length":
            h[key] = min(h.get(key, value), value)
        elif key == "contains":
            if value not in h.get("contains", ()):
                h["contains"] = (*h.get("contains", ()), value)
        elif key == "not_null":
            h["not_null"] = True
    for h in hints.values():
        for side in ("min", "max"):
            if not h.get(f"{side}_exclusive", True):
                del h[f"{side}_exclusive"]
    return {col: h for col, h in hints.items() if h}


def _or_facts(node: Or) -> list[_Fact]:
    """`col IS NULL OR <cond on col>`: cond's facts on col; `x = a OR x = b`: choices."""
    guards, rest = _split_null_guards(node)
    if len(guards) > 1 or not rest:
        return []
    if len(rest) == 1:
        facts = _leaf_facts(rest[0]) or []
        return [f for f in facts if f.column in guards and f.key != "not_null"]
    branches = [_leaf_facts(r) for r in rest]
    if not all(b is not None and len(b) == 1 and b[0].key == "choices" for b in branches):
        return []
    columns = {b[0].column for b in branches}  # type: ignore[index]
    if len(columns) != 1 or (guards and guards != columns):
        return []
    union = tuple(dict.fromkeys(v for b in branches for v in b[0].value))  # type: ignore[index]
    return [_Fact(columns.pop(), "choices", union)]
