"""A store steppe wrote is a valid Frictionless Data Package, data included.

Frictionless reads only the first file of a multipart Parquet resource, so this checks a store
whose tables are one file each (``steppe init``: the bundled dataset, every table kind, empty
tables as header-only inline data). ``steppe validate`` checks every file of every store.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import steppe

pytest.importorskip("frictionless", reason="frictionless is in the test extra")


def test_frictionless_validates_a_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert steppe._steppe.run_cli(["steppe", "init", str(store)]) == 0
    cli = shutil.which("frictionless") or str(Path(sys.executable).parent / "frictionless")
    result = subprocess.run(
        [cli, "validate", "datapackage.json"], cwd=store, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "INVALID" not in result.stdout
    for table in ("sources", "entities", "trade_flows", "events", "claims", "rejects"):
        assert table in result.stdout
