"""The same spec on the same data with the same seed writes the same record, whatever Python's hash
seed (set iteration order): only the timestamp may differ."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import EXAMPLES


def _record(tmp_path, hash_seed: str) -> dict:
    out = tmp_path / f"record-{hash_seed}.json"
    spec, data = EXAMPLES / "fraud_blocking.hurdle", EXAMPLES / "data" / "fraud_blocking.csv"
    env = os.environ | {"PYTHONHASHSEED": hash_seed}
    command = [sys.executable, "-m", "hurdlelang", "run", str(spec), "--data", str(data), "--out", str(out)]
    subprocess.run(command, env=env, capture_output=True, check=False)
    record = json.loads(out.read_text())
    record.pop("created_at")
    return record


def test_records_do_not_depend_on_the_hash_seed(tmp_path):
    first, second = _record(tmp_path, "1"), _record(tmp_path, "2")
    assert first["confidence"]["notes"], "the example has AUC notes, whose order once varied"
    assert first == second
