#!/usr/bin/env python3
"""Check the curated article facts in data/ against the seed article and data/sources.toml.

Python 3.11+, standard library only. Exits non-zero on the first batch of failures.

    python3 data/scripts/check_article_facts.py [--article PATH] [--data DIR]

By default the article is read from ../shared/seed/ beside the repository
(shared/seed/tajikistan-between-the-bear-and-the-dragon.txt); its sha256 must equal
content_sha256 of the source record ``dyer-2025-tajikistan``.

What is asserted:
  * every CSV: UTF-8 without BOM, LF line endings, exact header, unique primary key,
    rows sorted by primary key, enumerated columns within their enums;
  * every source_id / cited_source_id / document_id / cited_source_ids entry exists in
    sources.toml, every cited work's in-text citation (quoted in its note) occurs in the
    article, and the cited work's in-text citation occurs in the paragraph a row points to;
  * every source_locator of an article row names a real heading (and paragraph) of the
    article, and the row's phrase (event description, actor name, organisation name,
    location, membership entity name, trade figure) occurs in that paragraph;
  * every claim text is an exact substring of the article (character for character) and
    each ';'-separated part of value_text occurs in the claim text;
  * every trade value, printed back at its value_precision, occurs in the paragraph
    (137400000 at 100000 -> "$137.4 million");
  * every event year is stated in the description (1992, or the 2-digit "97" of
    "1992-97"), or is the article's dateline year when the description says "this year";
  * entity, organisation and event references resolve; claim subject_refs resolve to rows.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import math
import re
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent
ARTICLE_DEFAULT = DATA.parent.parent / "shared" / "seed" / "tajikistan-between-the-bear-and-the-dragon.txt"
DOC_ID = "dyer-2025-tajikistan"

HEADINGS = [
    "Intro",
    "Tajikistan’s oldest friend?",
    "Tajikistan on the Belt and Road",
    "The Reliability Question: Costs of Closer Ties with Beijing",
    "Beyond Russia and China: Regional Balancing Acts",
    "The Bear or the Dragon?",
]
END_MARK = "Bibliography"

TABLES = {
    "trade_flows.csv": (
        "year,month,reporter_id,partner_id,flow,perspective,classification,commodity_code,value,currency,"
        "price_basis,value_precision,quantity,quantity_unit,is_estimated,source_id,source_locator,"
        "cited_source_id,derivation",
        ("year", "month", "reporter_id", "partner_id", "flow", "perspective", "classification",
         "commodity_code", "source_id"),
    ),
    "events.csv": (
        "event_id,event_class,title,description,start_date,end_date,date_precision,country_id,"
        "location_name,source_id,source_locator,cited_source_id",
        ("event_id",),
    ),
    "event_actors.csv": (
        "event_id,role,actor_kind,actor_name,actor_ref,source_id,source_locator,cited_source_id",
        ("event_id", "role", "actor_name"),
    ),
    "organisations.csv": (
        "org_id,name,acronym,org_type,founded,dissolved,source_id,source_locator,cited_source_id",
        ("org_id",),
    ),
    "memberships.csv": (
        "org_id,entity_id,role,valid_from,valid_to,date_precision,source_id,source_locator,cited_source_id",
        ("org_id", "entity_id", "role", "valid_from"),
    ),
    "claims.csv": (
        "claim_id,document_id,text,value_text,about,cited_source_ids,subject_refs",
        ("claim_id",),
    ),
    "entities.csv": (
        "entity_id,name,name_official,entity_type,valid_from,valid_to,parent_id,predecessor_ids,"
        "successor_ids,region,focus,source_id,"
        "source_locator",
        ("entity_id",),
    ),
    "entity_codes.csv": (
        "entity_id,scheme,code,valid_from,valid_to,is_preferred,source_id,source_locator",
        ("entity_id", "scheme", "code", "valid_from"),
    ),
}

ENUMS = {
    ("trade_flows.csv", "flow"): {"export", "import", "re_export", "re_import"},
    ("trade_flows.csv", "perspective"): {"reporter_declared", "partner_mirror", "reconciled"},
    ("trade_flows.csv", "price_basis"): {"FOB", "CIF", "FOB_estimated", "unknown"},
    ("trade_flows.csv", "is_estimated"): {"true", "false"},
    ("trade_flows.csv", "derivation"): {"as_published", "unit_converted", "mirrored", "reconciled", "computed", "manual"},
    ("events.csv", "event_class"): {"armed_conflict", "military_intervention", "military_presence", "terrorist_attack",
                                    "deportation", "agreement", "diplomatic_recognition", "regime_change", "other"},
    ("events.csv", "date_precision"): {"day", "month", "year", "range", "unknown"},
    ("event_actors.csv", "role"): {"actor1", "actor2", "side_a", "side_b", "perpetrator", "target", "signatory",
                                   "recognizer", "recognized", "intervener", "host", "participant", "location"},
    ("event_actors.csv", "actor_kind"): {"entity", "organisation", "armed_group", "person"},
    ("organisations.csv", "org_type"): {"igo", "initiative", "transport_corridor", "armed_group",
                                        "military_alliance", "economic_union"},
    ("memberships.csv", "role"): {"member", "participant", "route_country", "observer", "partner", "former_member"},
    ("memberships.csv", "date_precision"): {"day", "month", "year", "range", "unknown"},
    ("entities.csv", "entity_type"): {"country", "historical", "world", "aggregate", "residual_nes", "area"},
    ("entities.csv", "focus"): {"", "central_asia", "neighbour"},
    ("entity_codes.csv", "scheme"): {"iso2", "iso3", "iso_num", "iso3166_3", "m49", "gw", "cow_num", "cow_abb",
                                     "fips", "cameo", "wb", "comtrade", "acled", "name"},
    ("entity_codes.csv", "is_preferred"): {"true", "false"},
}
CSL_TYPES = {"dataset", "article", "article-journal", "article-newspaper", "report", "book", "chapter",
             "webpage", "software"}
LOCATOR_RE = re.compile(r'^section "(?P<h>[^"]+)"(, paragraph (?P<p>\d+))?$')
DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class Checker:
    def __init__(self, article: str, data: Path):
        self.article = article
        self.data = data
        self.errors: list[str] = []
        self.paragraphs = self._split_sections(article)

    def fail(self, msg: str) -> None:
        self.errors.append(msg)

    # -- article structure --------------------------------------------------
    def _split_sections(self, text: str) -> dict[str, list[str]]:
        body = text[: text.index("\n" + END_MARK)]
        lines = [ln.strip("\xa0 ").strip() for ln in body.split("\n")]
        sections: dict[str, list[str]] = {}
        current = None
        for ln in lines:
            if ln in HEADINGS:
                current = ln
                sections[current] = []
            elif ln and current is not None:
                sections[current].append(ln)
        missing = [h for h in HEADINGS if h not in sections]
        if missing:
            raise SystemExit(f"article headings not found: {missing}")
        return sections

    def paragraph(self, where: str, locator: str) -> str | None:
        m = LOCATOR_RE.match(locator)
        if not m or m["h"] not in self.paragraphs:
            self.fail(f"{where}: bad source_locator {locator!r}")
            return None
        paras = self.paragraphs[m["h"]]
        if m["p"] is None:
            if len(paras) != 1:
                self.fail(f"{where}: section {m['h']!r} has {len(paras)} paragraphs; give one")
                return None
            return paras[0]
        i = int(m["p"])
        if not 1 <= i <= len(paras):
            self.fail(f"{where}: section {m['h']!r} has no paragraph {i}")
            return None
        return paras[i - 1]

    def in_para(self, where: str, locator: str, phrase: str) -> None:
        para = self.paragraph(where, locator)
        if para is not None and phrase not in para:
            self.fail(f"{where}: {phrase!r} not in {locator}")

    # -- files ----------------------------------------------------------------
    def read_csv(self, name: str) -> list[dict]:
        path = self.data / name
        raw = path.read_bytes()
        header, key = TABLES[name]
        if raw.startswith(b"\xef\xbb\xbf"):
            self.fail(f"{name}: has a BOM")
        if b"\r" in raw:
            self.fail(f"{name}: CR characters (line endings must be LF)")
        if not raw.endswith(b"\n"):
            self.fail(f"{name}: no final newline")
        text = raw.decode("utf-8")
        if text.split("\n", 1)[0] != header:
            self.fail(f"{name}: header is {text.split(chr(10), 1)[0]!r}")
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        keys = [tuple(r[k] for k in key) for r in rows]
        if len(set(keys)) != len(keys):
            self.fail(f"{name}: duplicate primary key {key}")
        if keys != sorted(keys):
            self.fail(f"{name}: rows not sorted by {key}")
        for i, r in enumerate(rows, 2):
            if None in r or any(v is None for v in r.values()):
                self.fail(f"{name}:{i}: wrong number of fields")
            for (tbl, col), allowed in ENUMS.items():
                if tbl == name and r[col] not in allowed:
                    self.fail(f"{name}:{i}: {col}={r[col]!r} not in {sorted(allowed)}")
        return rows

    def run(self) -> None:
        with (self.data / "sources.toml").open("rb") as f:
            sources = {s["source_id"]: s for s in tomllib.load(f)["source"]}
        art_sha = hashlib.sha256(self.article.encode("utf-8")).hexdigest()
        if sources.get(DOC_ID, {}).get("content_sha256") != art_sha:
            self.fail(f"sources.toml {DOC_ID}: content_sha256 != sha256 of the article read ({art_sha})")

        # sources.toml itself
        citation: dict[str, str] = {}
        for sid, s in sources.items():
            if s.get("csl_type") not in CSL_TYPES:
                self.fail(f"sources.toml {sid}: csl_type {s.get('csl_type')!r}")
            if not isinstance(s.get("redistributable"), bool):
                self.fail(f"sources.toml {sid}: redistributable must be a bool")
            for fld in ("issued", "accessed"):
                if fld in s and not DATE_RE.match(s[fld]):
                    self.fail(f"sources.toml {sid}: {fld} {s[fld]!r}")
            if "cited_by" in s:
                if s["cited_by"] not in sources:
                    self.fail(f"sources.toml {sid}: cited_by {s['cited_by']!r} unknown")
                m = re.search(r'in-text citation: "([^"]+)"', s.get("note", ""))
                if not m:
                    self.fail(f"sources.toml {sid}: note quotes no in-text citation")
                    continue
                citation[sid] = m.group(1)
                if m.group(1) not in self.article:
                    self.fail(f"sources.toml {sid}: in-text citation {m.group(1)!r} not in the article")
                if "issued" in s and s["issued"] not in m.group(1):
                    self.fail(f"sources.toml {sid}: issued {s['issued']} not in its citation")
                if "page" in s and f"P. {s['page']}" not in m.group(1):
                    self.fail(f"sources.toml {sid}: page {s['page']} not in its citation")

        t = {name: self.read_csv(name) for name in TABLES}
        entities = {r["entity_id"]: r for r in t["entities.csv"]}
        orgs = {r["org_id"]: r for r in t["organisations.csv"]}
        events = {r["event_id"]: r for r in t["events.csv"]}
        for r in t["entity_codes.csv"]:
            if r["entity_id"] not in entities:
                self.fail(f"entity_codes.csv: unknown entity {r['entity_id']}")
        for name in ("entities.csv", "entity_codes.csv"):
            for r in t[name]:
                if r["source_id"] not in sources:
                    self.fail(f"{name}: unknown source_id {r['source_id']}")

        def src(where: str, r: dict) -> None:
            if r["source_id"] != DOC_ID:
                self.fail(f"{where}: source_id must be {DOC_ID}")
            cited = r.get("cited_source_id", "")
            if cited:
                if cited not in sources:
                    self.fail(f"{where}: unknown cited_source_id {cited}")
                elif cited in citation:
                    self.in_para(where, r["source_locator"], citation[cited])

        def entity(where: str, eid: str, required: bool = True) -> None:
            if (eid or required) and eid not in entities:
                self.fail(f"{where}: unknown entity {eid!r}")

        # trade flows
        for i, r in enumerate(t["trade_flows.csv"], 2):
            w = f"trade_flows.csv:{i}"
            src(w, r)
            entity(w, r["reporter_id"])
            entity(w, r["partner_id"])
            self.in_para(w, r["source_locator"], printed(float(r["value"]), float(r["value_precision"])))
            self.in_para(w, r["source_locator"], r["year"])

        # events
        dateline_year = self.article[: self.article.index("\n")].strip()[-4:]
        for i, r in enumerate(t["events.csv"], 2):
            w = f"events.csv:{i} {r['event_id']}"
            src(w, r)
            entity(w, r["country_id"], required=False)
            self.in_para(w, r["source_locator"], r["description"])
            if r["location_name"]:
                self.in_para(w, r["source_locator"], r["location_name"])
            dated = [d for d in (r["start_date"], r["end_date"]) if d]
            if (r["date_precision"] == "unknown") != (not dated):
                self.fail(f"{w}: date_precision {r['date_precision']} vs dates {dated}")
            for d in dated:
                if not DATE_RE.match(d):
                    self.fail(f"{w}: bad date {d!r}")
                    continue
                y = d[:4]
                ok = (y in r["description"]
                      or re.search(rf"\d{{4}}-{y[2:]}\b", r["description"]) is not None
                      or ("this year" in r["description"] and y == dateline_year))
                if not ok:
                    self.fail(f"{w}: year {y} is not stated in the description")

        # event actors
        for i, r in enumerate(t["event_actors.csv"], 2):
            w = f"event_actors.csv:{i}"
            src(w, r)
            if r["event_id"] not in events:
                self.fail(f"{w}: unknown event {r['event_id']}")
            self.in_para(w, r["source_locator"], r["actor_name"])
            ref = r["actor_ref"]
            if r["actor_kind"] == "entity":
                entity(w, ref)
            elif ref and ref not in orgs:
                self.fail(f"{w}: unknown org {ref!r}")

        # organisations and memberships
        for i, r in enumerate(t["organisations.csv"], 2):
            w = f"organisations.csv:{i}"
            src(w, r)
            self.in_para(w, r["source_locator"], r["name"])
            if r["acronym"]:
                self.in_para(w, r["source_locator"], f"({r['acronym']})")
            for d in ("founded", "dissolved"):
                if r[d]:
                    self.fail(f"{w}: {d} given but the article states no date")
        for i, r in enumerate(t["memberships.csv"], 2):
            w = f"memberships.csv:{i}"
            src(w, r)
            if r["org_id"] not in orgs:
                self.fail(f"{w}: unknown org {r['org_id']}")
            entity(w, r["entity_id"])
            if r["entity_id"] in entities:
                self.in_para(w, r["source_locator"], entities[r["entity_id"]]["name"].split(",")[0])
            self.in_para(w, r["source_locator"], orgs.get(r["org_id"], {}).get("name", "\0"))

        # claims
        row_ids = {
            "trade_flows": {f"{r['reporter_id']}-{r['partner_id']}-{r['year']}-{r['flow']}" for r in t["trade_flows.csv"]},
            "events": set(events),
            "organisations": set(orgs),
            "memberships": {f"{r['org_id']}/{r['entity_id']}/{r['role']}" for r in t["memberships.csv"]},
        }
        for i, r in enumerate(t["claims.csv"], 2):
            w = f"claims.csv:{i} {r['claim_id']}"
            if r["document_id"] not in sources:
                self.fail(f"{w}: unknown document_id")
            if r["text"] not in self.article:
                self.fail(f"{w}: text is not an exact substring of the article")
            if r["text"] != r["text"].strip():
                self.fail(f"{w}: text has surrounding whitespace")
            for v in filter(None, r["value_text"].split(";")):
                if v not in r["text"]:
                    self.fail(f"{w}: value_text {v!r} not in text")
            for e in filter(None, r["about"].split(";")):
                entity(w, e)
            for c in filter(None, r["cited_source_ids"].split(";")):
                if c not in sources:
                    self.fail(f"{w}: unknown cited source {c}")
                elif c in citation and citation[c] not in self.article:
                    self.fail(f"{w}: citation of {c} not in article")
            for ref in filter(None, r["subject_refs"].split(";")):
                table, _, rid = ref.partition(":")
                if rid not in row_ids.get(table, ()):
                    self.fail(f"{w}: subject_ref {ref!r} does not resolve")


def printed(value: float, precision: float) -> str:
    """Print a USD value back the way the article writes it, at its precision."""
    for unit, word in ((1e9, "billion"), (1e6, "million")):
        if value >= unit:
            decimals = max(0, round(math.log10(unit / precision)))
            return f"${value / unit:.{decimals}f} {word}"
    return f"${value:,.0f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--article", type=Path, default=ARTICLE_DEFAULT)
    ap.add_argument("--data", type=Path, default=DATA)
    args = ap.parse_args(argv)
    if not args.article.is_file():
        print(f"check_article_facts: article not found at {args.article} (use --article)", file=sys.stderr)
        return 2
    article = args.article.read_bytes().decode("utf-8")
    ck = Checker(article, args.data)
    ck.run()
    if ck.errors:
        for e in ck.errors:
            print("FAIL", e, file=sys.stderr)
        print(f"check_article_facts: {len(ck.errors)} problem(s)", file=sys.stderr)
        return 1
    print("check_article_facts: all article facts, claims and source references check out")
    return 0


if __name__ == "__main__":
    sys.exit(main())
