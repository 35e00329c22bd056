"""Distinct text keys for row indexes, drawn from the whole space a column allows.

A space is an ordered list of tiers, each a count of strings and a way to make the k-th of
them. Row ``i`` falls in a tier by the tiers' cumulative sizes and a keyed permutation of the
tier picks its string, so distinct rows get distinct strings, chunks never collide and
nothing is remembered. The most natural strings come first: a ``char(5)`` code is five
upper-case letters (``QHZKW``, like northwind's ``ALFKI``) for its first 26^5 rows, then
upper-case letters and digits, then lower case too, then ASCII punctuation; then shorter
lengths. A CHECK regex replaces those tiers with the strings the regex allows.
"""

from __future__ import annotations

import bisect
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from datalchemy_mp import seeds
from datalchemy_mp.generators._util import BlockPermutation

UPPER = string.ascii_uppercase
NATURAL_LEVELS = (
    UPPER,
    UPPER + string.digits,
    UPPER + string.digits + string.ascii_lowercase,
    UPPER + string.digits + string.ascii_lowercase + string.punctuation,
)
"""Nested alphabets, most natural first (no space: ``char(n)`` ignores trailing blanks)."""
CASE_FOLDED_LEVELS = (UPPER, UPPER + string.digits, UPPER + string.digits + string.punctuation)
"""For case-insensitive columns (citext): ``abc`` equals ``ABC``, so no lower case."""


@dataclass(frozen=True)
class Tier:
    size: int
    unrank: Callable[[Sequence[int]], list[str]]
    """The strings of a list of offsets in ``[0, size)``, one for one."""


def _digits(value: int, width: int, alphabet: str) -> str:
    base = len(alphabet)
    out = []
    for _ in range(width):
        value, d = divmod(value, base)
        out.append(alphabet[d])
    return "".join(reversed(out))


def nested_tier(length: int, old: str, chars: str) -> Tier:
    """Strings of ``length`` characters of ``chars`` with at least one outside ``old``
    (``chars`` starts with ``old``): ranked by the position of the first new character."""
    a0, a1 = len(old), len(chars)
    new = chars[a0:]
    # Strings whose first new character is at position p: old^p · new · chars^(L-1-p).
    blocks = [(p, a0**p * (a1 - a0) * a1 ** (length - 1 - p), a1 ** (length - 1 - p)) for p in range(length)]
    blocks = [b for b in blocks if b[1]]

    def unrank(xs: Sequence[int]) -> list[str]:
        out = []
        for x in xs:
            for p, count, tail in blocks:
                if x < count:
                    head, rest = divmod(x, (a1 - a0) * tail)
                    k, suffix = divmod(rest, tail)
                    out.append(_digits(head, p, old) + new[k] + _digits(suffix, length - 1 - p, chars))
                    break
                x -= count
        return out

    return Tier(a1**length - a0**length, unrank)


def natural_tiers(min_len: int, max_len: int, levels: Sequence[str] = NATURAL_LEVELS) -> list[Tier]:
    """Longest strings first; at each length, the alphabets of ``levels`` in turn."""
    tiers = []
    for length in range(max_len, min_len - 1, -1):
        if length == 0:
            tiers.append(Tier(1, lambda xs: [""] * len(xs)))
            continue
        old = ""
        for chars in levels:
            tiers.append(nested_tier(length, old, chars))
            old = chars
    return tiers


def shape_tier(shapes: Sequence[Sequence[str]]) -> Tier:
    """Strings of disjoint shapes (one character set per position), in one tier."""
    sizes = []
    for shape in shapes:
        size = 1
        for chars in shape:
            size *= len(chars)
        sizes.append(size)
    firsts = [0]
    for size in sizes[:-1]:
        firsts.append(firsts[-1] + size)

    def unrank(xs: Sequence[int]) -> list[str]:
        out = []
        for x in xs:
            s = bisect.bisect_right(firsts, x) - 1
            x -= firsts[s]
            chars = []
            for position in reversed(shapes[s]):
                x, d = divmod(x, len(position))
                chars.append(position[d])
            out.append("".join(reversed(chars)))
        return out

    return Tier(sum(sizes), unrank)


class KeySpace:
    """Row index -> a distinct string of the tiers, keyed by ``key``."""

    def __init__(self, key: int, tiers: Sequence[Tier]):
        self.tiers = [t for t in tiers if t.size > 0]
        self.firsts = []
        total = 0
        for t in self.tiers:
            self.firsts.append(total)
            total += t.size
        self.capacity = total
        self._key = key
        self._perms: dict[int, BlockPermutation] = {}

    def _perm(self, t: int) -> BlockPermutation:
        perm = self._perms.get(t)
        if perm is None:
            perm = self._perms[t] = BlockPermutation(self.tiers[t].size, seeds.derive(self._key, "tier", t))
        return perm

    def values(self, indexes: Sequence[int]) -> list[str]:
        """The strings of row ``indexes`` (each below ``capacity``)."""
        out: list[str] = [""] * len(indexes)
        groups: dict[int, list[int]] = {}
        for pos, i in enumerate(indexes):
            groups.setdefault(bisect.bisect_right(self.firsts, i) - 1, []).append(pos)
        for t, positions in groups.items():
            first = self.firsts[t]
            offsets = self._perm(t).images([indexes[p] - first for p in positions])
            for p, s in zip(positions, self.tiers[t].unrank(offsets), strict=True):
                out[p] = s
        return out


def is_bpchar(data_type: str) -> bool:
    """``character(n)``: trailing blanks are not part of the value."""
    base = data_type.split("(")[0].strip().lower()
    return base in ("character", "char", "bpchar", "nchar")


def is_case_insensitive(data_type: str) -> bool:
    return data_type.split("(")[0].strip().lower() == "citext"


def text_keys(
    key: int,
    data_type: str,
    min_len: int,
    max_len: int,
    *,
    pattern: str | None = None,
    charset: str | None = None,
) -> KeySpace | None:
    """The key space of a text column: the strings of ``pattern``, of ``charset``, or the
    natural tiers; None when the regex cannot be enumerated."""
    fold = is_case_insensitive(data_type)
    if pattern is not None:
        from datalchemy_mp.generators.regex_space import shapes

        found = shapes(pattern, min_len, max_len, bpchar=is_bpchar(data_type), fold_case=fold)
        return None if found is None else KeySpace(key, [shape_tier(found)] if found else [])
    if charset is not None:
        chars = "".join(sorted({c.lower() if fold else c: c for c in charset if c != " "}.values()))
        return KeySpace(key, natural_tiers(min_len, max_len, (chars,)) if chars else [])
    return KeySpace(key, natural_tiers(min_len, max_len, CASE_FOLDED_LEVELS if fold else NATURAL_LEVELS))
