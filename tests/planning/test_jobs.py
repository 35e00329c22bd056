"""Tables as supervisor tasks: chunk bounds, chunk outcomes folded back into one table state,
and children withdrawn when a parent they computed keys of did not finish."""

from __future__ import annotations

from datalchemy_mp.engine.worker import join_parts
from datalchemy_mp.generators.base import BLOCK_ROWS
from datalchemy_mp.planning.jobs import MIN_CHUNK_ROWS, TableRun, chunk_bounds, merge_stats
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


def test_all_chunks_ok_and_their_join_publish_one_csv_in_order(tmp_path):
    run = _run(tmp_path, ["app.t#0", "app.t#1"])
    run.join_id = "app.t#join"
    parts = [paths.part_path(tmp_path, "app", "t", k) for k in range(2)]
    for part, text in zip(parts, (b"id\n1\n", b"2\n"), strict=True):
        part.write_bytes(text)
    run.apply(Outcome("app.t#1", status=Status.OK, result={"rows": 1, "bytes": 2}), tmp_path, {})
    run.apply(Outcome("app.t#0", status=Status.OK, result={"rows": 1, "bytes": 5}), tmp_path, {})
    assert run.state.status != Status.OK  # the chunks are not the table before their join
    join_parts({"parts": [str(p) for p in parts], "csv": str(paths.csv_path(tmp_path, "app", "t"))})
    run.apply(Outcome("app.t#join", status=Status.OK, result={}), tmp_path, {})
    assert run.state.status == Status.OK and run.state.rows_generated == 2
    assert (tmp_path / run.state.csv).read_bytes() == b"id\n1\n2\n"


def test_a_part_the_kernel_cannot_copy_is_copied_through_a_buffer():
    import io

    from datalchemy_mp.engine.worker import _copy

    data = bytes(range(256)) * 40_000  # 10 MB: more than one buffer
    out = io.BytesIO()
    steps = list(_copy(io.BytesIO(data), out))  # no file descriptors: no copy_file_range
    assert out.getvalue() == data and sum(steps) == len(data) and len(steps) > 1
