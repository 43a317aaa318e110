"""An append-only decision log: one JSON line per run (`hurdlec run --log decisions.jsonl`), each
carrying the hash of the one before, so an edited, removed, inserted or reordered entry breaks the
chain and `hurdlec verify --log` says where. docs/ci.md#decision-log.

The chain cannot tell on its own that entries were cut from the end (the shorter log is a valid
chain): keep the last entry's hash somewhere else too (the run prints it, CI logs keep it), and
pass it to `verify --log FILE --log-head HASH`.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from hurdlelang.record.model import DecisionRecord

GENESIS = "0" * 64  # the `prev` of the first entry
LOG_VERSION = 1


def _digest(entry: dict) -> str:
    """The entry's hash: SHA-256 of its canonical JSON (keys sorted, no spaces) without `hash`."""
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def entry_for(record: DecisionRecord, record_path: str, record_sha256: str) -> dict:
    """What the log keeps of a run: enough to find the record and check it is the same file."""
    o = record.outcome
    return {
        "log_version": LOG_VERSION,
        "created_at": record.created_at,
        "spec": record.spec.name,
        "spec_sha256": record.spec.sha256,
        "data_sha256": [f.sha256 for f in record.data.files],
        "model_id": record.model_id,
        "status": o.status,
        "tier": o.tier,
        "blocking": o.blocking,
        "exit_code": record.run.exit_code,
        "record": record_path,
        "record_sha256": record_sha256,
        "git_commit": record.run.git.commit if record.run.git else None,
    }


def append(path: str | Path, entry: dict) -> dict:
    """Append `entry` with its sequence number, the previous entry's hash and its own hash. The
    file is locked while the last entry is read and the new one written, so two runs cannot
    both chain onto the same entry."""
    with open(path, "a+", encoding="utf-8") as log:
        fcntl.flock(log.fileno(), fcntl.LOCK_EX)
        log.seek(0)
        last = None
        for line in log:
            if line.strip():
                last = line
        previous = json.loads(last) if last else None
        full = {
            "seq": (previous["seq"] + 1) if previous else 1,
            "prev": previous["hash"] if previous else GENESIS,
            **entry,
        }
        full["hash"] = _digest(full)
        log.seek(0, os.SEEK_END)
        log.write(json.dumps(full, sort_keys=True, ensure_ascii=False) + "\n")
        log.flush()
        os.fsync(log.fileno())
    return full


@dataclass(frozen=True)
class LogProblem:
    line: int  # 1-based line of the log file
    message: str


def check(path: str | Path, head: str | None = None) -> tuple[int, list[LogProblem]]:
    """Walk the chain: every entry must hash to its `hash`, point at the one before and count on
    by one. Returns the number of entries and every problem found (empty: the chain holds)."""
    problems: list[LogProblem] = []
    previous_hash, expected_seq, count = GENESIS, 1, 0
    with open(path, encoding="utf-8") as log:
        lines = log.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for number, line in enumerate(lines, 1):
        try:
            entry = json.loads(line)
            if not isinstance(entry, dict):
                raise ValueError("not an object")
        except ValueError:
            problems.append(LogProblem(number, "not a JSON object: the line was edited or the file damaged"))
            previous_hash, expected_seq = None, expected_seq + 1
            continue
        count += 1
        if entry.get("hash") != _digest(entry):
            problems.append(
                LogProblem(number, f"entry {entry.get('seq')} was edited: its content no longer hashes to its hash")
            )
        if previous_hash is not None and entry.get("prev") != previous_hash:
            problems.append(
                LogProblem(
                    number,
                    f"entry {entry.get('seq')} does not follow the entry before it: one was removed, inserted or moved",
                )
            )
        if entry.get("seq") != expected_seq:
            problems.append(LogProblem(number, f"entry number {entry.get('seq')} where {expected_seq} was expected"))
        previous_hash = entry.get("hash")
        expected_seq = (entry.get("seq") if isinstance(entry.get("seq"), int) else expected_seq) + 1
    if head is not None and previous_hash != head:
        problems.append(LogProblem(len(lines), f"the last entry's hash is not {head}: entries were cut from the end"))
    return count, problems
