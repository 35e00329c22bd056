"""options.fk_distribution: per-parent child counts follow poisson, uniform or zipf, with a mean."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import pytest

from tests.helpers import ROOT, generate, read_csv

PARENTS, CHILDREN = 200, 6000


def _counts(tmp_path: Path, option: dict | None) -> Counter:
    plan = {
        "plan_version": "0.2",
        "seed": 11,
        "schema_ref": {"schema_version": "0.2", "engine": "postgres"},
        "targets": [
            {"schema": "bench", "table": "usuarios", "rows": PARENTS},
            {"schema": "bench", "table": "sessions", "rows": CHILDREN},
        ],
        "rules": [],
        "options": {} if option is None else {"fk_distribution": option},
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    proc, run_dir = generate(
        ROOT / "plans/bench/schema.json", path, tmp_path / "out", "--base-date", "2026-11-29"
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return Counter(r["usuario_id"] for r in read_csv(run_dir / "bench.sessions.csv"))


def test_default_is_a_random_pick_over_every_parent(tmp_path):
    counts = _counts(tmp_path, None)
    assert len(counts) == PARENTS
    mean = CHILDREN / PARENTS
    variance = sum((c - mean) ** 2 for c in counts.values()) / PARENTS
    assert 0.6 * mean < variance < 1.5 * mean  # Poisson: variance close to the mean


def test_uniform_gives_every_parent_the_same_count(tmp_path):
    counts = _counts(tmp_path, {"kind": "uniform"})
    assert len(counts) == PARENTS and set(counts.values()) == {CHILDREN // PARENTS}


def test_zipf_is_skewed_and_mean_limits_the_parents_used(tmp_path):
    counts = _counts(tmp_path, {"kind": "zipf", "s": 1.2, "mean": 60})
    assert len(counts) <= math.ceil(CHILDREN / 60)
    top = counts.most_common()
    assert top[0][1] > 5 * top[len(top) // 2][1]  # rank 1 far above the median parent


def test_a_bad_option_is_one_clear_error(tmp_path):
    with pytest.raises(AssertionError) as err:
        _counts(tmp_path, {"kind": "pareto"})
    assert "fk_distribution/kind" in str(err.value) and "Traceback" not in str(err.value)
