"""Python source generated once per table from the tree, for the per-row hot path.

Leaves compile to native Python where it agrees with `values.compare`; anything else delegates
to the tree walk, and any error falls back to the tree walk, so both always agree.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from .functions import f_length, f_lower, f_position, f_upper
from .tree import (
    And,
    Cast,
    Cmp,
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
    quantified,
)
from .values import (
    FLIP,
    PYOP_TEXT,
    PYOPS,
    UTC,
    Clock,
    Incomparable,
    TupleEnv,
    UnsupportedCheck,
    compare,
    is_num,
    midnight,
    to_text,
    truth,
)


def _int_valued(node: Node) -> bool:
    return isinstance(node, Func) and node.name in ("length", "octet_length", "position")


_NUMLIKE = frozenset({int, float, Decimal, bool})
_EQ_SAFE = frozenset({int, float, Decimal, bool, str, dt.date, uuid.UUID})
_FALLBACK_ERRORS = (TypeError, AttributeError, ValueError, ArithmeticError, Incomparable)


@dataclass
class _Leaf:
    """A compiled leaf: NULL when any `prefix` expression is None, else the bool `core`."""

    prefix: list[str]
    core: str
    simple: bool  # prefix holds only plain names (cheap to re-test when merging)


@dataclass
class _Tri:
    """A compiled sub-expression giving True/False/None (delegated to the tree walk)."""

    expr: str


def _on_arrays(root: Node, index: Mapping[str, int], block: Callable) -> Callable:
    """``block``, but a comparison of two columns whose blocks both carry datetime arrays of one
    unit (bulk timestamps, ``.array``) is decided with numpy; NULL (NaT) passes, as in SQL."""
    if not (isinstance(root, Cmp) and isinstance(root.left, Col) and isinstance(root.right, Col)):
        return block
    i, j, op = index[root.left.name], index[root.right.name], PYOPS[root.op]  # numpy's operators too

    def array_block(cols: Sequence[Sequence[Any]]) -> list[int]:
        a, b = getattr(cols[i], "array", None), getattr(cols[j], "array", None)
        if a is None or b is None or a.dtype != b.dtype or a.dtype.kind != "M":
            return block(cols)
        holds = op(a, b) | np.isnat(a) | np.isnat(b)
        return np.flatnonzero(~holds).tolist()

    return array_block


class Compiler:
    def __init__(self, root: Node, index: Mapping[str, int], clock: Clock, text: str):
        self.root = root
        self.index = index
        self.clock = clock
        self.text = text
        self.ns: dict[str, Any] = {
            "_h_cmp": compare,
            "_h_len": f_length,
            "_h_pos": f_position,
            "_h_lower": f_lower,
            "_h_upper": f_upper,
            "_h_truth": truth,
            "_h_text": to_text,
            "_date": dt.date,
            "_datetime": dt.datetime,
            "_float": float,
            "_Decimal": Decimal,
            "_str": str,
            "_bool": bool,
            "_UUID": uuid.UUID,
            "_time": dt.time,
            "_NUMLIKE": _NUMLIKE,
            "_EQ_SAFE": _EQ_SAFE,
        }
        self.col_vars: dict[str, str] = {}
        self.counter = 0
        self.delegated = False  # a sub-tree is walked on the whole row tuple

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def bind(self, obj: Any, prefix: str = "k") -> str:
        name = self.fresh(prefix)
        self.ns[name] = obj
        return name

    def column_var(self, name: str) -> str:
        if name not in self.col_vars:
            if name not in self.index:
                raise UnsupportedCheck(f"reference to column {name!r}, absent from the table", self.text)
            self.col_vars[name] = self.fresh("c")
        return self.col_vars[name]

    def delegate(self, node: Node) -> str:
        index, clock = self.index, self.clock

        def tree_value(r: Sequence[Any]) -> Any:
            return node.value(TupleEnv(r, index, clock))

        self.delegated = True
        return f"{self.bind(tree_value, '_d')}(r)"

    def build(self) -> Callable[[Sequence[Any]], bool]:
        for name in columns_of(self.root):  # delegated sub-trees read columns too
            self.column_var(name)
        body = self.passes(self.root)
        loads = "".join(f"    {var} = r[{self.index[name]}]\n" for name, var in self.col_vars.items())
        src = (
            "def _check(r):\n"
            f"{loads}"
            "    try:\n"
            f"        return {body}\n"
            "    except _FALLBACK_ERRORS:\n"
            "        return _slow(r)\n"
        )
        root, index, clock = self.root, self.index, self.clock

        def slow(r: Sequence[Any]) -> bool:
            try:
                return root.passes(TupleEnv(r, index, clock))
            except Incomparable:
                return False

        self.ns["_slow"] = slow
        self.ns["_FALLBACK_ERRORS"] = _FALLBACK_ERRORS
        code = compile(src, f"<CHECK {self.text[:60]}>", "exec")
        exec(code, self.ns)  # noqa: S102 - source generated here from the parsed tree
        fn = self.ns["_check"]
        fn.__doc__ = f"{self.text}\n\n{src}"
        block = self._block_function(body)
        fn.block = _on_arrays(self.root, self.index, block) if block is not None else None
        return fn

    def _block_function(self, body: str) -> Callable[[Sequence[Sequence[Any]]], list[int]] | None:
        """``block(columns)``: the indexes of the rows of a block (one list per column) that fail,
        reading only the CHECK's columns; None when a sub-tree needs the whole row."""
        if self.delegated or not self.col_vars:
            return None
        names = ", ".join(self.col_vars.values())
        columns = [f"cols[{self.index[name]}]" for name in self.col_vars]
        if len(columns) == 1:
            loop = f"{names} in enumerate({columns[0]})"
        else:
            loop = f"({names}) in enumerate(zip({', '.join(columns)}))"
        src = f"def _block(cols):\n    bad = []\n    for k, {loop}:\n"
        src += (
            "        try:\n"
            f"            if not ({body}):\n"
            "                bad.append(k)\n"
            "        except _FALLBACK_ERRORS:\n"
            "            if not _slow(tuple(c[k] for c in cols)):\n"
            "                bad.append(k)\n"
            "    return bad\n"
        )
        exec(compile(src, f"<CHECK block {self.text[:60]}>", "exec"), self.ns)  # noqa: S102
        return self.ns["_block"]

    # -- values: (python expression giving the value or None, is it a plain name?)
    def value(self, node: Node) -> tuple[str, bool]:
        if isinstance(node, Col):
            return self.column_var(node.name), True
        if isinstance(node, (Const, Today, Now)):
            v = node.value(TupleEnv((), {}, self.clock))
            return ("None", True) if v is None else (self.bind(v), True)
        if isinstance(node, Func) and node.name in ("length", "lower", "upper"):
            a, simple = self.value(node.args[0])
            first, a = self.once(a, simple)
            native = {"length": f"len({a})", "lower": f"{a}.lower()", "upper": f"{a}.upper()"}
            helper = {"length": "_h_len", "lower": "_h_lower", "upper": "_h_upper"}
            return (
                f"(None if {first} is None else ({native[node.name]} if {a}.__class__ is _str"
                f" else {helper[node.name]}({a})))"
            ), False
        if isinstance(node, Cast) and node.family == "text":
            a, simple = self.value(node.arg)
            first, a = self.once(a, simple)
            return (f"(None if {first} is None else ({a} if {a}.__class__ is _str else _h_text({a})))"), False
        if (
            isinstance(node, Func)
            and node.name == "position"
            and isinstance(node.args[1], Const)
            and isinstance(node.args[1].val, str)
        ):
            a, simple = self.value(node.args[0])
            first, a = self.once(a, simple)
            needle = self.bind(node.args[1].val)
            return (
                f"(None if {first} is None else ({a}.find({needle}) + 1 if {a}.__class__ is _str"
                f" else _h_pos({a}, {needle})))"
            ), False
        return self.delegate(node), False

    def once(self, expr: str, simple: bool) -> tuple[str, str]:
        """(first use, later uses) of an expression evaluated once."""
        if simple:
            return expr, expr
        t = self.fresh("t")
        return f"({t} := {expr})", t

    # -- leaves
    def leaf(self, node: Node) -> _Leaf | _Tri:
        if isinstance(node, Cmp):
            return self.cmp_leaf(node)
        if isinstance(node, Quant):
            return self.quant_leaf(node)
        if isinstance(node, Match):
            a, simple = self.value(node.arg)
            first, a = self.once(a, simple)
            method = self.bind(node.regex.fullmatch if node.like else node.regex.search, "rx")
            test = "is None" if node.negated else "is not None"
            return _Leaf([first], f"({method}({a}) {test})", simple)
        if isinstance(node, NullTest):
            a, _ = self.value(node.arg)
            return _Leaf([], f"({a} {'is not' if node.negated else 'is'} None)", True)
        if isinstance(node, Truth):
            a, simple = self.value(node.arg)
            first, a = self.once(a, simple)
            return _Leaf([first], f"({a} if {a}.__class__ is _bool else _h_truth({a}))", simple)
        return _Tri(self.delegate(node))

    def cmp_leaf(self, node: Cmp) -> _Leaf:
        left_const = isinstance(node.left, (Const, Today, Now))
        right_const = isinstance(node.right, (Const, Today, Now))
        a, a_simple = self.value(node.left)
        b, b_simple = self.value(node.right)
        prefix: list[str] = []
        a_first, a = self.once(a, a_simple)
        b_first, b = self.once(b, b_simple)
        if not left_const or a == "None":
            prefix.append(a_first)
        if not right_const or b == "None":
            prefix.append(b_first)
        op = node.op
        if right_const and not left_const:
            k = node.right.value(TupleEnv((), {}, self.clock))
            core = self.native_cmp(op, a, k, b, _int_valued(node.left))
        elif left_const and not right_const:
            k = node.left.value(TupleEnv((), {}, self.clock))
            core = self.native_cmp(FLIP[op], b, k, a, _int_valued(node.right))
        elif not left_const and not right_const:
            pyop = PYOP_TEXT[op]
            same = f"{a}.__class__ is {b}.__class__"
            if op in ("=", "<>"):
                same += f" and {a}.__class__ in _EQ_SAFE"
            core = f"({a} {pyop} {b} if {same} else _h_cmp({op!r}, {a}, {b}))"
        else:
            core = f"_h_cmp({op!r}, {a}, {b})"
        return _Leaf(prefix, core, a_simple and b_simple)

    def native_cmp(self, op: str, a: str, k: Any, kname: str, int_valued: bool = False) -> str:
        """`a op k` for a constant k, native where Python agrees with `compare`."""
        if k is None:
            return "False"  # unreachable: the prefix makes the leaf NULL
        pyop = PYOP_TEXT[op]
        helper = f"_h_cmp({op!r}, {a}, {kname})"
        if int_valued and isinstance(k, (int, Decimal)):
            return f"({a} {pyop} {kname})"  # length()/position() always give an int
        if isinstance(k, int):  # bool included
            return f"({a} {pyop} {kname} if {a}.__class__ in _NUMLIKE else {helper})"
        if isinstance(k, Decimal):
            kf = self.bind(float(k))
            return (
                f"(({a} {pyop} {kf} if {a}.__class__ is _float else {a} {pyop} {kname})"
                f" if {a}.__class__ in _NUMLIKE else {helper})"
            )
        if isinstance(k, float):
            return (
                f"((_float({a}) {pyop} {kname} if {a}.__class__ is _Decimal"
                f" else {a} {pyop} {kname}) if {a}.__class__ in _NUMLIKE else {helper})"
            )
        if isinstance(k, str):
            return f"({a} {pyop} {kname} if {a}.__class__ is _str else {helper})"
        if isinstance(k, dt.datetime):
            naive = k if k.tzinfo is None else k.astimezone(UTC).replace(tzinfo=None)
            aware = k if k.tzinfo is not None else k.replace(tzinfo=UTC)
            kn, ka = self.bind(naive), self.bind(aware)
            return (
                f"(({a} {pyop} {kn} if {a}.tzinfo is None else {a} {pyop} {ka})"
                f" if {a}.__class__ is _datetime else {helper})"
            )
        if isinstance(k, dt.date):
            kn, ka = self.bind(midnight(k, False)), self.bind(midnight(k, True))
            return (
                f"({a} {pyop} {kname} if {a}.__class__ is _date else "
                f"(({a} {pyop} {kn} if {a}.tzinfo is None else {a} {pyop} {ka})"
                f" if {a}.__class__ is _datetime else {helper}))"
            )
        if isinstance(k, uuid.UUID):
            return f"({a} {pyop} {kname} if {a}.__class__ is _UUID else {helper})"
        if isinstance(k, dt.time) and op not in ("=", "<>"):
            return f"({a} {pyop} {kname} if {a}.__class__ is _time else {helper})"
        return helper

    def quant_leaf(self, node: Quant) -> _Leaf | _Tri:
        consts = [i.val for i in node.items if isinstance(i, Const)]
        membership = (node.op == "=" and not node.is_all) or (node.op == "<>" and node.is_all)
        if not membership or len(consts) != len(node.items) or any(v is None for v in consts) or not consts:
            return _Tri(self.delegate(node))
        a, simple = self.value(node.left)
        first, a = self.once(a, simple)
        test = "in" if node.op == "=" else "not in"
        helper = self.bind(lambda v, _op=node.op, _all=node.is_all, _items=tuple(consts):
                           quantified(_op, _all, v, _items), "_q")  # fmt: skip
        if all(isinstance(v, str) for v in consts):
            members = self.bind(frozenset(consts))
            core = f"({a} {test} {members} if {a}.__class__ is _str else {helper}({a}))"
        elif all(is_num(v) and isinstance(v, (int, Decimal)) for v in consts):
            exact = self.bind(frozenset(consts))
            if all(isinstance(v, int) for v in consts):
                inner = f"{a} {test} {exact}"
            else:
                floats = self.bind(frozenset(float(v) for v in consts))
                inner = f"({a} {test} {floats} if {a}.__class__ is _float else {a} {test} {exact})"
            core = f"({inner} if {a}.__class__ in _NUMLIKE else {helper}({a}))"
        else:
            core = f"{helper}({a})"
        return _Leaf([first], core, simple)

    # -- predicates: Python expressions that are True iff the SQL value is not FALSE / is TRUE
    def passes(self, node: Node) -> str:
        if isinstance(node, And):
            return self.junction(node.args, "and", want_true=False)
        if isinstance(node, Or):
            return self.junction(node.args, "or", want_true=False)
        if isinstance(node, Not):
            return f"(not {self.holds(node.arg)})"
        return self.render(self.leaf(node), want_true=False)

    def holds(self, node: Node) -> str:
        if isinstance(node, And):
            return self.junction(node.args, "and", want_true=True)
        if isinstance(node, Or):
            return self.junction(node.args, "or", want_true=True)
        if isinstance(node, Not):
            return f"(not {self.passes(node.arg)})"
        return self.render(self.leaf(node), want_true=True)

    def render(self, leaf: _Leaf | _Tri, want_true: bool) -> str:
        if isinstance(leaf, _Tri):
            return f"({leaf.expr} {'is True' if want_true else 'is not False'})"
        return self.guarded(leaf.prefix, leaf.core, want_true)

    @staticmethod
    def guarded(prefix: list[str], core: str, want_true: bool) -> str:
        if not prefix:
            return core
        if want_true:
            return "(" + " and ".join([f"{p} is not None" for p in prefix] + [core]) + ")"
        return "(" + " or ".join([f"{p} is None" for p in prefix] + [core]) + ")"

    def junction(self, args: Sequence[Node], joiner: str, want_true: bool) -> str:
        """AND/OR of children; consecutive leaves sharing plain-name guards test them once."""
        parts: list[str] = []
        group: list[_Leaf] = []

        def flush() -> None:
            if not group:
                return
            if len(group) == 1:
                parts.append(self.guarded(group[0].prefix, group[0].core, want_true))
            else:
                cores = f" {joiner} ".join(leaf.core for leaf in group)
                parts.append(self.guarded(group[0].prefix, f"({cores})", want_true))
            group.clear()

        for arg in args:
            if isinstance(arg, (And, Or, Not)):
                flush()
                parts.append(self.holds(arg) if want_true else self.passes(arg))
                continue
            leaf = self.leaf(arg)
            if isinstance(leaf, _Leaf) and leaf.simple and leaf.prefix:
                if group and group[0].prefix != leaf.prefix:
                    flush()
                group.append(leaf)
                continue
            flush()
            parts.append(self.render(leaf, want_true))
        flush()
        return "(" + f" {joiner} ".join(parts) + ")"
