"""FIPS 10-4 / GEC codes from NGA's "Geopolitical Entities and Codes" list, and the GeoNames
country table that links the codes NGA gives no ISO code for.

Standard library only; used by build_reference.py. Reads the TSV exports of sheets TABLE 1
and APP B (``*.DERIVED.tsv``, made from the byte-exact .xls, whose sha256 is checked too).

Rules (docs/data.md, "FIPS 10-4"), for each TABLE 1 code:

1. TABLE 1 gives an ISO alpha-3: that ISO 3166-1 country.
2. No ISO code, and APP B says where ISO puts the place: the ISO entry APP B names. APP B
   says it in the place's own note ("ISO includes with Australia", "ISO combines with Jan
   Mayen (see Svalbard and Jan Mayen)", "ISO refers to Gaza Strip and West Bank as
   Palestinian Territory, Occupied") or in the ISO entry's note ("ISO includes Baker Island,
   Howland Island, ...", "Former FIPS 10 references to Gaza Strip (GZ) and West Bank (WE)").
   Both directions must agree.
3. No ISO code and no such note, but GeoNames' countryInfo.txt gives the code as the fips of
   an entity steppe has (KV -> XK/XKX, Kosovo): that entity.
4. Otherwise (the sovereign base areas, Clipperton, the Paracel and Spratly Islands, the
   southern Kuril Islands) the place is an entity of its own, id ``FIPS_<code>``, type area.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from pinned import ListError, read_pinned

NGA_XLS = "fips/nga-gec/GEOPOLITICAL_CODES.xls"
NGA_T1 = "fips/nga-gec/GEOPOLITICAL_CODES.TABLE_1.DERIVED.tsv"
NGA_B = "fips/nga-gec/GEOPOLITICAL_CODES.APP_B.DERIVED.tsv"
GEONAMES = "fips/geonames/countryInfo.txt"

SRC_NGA = "nga-gec-2010-03-30"
SRC_GEONAMES_INFO = "geonames-countryinfo-2025"

LIST_SHA = {
    NGA_XLS: "011a49bfc44d61e7caf8d38a39b7eb9eff94f88a3ef186f09f467d5104ebcd61",
    NGA_T1: "91b6212073050c99142c0aec13a837ecc4b5cd2b2f3615684fec8f5f0e5281f0",
    NGA_B: "4127243517f20a275fada20d41757872f845b9e5843183d9d58d7b87920c461d",
    GEONAMES: "4b72fde3fccf988e14cef56cc616378ca05572c9b28524b837f46282ec6b8a67",
}
SOURCE_SHA = {SRC_NGA: LIST_SHA[NGA_XLS], SRC_GEONAMES_INFO: LIST_SHA[GEONAMES]}


@dataclass
class Fips:
    code: str
    name: str
    entity_id: str  # "" until linked
    rule: str
    row: int  # xls row of TABLE 1
    sovereignty: str = ""


def read(root: Path, rel: str) -> bytes:
    return read_pinned(root, rel, LIST_SHA)


def tsv(root: Path, rel: str) -> list[dict]:
    rows = list(csv.DictReader(io.StringIO(read(root, rel).decode("utf-8")), delimiter="\t"))
    return [{k: (v or "").strip() for k, v in r.items()} for r in rows]


def geonames_info(root: Path) -> list[dict]:
    """countryInfo.txt data rows (the '#' lines are comments; the header is line 50)."""
    lines = read(root, GEONAMES).decode("utf-8").splitlines()
    header = next(line for line in lines if line.startswith("#ISO\t")).lstrip("#").split("\t")
    return [dict(zip(header, line.split("\t"))) for line in lines if line and not line.startswith("#")]


def _iso_by_note(name: str, code: str, note: str, by_name: dict[str, str], iso_rows: list[dict]) -> str:
    """Rule 2: the ISO alpha-3 APP B puts this place with, or ''. Both directions must agree."""
    own = ""
    for pat in (r"\(see ([^)]+)\)", r"ISO refers to .* as (.+)$", r"^ISO includes with (?:the )?(.+)$"):
        m = re.search(pat, note)
        # APP B writes "the US Minor Outlying Islands" for its entry "UNITED STATES MINOR ..."
        target = re.sub(r"^US ", "UNITED STATES ", m.group(1).upper()) if m else ""
        if target in by_name:
            own = by_name[target]
            break
    other = sorted({
        r["ISO 3166 trigraph"] for r in iso_rows
        if (r["NOTES"].startswith("Former FIPS 10 references to") and f"({code})" in r["NOTES"])
        or (re.match(r"ISO includes (?!with)", r["NOTES"])
            and re.search(rf"\b{re.escape(name)}\b", r["NOTES"], re.IGNORECASE))
    })
    if len(other) > 1 or (own and other and other != [own]):
        raise ListError(f"APP B: {code} {name}: its note gives {own or '-'}, ISO notes give {other}")
    return own or (other[0] if other else "")


def load(root: Path, entity_ids: set[str], report: list[str]) -> tuple[list[Fips], list[dict]]:
    """The FIPS codes of TABLE 1, each linked to an entity id or to a new area entity."""
    read(root, NGA_XLS)  # the authority: checked, not parsed
    table = tsv(root, NGA_T1)
    app_b = tsv(root, NGA_B)
    geo = geonames_info(root)
    iso_rows = [r for r in app_b if r["ISO 3166 trigraph"] not in ("", "*")]
    by_name = {r["Name"].upper(): r["ISO 3166 trigraph"] for r in iso_rows}
    b_by_fips = {r["FIPS 10"]: r for r in app_b if r["FIPS 10"] not in ("", "*")}
    geo_by_fips = {r["fips"]: r["ISO3"] for r in geo if r["fips"]}
    out: dict[str, Fips] = {}
    for r in table:
        code, a3, name, row = r["Code"], r["A3 Code"], r["Name"], int(r["xls_row"])
        if not re.fullmatch(r"[A-Z]{2}", code):
            raise ListError(f"{NGA_T1} xls row {row}: code {code!r}")
        if code in out:
            if out[code].name != name:
                raise ListError(f"{NGA_T1} xls row {row}: {code} listed twice with different names")
            continue
        b = b_by_fips.get(code, {})
        note = b.get("NOTES", "")
        if a3 != "*":
            f = Fips(code, name, a3, f"TABLE 1 A3 Code {a3}", row)
        elif iso := _iso_by_note(name, code, note, by_name, iso_rows):
            f = Fips(code, name, iso, f"APP B: {note or 'the ISO entry notes it'} -> {iso}", row)
        elif geo_by_fips.get(code) in entity_ids:
            iso = geo_by_fips[code]
            f = Fips(code, name, iso, f"no ISO code in NGA; GeoNames countryInfo.txt fips {code} = {iso}", row)
        else:
            f = Fips(code, name, "", "no ISO code, no ISO note in APP B, not in GeoNames: an area of its own",
                     row, b.get("SOVEREIGNTY", ""))
        out[code] = f
    for f in out.values():
        if f.entity_id and f.entity_id not in entity_ids:
            raise ListError(f"{NGA_T1} xls row {f.row}: {f.code} -> {f.entity_id}, which is no entity")
        if not f.rule.startswith("TABLE 1"):
            report.append(f"fips {f.code} {f.name}: {f.rule}")
    return sorted(out.values(), key=lambda f: f.code), geo
