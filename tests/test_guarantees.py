"""The guarantees of a run (README "Guarantees"), each with real processes: the CLI in a
subprocess, real workers, real signals, a real full disk where the machine can mount one."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import psutil
import pytest

from tests.helpers import ROOT, generate, report, run_cli, scaled_plan

FAULTS = {"DATALCHEMY_MP_FAULTS": "1"}
FINAL = {"succeeded", "failed", "invalid", "cancelled"}
CRM_SCHEMA = ROOT / "plans/crm/schema.json"
CRM_PLAN = ROOT / "plans/crm/full_stack_ptbr.plan.json"


def _plan(tmp_path: Path, rows: int = 200, rules: list | None = None, targets: dict | None = None) -> Path:
    plan = scaled_plan(CRM_PLAN, tmp_path / "plan.json", rows)
    doc = orjson.loads(plan.read_bytes())
    for target in doc["targets"]:
        target["rows"] = (targets or {}).get(f"{target['schema']}.{target['table']}", target["rows"])
    doc["rules"].extend(rules or [])
    plan.write_bytes(orjson.dumps(doc))
    return plan


def _rule(table: str, column: str, generator: dict) -> dict:
    schema, name = table.split(".")
    return {
        "type": "column_generator",
        "schema": schema,
        "table": name,
        "column": column,
        "generator": generator,
    }


def _tables(rep: dict) -> dict[str, dict]:
    return {f"{t['schema']}.{t['table']}": t for t in rep["tables"]}


def _assert_final(rep: dict) -> None:
    assert rep["status"] in FINAL and rep["finished_at"], rep["status"]
    assert all(t["status"] in ("OK", "FAILED", "SKIPPED", "CANCELLED") for t in rep["tables"])


def _start(args: list[str], env: dict | None = None) -> subprocess.Popen:
    """The CLI in its own process group, as a shell, timeout(1) or systemd starts it."""
    return subprocess.Popen(
        [sys.executable, "-m", "datalchemy_mp", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _wait_for_running_table(run_dir: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if any(t["status"] == "RUNNING" for t in report(run_dir)["tables"]):
                return
        except (OSError, orjson.JSONDecodeError, KeyError):
            pass
        time.sleep(0.05)
    raise AssertionError("no table started")


# 1. The report is final on every path ---------------------------------------------------------


def test_disk_full_in_a_worker_fails_that_table_as_disk_full(tmp_path):
    plan = _plan(
        tmp_path,
        rules=[_rule("vendas.clientes", "nome_fantasia", {"id": "fault.disk_full", "params": {"at_row": 5}})],
    )
    proc, run_dir = generate(CRM_SCHEMA, plan, tmp_path / "out", env=FAULTS)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    rep = report(run_dir)
    _assert_final(rep)
    clientes = _tables(rep)["vendas.clientes"]
    assert (clientes["status"], clientes["reason"]) == ("FAILED", "disk_full")
    assert not list(run_dir.glob("vendas.clientes*")) and not list(run_dir.rglob("*.tmp"))
    # Only the parents' key files stay (for --resume); no part of a CSV.
    assert all(p.name.endswith((".key", ".key.off")) for p in (run_dir / ".parts").glob("*"))


@pytest.fixture
def small_disk(tmp_path):
    """A 12 MiB tmpfs: a real full disk (needs root and a kernel that lets us mount)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_real_full_disk_ends_with_a_final_report_and_no_partial_csv(tmp_path, small_disk):
    # 150k clientes rows (tens of MB) cannot fit in 12 MiB; they are split into chunks that are
    # joined at the end.
    plan = _plan(tmp_path, targets={"vendas.clientes": 150_000})
    proc, run_dir = generate(CRM_SCHEMA, plan, small_disk, "--workers", "2", "--chunk-rows", "40000")
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    rep = report(run_dir)
    _assert_final(rep)
    tables = _tables(rep)
    assert tables["vendas.clientes"]["status"] == "FAILED"
    assert tables["vendas.clientes"]["reason"] == "disk_full", tables["vendas.clientes"]
    assert not list(run_dir.rglob("*.tmp")) and not list(run_dir.rglob("*.part"))
    assert not (run_dir / "vendas.clientes.csv").exists()
    assert not (run_dir / ".report.reserve").exists()


@pytest.mark.parametrize("base_date", ["0001-01-01", "9999-12-31"])
def test_extreme_base_dates_end_final_without_a_traceback(tmp_path, base_date):
    proc, run_dir = generate(CRM_SCHEMA, _plan(tmp_path, rows=50), tmp_path / "out", "--base-date", base_date)
    assert proc.returncode in (0, 1, 2) and "Traceback" not in proc.stderr, proc.stderr
    _assert_final(report(run_dir))
    validated = run_cli(
        "validate", "-s", str(CRM_SCHEMA), "-p", str(_plan(tmp_path, rows=50)), "--base-date", base_date
    )
    assert "Traceback" not in validated.stderr
    if proc.returncode == 2:
        assert validated.returncode == 2


@pytest.mark.parametrize("kind", ["a file", "under a file", "read-only"])
def test_an_impossible_out_is_one_clear_error(tmp_path, kind):
    out = tmp_path / "out"
    if kind == "a file":
        out.write_text("not a directory")
    elif kind == "under a file":
        out.write_text("not a directory")
        out = out / "sub"
    else:  # root writes into a 0o500 directory anyway: /proc takes no new directory from anyone
        out = Path("/proc/datalchemy-out")
    proc, _ = generate(CRM_SCHEMA, _plan(tmp_path, rows=10), out)
    assert proc.returncode == 2, proc.stderr
    assert "Error:" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("delay", [0.0, 0.3, 0.8, 1.5])
def test_sigterm_at_any_moment_ends_cancelled_with_143(tmp_path, delay):
    plan = _plan(tmp_path, rules=[_rule("vendas.clientes", "nome_fantasia", {"id": "fault.hang"})])
    out = tmp_path / "out"
    process = _start(
        ["generate", "-s", str(CRM_SCHEMA), "-p", str(plan), "-o", str(out), "--run-id", "r"], FAULTS
    )
    time.sleep(delay)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert "Traceback" not in stderr
    if (out / "r" / "generation_report.json").exists():
        rep = report(out / "r")
        _assert_final(rep)
        assert rep["status"] == "cancelled" and rep["interrupted_by"] == "SIGTERM"
        assert process.returncode == 143
    else:  # the signal came before the run directory existed: the default action
        assert process.returncode in (143, -signal.SIGTERM)


def test_a_run_whose_supervisor_was_killed_is_marked_abandoned_by_the_next_run(tmp_path):
    plan = _plan(tmp_path, rules=[_rule("vendas.clientes", "nome_fantasia", {"id": "fault.hang"})])
    out = tmp_path / "out"
    process = _start(
        ["generate", "-s", str(CRM_SCHEMA), "-p", str(plan), "-o", str(out), "--run-id", "killed"], FAULTS
    )
    _wait_for_running_table(out / "killed")
    process.kill()
    process.wait(10)
    assert report(out / "killed")["status"] == "running"
    proc, _ = generate(CRM_SCHEMA, _plan(tmp_path, rows=10), out, run_id="next")
    assert proc.returncode == 0, proc.stderr
    rep = report(out / "killed")
    assert rep["status"] == "abandoned" and rep["abandoned_found_at"]
    assert {t["status"] for t in rep["tables"]} <= {"OK", "FAILED", "SKIPPED", "CANCELLED"}


# 3. A failed parent stops its descendants at once ---------------------------------------------


def test_a_child_computing_its_parents_keys_is_stopped_when_the_parent_fails(tmp_path):
    # vendas.contatos computes its FK to vendas.clientes (a UUID key), so it starts with its
    # parent; the parent fails at once and the 400k rows of contatos must not be generated.
    plan = _plan(
        tmp_path,
        rules=[_rule("vendas.clientes", "nome_fantasia", {"id": "fault.raise", "params": {"at_row": 100}})],
        targets={"vendas.contatos": 400_000, "vendas.clientes": 20_000},
    )
    started = time.monotonic()
    proc, run_dir = generate(CRM_SCHEMA, plan, tmp_path / "out", "--workers", "2", env=FAULTS)
    elapsed = time.monotonic() - started
    assert proc.returncode == 1, proc.stderr
    tables = _tables(report(run_dir))
    contatos = tables["vendas.contatos"]
    assert (contatos["status"], contatos["reason"], contatos["rows_generated"]) == (
        "SKIPPED",
        "parent_failed",
        0,
    )
    assert "vendas.clientes" in contatos["blocked_by"]
    assert not (run_dir / "vendas.contatos.csv").exists()
    logged = [orjson.loads(line) for line in (run_dir / "logs.ndjson").read_bytes().splitlines()]
    finished = [
        e for e in logged if e.get("event") == "table finished" and e.get("table") == "vendas.contatos"
    ]
    assert [e["status"] for e in finished] == ["SKIPPED"]
    assert (
        "vendas.contatos status=OK" not in proc.stderr
        and "table=vendas.contatos status=OK" not in proc.stderr
    )
    assert elapsed < 60  # 400k contatos rows alone take longer than that on this machine's workers


# 4. Signals to the whole process group ---------------------------------------------------------


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129), (signal.SIGINT, 130)]
)
def test_a_signal_to_the_process_group_cancels_every_running_table(tmp_path, signum, code):
    plan = _plan(tmp_path, rules=[_rule("vendas.clientes", "nome_fantasia", {"id": "fault.hang"})])
    out = tmp_path / "out"
    process = _start(
        ["generate", "-s", str(CRM_SCHEMA), "-p", str(plan), "-o", str(out), "--run-id", "r"], FAULTS
    )
    _wait_for_running_table(out / "r")
    os.killpg(process.pid, signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == code, stderr
    assert "Traceback" not in stderr
    rep = report(out / "r")
    assert rep["status"] == "cancelled" and rep["interrupted_by"] == signal.Signals(signum).name
    tables = _tables(rep)
    assert tables["vendas.clientes"]["status"] == "CANCELLED", tables["vendas.clientes"]
    assert not [t for t in tables.values() if t["status"] == "FAILED"]


# 5. No hang by default --------------------------------------------------------------------------


def test_a_hung_table_is_failed_as_stalled(tmp_path):
    plan = _plan(
        tmp_path,
        rules=[_rule("vendas.clientes", "nome_fantasia", {"id": "fault.hang", "params": {"at_row": 0}})],
    )
    proc, run_dir = generate(CRM_SCHEMA, plan, tmp_path / "out", "--stall-limit", "2", env=FAULTS)
    assert proc.returncode == 1, proc.stderr
    clientes = _tables(report(run_dir))["vendas.clientes"]
    assert (clientes["status"], clientes["reason"]) == ("FAILED", "stalled")
    assert "no progress" in proc.stderr


def test_the_stall_limit_is_on_by_default_and_can_be_turned_off():
    help_text = run_cli("generate", "--help").stdout
    assert "--stall-limit" in help_text and "300.0" in help_text and "'off'" in help_text


# 7. load refuses what is not whole ----------------------------------------------------------------


def test_load_refuses_a_run_that_did_not_succeed_naming_the_missing_tables(tmp_path):
    plan = _plan(tmp_path, rows=20, rules=[_rule("vendas.clientes", "nome_fantasia", {"id": "fault.raise"})])
    proc, run_dir = generate(CRM_SCHEMA, plan, tmp_path / "out", env=FAULTS)
    assert proc.returncode == 1
    db = tmp_path / "target.db"
    loaded = run_cli("load", str(run_dir), "--dsn", f"sqlite:///{db}")
    assert loaded.returncode == 1 and "Traceback" not in loaded.stderr
    assert (
        "'failed', not 'succeeded'" in loaded.stderr and "vendas.clientes (FAILED exception)" in loaded.stderr
    )
    assert "vendas.contatos (SKIPPED parent_failed)" in loaded.stderr


def _renamed(doc, old: str, new: str):
    """``doc`` with every schema name ``old`` replaced by ``new``."""
    keys = ("schema", "name", "referenced_schema", "parent_schema", "udt_schema")
    if isinstance(doc, dict):
        return {k: new if v == old and k in keys else _renamed(v, old, new) for k, v in doc.items()}
    if isinstance(doc, list):
        return [_renamed(v, old, new) for v in doc]
    return doc


@pytest.mark.postgres
def test_a_schema_name_with_a_dot_generates_and_loads(tmp_path, fresh_db):
    import psycopg

    schema = tmp_path / "schema.json"
    schema.write_bytes(orjson.dumps(_renamed(orjson.loads(CRM_SCHEMA.read_bytes()), "vendas", "ven.das")))
    plan = tmp_path / "plan.json"
    plan.write_bytes(
        orjson.dumps(_renamed(orjson.loads(_plan(tmp_path, rows=30).read_bytes()), "vendas", "ven.das"))
    )
    ddl = (ROOT / "plans/crm/schema.sql").read_text()
    ddl = ddl.replace("schema if exists vendas", 'schema if exists "ven.das"').replace(
        "schema vendas", 'schema "ven.das"'
    )
    ddl = ddl.replace("vendas.", '"ven.das".')
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute(ddl)
    proc, run_dir = generate(schema, plan, tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    assert (run_dir / "ven%2Edas.clientes.csv").exists()
    loaded = run_cli("load", str(run_dir), "--dsn", fresh_db)
    assert loaded.returncode == 0, loaded.stderr
    assert "ven.das.clientes: 30 rows" in loaded.stdout


# 8. Files -----------------------------------------------------------------------------------------


@pytest.fixture
def sqlite_db(tmp_path) -> str:
    import sqlite3

    path = tmp_path / "src.db"
    with sqlite3.connect(path) as db:
        db.execute("create table t (id integer primary key, name text not null)")
    return f"sqlite:///{path}"


def test_introspect_into_a_device_writes_through_it(sqlite_db):
    before = os.stat("/dev/null")
    proc = run_cli("introspect", "--dsn", sqlite_db, "-o", "/dev/null")
    assert proc.returncode == 0, proc.stderr
    after = os.stat("/dev/null")
    assert (after.st_ino, after.st_mode, after.st_rdev) == (before.st_ino, before.st_mode, before.st_rdev)


def test_introspect_through_a_symlink_replaces_its_target_not_the_link(sqlite_db, tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    proc = run_cli("introspect", "--dsn", sqlite_db, "-o", str(link))
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and orjson.loads(target.read_bytes())["schemas"]


def test_introspect_into_a_fifo_writes_into_it(sqlite_db, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    proc = run_cli("introspect", "--dsn", sqlite_db, "-o", str(fifo))
    out, _ = reader.communicate(timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert orjson.loads(out)["schemas"] and fifo.is_fifo()


def test_introspect_dash_writes_to_stdout(sqlite_db):
    proc = run_cli("introspect", "--dsn", sqlite_db, "-o", "-")
    assert proc.returncode == 0 and orjson.loads(proc.stdout)["schemas"]


# 10. Options mean what they say -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("--memory-limit", "512", "has no unit"),
        ("--memory-limit", "0", "has no unit"),
        ("--memory-limit", "0MiB", "below the 64MiB"),
        ("--memory-limit", "16MiB", "below the 64MiB"),
        ("--table-timeout", "nan", "positive, finite"),
        ("--table-timeout", "0", "positive, finite"),
        ("--table-timeout", "-1", "positive, finite"),
        ("--stall-limit", "inf", "positive, finite"),
    ],
)
def test_options_that_cannot_mean_what_they_say_are_refused(tmp_path, option, value, said):
    proc, _ = generate(CRM_SCHEMA, _plan(tmp_path, rows=5), tmp_path / "out", option, value)
    assert proc.returncode == 2 and said in proc.stderr, proc.stderr
    assert not (tmp_path / "out").exists()


def test_the_default_memory_limit_respects_the_cgroup(tmp_path):
    from datalchemy_mp.run import memory

    limit = tmp_path / "memory.max"
    limit.write_text(f"{1 << 30}\n")
    unlimited = tmp_path / "unlimited"
    unlimited.write_text("max\n")
    assert memory.cgroup_limit([str(unlimited), str(limit)]) == 1 << 30
    assert memory.cgroup_limit([str(unlimited)]) is None
    assert psutil.virtual_memory().total > 0 and shutil.which  # the host figure stays the ceiling
