"""The bundled data is re-made byte for byte by its seeded generator."""

from __future__ import annotations

import importlib.util

from tests.conftest import EXAMPLES


def test_make_data_reproduces_the_bundled_files(tmp_path):
    spec = importlib.util.spec_from_file_location("make_data", EXAMPLES / "make_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    for name in module.DATASETS:
        assert (tmp_path / name).read_bytes() == (EXAMPLES / "data" / name).read_bytes(), name
