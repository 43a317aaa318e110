"""The grammar ships inside the wheel, so a non-editable install can parse specs."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from tests.conftest import ROOT


def test_wheel_contains_the_grammar(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("hurdlelang-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = archive.read("hurdlelang/lang/hurdle.lark").decode()
    assert shipped == (ROOT / "grammar" / "hurdle.lark").read_text()
