"""Random strings from a regex's parse tree: every output must fullmatch the regex."""

from __future__ import annotations

import random
import re

import pytest

from datalchemy_mp.generators.regex_gen import compile_pattern

PATTERNS = [
    ("literal", "abc"),
    ("anchored-class", "^[A-Z]{3}$"),
    ("digits", r"\d{5}-\d{3}"),
    ("cpf", r"\d{3}\.\d{3}\.\d{3}-\d{2}"),
    ("word", r"\w+"),
    ("space", r"\S+\s\S+"),
    ("dot", "a.c"),
    ("dot-star", ".*"),
    ("alternation", "red|green|blue"),
    ("group-repeat", "(ab|cd){2,4}"),
    ("nested", "((a|b)c?){1,3}d"),
    ("optional", "colou?r"),
    ("plus", "x+y*z?"),
    ("lazy", "a+?b*?"),
    ("negated-class", "[^a-z0-9]{4}"),
    ("negated-category", r"[^\W\d]+"),
    ("not-digit", r"\D\W"),
    ("class-with-escapes", r"[\w.+-]+@[a-z]+\.(com|br)"),
    ("ignorecase", "(?i)abc[^x]"),
    ("scoped-ignorecase", "(?i:ab)[^c]"),
    ("boundary", r"\bfoo\b"),
    ("boundary-inside", r"\w+\b \b\w+"),
    ("anchors-A-Z", r"\Aab\Z"),
    ("non-capturing", "(?:ab)+"),
    ("named", "(?P<x>[0-9]{2})-[a-f]{2}"),
    ("exact", "[01]{8}"),
    ("unicode-literal", "ção[àé]"),
    ("empty-alternative", "a(b|)c"),
    ("escaped-meta", r"\$\^\.\*\(\)"),
    ("uuid", r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"),
    ("atomic", "(?>ab|a)c"),
    ("possessive", "a*+b"),
    ("dollar-before-end", "ab$"),
    ("wide-range", "[\\x00-\\U0010ffff]{3}"),
]


@pytest.mark.parametrize("pattern", [p for _, p in PATTERNS], ids=[i for i, _ in PATTERNS])
def test_outputs_fullmatch(pattern):
    gen = compile_pattern(pattern)
    regex = re.compile(pattern)
    rng = random.Random(pattern)
    for _ in range(300):
        text = gen(rng)
        assert regex.fullmatch(text), (pattern, text)


def test_same_seed_same_strings():
    gen = compile_pattern(r"[A-Z]{2}\d+(x|y)*")
    assert [gen(random.Random(5)) for _ in range(3)] == [gen(random.Random(5))] * 3
    rng = random.Random(1)
    assert len({gen(rng) for _ in range(50)}) > 10


@pytest.mark.parametrize(
    ("pattern", "max_repeat", "longest"),
    [("a*", 3, 3), ("a+", 3, 4), ("a{2,}", 5, 7), ("(ab)*", 2, 4), (".*", 0, 0)],
    ids=["star", "plus", "open-min", "group", "zero"],
)
def test_open_quantifiers_bounded(pattern, max_repeat, longest):
    gen = compile_pattern(pattern, max_repeat=max_repeat)
    rng = random.Random(0)
    lengths = {len(gen(rng)) for _ in range(300)}
    assert max(lengths) == longest


def test_categories_and_negations_are_ascii():
    rng = random.Random(2)
    for pattern in (r"\w{20}", r"\d{20}", r"\s{20}", r"[^a]{20}", ".{20}", r"\W{20}"):
        gen = compile_pattern(pattern)
        for _ in range(50):
            assert gen(rng).isascii(), pattern


def test_ignorecase_negation_excludes_both_cases():
    gen = compile_pattern("(?i)[^a]")
    rng = random.Random(4)
    assert not {gen(rng) for _ in range(2000)} & {"a", "A"}


@pytest.mark.parametrize(
    "pattern",
    [r"(a)\1", "(?=a)a", "(?<=a)b", "(?!x)y", "(?P<n>a)(?P=n)", "(a)?(?(1)b|c)"],
    ids=["backref", "lookahead", "lookbehind", "negative-lookahead", "named-backref", "cond"],
)
def test_unsupported_constructs(pattern):
    with pytest.raises(ValueError, match="not supported"):
        compile_pattern(pattern)


def test_invalid_regex():
    with pytest.raises(ValueError, match="invalid regex"):
        compile_pattern("a(")


def test_impossible_pattern_fails_at_generation():
    gen = compile_pattern(r"a\bb")
    with pytest.raises(ValueError, match="could not generate"):
        gen(random.Random(0))


# -- random regexes built from the supported pieces


def _random_regex(rng: random.Random, depth: int = 0) -> str:
    """Regexes of the supported pieces. Open quantifiers only outside groups: nested ones make
    Python's own matcher backtrack exponentially when checking the output."""
    atoms = [
        lambda: re.escape(rng.choice("abcXYZ019.-_@ ")),
        lambda: rng.choice([r"\d", r"\w", r"\s", r"\D", r"\W", r"\S", "."]),
        lambda: "[" + rng.choice(["a-f", "0-9", "A-Z_", r"\d.", "^a-z", r"^\s", "xyz"]) + "]",
    ]
    parts = []
    for _ in range(rng.randint(1, 4)):
        if depth < 2 and rng.random() < 0.25:
            alts = "|".join(_random_regex(rng, depth + 1) for _ in range(rng.randint(1, 3)))
            parts.append(f"({alts})" + rng.choice(["", "?", "{2}"]))
        else:
            bounded = ["", "", "?", "{2}", "{1,3}", "??"]
            quant = rng.choice(bounded + (["*", "+", "{0,}", "*?", "+?"] if depth == 0 else []))
            parts.append(rng.choice(atoms)() + quant)
    return "".join(parts)


def test_random_regexes():
    rng = random.Random(1234)
    for _ in range(300):
        pattern = _random_regex(rng)
        gen = compile_pattern(pattern, max_repeat=5)
        regex = re.compile(pattern)
        for _ in range(20):
            text = gen(rng)
            assert regex.fullmatch(text), (pattern, text)


hypothesis = pytest.importorskip("hypothesis")
st = hypothesis.strategies


@hypothesis.settings(max_examples=200, deadline=None)
@hypothesis.given(
    pattern=st.sampled_from([p for _, p in PATTERNS]),
    seed=st.integers(min_value=0, max_value=2**64),
)
def test_any_seed_matches(pattern, seed):
    assert re.fullmatch(pattern, compile_pattern(pattern)(random.Random(seed)))
