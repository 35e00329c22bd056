"""Random strings that fully match a Python regex, built from the regex's parse tree.

Used for `primitive.text.pattern` and for CHECK (x ~ 'pattern') columns. Generation is by
construction (each node of `re._parser`'s tree becomes a small closure); a final
`fullmatch` only guards the few constructs that depend on context (``\\b``, ``\\B``, anchors
not at an end), retrying with the same RNG a bounded number of times.
"""

from __future__ import annotations

import random
import re
import re._constants as _c  # Python 3.11+ (sre_constants/sre_parse are deprecated aliases)
import re._parser as _p
import string
from collections.abc import Callable
from typing import Any

__all__ = ["compile_pattern"]

Gen = Callable[[random.Random], str]

# Characters drawn for `.`, negated classes and \W / \S / \D: printable ASCII, no newline.
_PRINTABLE = tuple(chr(c) for c in range(0x20, 0x7F))
_DIGITS = tuple(string.digits)
_WORD = tuple(string.ascii_letters + string.digits + "_")
_SPACE = (" ", "\t")  # a subset of \s: fixtures stay on one line
_CATEGORIES: dict[object, tuple[str, ...]] = {
    _c.CATEGORY_DIGIT: _DIGITS,
    _c.CATEGORY_WORD: _WORD,
    _c.CATEGORY_SPACE: _SPACE,
    _c.CATEGORY_NOT_DIGIT: tuple(ch for ch in _PRINTABLE if ch not in string.digits),
    _c.CATEGORY_NOT_WORD: tuple(ch for ch in _PRINTABLE if ch not in _WORD),
    _c.CATEGORY_NOT_SPACE: tuple(ch for ch in _PRINTABLE if ch != " "),
}
# What a positive category excludes when it appears inside a negated class, e.g. [^\d].
_CATEGORY_MEMBERS: dict[object, Callable[[str], bool]] = {
    _c.CATEGORY_DIGIT: lambda ch: ch.isdigit(),
    _c.CATEGORY_WORD: lambda ch: ch.isalnum() or ch == "_",
    _c.CATEGORY_SPACE: lambda ch: ch.isspace(),
    _c.CATEGORY_NOT_DIGIT: lambda ch: not ch.isdigit(),
    _c.CATEGORY_NOT_WORD: lambda ch: not (ch.isalnum() or ch == "_"),
    _c.CATEGORY_NOT_SPACE: lambda ch: not ch.isspace(),
}
_ANCHORS = {
    _c.AT_BEGINNING,
    _c.AT_BEGINNING_STRING,
    _c.AT_END,
    _c.AT_END_STRING,
    _c.AT_BOUNDARY,
    _c.AT_NON_BOUNDARY,
}
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT} | (
    {_c.POSSESSIVE_REPEAT} if hasattr(_c, "POSSESSIVE_REPEAT") else set()
)
_ATOMIC_GROUP = getattr(_c, "ATOMIC_GROUP", None)  # (?>...), Python 3.11+
_ATTEMPTS = 200
_WIDE_RANGE = 4096


def compile_pattern(pattern: str, max_repeat: int = 32) -> Callable[[random.Random], str]:
    """A function drawing, from the given RNG, strings `s` with `re.fullmatch(pattern, s)`.

    Supports literals, classes, \\d \\w \\s (ASCII only), `.`, alternation, groups, quantifiers
    (open ones add at most `max_repeat` repeats), anchors and \\b. Raises ValueError for what it
    cannot generate (backreferences, lookarounds, conditionals) or an invalid regex.
    """
    if max_repeat < 0:
        raise ValueError("max_repeat must be >= 0")
    try:
        compiled = re.compile(pattern)
        tree = _p.parse(pattern)
    except re.error as exc:
        raise ValueError(f"invalid regex {pattern!r}: {exc}") from None
    flags = tree.state.flags if hasattr(tree, "state") else compiled.flags
    gen = _sequence(tree, max_repeat, bool(flags & re.IGNORECASE), pattern)
    needs_check = _has_context_anchor(_strip_end_anchors(list(tree)))
    fullmatch = compiled.fullmatch

    if not needs_check:
        return gen

    def generate(rng: random.Random) -> str:
        for _ in range(_ATTEMPTS):
            text = gen(rng)
            if fullmatch(text) is not None:
                return text
        raise ValueError(f"could not generate a string matching {pattern!r} (anchors or \\b)")

    return generate


def _strip_end_anchors(items: list) -> list:
    """Drop a leading ^/\\A and a trailing $/\\Z: they always hold for a full match."""
    starts = ((_c.AT, _c.AT_BEGINNING), (_c.AT, _c.AT_BEGINNING_STRING))
    ends = ((_c.AT, _c.AT_END), (_c.AT, _c.AT_END_STRING))
    while items and items[0] in starts:
        items = items[1:]
    while items and items[-1] in ends:
        items = items[:-1]
    return items


def _has_context_anchor(items: Any) -> bool:
    """True when an anchor or \\b could fail for a constructed string (checked by fullmatch)."""
    for op, av in items:
        if op is _c.AT:
            return True
        if op is _c.BRANCH:
            if any(_has_context_anchor(alt) for alt in av[1]):
                return True
        elif op is _c.SUBPATTERN:
            if _has_context_anchor(av[-1]):
                return True
        elif op in _REPEATS:
            if _has_context_anchor(av[2]):
                return True
        elif op is _ATOMIC_GROUP:
            if _has_context_anchor(av):
                return True
    return False


def _sequence(items: Any, max_repeat: int, ignorecase: bool, pattern: str) -> Gen:
    nodes = [_node(op, av, max_repeat, ignorecase, pattern) for op, av in items]
    parts = [p for p in nodes if p is not None]
    if not parts:
        return lambda rng: ""
    if len(parts) == 1:
        return parts[0]
    return lambda rng: "".join([p(rng) for p in parts])


def _node(op: Any, av: Any, max_repeat: int, ignorecase: bool, pattern: str) -> Gen | None:
    if op is _c.LITERAL:
        ch = chr(av)
        return lambda rng: ch
    if op is _c.NOT_LITERAL:
        return _choice(_negated({chr(av)}, [], ignorecase), pattern)
    if op is _c.ANY:
        return _choice(_PRINTABLE, pattern)
    if op is _c.IN:
        return _choice(_class_chars(av, ignorecase, pattern), pattern)
    if op is _c.BRANCH:
        alts = [_sequence(alt, max_repeat, ignorecase, pattern) for alt in av[1]]
        return lambda rng: rng.choice(alts)(rng)
    if op is _c.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        inner_ic = (ignorecase or bool(add_flags & re.IGNORECASE)) and not (del_flags & re.IGNORECASE)
        return _sequence(sub, max_repeat, inner_ic, pattern)
    if op is _ATOMIC_GROUP:
        return _sequence(av, max_repeat, ignorecase, pattern)
    if op in _REPEATS:
        low, high, sub = av
        if high is _c.MAXREPEAT or high == _c.MAXREPEAT:
            high = low + max_repeat
        item = _sequence(sub, max_repeat, ignorecase, pattern)
        return lambda rng: "".join([item(rng) for _ in range(rng.randint(low, high))])
    if op is _c.AT:
        if av not in _ANCHORS:
            raise ValueError(f"anchor {av} is not supported in {pattern!r}")
        return None  # position checks are verified by fullmatch
    if op in (_c.GROUPREF, getattr(_c, "GROUPREF_EXISTS", None)):
        raise ValueError(f"backreferences are not supported for generation: {pattern!r}")
    if op in (_c.ASSERT, _c.ASSERT_NOT):
        raise ValueError(f"lookaround assertions are not supported for generation: {pattern!r}")
    raise ValueError(f"regex construct {op} is not supported for generation: {pattern!r}")


def _choice(chars: Any, pattern: str) -> Gen:
    pool = tuple(chars)
    if not pool:
        raise ValueError(f"a character class of {pattern!r} allows no printable character")
    if len(pool) == 1:
        only = pool[0]
        return lambda rng: only
    return lambda rng: rng.choice(pool)


def _class_chars(items: Any, ignorecase: bool, pattern: str) -> list[str]:
    """The characters a class [..] may produce (ASCII for categories and negations)."""
    negate = bool(items) and items[0][0] is _c.NEGATE
    if negate:
        items = items[1:]
    literals: set[str] = set()
    ranges: list[tuple[int, int]] = []
    categories: list[object] = []
    for op, av in items:
        if op is _c.LITERAL:
            literals.add(chr(av))
        elif op is _c.RANGE:
            ranges.append(av)
        elif op is _c.CATEGORY:
            if av not in _CATEGORIES:
                raise ValueError(f"category {av} is not supported in {pattern!r}")
            categories.append(av)
        else:
            raise ValueError(f"class item {op} is not supported in {pattern!r}")
    if negate:
        return _negated(literals, ranges, ignorecase, categories)
    chars = set(literals)
    for lo, hi in ranges:
        if hi - lo > _WIDE_RANGE:  # e.g. [\x00-\U0010ffff]: keep its printable ASCII part
            inside = [ch for ch in _PRINTABLE if lo <= ord(ch) <= hi]
            chars.update(inside or (chr(c) for c in range(lo, lo + _WIDE_RANGE)))
        else:
            chars.update(chr(c) for c in range(lo, hi + 1))
    for cat in categories:
        chars.update(_CATEGORIES[cat])
    # Keep to characters a CSV field holds well: drop controls unless the class names nothing else.
    plain = sorted(ch for ch in chars if ch.isprintable() or ch in _SPACE)
    return plain or sorted(chars)


def _negated(literals: set[str], ranges: Any, ignorecase: bool, categories: Any = ()) -> list[str]:
    def excluded(ch: str) -> bool:
        variants = {ch, ch.lower(), ch.upper()} if ignorecase else {ch}
        for v in variants:
            if v in literals:
                return True
            code = ord(v)
            if any(lo <= code <= hi for lo, hi in ranges):
                return True
            if any(_CATEGORY_MEMBERS[cat](v) for cat in categories):
                return True
        return False

    return [ch for ch in _PRINTABLE if not excluded(ch)]
