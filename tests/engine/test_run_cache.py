"""Workers fork with the validated run in memory (engine.run_cache), and write the same bytes."""

from __future__ import annotations

import datetime as dt
import importlib
import time
from pathlib import Path

import orjson
import pytest

import supervisor
from datalchemy_mp import api
from datalchemy_mp.engine import run_cache
from supervisor.outcome import Outcome, RunResult
from tests.helpers import csv_files, generate, scaled_plan

BASE_DATE = "2025-01-15"


def _run_in_this_process(tasks, limits, on_event=None, **_executor) -> RunResult:
    """supervisor.run without processes: each task's target called here, parents first."""
    outcomes = {}
    for task in tasks:
        module, _, function = task.target.partition(":")
        outcome = Outcome(task.id, group=task.group, started_at=time.time())
        outcome.result = getattr(importlib.import_module(module), function)(task.payload)
        outcome.status, outcome.exit_code, outcome.finished_at = "OK", 0, time.time()
        outcomes[task.id] = outcome
    return RunResult(outcomes, None)


@pytest.fixture
def crm_plan(shared_dir, tmp_path) -> tuple[Path, Path]:
    schema = shared_dir / "datalchemy/schemas/crm.schema.json"
    plan = scaled_plan(
        shared_dir / "datalchemy/plans/examples/full_stack_ptbr.plan.json", tmp_path / "plan.json", 3000
    )
    return schema, plan


def test_every_worker_starts_preloaded_and_writes_what_a_fresh_build_writes(crm_plan, tmp_path, monkeypatch):
    schema, plan = crm_plan
    proc, run_dir = generate(schema, plan, tmp_path / "a", "--workers", "1", "--base-date", BASE_DATE)
    assert proc.returncode == 0, proc.stderr
    lines = [orjson.loads(line) for line in (run_dir / "logs.ndjson").read_bytes().splitlines()]
    started = [line for line in lines if line.get("event") == "worker started"]
    assert len(started) == 13 and all(line["preloaded"] for line in started)

    # In this process nothing was preloaded: every job parses and builds its own plans.
    assert run_cache.for_job({"base_date": BASE_DATE, "schema_file": schema, "plan_file": plan}) is None
    monkeypatch.setattr(supervisor, "run", _run_in_this_process)
    monkeypatch.setattr(supervisor, "fork_server", lambda preload=(): False)
    monkeypatch.setattr(supervisor, "wait_ready", lambda preload=(): None)
    base = dt.date.fromisoformat(BASE_DATE)
    fresh = api.generate(schema, plan, tmp_path / "b", run_id="run", base_date=base)
    assert fresh.status == "succeeded"
    assert csv_files(run_dir) == csv_files(fresh.run_dir)


def test_a_kept_run_is_used_only_in_a_fork_and_only_for_the_same_bytes_and_base_date(
    crm_plan, tmp_path, monkeypatch
):
    schema, plan = crm_plan
    p = api.prepare(schema, plan, dt.date.fromisoformat(BASE_DATE))
    monkeypatch.setattr(run_cache, "_run", None)
    run_cache.keep(schema.read_bytes(), plan.read_bytes(), p.schema, p.plan, p.table_plans, p.base_date)
    job = {"schema_file": str(schema), "plan_file": str(plan), "base_date": BASE_DATE}
    assert run_cache.for_job(job) is None  # the process that kept it builds its own plans
    monkeypatch.setattr(run_cache._run, "kept_by", -1)  # as seen from a forked worker
    assert run_cache.for_job(job) is run_cache._run
    assert run_cache.for_job({**job, "base_date": "2025-01-16"}) is None
    copy = tmp_path / "copy.json"
    copy.write_bytes(plan.read_bytes())
    assert run_cache.for_job({**job, "plan_file": str(copy)}) is run_cache._run  # same bytes elsewhere
    copy.write_bytes(plan.read_bytes().replace(b'"seed"', b'"seed" ', 1))
    assert run_cache.for_job({**job, "plan_file": str(copy)}) is None
    assert run_cache.for_job({**job, "plan_file": str(tmp_path / "gone.json")}) is None
