"""Packaging: the grammar ships inside the wheel, so a non-editable install can parse specs; the
distribution users install (packaging/hurdlelang, `pip install hurdlelang`) is the light root
hurdlelang-core plus its `run` extra, at the same version, with the same extras."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile

from hurdlelang import __version__
from tests.conftest import ROOT

META = ROOT / "packaging" / "hurdlelang"


def _wheel(source, tmp_path) -> zipfile.ZipFile:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("*.whl")
    return zipfile.ZipFile(wheel)


def test_wheel_contains_the_grammar(tmp_path):
    with _wheel(ROOT, tmp_path) as archive:
        shipped = archive.read("hurdlelang/lang/hurdle.lark").decode()
        names = archive.namelist()
        for schema in ("record", "ir", "check", "test", "record-1", "record-2"):  # `hurdlec schema` reads them
            assert f"hurdlelang/record/schemas/{schema}.schema.json" in names
        assert archive.filename.split("/")[-1].startswith(f"hurdlelang_core-{__version__}-")
    assert shipped == (ROOT / "grammar" / "hurdle.lark").read_text()


def test_the_core_needs_only_the_light_libraries():
    core = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = [d.split(">")[0].split("<")[0].split("=")[0] for d in core["dependencies"]]
    assert names == ["lark", "pydantic", "click", "pygments"]
    assert [d.split(">")[0] for d in core["optional-dependencies"]["run"]] == [
        "numpy",
        "pandas",
        "scikit-learn",
        "pyarrow",
        "duckdb",
    ]


def test_the_hurdlelang_distribution_is_the_core_with_run_at_the_same_version(tmp_path):
    core = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    meta = tomllib.loads((META / "pyproject.toml").read_text())["project"]
    assert meta["name"] == "hurdlelang" and meta["version"] == __version__
    assert meta["dependencies"] == [f"hurdlelang-core[run]=={__version__}"]
    user_extras = set(core["optional-dependencies"]) - {"run", "test"}
    assert set(meta["optional-dependencies"]) == user_extras
    for extra in user_extras:
        assert meta["optional-dependencies"][extra] == [f"hurdlelang-core[run,{extra}]=={__version__}"]
    with _wheel(META, tmp_path) as archive:
        (metadata,) = [n for n in archive.namelist() if n.endswith("METADATA")]
        text = archive.read(metadata).decode()
        assert not [n for n in archive.namelist() if n.endswith(".py")]  # no code: it is all in the core
    assert f"Requires-Dist: hurdlelang-core[run]=={__version__}" in text
