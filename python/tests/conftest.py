"""Shared fixtures: the bundled store and a store written by steppe from the curated data."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import steppe
from steppe import _steppe

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"


def shared_dir() -> Path:
    """The project's ``shared/`` directory: ``$STEPPE_SHARED``, else ``../shared``."""
    return Path(os.environ.get("STEPPE_SHARED") or REPO.parent / "shared")


def shared_path(relative: str) -> Path:
    """``shared/<relative>``, or skip the test naming the file.

    ``shared/`` (the seed article, the publishers' files) sits beside the repository, not in
    it. Without it a test that needs one of its files is skipped with the file's path;
    ``STEPPE_REQUIRE_SHARED=1`` (set by ``.ci/run``) makes that a failure instead.
    """
    path = shared_dir() / relative
    if path.exists():
        return path
    message = f"needs shared/{relative} (looked at {path}; set STEPPE_SHARED)"
    if os.environ.get("STEPPE_REQUIRE_SHARED", "") not in ("", "0"):
        pytest.fail(f"STEPPE_REQUIRE_SHARED is set and this test {message}")
    pytest.skip(message)


@pytest.fixture
def shared_file() -> Callable[[str], Path]:
    """``shared_file("data-sources/...")``: the path, or the test is skipped (see shared_path)."""
    return shared_path


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
