"""Keyed permutations: every index has one image, the same one element by element or in bulk."""

from __future__ import annotations

import numpy as np
import pytest

from datalchemy_mp.engine.bijection import Permutation


@pytest.mark.parametrize("n", [1, 2, 3, 17, 1000, 4096, 65537, 10**12])
def test_images_in_bulk_are_the_per_index_images(n):
    perm = Permutation(n, key=20250115)
    xs = np.arange(min(n, 5000)) if n < 10**6 else np.arange(n - 3000, n)
    assert perm.images(xs).tolist() == [perm(int(i)) for i in xs]


def test_a_permutation_is_a_bijection():
    perm = Permutation(10_007, key=3)
    assert sorted(perm.images(np.arange(10_007)).tolist()) == list(range(10_007))
