"""pglast AST -> expression tree; anything outside the supported subset is UnsupportedCheck."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import pglast
from pglast import ast, enums
from pglast.parser import ParseError

from .functions import CANONICAL, EXTRACT_NAMES, FUNCTIONS, NOW_FUNCTIONS
from .regex import like_to_regex, similar_to_regex, translate_regex
from .tree import (
    PREDICATES,
    And,
    Arith,
    BoolTest,
    Cast,
    Cmp,
    Coalesce,
    Col,
    Const,
    Distinct,
    Func,
    Match,
    MinMax,
    Neg,
    Node,
    Not,
    Now,
    NullIf,
    NullTest,
    NumNulls,
    Or,
    Quant,
    Today,
    Truth,
)
from .values import (
    CASTS,
    PYOPS,
    TYPE_FAMILIES,
    UNSUPPORTED_TYPES,
    Incomparable,
    UnsupportedCheck,
    canonical_number,
    is_num,
)


def _is(node: Any, cls: type) -> bool:
    """isinstance without narrowing: pglast types every attribute Optional, so the parser reads
    its tree as Any (the parser guarantees the attributes each node kind has)."""
    return isinstance(node, cls)


class _Parser:
    """pglast AST -> expression tree; `val` dispatches on the node class."""

    def __init__(self, text: str):
        self.text = text

    def unsupported(self, construct: str) -> UnsupportedCheck:
        return UnsupportedCheck(construct, self.text)

    # -- predicates
    def pred(self, n: Any) -> Node:
        if _is(n, ast.BoolExpr):
            args = tuple(self.pred(a) for a in n.args)
            if n.boolop == enums.BoolExprType.AND_EXPR:
                return And(_flatten(And, args))
            if n.boolop == enums.BoolExprType.OR_EXPR:
                return Or(_flatten(Or, args))
            return Not(args[0])
        node = self.val(n)
        return node if isinstance(node, PREDICATES) else Truth(node)

    def a_expr(self, n: Any) -> Node:
        kind = n.kind
        K = enums.A_Expr_Kind
        op = n.name[-1].sval if n.name else ""
        if kind == K.AEXPR_OP:
            return self.operator(op, n.lexpr, n.rexpr)
        if kind in (K.AEXPR_OP_ANY, K.AEXPR_OP_ALL):
            if op not in PYOPS:
                raise self.unsupported(f"operator {op} with ANY/ALL")
            items = self.array_items(n.rexpr)
            return Quant(op, self.val(n.lexpr), items, kind == K.AEXPR_OP_ALL)
        if kind == K.AEXPR_IN:
            items = tuple(self.val(x) for x in n.rexpr)
            if op == "=":
                return Quant("=", self.val(n.lexpr), items, False)
            return Quant("<>", self.val(n.lexpr), items, True)  # NOT IN
        if kind in (K.AEXPR_DISTINCT, K.AEXPR_NOT_DISTINCT):
            return Distinct(self.val(n.lexpr), self.val(n.rexpr), kind == K.AEXPR_NOT_DISTINCT)
        if kind == K.AEXPR_NULLIF:
            return NullIf(self.val(n.lexpr), self.val(n.rexpr))
        if kind in (K.AEXPR_LIKE, K.AEXPR_ILIKE):
            return self.like(op, n.lexpr, n.rexpr)
        if kind in (K.AEXPR_BETWEEN, K.AEXPR_NOT_BETWEEN, K.AEXPR_BETWEEN_SYM,
                    K.AEXPR_NOT_BETWEEN_SYM):  # fmt: skip
            x = self.val(n.lexpr)
            lo, hi = (self.val(v) for v in n.rexpr)
            inside = And((Cmp(">=", x, lo), Cmp("<=", x, hi)))
            outside = Or((Cmp("<", x, lo), Cmp(">", x, hi)))
            if kind == K.AEXPR_BETWEEN:
                return inside
            if kind == K.AEXPR_NOT_BETWEEN:
                return outside
            if kind == K.AEXPR_BETWEEN_SYM:
                return Or((inside, And((Cmp(">=", x, hi), Cmp("<=", x, lo)))))
            return And((outside, Or((Cmp("<", x, hi), Cmp(">", x, lo)))))
        if kind == K.AEXPR_SIMILAR:
            return self.similar(op, n.lexpr, n.rexpr)
        raise self.unsupported(f"expression kind {kind.name}")

    def operator(self, op: str, lexpr: Any, rexpr: Any) -> Node:
        if lexpr is None:  # prefix operator
            if op == "-":
                arg = self.val(rexpr)
                if isinstance(arg, Const) and is_num(arg.val) and not isinstance(arg.val, bool):
                    return Const(-arg.val)
                return Neg(arg)
            if op == "+":
                return self.val(rexpr)
            raise self.unsupported(f"prefix operator {op}")
        if op in PYOPS:
            return Cmp(op, self.val(lexpr), self.val(rexpr))
        if op in ("~", "!~") and _is(rexpr, ast.FuncCall) and _func_name(rexpr) == "similar_to_escape":
            return self.similar(op, lexpr, rexpr)
        if op in ("~", "~*", "!~", "!~*"):
            source = self.constant_text(rexpr, "regular expression")
            try:
                regex = re.compile(
                    translate_regex(source, for_generation=False),
                    re.DOTALL | (re.IGNORECASE if "*" in op else 0),
                )
                gen = translate_regex(source, for_generation=True)
            except (re.error, ValueError) as exc:
                raise self.unsupported(f"regular expression {source!r} ({exc})") from None
            return Match(self.val(lexpr), regex, op.startswith("!"), False, source, gen)
        if op in ("~~", "~~*", "!~~", "!~~*"):
            return self.like(op, lexpr, rexpr)
        if op in ("+", "-", "*", "/", "%", "||"):
            return Arith(op, self.val(lexpr), self.val(rexpr))
        raise self.unsupported(f"operator {op}")

    def like(self, op: str, lexpr: Any, rexpr: Any) -> Node:
        escape: str | None = "\\"
        if _is(rexpr, ast.FuncCall) and _func_name(rexpr) == "like_escape":
            if len(rexpr.args or ()) != 2:
                raise self.unsupported("LIKE ... ESCAPE form")
            escape = self.constant_text(rexpr.args[1], "LIKE escape") or None
            rexpr = rexpr.args[0]
        source = self.constant_text(rexpr, "LIKE pattern")
        try:
            regex = re.compile(
                like_to_regex(source, escape, for_generation=False),
                re.DOTALL | (re.IGNORECASE if "*" in op else 0),
            )
            gen = like_to_regex(source, escape, for_generation=True)
        except (re.error, ValueError) as exc:
            raise self.unsupported(f"LIKE pattern {source!r} ({exc})") from None
        return Match(self.val(lexpr), regex, op.startswith("!"), True, source, gen)

    def similar(self, op: str, lexpr: Any, rexpr: Any) -> Node:
        """`x SIMILAR TO p`, which Postgres stores as `x ~ similar_to_escape(p)`."""
        args = rexpr.args or () if _is(rexpr, ast.FuncCall) else ()
        if not args or len(args) > 2:
            raise self.unsupported("SIMILAR TO form")
        source = self.constant_text(args[0], "SIMILAR TO pattern")
        escape = self.constant_text(args[1], "SIMILAR TO escape") if len(args) == 2 else "\\"
        try:
            are = similar_to_regex(source, escape or None, for_generation=False)
            regex = re.compile(translate_regex(are, for_generation=False), re.DOTALL)
            gen = translate_regex(similar_to_regex(source, escape or None, for_generation=True), True)
        except (re.error, ValueError) as exc:
            raise self.unsupported(f"SIMILAR TO pattern {source!r} ({exc})") from None
        return Match(self.val(lexpr), regex, op.startswith("!"), False, source, gen)

    def constant_text(self, n: Any, what: str) -> str:
        node = self.val(n)
        if isinstance(node, Const) and isinstance(node.val, str):
            return node.val
        raise self.unsupported(f"{what} that is not a constant string")

    def array_items(self, n: Any) -> tuple[Node, ...]:
        """The elements of ARRAY[...], ARRAY[...]::t[] or '{a,b}'::t[] (for ANY/ALL)."""
        family = None
        if _is(n, ast.TypeCast):
            if not n.typeName.arrayBounds:
                raise self.unsupported("ANY/ALL over a non-array cast")
            family = self.type_family(n.typeName)
            n = n.arg
        if _is(n, ast.A_ArrayExpr):
            items = tuple(self.val(e) for e in (n.elements or ()))
        elif _is(n, ast.A_Const) and _is(n.val, ast.String):
            try:
                items = tuple(Const(v) for v in _parse_array_literal(n.val.sval))
            except ValueError as exc:
                raise self.unsupported(f"array literal ({exc})") from None
        else:
            raise self.unsupported(f"ANY/ALL over {type(n).__name__}")
        if family is not None:
            items = tuple(self.cast(item, family) for item in items)
        return items

    # -- values
    def val(self, n: Any) -> Node:
        method = _VALUE_NODES.get(type(n))
        if method is None:
            name = type(n).__name__
            raise self.unsupported(_NODE_NAMES.get(name, f"construct {name}"))
        return method(self, n)

    def column_ref(self, n: Any) -> Node:
        last = n.fields[-1]
        if not _is(last, ast.String):
            raise self.unsupported("column wildcard (*)")
        return Col(last.sval)

    def a_const(self, n: Any) -> Node:
        return Const(self.constant(n))

    def type_cast(self, n: Any) -> Node:
        if n.typeName.arrayBounds:
            raise self.unsupported("array value outside ANY/ALL")
        return self.cast(self.val(n.arg), self.type_family(n.typeName))

    def null_test(self, n: Any) -> Node:
        return NullTest(self.val(n.arg), n.nulltesttype == enums.NullTestType.IS_NOT_NULL)

    def boolean_test(self, n: Any) -> Node:
        return BoolTest(self.pred(n.arg), n.booltesttype.name)

    def sql_value_function(self, n: Any) -> Node:
        Op = enums.SQLValueFunctionOp
        if n.op == Op.SVFOP_CURRENT_DATE:
            return Today()
        if n.op in (Op.SVFOP_CURRENT_TIMESTAMP, Op.SVFOP_CURRENT_TIMESTAMP_N):
            return Now(local=False)
        if n.op in (Op.SVFOP_LOCALTIMESTAMP, Op.SVFOP_LOCALTIMESTAMP_N):
            return Now(local=True)
        raise self.unsupported(n.op.name.removeprefix("SVFOP_").removesuffix("_N"))

    def coalesce(self, n: Any) -> Node:
        return Coalesce(tuple(self.val(a) for a in n.args))

    def min_max(self, n: Any) -> Node:
        return MinMax(n.op == enums.MinMaxOp.IS_GREATEST, tuple(self.val(a) for a in n.args))

    def constant(self, n: Any) -> Any:
        if n.isnull:
            return None
        v = n.val
        if _is(v, ast.Integer):
            return v.ival
        if _is(v, ast.Float):
            return canonical_number(Decimal(v.fval))
        if _is(v, ast.String):
            return v.sval
        if _is(v, ast.Boolean):
            return bool(v.boolval)
        raise self.unsupported(f"constant {type(v).__name__}")

    def type_family(self, tn: Any) -> str:
        names = [s.sval for s in tn.names]
        name = names[-1].lower()
        builtin = len(names) == 1 or names[0] == "pg_catalog"
        if builtin and name in UNSUPPORTED_TYPES:
            raise self.unsupported(f"type {name}")
        if builtin and name in TYPE_FAMILIES:
            return TYPE_FAMILIES[name]
        return "opaque"  # enum or other user type: labels compare as text

    def cast(self, node: Node, family: str) -> Node:
        if isinstance(node, Const):
            if node.val is None:
                return node
            try:
                v = CASTS[family](node.val)
            except Incomparable:
                raise self.unsupported(f"constant {node.val!r} for type {family}") from None
            return Const(canonical_number(v) if isinstance(v, Decimal) else v)
        if family == "opaque":
            return node  # an enum label is text already
        if isinstance(node, Cast) and node.family == family:
            return node
        return Cast(node, family)

    def function(self, n: Any) -> Node:
        name = _func_name(n)
        if n.agg_star or n.agg_distinct or n.over or n.agg_order or n.agg_filter:
            raise self.unsupported(f"aggregate or window call {name}()")
        if n.func_variadic:
            raise self.unsupported(f"VARIADIC call {name}()")
        args = tuple(self.val(a) for a in (n.args or ()))
        if name in NOW_FUNCTIONS and not args:
            return Now(local=False)
        if name == "age" and len(args) == 1:  # age(x) = age(CURRENT_DATE, x)
            args = (Today(), *args)
        if name in ("num_nulls", "num_nonnulls") and args:
            return NumNulls(args, name == "num_nulls")
        if name in ("extract", "date_part") and len(args) == 2:
            fld = args[0]
            known = isinstance(fld, Const) and str(fld.val).lower() in EXTRACT_NAMES
            if not known:
                shown = fld.val if isinstance(fld, Const) else "expression"
                raise self.unsupported(f"{name}() field {shown!r}")
        if name in FUNCTIONS:
            impl, arities = FUNCTIONS[name]
            if len(args) not in arities:
                raise self.unsupported(f"function {name}() with {len(args)} arguments")
            return Func(CANONICAL.get(name, name), args, impl)
        raise self.unsupported(f"function {name}()")


_VALUE_NODES: dict[type, Callable[[_Parser, Any], Node]] = {
    ast.ColumnRef: _Parser.column_ref,
    ast.A_Const: _Parser.a_const,
    ast.TypeCast: _Parser.type_cast,
    ast.A_Expr: _Parser.a_expr,
    ast.BoolExpr: _Parser.pred,
    ast.NullTest: _Parser.null_test,
    ast.BooleanTest: _Parser.boolean_test,
    ast.FuncCall: _Parser.function,
    ast.SQLValueFunction: _Parser.sql_value_function,
    ast.CoalesceExpr: _Parser.coalesce,
    ast.MinMaxExpr: _Parser.min_max,
}
_NODE_NAMES = {
    "SubLink": "subquery",
    "CaseExpr": "CASE expression",
    "A_ArrayExpr": "array value outside ANY/ALL",
    "ParamRef": "parameter reference",
    "CollateClause": "COLLATE clause",
    "RowExpr": "row constructor",
    "A_Indirection": "subscript or field selection",
}


def _func_name(n: Any) -> str:
    names = [s.sval for s in n.funcname]
    if len(names) == 2 and names[0] == "pg_catalog":
        names = names[1:]
    return ".".join(names).lower()


def _flatten(cls: type, args: Iterable[Node]) -> tuple[Node, ...]:
    out: list[Node] = []
    for a in args:
        if isinstance(a, cls):
            out.extend(a.args)  # type: ignore[attr-defined]
        else:
            out.append(a)
    return tuple(out)


def _parse_array_literal(text: str) -> list[str | None]:
    """Elements of a one-dimensional array literal such as '{a,"b c",NULL}'."""
    s = text.strip()
    if len(s) < 2 or s[0] != "{" or s[-1] != "}":
        raise ValueError(f"not an array literal: {text!r}")
    body = s[1:-1]
    items: list[str | None] = []
    if not body.strip():
        return items
    i, n = 0, len(body)
    while True:
        while i < n and body[i].isspace():
            i += 1
        if i < n and body[i] == '"':
            i += 1
            buf = []
            while i < n and body[i] != '"':
                if body[i] == "\\" and i + 1 < n:
                    i += 1
                buf.append(body[i])
                i += 1
            if i >= n:
                raise ValueError("unterminated quoted element")
            i += 1
            items.append("".join(buf))
            while i < n and body[i].isspace():
                i += 1
        else:
            start = i
            while i < n and body[i] != ",":
                if body[i] in '{}"':
                    raise ValueError("nested or malformed array literal")
                i += 1
            raw = body[start:i].strip()
            items.append(None if raw.upper() == "NULL" else raw)
        if i >= n:
            return items
        if body[i] != ",":
            raise ValueError("malformed array literal")
        i += 1


def parse_root(expression: str) -> Node:
    if not isinstance(expression, str) or not expression.strip():
        raise UnsupportedCheck("empty CHECK expression", repr(expression))
    try:
        tokens = pglast.parser.scan(expression)
    except ParseError as exc:
        raise UnsupportedCheck(f"syntax ({exc.args[0]})", expression) from None
    first = tokens[0].name if tokens else ""
    if first in ("CHECK", "CONSTRAINT"):
        sql = f"ALTER TABLE _t ADD {expression}"
    else:
        sql = f"ALTER TABLE _t ADD CHECK ({expression}\n)"
    try:
        stmts = pglast.parse_sql(sql)
    except ParseError as exc:  # its index points into `sql`: keep only the message
        raise UnsupportedCheck(f"syntax ({exc.args[0]})", expression) from None
    if len(stmts) != 1 or not isinstance(stmts[0].stmt, ast.AlterTableStmt):
        raise UnsupportedCheck("text that is not a single CHECK", expression)
    cmds = stmts[0].stmt.cmds or ()
    constraint = cmds[0].def_ if len(cmds) == 1 else None
    if not isinstance(constraint, ast.Constraint) or (constraint.contype != enums.ConstrType.CONSTR_CHECK):
        raise UnsupportedCheck("text that is not a single CHECK", expression)
    return _Parser(expression).pred(constraint.raw_expr)
