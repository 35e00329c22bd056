"""logs.ndjson from the supervisor and every worker; no secret in any log line."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from datalchemy_mp.run import logs
from tests.factory import col, plan_doc, rule, schema_doc, table, write
from tests.helpers import generate, report


@pytest.fixture
def log_file(tmp_path) -> Iterator[Path]:
    """This process logs to a file of its own during the test, and to nowhere afterwards."""
    path = tmp_path / logs.LOG_NAME
    logs.log_to_file(path)
    yield path
    logs.log_to_file(None)
    logs.log_to_console(None)


def lines_of(path: Path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("postgresql://app:s3cret@db:5432/crm", "postgresql://app:***@db:5432/crm"),
        (
            "cannot connect to postgres://u:p@ss/w@rd@host/db: refused",
            "cannot connect to postgres://u:***@host/db: refused",
        ),
        (
            "mysql+pymysql://root:pw@localhost/x and sqlite:///rel.db",
            "mysql+pymysql://root:***@localhost/x and sqlite:///rel.db",
        ),
        ("host=db user=app password='a b c' dbname=crm", "host=db user=app password=*** dbname=crm"),
        (
            "postgresql://app@db/crm?sslmode=require&password=s3cret",
            "postgresql://app@db/crm?sslmode=require&password=***",
        ),
        ("postgresql://app@db/crm", "postgresql://app@db/crm"),
        ("https://example.com:8443/path", "https://example.com:8443/path"),
    ],
    ids=["url", "raw-at-in-password", "two-urls", "key-value", "query", "no-password", "port"],
)
def test_scrub_text(text, expected):
    assert logs.scrub_text(text) == expected


def test_secrets_never_reach_the_file(log_file):
    log = logs.get_logger(process="test")
    dsn = "postgresql://app:hunter2@db.internal:5432/crm"
    log.info("connecting", dsn=dsn, options={"password": "hunter2", "hosts": [dsn]})
    log.warning(f"retrying {dsn}")
    try:
        raise ConnectionError(f"could not connect to {dsn}")
    except ConnectionError:
        log.exception("gave up")
    raw = log_file.read_text()
    assert "hunter2" not in raw
    first, second, third = lines_of(log_file)
    assert first["dsn"] == "postgresql://app:***@db.internal:5432/crm"
    assert first["options"] == {"password": "***", "hosts": ["postgresql://app:***@db.internal:5432/crm"]}
    assert second["event"] == "retrying postgresql://app:***@db.internal:5432/crm"
    assert third["level"] == "error" and "ConnectionError: could not connect" in third["exception"]
    assert {x["pid"] for x in (first, second, third)} == {os.getpid()}


def test_console_gets_readable_lines_from_its_level_up(log_file):
    shown: list[str] = []
    logs.log_to_console(shown.append, level="warning")
    log = logs.get_logger(process="test")
    log.info("quiet on the console", n=1)
    log.warning("loud", table="app.t")
    assert len(shown) == 1 and "loud" in shown[0] and "app.t" in shown[0]
    assert [x["event"] for x in lines_of(log_file)] == ["quiet on the console", "loud"]


def test_a_forked_process_logs_nowhere_until_it_says_where(log_file):
    """Workers fork from a fork of the CLI, whose console shows the run's progress: their lines
    must not land there, nor in a file they did not name."""
    shown: list[str] = []
    logs.log_to_console(shown.append)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover  (the child reports through the pipe)
        logs.get_logger(process="child").info("from the child")
        os.write(write, b"%d" % len(shown))
        os._exit(0)
    os.close(write)
    assert os.read(read, 16) == b"0"
    os.close(read)
    os.waitpid(pid, 0)
    assert log_file.exists() is False  # nothing written by the child either
    logs.get_logger(process="parent").info("from the parent")
    assert len(shown) == 1 and [x["event"] for x in lines_of(log_file)] == ["from the parent"]


@pytest.mark.slow  # a subprocess run or a million values
def test_a_run_logs_from_the_supervisor_and_every_worker(tmp_path):
    schema = write(
        tmp_path / "schema.json",
        schema_doc(
            table("a", [col("id", "integer", nullable=False), col("name")], pk=["id"]),
            table(
                "b",
                [col("id", "integer", nullable=False), col("a_id", "integer")],
                pk=["id"],
                fks=[(["a_id"], "a", ["id"])],
            ),
            table("c", [col("id", "integer", nullable=False), col("note")], pk=["id"]),
        ),
    )
    plan = write(
        tmp_path / "plan.json",
        plan_doc(
            {"a": 20, "b": 20, "c": 20},
            [
                rule(
                    "a",
                    "name",
                    {"id": "fault.raise", "params": {"message": "boom postgresql://u:topsecret@h/db"}},
                )
            ],
        ),
    )
    proc, run_dir = generate(
        schema, plan, tmp_path / "out", "--workers", "2", env={"DATALCHEMY_MP_FAULTS": "1"}
    )
    assert proc.returncode == 1, proc.stderr
    assert "app.a: FAILED exception: RuntimeError: boom postgresql://u:***@h/db" in proc.stderr
    lines = lines_of(run_dir / logs.LOG_NAME)
    assert all({"timestamp", "level", "event", "process", "pid"} <= set(x) for x in lines)

    supervisor = [x for x in lines if x["process"] == "supervisor"]
    assert {x["pid"] for x in supervisor} == {proc_pid := supervisor[0]["pid"]}
    events = [x["event"] for x in supervisor]
    assert events[:2] == ["run started", "plan valid"] and events[-1] == "run finished"
    assert supervisor[0]["workers"] == 2
    finished = {x["table"]: x for x in supervisor if x["event"] == "table finished"}
    assert {t: x["status"] for t, x in finished.items()} == {
        "app.a": "FAILED",
        "app.b": "SKIPPED",
        "app.c": "OK",
    }
    assert finished["app.a"]["level"] == "error"
    assert finished["app.a"]["error"] == "RuntimeError: boom postgresql://u:***@h/db"
    assert finished["app.b"]["blocked_by"] == ["app.a"]
    assert finished["app.c"]["rows"] == 20 and finished["app.c"]["peak_rss_bytes"] > 0
    assert supervisor[-1]["status"] == "failed"

    workers = [x for x in lines if x["process"] == "worker"]
    # app.b computes its parent's integer keys, so it may run; it is withdrawn all the same
    assert {"app.a", "app.c"} <= {x["table"] for x in workers}
    assert not (run_dir / "app.b.csv").exists()
    assert proc_pid not in {x["pid"] for x in workers}
    pids = {t["table"]: t["pid"] for t in report(run_dir)["tables"] if t["pid"]}
    for x in workers:
        assert x["pid"] == pids[x["table"].split(".")[1]]
    failure = next(x for x in workers if x["event"] == "worker failed")
    assert failure["table"] == "app.a" and "RuntimeError" in failure["exception"]
    assert "topsecret" not in (run_dir / logs.LOG_NAME).read_text()
