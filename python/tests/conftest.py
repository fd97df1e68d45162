"""Shared fixtures: the bundled store and a store written by steppe from the curated data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import steppe
from steppe import _steppe

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"


@pytest.fixture(scope="session")
def bundled() -> steppe.Store:
    return steppe.bundled()


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not (DATA / "sources.toml").exists():
        pytest.skip("the curated data/ directory is not beside the tests")
    return DATA


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    """A store written by steppe (Hive-partitioned Parquet + datapackage.json)."""
    out = tmp_path_factory.mktemp("stores") / "curated"
    _steppe._build_store_from_data(data_dir, out)
    return out


@pytest.fixture(scope="session")
def disk_store(store_dir: Path) -> steppe.Store:
    return steppe.open(store_dir)


@pytest.fixture
def data_copy(tmp_path: Path, data_dir: Path) -> Path:
    """A private copy of data/ that a test may damage."""
    dst = tmp_path / "data"
    shutil.copytree(data_dir, dst, ignore=shutil.ignore_patterns("scripts"))
    return dst
