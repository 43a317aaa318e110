"""What a long `hurdlec run` is doing, on stderr, only when stderr is a terminal.

A run that ends within DELAY seconds shows nothing; after that one line says what is being done
(rows read, statistics, resamples) and is rewritten at each stage, then cleared at the end. Nothing
is ever written when stderr is not a terminal (a pipe, a file, CI), so logs and records stay clean.
Stages are announced through `stage()` from anywhere in the run (the engines, the resampler); with
no reporter installed it does nothing.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

DELAY = 2.0  # seconds before anything is shown


class Progress:
    def __init__(self, stream, delay: float = DELAY):
        self.stream = stream
        self.started = time.monotonic()
        self.current = "starting"
        self.shown = False
        self._lock = threading.Lock()
        self._timer = threading.Timer(delay, self._show)
        self._timer.daemon = True
        self._timer.start()

    def stage(self, text: str) -> None:
        self.current = text
        if self.shown:
            self._write()

    def _show(self) -> None:
        self.shown = True
        self._write()

    def _write(self) -> None:
        with self._lock:
            elapsed = time.monotonic() - self.started
            self.stream.write(f"\r\033[Khurdlec: {self.current} ({elapsed:.0f} s)")
            self.stream.flush()

    def close(self) -> None:
        self._timer.cancel()
        if self.shown:
            with self._lock:
                self.stream.write("\r\033[K")
                self.stream.flush()


_active: Progress | None = None


def stage(text: str) -> None:
    """Announce what the run does now (shown only on a terminal, after DELAY seconds)."""
    if _active is not None:
        _active.stage(text)


def _is_terminal(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


@contextlib.contextmanager
def reporting(stream, delay: float = DELAY) -> Iterator[Progress | None]:
    """Report stages on `stream` while the block runs, if it is a terminal."""
    global _active
    if not _is_terminal(stream):
        yield None
        return
    _active = Progress(stream, delay)
    try:
        yield _active
    finally:
        _active.close()
        _active = None
