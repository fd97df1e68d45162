"""A store steppe wrote is a valid Frictionless Data Package, data included.

Each resource's ``path`` is its table's folder, which Frictionless reads whole through pyarrow
(Hive partitions included; it would read only the first file of a list of Parquet files). The
stores checked: ``steppe init`` (the bundled dataset, every table kind, undated events in the
null partition, empty tables as header-only inline data), a store after two imports (tables of
several files), and that store with an entity removed, which must fail on its foreign keys.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import steppe

pytest.importorskip("frictionless", reason="frictionless is in the test extra")


def _validate(store: Path) -> subprocess.CompletedProcess[str]:
    """``frictionless validate datapackage.json`` in ``store``."""
    cli = shutil.which("frictionless") or str(Path(sys.executable).parent / "frictionless")
    return subprocess.run(
        [cli, "validate", "--json", "datapackage.json"], cwd=store, capture_output=True, text=True
    )


def _rows_by_resource(result: subprocess.CompletedProcess[str]) -> dict[str, int]:
    report = json.loads(result.stdout)
    return {task["name"]: task["stats"].get("rows", 0) for task in report["tasks"]}


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
    # Every row of every table is read, undated events (the null partition) included.
    rows = _rows_by_resource(_validate(store))
    opened = steppe.open(store)
    assert rows["events"] == len(opened.events()) > 0
    assert rows["entities"] == len(opened.entities())


COUNTRIES = (
    "country_code,country_name,country_iso2,country_iso3\n"
    "156,China,CN,CHN\n643,Russian Federation,RU,RUS\n762,Tajikistan,TJ,TJK\n"
    "398,Kazakhstan,KZ,KAZ\n"
)


def _two_imports(folder: Path) -> Path:
    """A store after two BACI imports of two years each: every table written twice."""
    codes = folder / "country_codes_V202501.csv"
    codes.write_text(COUNTRIES)
    rows = {
        2021: "156,762,847130,100,1\n643,762,100199,200,2\n",
        2022: "156,762,847130,300,1\n398,762,100199,50,2\n",
        2023: "643,762,847130,400,1\n762,643,100199,25,2\n",
        2020: "398,643,847130,10,1\n",
    }
    out = folder / "store"
    for years in ((2021, 2022), (2023, 2020)):
        files = []
        for year in years:
            path = folder / f"BACI_HS92_Y{year}_V202501.csv"
            path.write_text("t,i,j,k,v,q\n" + "".join(f"{year},{r}\n" for r in rows[year].split()))
            files.append(path)
        steppe.import_baci(files, codes, out)
    return out


def test_frictionless_validates_a_store_after_two_imports(tmp_path: Path) -> None:
    store = _two_imports(tmp_path)
    descriptor = json.loads((store / "datapackage.json").read_text())
    files = {r["name"]: len(r["steppe"]["files"]) for r in descriptor["resources"]}
    assert files["trade_flows"] == 4 and files["sources"] > 1
    result = _validate(store)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert json.loads(result.stdout)["valid"] is True
    rows = _rows_by_resource(result)
    assert rows["trade_flows"] == 7
    assert rows["sources"] == len(steppe.open(store).sources())


def test_frictionless_fails_on_a_foreign_key_break(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    pc = pytest.importorskip("pyarrow.compute")
    store = _two_imports(tmp_path)
    # Kazakhstan, a reporter and partner of trade_flows rows, removed from entities.
    for path in (store / "entities").rglob("*.parquet"):
        table = pq.read_table(path)
        pq.write_table(table.filter(pc.field("entity_id") != "KAZ"), path)
    result = _validate(store)
    assert result.returncode != 0
    report = json.loads(result.stdout)
    flows = next(t for t in report["tasks"] if t["name"] == "trade_flows")
    errors = flows["errors"]
    assert errors and {e["type"] for e in errors} == {"foreign-key"}
    assert any("KAZ" in e["message"] for e in errors)
