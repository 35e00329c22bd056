"""Keyed permutations of ``[0, n)``: unique values by construction, with nothing remembered.

A balanced Feistel network permutes ``[0, 4^k)``; cycle-walking restricts it to ``[0, n)``.
Row ``i`` maps to ``perm(i)``: distinct rows get distinct images, which look random.
"""

from __future__ import annotations

import hashlib
import struct

import numpy as np

_U64 = np.uint64


class Permutation:
    """A bijection of ``range(n)`` keyed by ``key``."""

    __slots__ = ("n", "_bits", "_mask", "_keys")

    def __init__(self, n: int, key: int, rounds: int = 4):
        if n <= 0:
            raise ValueError("a permutation needs n >= 1")
        self.n = n
        bits = max(2, (n - 1).bit_length())
        bits += bits & 1
        self._bits = bits // 2
        self._mask = (1 << self._bits) - 1
        self._keys = [
            int.from_bytes(
                hashlib.blake2b(struct.pack("<QI", key & (2**64 - 1), r), digest_size=8).digest(), "little"
            )
            for r in range(rounds)
        ]

    def _round(self, x: int) -> int:
        half, mask = self._bits, self._mask
        left, right = x >> half, x & mask
        for k in self._keys:
            # A cheap keyed mixing function (splitmix64-style) of the right half.
            f = (right * 0x9E3779B97F4A7C15 + k) & 0xFFFFFFFFFFFFFFFF
            f ^= f >> 31
            f = (f * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
            f ^= f >> 29
            left, right = right, left ^ (f & mask)
        return (left << half) | right

    def _round_array(self, x: np.ndarray) -> np.ndarray:
        """``_round`` of every element of a uint64 array (the same wrapping arithmetic)."""
        half, mask = _U64(self._bits), _U64(self._mask)
        left, right = x >> half, x & mask
        with np.errstate(over="ignore"):
            for k in self._keys:
                f = right * _U64(0x9E3779B97F4A7C15) + _U64(k)
                f ^= f >> _U64(31)
                f = f * _U64(0xBF58476D1CE4E5B9)
                f ^= f >> _U64(29)
                left, right = right, left ^ (f & mask)
        return (left << half) | right

    def images(self, xs) -> np.ndarray:
        """``self(i)`` for every index of ``xs`` (in ``[0, n)``), as an int64 array."""
        x = self._round_array(np.asarray(xs, dtype=_U64))
        outside = np.flatnonzero(x >= _U64(self.n))
        while len(outside):
            x[outside] = self._round_array(x[outside])
            outside = outside[x[outside] >= _U64(self.n)]
        return x.astype(np.int64)

    def __call__(self, i: int) -> int:
        if not 0 <= i < self.n:
            raise IndexError(f"{i} is outside [0, {self.n})")
        x = self._round(i)
        while x >= self.n:  # cycle-walk back into the domain: at most ~4 steps on average
            x = self._round(x)
        return x
