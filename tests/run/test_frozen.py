"""A run freezes its validated inputs and settings; workers read those, never the user's files."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import orjson

from datalchemy_mp import api
from datalchemy_mp.run import frozen
from tests.helpers import ROOT, csv_files, report, scaled_plan

CRM = ROOT / "plans" / "crm"
BASE = dt.date(2025, 1, 15)


def _inputs(tmp_path: Path) -> tuple[Path, Path]:
    schema = tmp_path / "schema.json"
    schema.write_bytes((CRM / "schema.json").read_bytes())
    return schema, scaled_plan(CRM / "full_stack_ptbr.plan.json", tmp_path / "plan.json", 200)


def test_run_directory_holds_the_inputs_and_settings(tmp_path):
    schema, plan = _inputs(tmp_path)
    result = api.generate(schema, plan, tmp_path / "out", run_id="r", workers=2, base_date=BASE)
    assert result.status == "succeeded"
    assert frozen.schema_path(result.run_dir).read_bytes() == schema.read_bytes()
    assert frozen.plan_path(result.run_dir).read_bytes() == plan.read_bytes()
    settings = frozen.read_settings(result.run_dir)
    digests = {
        "schema_sha256": hashlib.sha256(schema.read_bytes()).hexdigest(),
        "plan_sha256": hashlib.sha256(plan.read_bytes()).hexdigest(),
    }
    assert settings.items() >= {**digests, "seed": orjson.loads(plan.read_bytes())["seed"]}.items()
    assert settings["base_date"] == "2025-01-15" and settings["workers"] == 2
    assert report(result.run_dir).items() >= digests.items()


def test_workers_never_read_the_users_files(tmp_path):
    schema, plan = _inputs(tmp_path)
    clean = api.generate(schema, plan, tmp_path / "clean", run_id="r", workers=1, base_date=BASE)
    assert clean.status == "succeeded"
    broken = []

    def break_inputs(kind: str, state) -> None:
        # Once the first table started, the user's files are gone: later workers must not care.
        if kind == "started" and not broken:
            schema.write_text("not json")
            plan.unlink()
            broken.append(state.table)

    result = api.generate(
        schema,
        plan,
        tmp_path / "out",
        run_id="r",
        workers=1,
        base_date=BASE,
        on_event=break_inputs,
    )
    assert broken and result.status == "succeeded", report(result.run_dir)["tables"]
    assert csv_files(result.run_dir) == csv_files(clean.run_dir)
    assert len(csv_files(result.run_dir)) == 12
