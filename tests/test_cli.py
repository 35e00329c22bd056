"""The command line as a user meets it: help, the catalog search, warnings on stderr, the
resolved plan of a run, errors without tracebacks."""

from __future__ import annotations

import orjson
import pytest

from datalchemy_mp.cli import cli
from tests.factory import col, plan_doc, rule, schema_doc, table, write


@pytest.mark.parametrize("args", [["-h"], ["--help"], ["generate", "-h"], ["explain", "-h"], ["init", "-h"]])
def test_short_and_long_help(runner, args):
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Usage: ")


def test_version_is_printed(runner):
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0 and "0.1.0" in result.stdout


def test_generators_finds_by_case_insensitive_substring_with_descriptions(runner):
    result = runner.invoke(cli, ["generators", "CPF"])
    assert result.exit_code == 0, result.output
    ids = [line.split()[0] for line in result.stdout.splitlines() if not line.startswith(" ")]
    assert "semantic.br.cpf" in ids and all("cpf" in i.lower() or "cpf" in result.stdout.lower() for i in ids)
    assert "    CPF with valid check digits" in result.stdout  # the description, under its entry


def test_generators_glob_and_no_match(runner):
    result = runner.invoke(cli, ["generators", "semantic.br.c*"])
    ids = {line.split()[0] for line in result.stdout.splitlines() if not line.startswith(" ")}
    assert {"semantic.br.cpf", "semantic.br.cnpj", "semantic.br.cep"} <= ids
    assert all(i.startswith("semantic.br.c") for i in ids)
    missing = runner.invoke(cli, ["generators", "no-such-thing-at-all"])
    assert missing.exit_code == 1 and "no generator or transform matches" in missing.stderr


def test_bad_input_is_one_error_line_and_exit_2(runner, tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_text("{not json")
    schema = write(tmp_path / "schema.json", schema_doc(table("t", [col("id", "integer")], pk=["id"])))
    result = runner.invoke(cli, ["validate", "-s", str(schema), "-p", str(plan)])
    assert result.exit_code == 2 and str(plan) in result.stderr and "Traceback" not in result.output


def _run(runner, tmp_path, plan: dict, *extra: str) -> tuple:
    t = table(
        "pessoa",
        [col("id", "integer", identity="ALWAYS"), col("cpf", "text"), col("nota", "integer")],
        pk=["id"],
        checks=["CHECK ((nota >= 1) AND (nota <= 5))"],
    )
    schema = write(tmp_path / "schema.json", schema_doc(t))
    plan_file = write(tmp_path / "plan.json", plan)
    out = tmp_path / "out"
    result = runner.invoke(
        cli,
        [
            "generate",
            "-s",
            str(schema),
            "-p",
            str(plan_file),
            "-o",
            str(out),
            "--run-id",
            "r",
            "-w",
            "1",
            *extra,
        ],
    )
    return result, out / "r"


def test_warnings_reach_stderr_with_a_summary_and_resolved_plan_pins_the_run(runner, tmp_path):
    rules = [rule("pessoa", "cpf", {"id": "semantic.br.cpf", "params": {"formated": True}})]
    result, run_dir = _run(runner, tmp_path, plan_doc({"pessoa": 50}, rules, options={"null_rate": 0.5}))
    assert result.exit_code == 0, result.output
    err = result.stderr.splitlines()
    assert any(line.startswith("warning: [unknown_option] /options/null_rate:") for line in err), err
    assert any("[unknown_param] /rules/0/generator/params/formated:" in line for line in err), err
    assert err[-1] == "warnings=2 (unknown_option=1, unknown_param=1)"
    resolved = orjson.loads((run_dir / "resolved_plan.json").read_bytes())
    assert resolved["seed"] == 7 and resolved["options"]["base_date"] and resolved["global"]["locale"]
    columns = resolved["resolved_columns"]["app.pessoa"]
    assert columns["id"]["source"] == "sequence"
    assert columns["cpf"] == {
        "source": "rule",
        "generator": "semantic.br.cpf",
        "params": {"formatted": False, "formated": True},
        "transforms": [],
        "null_rate": 0.0,
    }
    assert columns["nota"]["source"] == "default" and columns["nota"]["params"]["max"] == 5


def test_quiet_keeps_warnings_off_stderr(runner, tmp_path):
    result, run_dir = _run(runner, tmp_path, plan_doc({"pessoa": 5}, options={"null_rate": 0.5}), "-q")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    report = orjson.loads((run_dir / "generation_report.json").read_bytes())
    assert report["warnings_by_code"] == {"unknown_option": 1}  # still in the report


def test_the_console_script_runs_as_the_package_so_workers_skip_the_script(monkeypatch):
    import sys
    import types
    from multiprocessing import spawn

    from datalchemy_mp import cli as cli_module

    script = types.ModuleType("__main__")
    script.__file__ = "/venv/bin/datalchemy-mp"
    script.main = cli_module.main  # what the generated console script imports
    monkeypatch.setitem(sys.modules, "__main__", script)
    cli_module._run_as_package()
    data = spawn.get_preparation_data("worker")
    assert data.get("init_main_from_name") == "datalchemy_mp.__main__"  # skipped by every worker
    assert "init_main_from_path" not in data  # so the forkserver imports no script either
