"""What CHECKs imply about single columns (bounds, choices, patterns, lengths) and orderings.

The engine uses these to generate inside a CHECK by construction; `CheckExpr.evaluate` still
decides every row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from .expr import CheckExpr
from .interval import Interval
from .tree import (
    And,
    Arith,
    Cast,
    Cmp,
    Coalesce,
    Col,
    Const,
    Func,
    Match,
    Node,
    Not,
    Now,
    NullTest,
    Or,
    Quant,
    Today,
    Truth,
    columns_of,
)
from .values import (
    FLIP,
    Clock,
    Incomparable,
    MapEnv,
    UnsupportedCheck,
    arith,
    cast_timestamp,
    compare,
    is_num,
)


@dataclass(frozen=True)
class Ordering:
    """`left op right` between two columns of one row, e.g. data_fim >= data_inicio."""

    left: str
    op: str  # ">=", ">", "<=", "<", "="
    right: str
    nullable_guard: bool  # under "left IS NULL OR ..." (or right IS NULL OR ...)
    offset: Any = None
    """`left op right + offset`: an interval or a number (vencimento >= emissao + '30 days')."""

    def flipped(self) -> Ordering:
        """The same fact read from the other column: `a <= b + k` is `b >= a - k`."""
        offset = None if self.offset is None else arith("*", self.offset, -1)
        return Ordering(self.right, FLIP[self.op], self.left, self.nullable_guard, offset)

    def shifted(self, value: Any) -> Any:
        """`value + offset` with SQL semantics (a date plus an interval is a timestamp)."""
        if self.offset is None or value is None:
            return value
        try:
            return arith("+", value, self.offset)
        except Incomparable:
            return value


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
        if isinstance(node, Cmp) and isinstance(node.right, Coalesce) and not isinstance(node.left, Coalesce):
            node = Cmp(FLIP[node.op], node.right, node.left)
        if isinstance(node, Cmp) and isinstance(node.left, Coalesce) and isinstance(node.right, Col):
            # coalesce(fim, inicio) >= inicio: fim >= inicio whenever fim is not NULL
            args = node.left.args
            if len(args) == 2 and isinstance(args[0], Col) and args[1] == node.right and not guards:
                node, guards = Cmp(node.op, args[0], node.right), {args[0].name}
        if isinstance(node, Cmp) and isinstance(node.left, Arith) and isinstance(node.right, Col):
            node = Cmp(FLIP[node.op], node.right, node.left)
        offset = None
        if isinstance(node, Cmp) and isinstance(node.right, Arith):
            node, offset = _offset(node)
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
        item = Ordering(left, node.op, right, bool(guards), offset)
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


def _offset(node: Cmp) -> tuple[Node, Any]:
    """`a op b + k` (or `b - k`, `k + b`) as (`a op b`, k) for a constant k, else (node, None)."""
    arith_node = node.right
    assert isinstance(arith_node, Arith)
    left, right = arith_node.left, arith_node.right
    if arith_node.op == "+" and isinstance(left, Const) and isinstance(right, Col):
        left, right = right, left
    if arith_node.op not in ("+", "-") or not isinstance(left, Col) or not isinstance(right, Const):
        return node, None
    k = right.val
    if k is None or isinstance(k, (bool, str)) or not (is_num(k) or isinstance(k, Interval)):
        return node, None
    return Cmp(node.op, node.left, left), (k if arith_node.op == "+" else arith("*", k, -1))


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


_TEXT_WRAPPERS = {
    "upper": str.upper,
    "lower": str.lower,
    "btrim": str.strip,
    "ltrim": str.lstrip,
    "rtrim": str.rstrip,
}


def _column_name(node: Node) -> str | None:
    """The column of `col`, or of a text/enum cast of it (`(tipo)::text`)."""
    if isinstance(node, Col):
        return node.name
    if isinstance(node, Cast) and node.family == "text" and isinstance(node.arg, Col):
        return node.arg.name
    return None


def _wrapped_column(node: Node) -> tuple[str, Any] | None:
    """(column, wrapper) for `col` or `upper(col)`, `lower(col)`, `btrim(col)` (one argument),
    any of them around a text cast: a value the wrapper leaves unchanged can be the column's."""
    col = _column_name(node)
    if col is not None:
        return col, None
    if isinstance(node, Func) and node.name in _TEXT_WRAPPERS and len(node.args) == 1:
        inner = _column_name(node.args[0])
        if inner is not None:
            return inner, _TEXT_WRAPPERS[node.name]
    return None


def _fixed_points(values: Sequence[Any], wrapper: Any) -> tuple[Any, ...]:
    """The values `wrapper` leaves unchanged (so that `upper(col) = 'SP'` draws 'SP')."""
    if wrapper is None:
        return tuple(values)
    return tuple(v for v in values if isinstance(v, str) and wrapper(v) == v)


def _constant(node: Node, today: dt.date | None) -> tuple[bool, Any]:
    """(is it a constant, value); CURRENT_DATE and now() alone are the "today" marker, and with
    `today` an expression of constants (`now() - '18 years'::interval`) is computed."""
    if isinstance(node, Const):
        return node.val is not None, node.val
    if isinstance(node, Today):
        return True, Today()
    if isinstance(node, Now):
        return True, Now(node.local)
    if today is None or any(True for _ in columns_of(node)):
        return False, None
    try:
        value = node.value(MapEnv({}, Clock(today)))
    except (Incomparable, UnsupportedCheck):
        return False, None
    return value is not None, value


def _leaf_facts(node: Node, today: dt.date | None = None) -> list[_Fact] | None:
    """Facts about single columns implied by a passing leaf (None: nothing usable)."""
    if isinstance(node, And):
        facts: list[_Fact] = []
        for arg in node.args:
            facts.extend(_leaf_facts(arg, today) or ())
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
    if isinstance(node, Not) and isinstance(node.arg, Cmp) and node.arg.op in _NEGATE:
        # NOT (n < 0) passes where n >= 0 (or n is NULL)
        inner = node.arg
        return _cmp_facts(Cmp(_NEGATE[inner.op], inner.left, inner.right), today)
    if isinstance(node, Quant) and node.op == "=" and not node.is_all:
        wrapped = _wrapped_column(node.left)
        values = [i.val for i in node.items if isinstance(i, Const)]
        if wrapped and len(values) == len(node.items) and None not in values:
            choices = _fixed_points(tuple(dict.fromkeys(values)), wrapped[1])
            return [_Fact(wrapped[0], "choices", choices)] if choices else None
    if isinstance(node, Match) and not node.negated:
        col = _column_name(node.arg)
        if col:
            return [_Fact(col, "pattern", node.gen_pattern)]
    if isinstance(node, Cmp):
        return _cmp_facts(node, today)
    return None


_NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "=": "<>", "<>": "="}
_YEAR_OPS = {">=", ">", "<=", "<", "="}


def _cmp_facts(node: Cmp, today: dt.date | None = None) -> list[_Fact] | None:
    op, left, right = node.op, node.left, node.right
    is_const, k = _constant(right, today)
    if not is_const:
        is_const, k = _constant(left, today)
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
    if isinstance(left, Cast) and left.family in ("int", "numeric", "float") and isinstance(left.arg, Col):
        if op in ("<", "<=", ">", ">=") and is_num(k) and not isinstance(k, bool):
            return [_Fact(left.arg.name, "bound", (op, k))]  # x >= k gives round(x) >= k
        return None
    wrapped = _wrapped_column(left)
    if wrapped is not None and op == "=" and isinstance(k, str):
        choices = _fixed_points((k,), wrapped[1])
        return [_Fact(wrapped[0], "choices", choices)] if choices else None
    if isinstance(left, Coalesce):
        return _coalesce_facts(op, left, k)
    if not isinstance(left, Func):
        return None
    if left.name == "abs" and isinstance(left.args[0], Col):
        return _abs_facts(op, left.args[0].name, k)
    if left.name in ("extract", "date_part") and isinstance(left.args[1], Col):
        return _year_facts(op, left, k)
    if left.name in ("substr", "left", "right") and isinstance(k, str) and k:
        return _affix_facts(left, k, op)
    if not (isinstance(k, int) and not isinstance(k, bool)):
        return None
    col = _column_name(left.args[0])
    if col is None and isinstance(left.args[0], Func) and left.args[0].name in _TEXT_WRAPPERS:
        col = _column_name(left.args[0].args[0])  # length(btrim(col)): close enough to guide
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


def _abs_facts(op: str, col: str, k: Any) -> list[_Fact] | None:
    """abs(x) <= k: -k <= x <= k; abs(x) >= k: x >= k (one side is enough to pass)."""
    if not is_num(k) or isinstance(k, bool):
        return None
    if op in ("<", "<="):
        return [_Fact(col, "bound", (">" if op == "<" else ">=", -k)), _Fact(col, "bound", (op, k))]
    if op in (">", ">="):
        return [_Fact(col, "bound", (op, k))]
    if op == "=":
        return [_Fact(col, "choices", (k, -k) if k else (k,))]
    return None


def _coalesce_facts(op: str, node: Coalesce, k: Any) -> list[_Fact] | None:
    """coalesce(x, d) op k: x op k where x is not NULL; when d itself fails, x must not be NULL."""
    if len(node.args) != 2 or not isinstance(node.args[0], Col) or not isinstance(node.args[1], Const):
        return None
    col, default = node.args[0].name, node.args[1].val
    facts = _cmp_facts(Cmp(op, node.args[0], Const(k)))
    if facts is None:
        return None
    try:
        default_passes = default is not None and compare(op, default, k)
    except Incomparable:
        default_passes = False
    return facts if default_passes else [*facts, _Fact(col, "not_null", True)]


def _year_facts(op: str, node: Func, k: Any) -> list[_Fact] | None:
    """date_part('year', d) op k as bounds on d (other fields are checked row by row)."""
    field_node = node.args[0]
    if not (isinstance(field_node, Const) and str(field_node.val).lower() == "year"):
        return None
    if not is_num(k) or isinstance(k, bool) or k != int(k) or op not in _YEAR_OPS:
        return None
    year = int(k)
    col = node.args[1].name  # type: ignore[attr-defined]
    first, last = {">": (year + 1, None), ">=": (year, None), "<": (None, year - 1),
                   "<=": (None, year), "=": (year, year)}[op]  # fmt: skip
    facts = []
    if first is not None and 1 <= first <= 9999:
        facts.append(_Fact(col, "bound", (">=", dt.date(first, 1, 1))))
    if last is not None and 1 <= last <= 9999:
        facts.append(
            _Fact(
                col, "bound", ("<", dt.date(last + 1, 1, 1)) if last < 9999 else ("<=", dt.date(last, 12, 31))
            )
        )
    return facts


def _affix_facts(node: Func, k: str, op: str) -> list[_Fact] | None:
    """substr(x, 1, n) = 'AB', left(x, n) = 'AB', right(x, n) = 'Z': a pattern with the affix."""
    if op != "=" or not node.args or _column_name(node.args[0]) is None:
        return None
    col = _column_name(node.args[0])
    args = [a.val if isinstance(a, Const) else None for a in node.args[1:]]
    n = len(k)
    rest = "[A-Z0-9]{1,8}"
    if node.name == "substr" and args[:1] == [1] and (len(args) == 1 or args[1] == n):
        pattern = f"^{re.escape(k)}{rest}$" if len(args) == 2 else f"^{re.escape(k)}$"
    elif node.name == "left" and args == [n]:
        pattern = f"^{re.escape(k)}{rest}$"
    elif node.name == "right" and args == [n]:
        pattern = f"^{rest}{re.escape(k)}$"
    else:
        return None
    return [_Fact(col, "pattern", pattern)]  # type: ignore[arg-type]


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


def column_hints(
    checks: Sequence[CheckExpr], kinds: Mapping[str, str], today: dt.date | None = None
) -> dict[str, dict]:
    """Per-column facts every row must satisfy, to generate inside the bounds by construction.

    Only top-level AND conjuncts, the non-NULL branch of `col IS NULL OR <cond on col>`, and one
    satisfiable branch of an OR on a single column count. Keys: min/max, inclusive (ints
    tightened for integer kinds, dates by a day for date columns; otherwise a strict bound adds
    min_exclusive/max_exclusive: True), choices, pattern (Python regex, for `~`, LIKE, SIMILAR
    TO and fixed prefixes/suffixes), min_length/max_length, contains (substrings at a 1-based
    position > 1), not_null. Columns are seen through upper()/lower()/btrim() (choices they
    leave unchanged), casts, abs(), coalesce(col, constant) and date_part('year', col).
    "today" stands for CURRENT_DATE and now() (on a date column `d < now()` gives an inclusive
    max: the date is midnight, now() is noon; on timestamp columns "today" is the reference
    date, midnight for CURRENT_DATE, noon for now()). With `today` given, constant expressions
    such as `now() - '18 years'::interval` are computed (now() is `today` 12:00 UTC, as
    `CheckExpr.evaluate` has it). Where two bounds cannot be compared (a date and "today") the
    first is kept. Hints are a subset: `evaluate` still decides.
    """
    facts: list[_Fact] = []
    for check in checks:
        for conj in _conjuncts(check._root):
            if isinstance(conj, Or):
                facts.extend(_or_facts(conj, kinds, today))
            else:
                facts.extend(_leaf_facts(conj, today) or ())
    hints = _merge(facts, kinds)
    for h in hints.values():
        for side in ("min", "max"):
            if not h.get(f"{side}_exclusive", True):
                del h[f"{side}_exclusive"]
    return {col: h for col, h in hints.items() if h}


def _merge(facts: Sequence[_Fact], kinds: Mapping[str, str]) -> dict[str, dict]:
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
    return hints


def _satisfiable(hints: dict[str, dict]) -> bool:
    """False when some column's bounds or choices leave no value (e.g. x >= 12 AND x <= 1)."""
    for h in hints.values():
        if "choices" in h and not h["choices"]:
            return False
        if "min" in h and "max" in h:
            try:
                if compare("<", h["max"], h["min"]):
                    return False
                if compare("=", h["max"], h["min"]) and (h.get("min_exclusive") or h.get("max_exclusive")):
                    return False
            except Incomparable:
                continue
        if h.get("min_length", 0) > h.get("max_length", h.get("min_length", 0)):
            return False
    return True


def _or_facts(node: Or, kinds: Mapping[str, str], today: dt.date | None = None) -> list[_Fact]:
    """`col IS NULL OR <cond on col>`: cond's facts on col; `x = a OR x = b`: choices; other
    ORs on one column (`x BETWEEN SYMMETRIC 12 AND 1`): the first branch that can hold."""
    guards, rest = _split_null_guards(node)
    if len(guards) > 1 or not rest:
        return []
    if len(rest) == 1:
        facts = _leaf_facts(rest[0], today) or []
        return [f for f in facts if f.column in guards and f.key != "not_null"]
    found = [_leaf_facts(r, today) for r in rest]
    branches = [b for b in found if b]
    if len(branches) != len(found):
        return []  # a branch says nothing usable: any value may pass through it
    columns = {f.column for b in branches for f in b}
    if len(columns) != 1 or (guards and guards != columns):
        return []
    if all(len(b) == 1 and b[0].key == "choices" for b in branches):
        union = tuple(dict.fromkeys(v for b in branches for v in b[0].value))
        return [_Fact(columns.pop(), "choices", union)]
    column = columns.pop()
    possible = [(b, m) for b in branches if _satisfiable(m := _merge(b, kinds))]
    if len(possible) == 1:  # e.g. BETWEEN SYMMETRIC 12 AND 1: the one branch that can hold
        return [f for f in possible[0][0] if f.key != "not_null" or not guards]
    return _hull(column, [m.get(column, {}) for _, m in possible])


def _hull(column: str, branches: list[dict]) -> list[_Fact]:
    """Bounds that every branch shares a side of, widened to all of them (e.g. the range of a
    partitioned table's partitions): values in a gap between branches are checked row by row."""
    facts = []
    for side, op, strict_op, pick in (("min", ">=", ">", "<"), ("max", "<=", "<", ">")):
        if not branches or not all(side in h for h in branches):
            continue
        widest = branches[0]
        try:
            for h in branches[1:]:
                if compare(pick, h[side], widest[side]):
                    widest = h
        except Incomparable:
            continue
        op_used = strict_op if widest.get(f"{side}_exclusive") else op
        facts.append(_Fact(column, "bound", (op_used, widest[side])))
    return facts
