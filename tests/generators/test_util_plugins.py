"""Keyed block permutations and tokens (uniqueness by construction), and plugin loading."""

from __future__ import annotations

import importlib.metadata

import pytest

import datalchemy_mp.generators as generators
from datalchemy_mp.engine.bijection import Permutation
from datalchemy_mp.generators._util import (
    BlockPermutation,
    PaddedTokens,
    TieredTokens,
    ascii_word,
    ascii_words,
    fit,
    row_keys,
)
from datalchemy_mp.generators.base import GENERATORS


@pytest.mark.parametrize("n", [1, 2, 3, 7, 10, 99, 100, 101, 4096, 4097, 12_345, 99_991])
def test_block_permutation_is_a_bijection(n):
    perm = BlockPermutation(n, key=n * 31)
    images = perm.block(0, n)
    assert sorted(images) == list(range(n))
    assert [perm(i) for i in range(min(n, 64))] == images[:64]
    split = perm.block(0, n // 2) + perm.block(n // 2, n - n // 2)
    assert split == images  # blocks compose: any chunking gives the same images


def test_block_permutation_is_keyed_and_scrambled():
    a, b = BlockPermutation(10**9, 1).block(0, 1000), BlockPermutation(10**9, 2).block(0, 1000)
    assert a != b
    assert sum(1 for x, y in zip(a, a[1:], strict=False) if y == x + 1) < 5  # not a counter
    huge = BlockPermutation(2**70, 3).block(2**69, 1000)
    assert len(set(huge)) == 1000 and all(0 <= x < 2**70 for x in huge)
    with pytest.raises(IndexError):
        BlockPermutation(10, 1).block(5, 6)


def test_lead_permutation_still_available():
    assert sorted(Permutation(1000, 5)(i) for i in range(1000)) == list(range(1000))


def test_tiered_tokens_are_distinct_and_short_first():
    tokens = TieredTokens(key=9)
    first = tokens.block(0, 9000)
    assert len(set(first)) == 9000 and {len(t) for t in first} == {4}
    later = tokens.block(8990, 200)
    assert {len(t) for t in later} == {4, 5}
    assert not any(t.startswith("0") for t in first + later)
    padded = PaddedTokens(key=9, digits=2).block(0, 150)
    assert len(set(padded)) == 150 and {len(t) for t in padded} == {2, 3}


def test_row_keys_agree_for_the_same_key():
    assert row_keys(5, 100, 50) == row_keys(5, 100, 50)
    assert row_keys(5, 100, 50) != row_keys(6, 100, 50)
    assert row_keys(5, 2**32 - 10, 20)[:10] == row_keys(5, 2**32 - 10, 10)


def test_ascii_words_folds_a_whole_vocabulary_as_ascii_word_does_each_name():
    from datalchemy_mp.generators import semantic_br

    tricky = ["Conceição", "D'Ávila", "İlker", "Øystein", "KELVIN\u212a", "ß", "", "São-João 2º", "Ærø"]
    names = semantic_br.names()
    for texts in (tricky, names.first["any"], names.last, ["a\nb", "c"]):
        assert ascii_words(texts) == [ascii_word(t) for t in texts]
    assert ascii_words([]) == []


def test_fit_cuts_at_a_word_boundary():
    assert fit("Horizonte Logística Ltda.", 20) == "Horizonte Logística"
    assert fit("Supercalifragilistic", 5) == "Super"
    assert fit("curto", 10) == "curto"


class _EntryPoint:
    def __init__(self, name: str, obj=None, error: Exception | None = None):
        self.name, self.value, self._obj, self._error = name, f"plugin_{name}:x", obj, error

    def load(self):
        if self._error:
            raise self._error
        return self._obj


def test_plugins_register_and_broken_ones_only_warn(monkeypatch, capsys):
    def register() -> None:
        from datalchemy_mp.generators.base import generator

        if "plugin.test.hello" not in GENERATORS:
            generator("plugin.test.hello")(lambda col, params: lambda b: ["hello"] * b.n)

    eps = [_EntryPoint("good", register), _EntryPoint("bad", error=ImportError("no module x"))]
    monkeypatch.setattr(
        generators, "entry_points", lambda group: eps if group == generators.ENTRY_POINT_GROUP else []
    )
    try:
        assert generators.load_plugins() == ["good"]
        assert "plugin.test.hello" in GENERATORS
        err = capsys.readouterr().err
        assert "generator plugin 'bad'" in err and "no module x" in err
    finally:
        GENERATORS.pop("plugin.test.hello", None)
    assert importlib.metadata.entry_points(group=generators.ENTRY_POINT_GROUP) is not None


def test_fault_generators_only_with_the_environment_switch():
    import os

    if os.environ.get("DATALCHEMY_MP_FAULTS") == "1":
        pytest.skip("faults enabled in this environment")
    assert not any(g.startswith("fault.") for g in GENERATORS)
