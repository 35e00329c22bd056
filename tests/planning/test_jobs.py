"""Tables as supervisor tasks: chunk bounds, chunk outcomes folded back into one table state,
and children withdrawn when a parent they computed keys of did not finish."""

from __future__ import annotations

from datalchemy_mp.generators.base import BLOCK_ROWS
from datalchemy_mp.planning.graph import Graph
from datalchemy_mp.planning.jobs import MIN_CHUNK_ROWS, TableRun, chunk_bounds, merge_stats, withdraw_orphans
from datalchemy_mp.run import paths
from datalchemy_mp.run.report import TableState
from supervisor import Outcome, Status


def test_chunk_bounds_are_whole_blocks_covering_every_row():
    assert chunk_bounds(100, 8, None) == [(0, 100)]  # small: one task
    bounds = chunk_bounds(10 * MIN_CHUNK_ROWS + 5, 4, None)
    assert bounds[0][0] == 0 and bounds[-1][1] == 10 * MIN_CHUNK_ROWS + 5
    assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:], strict=False))
    assert all(start % BLOCK_ROWS == 0 for start, _ in bounds)
    assert chunk_bounds(3 * BLOCK_ROWS, 1, 100) == [
        (0, BLOCK_ROWS),
        (BLOCK_ROWS, 2 * BLOCK_ROWS),
        (2 * BLOCK_ROWS, 3 * BLOCK_ROWS),
    ]


def test_merge_stats_adds_up_chunks():
    a = {
        "rows": 2,
        "bytes": 10,
        "generator_usage": {"x": 2},
        "warnings": [{"code": "w", "message": "m", "count": 1}],
    }
    b = {
        "rows": 3,
        "bytes": 5,
        "generator_usage": {"x": 3, "y": 1},
        "warnings": [{"code": "w", "message": "m", "count": 2}],
    }
    merged = merge_stats([a, b])
    assert (merged["rows"], merged["bytes"], merged["generator_usage"]) == (5, 15, {"x": 5, "y": 1})
    assert merged["warnings"] == [{"code": "w", "message": "m", "count": 3}]


def _run(tmp_path, ids):
    paths.parts_dir(tmp_path).mkdir(exist_ok=True)
    return TableRun(TableState("app", "t", 10, False), ids)


def test_a_failed_chunk_fails_the_table(tmp_path):
    run = _run(tmp_path, ["app.t#0", "app.t#1"])
    run.apply(Outcome("app.t#0", status=Status.RUNNING, started_at=1.0), tmp_path, {})
    assert run.state.status == Status.RUNNING
    bad = Outcome("app.t#1", status=Status.FAILED, reason="exception", detail={"type": "E"}, exit_code=1)
    run.apply(bad, tmp_path, {})
    assert (run.state.status, run.state.reason, run.state.exit_code) == (Status.FAILED, "exception", 1)


def test_all_chunks_ok_publish_one_csv_in_order(tmp_path):
    run = _run(tmp_path, ["app.t#0", "app.t#1"])
    for k, text in enumerate((b"id\n1\n", b"2\n")):
        paths.part_path(tmp_path, "app", "t", k).write_bytes(text)
    run.apply(Outcome("app.t#1", status=Status.OK, result={"rows": 1, "bytes": 2}), tmp_path, {})
    assert run.state.status != Status.OK  # one chunk is not the table
    run.apply(Outcome("app.t#0", status=Status.OK, result={"rows": 1, "bytes": 5}), tmp_path, {})
    assert run.state.status == Status.OK and run.state.rows_generated == 2
    assert (tmp_path / run.state.csv).read_bytes() == b"id\n1\n2\n"


def test_orphans_are_withdrawn(tmp_path):
    parent, child = TableState("app", "p", 5, False), TableState("app", "c", 5, False)
    parent.status, parent.reason = Status.FAILED, "exception"
    child.status, child.csv = Status.OK, "app.c.csv"
    (tmp_path / "app.c.csv").write_text("id\n")
    graph = Graph(
        order=[("app", "p"), ("app", "c")],
        rows={},
        requested={},
        auto=set(),
        parents={("app", "p"): [], ("app", "c"): [("app", "p")]},
    )
    assert withdraw_orphans([parent, child], graph, tmp_path) == [child]
    assert (child.status, child.reason, child.blocked_by, child.csv) == (
        Status.SKIPPED,
        "parent_failed",
        ["app.p"],
        None,
    )
    assert not (tmp_path / "app.c.csv").exists()
