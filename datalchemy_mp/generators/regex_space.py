"""The strings a regex allows, as disjoint *shapes*: one character set per position.

``[A-Z]{2}-[0-9]{1,2}`` has the shapes ``[A-Z][A-Z]-[0-9]`` and ``[A-Z][A-Z]-[0-9][0-9]``;
the strings of a shape are counted and ranked like digits of a mixed radix, so a unique
column can take the k-th string for row k (see ``keyspace``). Shapes of one length that could
share a string (``[a-z]?[a-z]`` read two ways) are dropped until the rest are disjoint, so the
count never exceeds what is really distinct.
"""

from __future__ import annotations

import re
import re._constants as _c  # Python 3.11+
import re._parser as _p
from typing import Any

from datalchemy_mp.generators.regex_gen import (
    _ATOMIC_GROUP,
    _PRINTABLE,
    _REPEATS,
    _class_chars,
    _has_context_anchor,
    _negated,
    _strip_end_anchors,
)

MAX_SHAPES = 512
"""Shapes kept per regex: enough for every CHECK seen in practice; more only narrows the space."""

Shape = tuple[str, ...]


class _Unsupported(Exception):
    pass


def shapes(
    pattern: str, min_len: int, max_len: int, *, bpchar: bool = False, fold_case: bool = False
) -> list[Shape] | None:
    """Disjoint shapes of the strings fully matching ``pattern`` with a length in
    ``[min_len, max_len]``; None when the regex has a construct this cannot enumerate.

    ``bpchar``: no trailing blank (``char(n)`` ignores it); ``fold_case``: a case-insensitive
    column, where ``a`` and ``A`` are one value."""
    try:
        tree = _p.parse(pattern)
    except re.error:
        return None
    items = _strip_end_anchors(list(tree))
    if _has_context_anchor(items):
        return None
    ignorecase = bool(tree.state.flags & re.IGNORECASE)
    try:
        found = _sequence(items, max_len, ignorecase)
    except _Unsupported:
        return None
    out: list[Shape] = []
    accepted: dict[int, list[list[int]]] = {}
    for shape in found:
        if not min_len <= len(shape) <= max_len:
            continue
        tidy = _tidy(shape, bpchar, fold_case)
        if tidy is None:
            continue
        shape = tidy
        masks = [_mask(chars, fold_case) for chars in shape]
        same_length = accepted.setdefault(len(shape), [])
        if all(any(a & b == 0 for a, b in zip(masks, other, strict=True)) for other in same_length):
            same_length.append(masks)
            out.append(shape)
    return out


def _tidy(shape: Shape, bpchar: bool, fold_case: bool) -> Shape | None:
    if fold_case:
        shape = tuple("".join(sorted({c.lower(): c for c in reversed(chars)}.values())) for chars in shape)
    if bpchar and shape:
        shape = (*shape[:-1], shape[-1].replace(" ", ""))
    return shape if all(shape) else None


_BITS: dict[str, int] = {}


def _mask(chars: str, fold_case: bool) -> int:
    m = 0
    for c in chars.lower() if fold_case else chars:
        bit = _BITS.setdefault(c, len(_BITS))
        m |= 1 << bit
    return m


def _sequence(items: Any, max_len: int, ignorecase: bool) -> list[Shape]:
    out: list[Shape] = [()]
    for op, av in items:
        options = _node(op, av, max_len, ignorecase)
        out = [s + o for s in out for o in options if len(s) + len(o) <= max_len][:MAX_SHAPES]
    return out


def _node(op: Any, av: Any, max_len: int, ignorecase: bool) -> list[Shape]:
    try:
        if op is _c.LITERAL:
            return [(chr(av),)]
        if op is _c.NOT_LITERAL:
            return [("".join(_negated({chr(av)}, [], ignorecase)),)]
        if op is _c.ANY:
            return [("".join(_PRINTABLE),)]
        if op is _c.IN:
            return [("".join(_class_chars(av, ignorecase, "")),)]
    except ValueError:
        raise _Unsupported from None
    if op is _c.BRANCH:
        return [s for alt in av[1] for s in _sequence(alt, max_len, ignorecase)][:MAX_SHAPES]
    if op is _c.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        inner = (ignorecase or bool(add_flags & re.IGNORECASE)) and not (del_flags & re.IGNORECASE)
        return _sequence(sub, max_len, inner)
    if op is _ATOMIC_GROUP:
        return _sequence(av, max_len, ignorecase)
    if op in _REPEATS:
        low, high, sub = av
        high = min(max_len, high)  # MAXREPEAT (open) too: each repeat adds a character or nothing
        options = _sequence(sub, max_len, ignorecase)
        out: list[Shape] = [()] if low == 0 else []
        current: list[Shape] = [()]
        for count in range(1, high + 1):
            current = [s + o for s in current for o in options if len(s) + len(o) <= max_len][:MAX_SHAPES]
            if not current:
                break
            if count >= low:
                out.extend(current)
        return out[:MAX_SHAPES]
    raise _Unsupported
