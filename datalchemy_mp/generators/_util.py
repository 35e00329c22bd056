"""Helpers shared by the generator families: keyed permutations of whole blocks, distinct
tokens, vocabularies, text fitting and param parsing.

Unique values are a function of the global row index (chunks of a table run in separate
processes), so they come from keyed bijections, never from a set in memory.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import random
import re
import unicodedata
from array import array
from collections.abc import Iterable, Sequence
from importlib import resources
from typing import Any

import numpy as np

from datalchemy_mp import seeds
from datalchemy_mp.errors import GenerationError, ParamError
from datalchemy_mp.generators import bulk
from datalchemy_mp.generators.base import ColumnInfo

M64 = (1 << 64) - 1
_TABLE_LIMIT = 1 << 17
"""Round-function tables are used while both halves of a permutation are this small."""


def mix64(x: int) -> int:
    """The splitmix64 finaliser: a bijection of 64-bit integers that scrambles every bit."""
    x &= M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & M64
    return x ^ (x >> 31)


class BlockPermutation:
    """A keyed bijection of ``range(n)``, evaluated for a run of row indexes at once.

    A Feistel network over mixed radix ``a x b`` (``a*b >= n``, both about sqrt(n)) whose
    round functions are random tables; cycle-walking maps the few images ``>= n`` back
    into the domain. Built lazily, so a factory that is only validated costs nothing.
    """

    __slots__ = ("n", "a", "b", "_keys", "_tables", "_arrays")

    def __init__(self, n: int, key: int, rounds: int = 4):
        if n < 1:
            raise ValueError("a permutation needs n >= 1")
        self.n = n
        self.a = max(2, math.isqrt(n - 1) + 1)
        self.b = max(2, -(-n // self.a))
        self._keys = [seeds.derive(key, "block-permutation", r) for r in range(rounds + rounds % 2)]
        self._tables: list[list[int]] | None = None
        self._arrays: list[np.ndarray] = []

    def _round_tables(self) -> list[list[int]]:
        if self._tables is None:
            tables: list[list[int]] = []
            for r, k in enumerate(self._keys):
                size = self.b if r % 2 == 0 else self.a
                if max(self.a, self.b) > _TABLE_LIMIT:
                    tables.append([])  # computed on the fly (huge domains)
                else:
                    tables.append(array("I", random.Random(k).randbytes(4 * size)).tolist())
            self._tables = tables
        return self._tables

    def _rounds(self, left: list[int], right: list[int]) -> tuple[list[int], list[int]]:
        a, b = self.a, self.b
        for r, table in enumerate(self._round_tables()):
            m = a if r % 2 == 0 else b
            if table:
                left, right = right, [(x + table[y]) % m for x, y in zip(left, right, strict=True)]
            else:
                k = self._keys[r]
                left, right = right, [(x + mix64(y ^ k)) % m for x, y in zip(left, right, strict=True)]
        return left, right

    def _apply(self, xs: Sequence[int]) -> list[int]:
        b = self.b
        left, right = self._rounds([x // b for x in xs], [x % b for x in xs])
        return [x * b + y for x, y in zip(left, right, strict=True)]

    def block(self, start: int, count: int) -> list[int]:
        """Images of ``start .. start+count-1``."""
        if start < 0 or start + count > self.n:
            raise IndexError(f"[{start}, {start + count}) is outside [0, {self.n})")
        if all(self._round_tables()):
            return self.array(start, count).tolist()
        return self.images(range(start, start + count))

    def images(self, xs: Sequence[int]) -> list[int]:
        """Images of any indexes of the domain (checked by the caller)."""
        n = self.n
        out = self._apply(xs)
        todo = [j for j, x in enumerate(out) if x >= n]
        while todo:  # cycle-walk: a*b - n < a, so this is rare
            again = self._apply([out[j] for j in todo])
            for j, x in zip(todo, again, strict=True):
                out[j] = x
            todo = [j for j in todo if out[j] >= n]
        return out

    def array(self, start: int, count: int) -> np.ndarray:
        """``block`` as an int64 array: the same images, computed with numpy."""
        tables = self._round_tables()
        if start < 0 or start + count > self.n:
            raise IndexError(f"[{start}, {start + count}) is outside [0, {self.n})")
        if not all(tables):  # huge domains: round functions computed per value
            return np.array(self.images(range(start, start + count)), dtype=np.int64)
        if len(self._arrays) != len(tables):
            self._arrays = [np.array(t, dtype=np.int64) for t in tables]
        out = self._apply_array(np.arange(start, start + count, dtype=np.int64))
        todo = np.flatnonzero(out >= self.n)
        while len(todo):  # cycle-walk, as in block()
            out[todo] = self._apply_array(out[todo])
            todo = todo[out[todo] >= self.n]
        return out

    def _apply_array(self, xs: np.ndarray) -> np.ndarray:
        a, b = self.a, self.b
        left, right = xs // b, xs % b
        for r, table in enumerate(self._arrays):
            left, right = right, (left + table[right]) % (a if r % 2 == 0 else b)
        return left * b + right

    def __call__(self, i: int) -> int:
        return self.block(i, 1)[0]


def require_rows(col: ColumnInfo, gen_id: str, distinct: int, start: int, n: int) -> None:
    """A clear error when a unique column needs more rows than the generator has values."""
    if start + n > distinct:
        row = max(start, distinct) + 1
        raise GenerationError(
            f"unique column {col.qualified}: generator {gen_id} has only {distinct} distinct "
            f"values, row {row} needs more"
        )


class _Tiers:
    """Row indexes split into tiers of growing size, each tier a keyed permutation of its own
    range, so distinct rows get distinct (tier, value) pairs; a token is the tier's lowest
    number plus the permuted value, written with the tier's number of digits."""

    def __init__(self, key: int, tiers: list[tuple[int, int, int, int]]):
        self.key = key
        self.tiers = tiers  # (first row, rows, lowest number, digits)
        self.capacity = sum(size for _, size, _, _ in tiers)
        self._perms: dict[int, BlockPermutation] = {}

    def block(self, start: int, n: int) -> list[str]:
        """The tokens of rows ``[start, start + n)``."""
        end = start + n
        if end > self.capacity:
            raise IndexError(f"row {end} is beyond the {self.capacity} tokens")
        out: list[str] = []
        for t, (first, size, low, digits) in enumerate(self.tiers):
            lo, hi = max(start, first), min(end, first + size)
            if lo >= hi:
                continue
            perm = self._perms.get(t)
            if perm is None:
                perm = self._perms[t] = BlockPermutation(size, seeds.derive(self.key, "tier", t))
            out += bulk.texts(bulk.digit_codes(low + perm.array(lo - first, hi - lo), digits))
        return out


class TieredTokens(_Tiers):
    """Distinct decimal tokens for row indexes, short first: ``min_digits`` digits for the
    first ``9*10**(min_digits-1)`` rows, one digit more for the next tier, and so on.

    Tokens never start with 0 and the tiers have different lengths, so distinct rows give
    distinct strings; inside a tier a keyed permutation makes them look random.
    """

    def __init__(self, key: int, min_digits: int = 4, max_digits: int = 18):
        tiers, first = [], 0
        for d in range(min_digits, max_digits + 1):
            size = 9 * 10 ** (d - 1)
            tiers.append((first, size, 10 ** (d - 1), d))  # d digits, never a leading 0
            first += size
        super().__init__(key, tiers)


@functools.lru_cache(maxsize=64)
def _row_bytes(key: int) -> tuple[bytes, bytes]:
    rng = random.Random(seeds.derive(key, "row-hash"))
    return rng.randbytes(8 << 16), rng.randbytes(8 << 16)


@functools.lru_cache(maxsize=64)
def _row_tables(key: int) -> tuple[list[int], list[int]]:
    low, high = _row_bytes(key)
    return array("Q", low).tolist(), array("Q", high).tolist()


@functools.lru_cache(maxsize=64)
def _row_arrays(key: int) -> tuple[np.ndarray, np.ndarray]:
    low, high = _row_bytes(key)  # the same 64-bit words as _row_tables, without Python ints
    return np.frombuffer(low, dtype=np.uint64), np.frombuffer(high, dtype=np.uint64)


def row_keys_array(key: int, start: int, n: int) -> np.ndarray:
    """``row_keys`` as a uint64 array (the same keys)."""
    if start + n > 1 << 32:
        return np.array(row_keys(key, start, n), dtype=np.uint64)
    low, high = _row_arrays(key)
    i = np.arange(start, start + n, dtype=np.int64)
    return low[i & 0xFFFF] ^ high[i >> 16]


def row_keys(key: int, start: int, n: int) -> list[int]:
    """A random-looking 64-bit key per row index (tabulation hashing), the same for every
    column that uses the same ``key``: columns of a row can agree without reading each other."""
    low, high = _row_tables(key)
    if start + n <= 1 << 32:
        return [low[i & 0xFFFF] ^ high[i >> 16] for i in range(start, start + n)]
    k = mix64(key)  # beyond 2**32 rows: a slower hash, still a function of the row alone
    return [
        low[i & 0xFFFF] ^ high[i >> 16] if i < 1 << 32 else mix64((i * 0x9E3779B97F4A7C15 + k) & M64)
        for i in range(start, start + n)
    ]


# --- vocabularies ----------------------------------------------------------------------


@functools.cache
def load_json(name: str) -> Any:
    with resources.files("datalchemy_mp.data").joinpath(name).open(encoding="utf-8") as f:
        data = json.load(f)
    if isinstance(data, dict):
        data.pop("_doc", None)
    return data


@functools.cache
def load_lines(name: str) -> tuple[str, ...]:
    text = resources.files("datalchemy_mp.data").joinpath(name).read_text(encoding="utf-8")
    return tuple(s.strip() for s in text.splitlines() if s.strip() and not s.startswith("#"))


def weighted_pool(items: Sequence[tuple[Any, float]], size: int = 4096) -> list:
    """A list where each item appears about in proportion to its weight (every item at least
    once): uniform picks from it (``rng.choices(pool, k=n)``) follow the weights, fast."""
    total = sum(w for _, w in items) or 1.0
    pool = []
    for item, w in items:
        pool.extend([item] * max(1, round(size * w / total)))
    return pool


def rank_pool(items: Sequence[Any], size: int = 4096, flatten: float = 8.0) -> list:
    """A pool for a list ordered from most to least frequent (Zipf-like weights)."""
    return weighted_pool([(x, 1.0 / (r + flatten)) for r, x in enumerate(items)], size)


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def ascii_word(text: str) -> str:
    """``"Conceição"`` -> ``"conceicao"``; ``"D'Ávila"`` -> ``"davila"``."""
    return "".join(c for c in strip_accents(text).lower() if c.isascii() and c.isalnum())


_NOT_ASCII_ALNUM = re.compile(r"[^a-z0-9\n]+")


def ascii_words(words: Iterable[str]) -> list[str]:
    """``ascii_word`` of each text, in one pass over all of them (a vocabulary of thousands
    of names in a few milliseconds instead of ~150)."""
    texts = list(words)
    if any("\n" in t for t in texts):
        return [ascii_word(t) for t in texts]
    folded = unicodedata.normalize("NFKD", "\n".join(texts)).encode("ascii", "ignore").decode().lower()
    return _NOT_ASCII_ALNUM.sub("", folded).split("\n") if texts else []


def fit(text: str, max_length: int | None) -> str:
    """``text`` cut to ``max_length`` characters, at the last word boundary that fits (a single
    word longer than the column is the only thing ever cut inside)."""
    if max_length is None or len(text) <= max_length:
        return text
    cut = text[:max_length]
    space = cut.rfind(" ")
    if space > 0 and text[max_length] != " ":
        cut = cut[:space]
    return cut.rstrip(" ,.-/&") or text[:max_length]


def fit_all(values: list, max_length: int | None) -> list:
    """Each value fitted to ``max_length``. Where a quarter of the block fits whole, a value
    that does not is replaced by one that does (a country, a title is never shown cut);
    otherwise (long free text) it is cut at its last whole word."""
    if max_length is None:
        return values
    fits = [v for v in values if v is None or len(v) <= max_length]
    if len(fits) == len(values):
        return values
    whole = [v for v in fits if v is not None]
    if len(whole) * 4 >= len(values):
        return [
            v if v is None or len(v) <= max_length else whole[k % len(whole)] for k, v in enumerate(values)
        ]
    cut = [v if v is None or len(v) <= max_length else fit(v, max_length) for v in values]
    whole = [f for v, f in zip(values, cut, strict=True) if f is not None and _whole_words(v, f)]
    if not whole:
        return cut
    return [
        f if f is None or _whole_words(v, f) else whole[k % len(whole)]
        for k, (v, f) in enumerate(zip(values, cut, strict=True))
    ]


def _whole_words(value: str, fitted: str) -> bool:
    """``fitted`` is ``value`` or ends where a word of ``value`` ends."""
    return len(fitted) == len(value) or value[len(fitted) : len(fitted) + 1] in (" ", ",", ".", "-", "/", "&")


# --- params ----------------------------------------------------------------------------


def check_order(params: dict, low: str = "min", high: str = "max") -> None:
    lo, hi = params.get(low), params.get(high)
    if lo is not None and hi is not None and lo > hi:
        raise ParamError(f"param {low!r} ({_show(lo)}) must be <= param {high!r} ({_show(hi)})", path=high)


def _show(v: Any) -> str:
    return v.isoformat() if isinstance(v, dt.date | dt.time) else repr(v)


def parse_date(value: Any, name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ParamError(f"param {name!r}: expected a date YYYY-MM-DD, got {value!r}", path=name) from None


def parse_time(value: Any, name: str) -> dt.time:
    if isinstance(value, dt.time):
        return value
    try:
        return dt.time.fromisoformat(str(value).strip())
    except ValueError:
        raise ParamError(f"param {name!r}: expected a time HH:MM:SS[.f], got {value!r}", path=name) from None


def parse_timestamp(value: Any, name: str) -> dt.datetime:
    """RFC 3339 (converted to UTC, offset dropped), ``YYYY-MM-DD[T ]HH:MM:SS`` or a date."""
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    else:
        text = str(value).strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            raise ParamError(
                f"param {name!r}: expected a timestamp like 2024-01-31T12:00:00 "
                f"(RFC 3339 or 'YYYY-MM-DD HH:MM:SS'), got {value!r}",
                path=name,
            ) from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed


def today(col: ColumnInfo) -> dt.date:
    """The run's reference date (CURRENT_DATE), given by the engine in the column hints."""
    value = col.hints.get("today")
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else dt.date(2024, 1, 1)


LOCALES = ("en_US", "pt_BR")


def check_locale(col: ColumnInfo) -> str:
    if col.locale not in LOCALES:
        raise ParamError(f"unsupported locale {col.locale!r} (expected one of {list(LOCALES)})")
    return col.locale


class PaddedTokens(_Tiers):
    """Distinct zero-padded decimal tokens for row indexes: ``digits`` digits for the first
    ``10**digits`` rows, then one more digit per tier (lengths differ, so never equal)."""

    def __init__(self, key: int, digits: int = 6, max_digits: int = 18):
        tiers, first = [], 0
        for d in range(digits, max_digits + 1):
            tiers.append((first, 10**d, 0, d))  # zero-padded to d digits
            first += 10**d
        super().__init__(key, tiers)
