"""Progress on stderr: shown on a terminal once the run has taken DELAY seconds, rewritten at each
stage and cleared at the end; nothing at all when stderr is not a terminal. Not timed: the delay is
set to 0 (show at once) or made long (never reached)."""

from __future__ import annotations

import io
import threading

from hurdlelang.core import progress
from hurdlelang.judging.runner import RunOptions, execute
from hurdlelang.lang.compiler import compile_path
from tests.conftest import EXAMPLES


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _shown(stream: Terminal, delay: float, tmp_path) -> str:
    spec = EXAMPLES / "fraud_blocking.hurdle"
    options = RunOptions(
        data_path=str(EXAMPLES / "data" / "fraud_blocking.csv"), out_path=str(tmp_path / "r.json"), resamples=100
    )
    with progress.reporting(stream, delay) as reporter:
        if reporter is not None and delay == 0:
            reporter._timer.join()  # shown before the first stage, so every stage is written
        execute(compile_path(spec), options)
    return stream.getvalue()


def test_a_terminal_sees_rows_statistics_and_resamples(tmp_path):
    text = _shown(Terminal(), 0, tmp_path)
    assert "hurdlec: reading and checking the data" in text
    assert "24,000 rows checked; computing the statistics" in text
    assert "24,000 rows read; computing the metrics" in text
    assert "100 resamples of joint cells" in text
    assert "100 resamples of score histograms" in text
    assert text.endswith("\r\033[K")  # the line is cleared at the end


def test_a_short_run_shows_nothing(tmp_path):
    assert _shown(Terminal(), 3600, tmp_path) == ""


def test_nothing_when_stderr_is_not_a_terminal(tmp_path):
    stream = io.StringIO()
    with progress.reporting(stream, 0) as reporter:
        assert reporter is None
        progress.stage("reading")
    assert stream.getvalue() == ""
    assert not any(t.name.startswith("Timer") and t.is_alive() for t in threading.enumerate())


def test_the_command_line_writes_no_progress_into_a_pipe(tmp_path):
    from click.testing import CliRunner

    from hurdlelang.cli.main import cli

    args = ["run", str(EXAMPLES / "fraud_blocking.hurdle"), "--data", str(EXAMPLES / "data" / "fraud_blocking.csv")]
    result = CliRunner().invoke(cli, [*args, "--out", str(tmp_path / "r.json"), "--resamples", "100"])
    assert "hurdlec:" not in result.output and "\033[K" not in result.output
