"""The CHECK expression tree: each node computes its SQL value (None = NULL) from a row env."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .values import CASTS, Incomparable, arith, compare, is_num, need_str, parse_as, truth


class Node:
    """An expression node: `value` is its SQL value (None = NULL); predicates give bools."""

    __slots__ = ()

    def value(self, env: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def passes(self, env: Any) -> bool:
        return self.value(env) is not False

    def holds(self, env: Any) -> bool:
        return self.value(env) is True

    def children(self) -> tuple[Node, ...]:
        return ()


def columns_of(node: Node) -> Iterator[str]:
    if isinstance(node, Col):
        yield node.name
    for child in node.children():
        yield from columns_of(child)


@dataclass(frozen=True, slots=True)
class Col(Node):
    name: str

    def value(self, env: Any) -> Any:
        return env.get(self.name)


@dataclass(frozen=True, slots=True)
class Const(Node):
    val: Any

    def value(self, env: Any) -> Any:
        return self.val


@dataclass(frozen=True, slots=True)
class Today(Node):
    def value(self, env: Any) -> Any:
        return env.clock.today


@dataclass(frozen=True, slots=True)
class Now(Node):
    local: bool = False

    def value(self, env: Any) -> Any:
        return env.clock.localnow if self.local else env.clock.now


@dataclass(frozen=True, slots=True)
class Func(Node):
    """A strict function (NULL in, NULL out): arguments are evaluated left to right."""

    name: str
    args: tuple[Node, ...]
    impl: Callable[..., Any] = field(compare=False, repr=False)

    def value(self, env: Any) -> Any:
        vals = []
        for arg in self.args:
            v = arg.value(env)
            if v is None:
                return None
            vals.append(v)
        return self.impl(*vals)

    def children(self) -> tuple[Node, ...]:
        return self.args


@dataclass(frozen=True, slots=True)
class NumNulls(Node):
    """num_nulls / num_nonnulls: the only functions here that read NULL arguments."""

    args: tuple[Node, ...]
    count_nulls: bool

    def value(self, env: Any) -> Any:
        return sum((arg.value(env) is None) is self.count_nulls for arg in self.args)

    def children(self) -> tuple[Node, ...]:
        return self.args


@dataclass(frozen=True, slots=True)
class Cast(Node):
    arg: Node
    family: str

    def value(self, env: Any) -> Any:
        v = self.arg.value(env)
        return None if v is None else CASTS[self.family](v)

    def children(self) -> tuple[Node, ...]:
        return (self.arg,)


@dataclass(frozen=True, slots=True)
class Arith(Node):
    op: str
    left: Node
    right: Node

    def value(self, env: Any) -> Any:
        a = self.left.value(env)
        if a is None:
            return None
        b = self.right.value(env)
        if b is None:
            return None
        return arith(self.op, a, b)

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True, slots=True)
class Neg(Node):
    arg: Node

    def value(self, env: Any) -> Any:
        v = self.arg.value(env)
        if v is None:
            return None
        if isinstance(v, str):
            v = parse_as(v, 0)
        if not is_num(v):
            raise Incomparable
        return -v

    def children(self) -> tuple[Node, ...]:
        return (self.arg,)


@dataclass(frozen=True, slots=True)
class Coalesce(Node):
    args: tuple[Node, ...]

    def value(self, env: Any) -> Any:
        for arg in self.args:
            v = arg.value(env)
            if v is not None:
                return v
        return None

    def children(self) -> tuple[Node, ...]:
        return self.args


@dataclass(frozen=True, slots=True)
class NullIf(Node):
    left: Node
    right: Node

    def value(self, env: Any) -> Any:
        a = self.left.value(env)
        if a is None:
            return None
        b = self.right.value(env)
        return None if b is not None and compare("=", a, b) else a

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True, slots=True)
class MinMax(Node):
    greatest: bool
    args: tuple[Node, ...]

    def value(self, env: Any) -> Any:
        best = None
        for arg in self.args:
            v = arg.value(env)
            if v is None:
                continue  # GREATEST/LEAST ignore NULLs
            if best is None or compare(">" if self.greatest else "<", v, best):
                best = v
        return best

    def children(self) -> tuple[Node, ...]:
        return self.args


@dataclass(frozen=True, slots=True)
class Cmp(Node):
    op: str  # = <> < <= > >=
    left: Node
    right: Node

    def value(self, env: Any) -> Any:
        a = self.left.value(env)
        if a is None:
            return None
        b = self.right.value(env)
        if b is None:
            return None
        return compare(self.op, a, b)

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


def quantified(op: str, is_all: bool, a: Any, items: Iterable[Any]) -> bool | None:
    """`a op ANY(items)` / `a op ALL(items)` for a non-NULL `a` (IN is = ANY)."""
    saw_null = False
    for b in items:
        if b is None:
            saw_null = True
            continue
        if compare(op, a, b) is not is_all:
            return not is_all
    return None if saw_null else is_all


@dataclass(frozen=True, slots=True)
class Quant(Node):
    op: str
    left: Node
    items: tuple[Node, ...]
    is_all: bool

    def value(self, env: Any) -> Any:
        a = self.left.value(env)
        if a is None:
            return None
        return quantified(self.op, self.is_all, a, (item.value(env) for item in self.items))

    def children(self) -> tuple[Node, ...]:
        return (self.left, *self.items)


@dataclass(frozen=True, slots=True)
class Match(Node):
    """Regex (`~`, search) or LIKE (whole string) match of a text value."""

    arg: Node
    regex: re.Pattern[str]
    negated: bool
    like: bool
    source: str  # the pattern as written
    gen_pattern: str  # a Python regex for generating matching values

    def value(self, env: Any) -> Any:
        v = self.arg.value(env)
        if v is None:
            return None
        s = need_str(v)
        found = (self.regex.fullmatch(s) if self.like else self.regex.search(s)) is not None
        return found is not self.negated

    def children(self) -> tuple[Node, ...]:
        return (self.arg,)


@dataclass(frozen=True, slots=True)
class NullTest(Node):
    arg: Node
    negated: bool  # IS NOT NULL

    def value(self, env: Any) -> Any:
        return (self.arg.value(env) is None) is not self.negated

    def children(self) -> tuple[Node, ...]:
        return (self.arg,)


_BOOL_TESTS: dict[str, Callable[[bool | None], bool]] = {
    "IS_TRUE": lambda v: v is True,
    "IS_NOT_TRUE": lambda v: v is not True,
    "IS_FALSE": lambda v: v is False,
    "IS_NOT_FALSE": lambda v: v is not False,
    "IS_UNKNOWN": lambda v: v is None,
    "IS_NOT_UNKNOWN": lambda v: v is not None,
}


@dataclass(frozen=True, slots=True)
class BoolTest(Node):
    arg: Node
    test: str

    def value(self, env: Any) -> Any:
        return _BOOL_TESTS[self.test](truth(self.arg.value(env)))

    def children(self) -> tuple[Node, ...]:
        return (self.arg,)


@dataclass(frozen=True, slots=True)
class Distinct(Node):
    left: Node
    right: Node
    negated: bool  # IS NOT DISTINCT FROM

    def value(self, env: Any) -> Any:
        a = self.left.value(env)
        b = self.right.value(env)
        if a is None or b is None:
            distinct = (a is None) != (b is None)
        else:
            distinct = compare("<>", a, b)
        return distinct is not self.negated

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True, slots=True)
class Truth(Node):
    """A boolean value used as a condition, e.g. CHECK (ativo)."""

    arg: Node

    def value(self, env: Any) -> Any:
        return truth(self.arg.value(env))

    def children(self) -> tuple[Node, ...]:
        return (self.arg,)


@dataclass(frozen=True, slots=True)
class And(Node):
    args: tuple[Node, ...]

    def value(self, env: Any) -> Any:
        result: bool | None = True
        for arg in self.args:
            v = arg.value(env)
            if v is False:
                return False
            if v is None:
                result = None
        return result

    def passes(self, env: Any) -> bool:
        return all(arg.passes(env) for arg in self.args)

    def holds(self, env: Any) -> bool:
        return all(arg.holds(env) for arg in self.args)

    def children(self) -> tuple[Node, ...]:
        return self.args


@dataclass(frozen=True, slots=True)
class Or(Node):
    args: tuple[Node, ...]

    def value(self, env: Any) -> Any:
        result: bool | None = False
        for arg in self.args:
            v = arg.value(env)
            if v is True:
                return True
            if v is None:
                result = None
        return result

    def passes(self, env: Any) -> bool:
        return any(arg.passes(env) for arg in self.args)

    def holds(self, env: Any) -> bool:
        return any(arg.holds(env) for arg in self.args)

    def children(self) -> tuple[Node, ...]:
        return self.args


@dataclass(frozen=True, slots=True)
class Not(Node):
    arg: Node

    def value(self, env: Any) -> Any:
        v = self.arg.value(env)
        return None if v is None else not v

    def passes(self, env: Any) -> bool:
        return not self.arg.holds(env)

    def holds(self, env: Any) -> bool:
        return not self.arg.passes(env)

    def children(self) -> tuple[Node, ...]:
        return (self.arg,)


PREDICATES = (Cmp, Quant, Match, NullTest, BoolTest, Distinct, Truth, And, Or, Not)
