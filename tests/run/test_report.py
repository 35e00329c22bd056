"""generation_report.json: one entry per table, run-wide counters, failures in words."""

from __future__ import annotations

import orjson

from datalchemy_mp.errors import Issue
from datalchemy_mp.run.report import Report, RunStatus, TableState, failure_message
from supervisor import Status


def _table(name, status, **kw):
    t = TableState("app", name, 10, False)
    t.status = status
    for k, v in kw.items():
        setattr(t, k, v)
    return t


def test_counters_add_up_over_ok_tables(tmp_path):
    ok = _table(
        "a",
        Status.OK,
        bytes=100,
        rows_generated=10,
        retries=2,
        stats={"generator_usage": {"g": 10}, "heuristic": 4, "pii": {"pii.cpf": 10}},
        warnings=[{"code": "rule_fallback", "message": "m", "count": 3, "column": "x"}],
    )
    failed = _table("b", Status.FAILED, reason="signal", signal="SIGSEGV", bytes=50)
    report = Report(tmp_path / "r.json", "run", {"seed": 1}, tables=[ok, failed])
    report.warnings = [Issue("warning", "unknown_option", "/options/x", "ignored")]
    report.status = RunStatus.FAILED
    report.write()
    doc = orjson.loads((tmp_path / "r.json").read_bytes())
    assert doc["status"] == "failed" and doc["seed"] == 1
    assert [t["status"] for t in doc["tables"]] == ["OK", "FAILED"]
    assert doc["bytes_written"] == 100  # only what OK tables wrote
    assert (doc["retries_total"], doc["heuristic_count"], doc["fallback_count"]) == (2, 4, 3)
    assert doc["generator_usage"] == {"g": 10} and doc["pii_columns_touched"] == {"pii.cpf": 10}
    assert doc["warnings_by_code"] == {"rule_fallback": 3, "unknown_option": 1}
    assert doc["warnings"][1]["path"] == "app.a.x"
    assert doc["unsupported"] == [
        {
            "level": "error",
            "code": "generation_failed",
            "message": "worker killed by SIGSEGV",
            "schema": "app",
            "table": "b",
            "path": None,
        }
    ]


def test_failure_messages():
    t = _table("t", Status.FAILED, reason="exception", detail={"type": "ValueError", "message": "bad"})
    assert failure_message(t) == "ValueError: bad"
    t = _table("t", Status.FAILED, reason="memory_limit_exceeded", detail={"limit_bytes": 5})
    assert failure_message(t) == "worker exceeded the memory limit (5 bytes)"
    t = _table("t", Status.FAILED, reason="timeout", detail={"timeout_s": 3})
    assert failure_message(t) == "worker exceeded the time limit (3 s)"
