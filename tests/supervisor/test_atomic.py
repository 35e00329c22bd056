from __future__ import annotations

import json
import os
import stat

import pytest

from supervisor import write_json_atomic


def test_writes_indented_json_and_replaces_the_old_file(tmp_path) -> None:
    path = tmp_path / "report.json"
    write_json_atomic(path, {"status": "running"})
    write_json_atomic(path, {"status": "succeeded", "tables": [1, 2]})
    assert json.loads(path.read_text()) == {"status": "succeeded", "tables": [1, 2]}
    assert path.read_text().startswith('{\n  "status"')
    assert os.listdir(tmp_path) == ["report.json"]  # no temp file left behind
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp_file(tmp_path) -> None:
    path = tmp_path / "report.json"
    write_json_atomic(path, {"status": "running"})
    with pytest.raises(TypeError):
        write_json_atomic(path, {"status": object()})
    assert json.loads(path.read_text()) == {"status": "running"}
    assert os.listdir(tmp_path) == ["report.json"]
