from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from hurdlelang.cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "specs" / "examples"
EXAMPLE_SPEC = EXAMPLES / "repeat_purchase.hurdle"
CORPUS = ROOT / "tests" / "corpus"
SIMPLE_SPEC = CORPUS / "specs" / "simple.hurdle"
EXAMPLE_DATA = EXAMPLES / "data" / "repeat_purchase.csv"
TEST_SPECS = CORPUS / "specs"


@dataclass
class Invocation:
    exit_code: int
    stdout: str
    stderr: str


def invoke(*args: str) -> Invocation:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Invocation(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def hurdlec():
    return invoke
