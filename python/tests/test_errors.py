"""The exception hierarchy, each exception's attributes, and panics that never crash."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import steppe
from steppe import _steppe


def test_hierarchy() -> None:
    for cls in (
        steppe.FormatError,
        steppe.ValidationError,
        steppe.StoreError,
        steppe.LockedError,
        steppe.NotFoundError,
        steppe.CodeError,
        steppe.SchemaError,
    ):
        assert issubclass(cls, steppe.SteppeError)
        assert cls.__doc__
    assert issubclass(steppe.SteppeError, Exception)
    assert issubclass(steppe.LockedError, steppe.StoreError)
    assert issubclass(steppe.NotFoundError, steppe.StoreError)
    assert issubclass(steppe.NotFoundError, FileNotFoundError)
    e = steppe.SteppeError("boom")
    assert (e.path, e.row, e.field, e.table, e.message) == (None, None, None, None, "boom")


def test_open_directory_without_descriptor(tmp_path: Path) -> None:
    with pytest.raises(steppe.StoreError, match="not a steppe store") as e:
        steppe.open(tmp_path)
    assert e.value.path == str(tmp_path)
    assert e.value.row is None and e.value.field is None


def test_open_missing_directory(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(FileNotFoundError) as e:
        steppe.open(missing)
    assert isinstance(e.value, steppe.NotFoundError)
    assert e.value.path == str(missing) == e.value.filename


def test_corrupted_descriptor(tmp_path: Path, store_dir: Path) -> None:
    import shutil

    damaged = tmp_path / "store"
    shutil.copytree(store_dir, damaged)
    (damaged / "datapackage.json").write_text('{"profile": "data-package", "resources": [')
    with pytest.raises(steppe.StoreError, match="not a valid steppe descriptor") as e:
        steppe.open(damaged)
    assert e.value.path == str(damaged / "datapackage.json")


def test_missing_data_file(tmp_path: Path, store_dir: Path) -> None:
    import shutil

    damaged = tmp_path / "store"
    shutil.copytree(store_dir, damaged)
    victim = next((damaged / "trade_flows").rglob("*.parquet"))
    victim.unlink()
    store = steppe.open(damaged)
    with pytest.raises(steppe.StoreError, match="missing") as e:
        store.trade_flows()
    assert e.value.path == str(victim)


def test_unknown_table(bundled: steppe.Store) -> None:
    with pytest.raises(steppe.SchemaError, match="unknown table `flows`") as e:
        bundled.table("flows")
    assert e.value.table == "flows"


def test_unknown_code(bundled: steppe.Store) -> None:
    with pytest.raises(steppe.CodeError, match="XYZ") as e:
        bundled.trade_flows(reporter="XYZ")
    assert e.value.values == ["XYZ"]
    assert e.value.path is None and e.value.row is None and e.value.field is None
    with pytest.raises(steppe.CodeError) as e:
        steppe.codes.convert(["TJ", "nope:1"])
    assert e.value.values == ["nope:1"]


def test_format_error_names_file_line_and_field(data_copy: Path, tmp_path: Path) -> None:
    csv = data_copy / "trade_flows.csv"
    lines = csv.read_text().splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("year")] = "twenty"
    lines[1] = ",".join(row)
    csv.write_text("\n".join(lines) + "\n")
    with pytest.raises(steppe.FormatError) as e:
        _steppe._build_store_from_data(data_copy, tmp_path / "out")
    assert e.value.path == str(csv)
    assert e.value.row == 2
    assert e.value.field == "year"


def test_missing_input_file(data_copy: Path, tmp_path: Path) -> None:
    (data_copy / "sources.toml").unlink()
    with pytest.raises(steppe.NotFoundError) as e:
        _steppe._build_store_from_data(data_copy, tmp_path / "out")
    assert e.value.path == str(data_copy / "sources.toml")


@pytest.mark.parametrize(
    ("kind", "cls", "attrs"),
    [
        (
            "format",
            steppe.FormatError,
            {"path": "data/trade_flows.csv", "row": 3, "field": "value"},
        ),
        ("io", steppe.StoreError, {"path": "/nowhere/file.csv", "row": None, "field": None}),
        ("not_found", steppe.NotFoundError, {"path": "/nowhere/file.csv"}),
        ("store", steppe.StoreError, {"path": "/some/store"}),
        ("locked", steppe.LockedError, {"path": "/some/store"}),
        ("unknown_table", steppe.SchemaError, {"table": "flows", "path": None}),
        ("schema", steppe.SchemaError, {"table": "trade_flows"}),
        ("code", steppe.CodeError, {"values": ["XXX"]}),
        ("validation", steppe.ValidationError, {"table": "trade_flows", "field": "value"}),
        ("invalid", steppe.SteppeError, {"path": None}),
        ("not_bundled", steppe.StoreError, {"path": None}),
    ],
)
def test_every_core_error_maps_to_its_exception(
    kind: str, cls: type[steppe.SteppeError], attrs: dict[str, object]
) -> None:
    with pytest.raises(cls) as e:
        _steppe._raise_for_tests(kind)
    assert type(e.value) is cls
    for name, value in attrs.items():
        assert getattr(e.value, name) == value, name
    assert str(e.value)


def test_panic_becomes_steppe_error() -> None:
    with pytest.raises(steppe.SteppeError, match=r"internal error.*deliberate panic"):
        _steppe._panic_for_tests()
    # The interpreter is still fine afterwards.
    assert len(steppe.bundled().trade_flows(source="dyer-2025-tajikistan")) == 4


def test_unguarded_panic_is_an_exception_not_a_crash() -> None:
    code = (
        "from steppe import _steppe\n"
        "try:\n"
        "    _steppe._unguarded_panic_for_tests()\n"
        "except BaseException as e:\n"
        "    print(type(e).__name__)\n"
        "print('alive')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.split() == ["PanicException", "alive"]
