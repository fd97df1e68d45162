"""Importing without optional packages, the console script, stubs and docstrings."""

from __future__ import annotations

import inspect
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import steppe
from steppe import _cli

OPTIONAL = ("pyarrow", "polars", "pandas", "numpy", "duckdb")


def test_import_needs_no_dataframe_library() -> None:
    """steppe imports and works with pyarrow, polars, pandas, numpy and duckdb unavailable."""
    code = f"""
import importlib.abc, sys

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {OPTIONAL!r}:
            raise ModuleNotFoundError(f"blocked: {{name}}")
        return None

sys.meta_path.insert(0, Block())
import steppe
t = steppe.bundled().trade_flows(reporter="TJ", years=2023)
assert len(t) == 4 and len(list(t)) == 4
assert steppe.codes.convert(["TJ"]) == ["TJK"]
t._repr_html_()
t.__arrow_c_stream__()
bad = [m for m in {OPTIONAL!r} if m in sys.modules]
assert not bad, bad
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_version() -> None:
    assert steppe.__version__.count(".") == 2
    assert steppe.SCHEMA_VERSION == 4


def test_typing_files_are_shipped() -> None:
    package = Path(steppe.__file__).parent
    assert (package / "py.typed").is_file()
    assert (package / "_steppe.pyi").is_file()


def test_every_public_name_has_a_docstring() -> None:
    missing = []
    for name in steppe.__all__:
        obj = getattr(steppe, name)
        if isinstance(obj, (str, int, tuple)):
            continue
        if not inspect.getdoc(obj):
            missing.append(name)
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if attr.startswith("_") or (
                    not callable(member) and not isinstance(member, property)
                ):
                    continue
                if not inspect.getdoc(member):
                    missing.append(f"{name}.{attr}")
    for fn in (steppe.codes.convert,):
        if not inspect.getdoc(fn):
            missing.append(fn.__name__)
    assert not missing


def test_cli_version(capfd: pytest.CaptureFixture[str]) -> None:
    assert _cli.main(["steppe", "--version"]) == 0
    out = capfd.readouterr().out
    assert steppe.__version__ in out


def test_cli_info_on_a_store(capfd: pytest.CaptureFixture[str], store_dir: Path) -> None:
    assert _cli.main(["steppe", "info", str(store_dir)]) == 0
    out = capfd.readouterr().out
    assert "trade_flows" in out


def test_cli_usage_error(capfd: pytest.CaptureFixture[str]) -> None:
    assert _cli.main(["steppe", "no-such-command"]) == 2
    assert "no-such-command" in capfd.readouterr().err


def test_console_script() -> None:
    script = shutil.which("steppe", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("the steppe console script is not installed beside this Python")
    out = subprocess.run(
        [script, "cite", "dyer-2025-tajikistan", "--format", "bibtex"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "dyer-2025-tajikistan" in out.stdout
    bad = subprocess.run([script, "validate", "/no/such/store"], capture_output=True, timeout=120)
    assert bad.returncode == 1


def test_console_script_into_a_closed_pipe() -> None:
    script = shutil.which("steppe", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("the steppe console script is not installed beside this Python")
    out = subprocess.run(
        f"'{script}' query entity_codes | head -n 1",
        shell=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0
    assert out.stderr == ""


def test_records_are_imported_on_first_use() -> None:
    """`import steppe` leaves the record dataclasses unbuilt until a record name is used."""
    code = """
import sys
import steppe
assert "steppe.records" not in sys.modules
t = steppe.bundled().trade_flows(reporter="TJK")
t.__arrow_c_stream__()
assert "steppe.records" not in sys.modules, "a query built the records"
from steppe import TradeFlow
assert TradeFlow is steppe.records.TradeFlow is steppe.TradeFlow
assert "TradeFlow" in dir(steppe) and "records" in dir(steppe)
assert all(isinstance(f, TradeFlow) for f in t)
try:
    steppe.NoSuchName
except AttributeError as e:
    assert "NoSuchName" in str(e)
else:
    raise AssertionError("expected AttributeError")
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
