"""Country names as a scheme (``name``): every name a published list gives an entity, with
the list it comes from and, where the list dates it, the dates.

Standard library only; used by build_reference.py. The names are kept as the lists write
them; steppe's resolver normalises them when it matches (case, accents, punctuation, word
order, "Rep." = "Republic": crates/steppe/src/codes/names.rs). A name that two entities
share stays in the table: the resolver answers it with an ambiguity error listing both.

Lists, in the order their row is kept when two give an entity the same name (compared
ignoring case), so each row cites the most authoritative list that gives it:

1. ISO 3166-1 name, official_name, common_name; ISO 3166-3 name (to its withdrawal).
2. G&W and COW state names, over the dates of the spell that carries them.
3. World Bank names (WDI API file: Country Name by Country Code, scheme wb); UCDP names
   (UCDP/PRIO ACD 23.1 ``location`` of the conflict-years with one location, by their
   ``gwno_loc``, dated from the first to the last year the pair appears).
4. UN M49 and ISO names as countrycode 1.8.0 records them (un.name.en, iso.name.en) and its
   English, COW, Polity and V-Dem names (country.name.en, cow.name, p4.name, vdem.name).
   The IMF's partner names in its DOTS workbooks (``crates/steppe/src/import/imf_dots/partner_names.csv``, the reviewed
   table the DOTS importer also reads; its ``entity`` rows only).
5. GeoNames countryInfo.txt Country; NGA GEC TABLE 1 Name (upper case, as published).
6. country_converter 1.3.2 name_short and name_official.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from pinned import ListError, read_pinned

CC_CSV = "names/countrycode/codelist_without_cldr.csv"
WB_API = "../world-bank-wdi/wb-api-2024-10-gdp/API_NY.GDP.MKTP.CD_DS2_en_csv_v2_9865.csv"
UCDP_ACD = "../ucdp/v23_1/UcdpPrioConflict_v23_1.csv"
SRC_UCDP = "ucdp-prio-acd-23.1"
SRC_CC18 = "countrycode-1.8.0-codelist"
SRC_WB_API = "world-bank-wdi-api-2024-10-24"
LIST_SHA = {
    CC_CSV: "2632dba9d168d0ae0174468b27c62671668d8f8a4a84112dced13e4126e46980",
    WB_API: "925f415d69913ff98d427885df2a05a340c4c38b99701c16e5c321ef5d7779ec",
    UCDP_ACD: "300dadc288a992536b491ed9f7d871917992396acaaa698f635aaec73618a0de",
}
# Compiled into the crate by the IMF DOTS importer, so it lives beside that importer.
IMF_TABLE = "../crates/steppe/src/import/imf_dots/partner_names.csv"
SRC_IMF = "imf-dots-portal-workbooks"
SOURCE_SHA = {SRC_CC18: LIST_SHA[CC_CSV], SRC_WB_API: LIST_SHA[WB_API], SRC_UCDP: LIST_SHA[UCDP_ACD]}
CC_NAME_COLUMNS = ["un.name.en", "iso.name.en", "country.name.en", "cow.name", "p4.name", "vdem.name"]


@dataclass
class Name:
    entity_id: str
    name: str
    valid_from: str
    valid_to: str
    source_id: str
    locator: str


def read(root: Path, rel: str) -> str:
    return read_pinned(root, rel, LIST_SHA).decode("utf-8-sig")


def world_bank(root: Path, wb_to_entity: dict[str, str]) -> list[Name]:
    """Country Name by Country Code from the WDI API file (4 preamble lines, then a header)."""
    lines = read(root, WB_API).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith('"Country Name"'))
    out = []
    for n, r in enumerate(csv.DictReader(io.StringIO("\n".join(lines[start:]))), start + 2):
        eid = wb_to_entity.get(r["Country Code"])
        if eid and r["Country Name"]:
            out.append(Name(eid, r["Country Name"], "", "", SRC_WB_API,
                            f"{Path(WB_API).name} line {n} Country Name (Country Code {r['Country Code']})"))
    return out


def ucdp(root: Path, gw_entity: dict[tuple[str, int], str]) -> list[Name]:
    """UCDP's names: ``location`` by ``gwno_loc`` in conflict-years with a single location,
    dated over the years the (name, entity) pair appears. ``gw_entity`` maps (G&W code,
    year) to the entity the G&W list gives that code then."""
    years: dict[tuple[str, str], list[int]] = {}
    lines: dict[tuple[str, str], int] = {}
    for n, r in enumerate(csv.DictReader(io.StringIO(read(root, UCDP_ACD))), 2):
        if "," in r["location"] or "," in r["gwno_loc"]:
            continue
        eid = gw_entity.get((r["gwno_loc"].strip(), int(r["year"])))
        if eid:
            key = (eid, r["location"].strip())
            years.setdefault(key, []).append(int(r["year"]))
            lines.setdefault(key, n)
    return [
        Name(eid, name, f"{min(ys)}-01-01", f"{max(ys) + 1}-01-01", SRC_UCDP,
             f"{Path(UCDP_ACD).name} line {lines[(eid, name)]} location (gwno_loc; years {min(ys)}-{max(ys)})")
        for (eid, name), ys in sorted(years.items())
    ]


def countrycode(root: Path, entity_ids: set[str], wb_to_entity: dict[str, str]) -> list[Name]:
    """Names of countrycode 1.8.0 rows that carry an entity's iso3c (or its wb code: Kosovo)."""
    out = []
    for n, r in enumerate(csv.DictReader(io.StringIO(read(root, CC_CSV))), 2):
        eid = r["iso3c"] if r["iso3c"] in entity_ids else wb_to_entity.get(r["wb"]) if not r["iso3c"] else None
        if not eid:
            continue
        for col in CC_NAME_COLUMNS:
            if r[col]:
                out.append(Name(eid, r[col], "", "", SRC_CC18, f"codelist_without_cldr.csv line {n} {col}"))
    return out


def imf(data_dir: Path, entity_ids: set[str]) -> list[Name]:
    """The ``entity`` rows of crates/steppe/src/import/imf_dots/partner_names.csv: the IMF's spelling of each partner
    (as its DOTS workbooks write it) and the entity it names; the locator is the cell where
    the name first appears. Raises ListError on an unknown kind or entity."""
    out = []
    rows = csv.DictReader(io.StringIO((data_dir / IMF_TABLE).read_text(encoding="utf-8")))
    for n, r in enumerate(rows, 2):
        if r["kind"] not in ("entity", "world", "aggregate", "residual_nes", "heading"):
            raise ListError(f"{IMF_TABLE} line {n}: unknown kind {r['kind']!r}")
        if r["kind"] != "entity":
            continue
        if r["entity_id"] not in entity_ids:
            raise ListError(f"{IMF_TABLE} line {n}: unknown entity {r['entity_id']!r}")
        out.append(Name(r["entity_id"], r["name"], "", "", SRC_IMF, f"{r['first_seen']} partner name"))
    return out


def dedupe(names: list[Name]) -> list[Name]:
    """One row per entity, name (ignoring case) and first date: the first list's."""
    seen: set[tuple[str, str, str]] = set()
    out = []
    for nm in names:
        key = (nm.entity_id, " ".join(nm.name.split()).casefold(), nm.valid_from)
        if nm.name.strip() and key not in seen:
            seen.add(key)
            out.append(nm)
    return out
