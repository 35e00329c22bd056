"""Progress on stderr: key=value lines without a terminal, a throttled live view with one."""

from __future__ import annotations

import io
import re
from pathlib import Path

import orjson
import pytest

from datalchemy_mp.run import progress
from datalchemy_mp.run.report import TableState
from tests.factory import col, plan_doc, schema_doc, table, write
from tests.helpers import generate, report, run_dir_of

_PAIR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\S*)')


def parse_logfmt(line: str) -> dict[str, str]:
    """One ``key=value`` line; quoted values are JSON strings."""
    fields = {}
    for key, value in _PAIR.findall(line):
        fields[key] = orjson.loads(value) if value.startswith('"') else value
    return fields


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def state(status: str = "PENDING", rows: int = 0, total: int = 1000, **fields) -> TableState:
    return TableState("app", "t", total, False, status=status, rows_generated=rows, **fields)


def small_schema(tmp_path: Path) -> Path:
    """app.a (parent) and app.b (child): two tables, one FK."""
    return write(
        tmp_path / "schema.json",
        schema_doc(
            table("a", [col("id", "integer", nullable=False), col("name")], pk=["id"]),
            table(
                "b",
                [col("id", "integer", nullable=False), col("a_id", "integer")],
                pk=["id"],
                fks=[(["a_id"], "a", ["id"])],
            ),
        ),
    )


# --- without a terminal -------------------------------------------------------------------------


def test_line_progress_is_throttled_per_table_and_ends_with_one_line():
    out, clock = io.StringIO(), Clock()
    view = progress.LineProgress(out, interval=5, clock=clock)
    s = state("RUNNING")
    view.on_event("started", s)
    for t, rows in [(1, 100), (4.9, 200), (5.0, 300), (6, 400), (10.5, 500)]:
        clock.now = 100 + t
        s.rows_generated = rows
        view.on_event("progress", s)
    clock.now = 111
    view.on_event("finished", s)  # a chunk of the table: the table still runs
    s.status, s.rows_generated, s.duration_ms, s.peak_rss_bytes = "OK", 1000, 11_000, 50 << 20
    view.on_event("finished", s)
    view.on_event("finished", s)  # a late chunk event: no second finish line
    lines = [parse_logfmt(line) for line in out.getvalue().splitlines()]
    assert [(x["event"], x["rows"]) for x in lines] == [
        ("table_progress", "300"),
        ("table_progress", "500"),
        ("table_finished", "1000"),
    ]
    assert lines[0] | {"ts": None} == {
        "ts": None,
        "event": "table_progress",
        "table": "app.t",
        "status": "RUNNING",
        "rows": "300",
        "total": "1000",
        "pct": "30.0",
        "rows_per_s": "60",
        "eta_s": "11.7",
    }
    assert lines[-1]["status"] == "OK" and lines[-1]["duration_s"] == "11.0"
    assert lines[-1]["peak_rss_mib"] == "50.0"


def test_line_progress_reports_a_table_that_never_started():
    out = io.StringIO()
    view = progress.LineProgress(out, clock=Clock())
    view.on_event("finished", state("SKIPPED", reason="parent_failed", blocked_by=["app.a", "app.c"]))
    (line,) = out.getvalue().splitlines()
    fields = parse_logfmt(line)
    assert fields["event"] == "table_finished" and fields["status"] == "SKIPPED"
    assert fields["reason"] == "parent_failed" and fields["blocked_by"] == "app.a,app.c"


def test_values_with_spaces_are_quoted():
    line = progress._logfmt("x", {"reason": 'a "b" c', "n": 1})
    assert parse_logfmt(line)["reason"] == 'a "b" c'


@pytest.mark.parametrize(
    ("tty", "quiet", "kind"),
    [
        (True, False, progress.LiveView),
        (False, False, progress.LineProgress),
        (True, True, progress.Quiet),
        (False, True, progress.Quiet),
    ],
    ids=["terminal", "pipe", "quiet-terminal", "quiet-pipe"],
)
def test_for_stream_picks_the_view(tty, quiet, kind):
    stream = io.StringIO()
    stream.isatty = lambda: tty  # type: ignore[method-assign]
    assert isinstance(progress.for_stream(stream, quiet=quiet), kind)


# --- on a terminal ------------------------------------------------------------------------------


def test_live_view_redraws_at_most_five_times_a_second():
    out, clock = io.StringIO(), Clock()
    view = progress.LiveView(out, clock=clock)
    s = state("RUNNING")
    for i in range(50):  # 50 events in one second
        clock.now = 100 + i * 0.02
        s.rows_generated = i
        view.on_event("progress", s)
    assert out.getvalue().count(progress._HIDE_CURSOR) == 5


def test_live_view_prints_log_lines_above_and_is_erased_on_close():
    out, clock = io.StringIO(), Clock()
    view = progress.LiveView(out, clock=clock)
    view.on_event("started", state("RUNNING"))
    view.write_line("a log line")
    block = view._drawn
    assert block == 2  # the summary and one table
    view.close()
    text = out.getvalue()
    assert text.index("a log line") < text.rindex("app.t")  # the block is redrawn below it
    assert text.endswith(progress._UP.format(block) + progress._CLEAR_DOWN + progress._SHOW_CURSOR)


def test_live_view_lines_show_rows_rate_eta_and_memory():
    clock = Clock()
    view = progress.LiveView(io.StringIO(), clock=clock)
    s = state("RUNNING", total=10_000)
    view.on_event("started", s)
    clock.now += 2
    s.rows_generated, s.peak_rss_bytes = 4_000, 80 << 20
    view.on_event("progress", s)
    header, line = view.render()
    assert "1 running" in header
    assert re.search(r"app\.t\s+RUNNING\s+4,000/10,000\s+40%\s+2,000 rows/s ETA\s+3s peak 80 MiB", line), line


def test_live_view_keeps_to_the_terminal_height():
    view = progress.LiveView(io.StringIO(), clock=Clock())
    for i in range(30):
        view.on_event("finished", TableState("app", f"t{i:02d}", 10, False, status="OK"))
    view.on_event("started", TableState("app", "late", 10, False, status="RUNNING"))
    lines = view.render(max_lines=10)
    assert len(lines) == 10
    assert lines[-1] == "  … 23 more"
    assert any("app.late" in line for line in lines)  # running tables are shown first


# --- a real run, stderr piped -------------------------------------------------------------------


@pytest.mark.slow  # a subprocess run or a million values
def test_generate_without_a_terminal_prints_plain_progress_lines(tmp_path):
    schema = small_schema(tmp_path)
    plan = write(tmp_path / "plan.json", plan_doc({"a": 50, "b": 800_000}))
    proc, run_dir = generate(
        schema, plan, tmp_path / "out", "--progress-interval", "0.1", "--chunk-rows", "1000000"
    )
    assert proc.returncode == 0, proc.stderr
    assert run_dir_of(proc) == run_dir
    assert "\x1b" not in proc.stderr
    lines = [parse_logfmt(line) for line in proc.stderr.splitlines()]
    assert all(x["ts"] and x["event"] in ("table_progress", "table_finished") for x in lines)
    finished = [x for x in lines if x["event"] == "table_finished"]
    tables = {f"{t['schema']}.{t['table']}": t for t in report(run_dir)["tables"]}
    assert sorted(x["table"] for x in finished) == sorted(tables) == ["app.a", "app.b"]
    for x in finished:
        assert x["status"] == "OK" and int(x["rows"]) == tables[x["table"]]["rows_generated"]
    running = [x for x in lines if x["event"] == "table_progress"]
    assert "app.b" in {x["table"] for x in running}
    assert all(x["status"] == "RUNNING" and int(x["rows"]) <= 800_000 for x in running)


@pytest.mark.slow  # a subprocess run or a million values
def test_quiet_prints_nothing_but_errors(tmp_path):
    schema = small_schema(tmp_path)
    plan = write(tmp_path / "plan.json", plan_doc({"a": 5, "b": 5}))
    proc, _ = generate(schema, plan, tmp_path / "out", "--quiet")
    assert proc.returncode == 0 and proc.stderr == ""
    bad = write(tmp_path / "bad.json", plan_doc({"a": 5, "nope": 5}))
    proc, _ = generate(schema, bad, tmp_path / "out", "--quiet", run_id="bad")
    assert proc.returncode == 2
    assert proc.stderr.startswith("Error: ") and "nope" in proc.stderr
