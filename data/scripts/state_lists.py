"""Gleditsch-Ward and Correlates of War state lists: read them, group their rows into states,
and decide which steppe entity each state is.

Standard library only; used by build_reference.py. Every code and date comes from the lists;
what is written here are the rules that link a listed state to an entity, and a short table
of link decisions no list makes (``LINKS``), each with its reason.

Rules (docs/data.md, "Gleditsch-Ward and COW"):

* A *state* of a list is its rows with one number (G&W) or one number and abbreviation (COW:
  345 is YUG and then SRB). It is *current* when one of its rows runs to the list's end of
  coverage (G&W 2017-12-31, COW 2024-12-31); that end means "still exists", so its last spell
  is left open.
* A current state is the ISO 3166-1 country that countrycode (gwn / cown -> iso3c) links to
  that number; failing that (G&W microstates) country_converter's GWcode; failing that the
  ``LINKS`` table. Where countrycode or country_converter link a number to a country but the
  state is not current (coco's Yemen 680, Vietnam 817, Czechia 315; countrycode's Vatican
  327), the list wins and the disagreement is reported.
* A state that has ended is an ISO 3166-3 former country when countrycode's row for that
  number names it (same rule as before: ISO name or its part before the first comma) or
  ``LINKS`` says so; otherwise it becomes an entity of its own, shared by G&W and COW when
  both lists have an ended state with that number. Its id is the list's abbreviation, or
  ``<abbreviation>_<number>`` where the abbreviation is already an ISO code (Korea 730 is
  ``KOR_730``, Vietnam 815 is ``VNM_815``).
* A current state that ISO 3166-1 does not list (Kosovo, Abkhazia, South Ossetia) becomes an
  entity of its own, with the World Bank code countrycode gives it (``XKX``) as id if any.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from pinned import ListError, read_pinned

GW_II = "gleditsch-ward/iisystem.dat"
GW_MICRO = "gleditsch-ward/microstatessystem.dat"
COW_2024 = "cow/v2024/statelist2024.csv"

SRC_GW_II = "gleditsch-ward-1999-iisystem-2017"
SRC_GW_MICRO = "gleditsch-ward-1999-microstates-2017"
SRC_COW = "cow-state-system-v2024"

LIST_SHA = {
    GW_II: "52bb45f9b728c69b3779d585cf571b87bb90c4a575a267c17b1680dec5424a9b",
    GW_MICRO: "bf00a24525245da4a975788802f8bbe6d6d4bd8cd624402f05a5ea7a793e6208",
    COW_2024: "722153b45eda9c39826a04aab80ca7b29a8b1cfdfe5d92714503420555675484",
}
SOURCE_OF = {GW_II: SRC_GW_II, GW_MICRO: SRC_GW_MICRO, COW_2024: SRC_COW}

# Link decisions no list states: (scheme, number, abbreviation as listed) -> (entity, reason).
# The abbreviation is checked against the list, so a changed list stops the build.
LINKS = {
    ("gw", "678", "YEM"): (
        "YEM",
        "G&W 678 runs to the end of coverage (G&W keep 678 for unified Yemen); no list links"
        " it (countrycode has no gwn for Yemen, country_converter gives 680, which ended in 1990)",
    ),
    ("gw", "816", "DRV"): (
        "VNM",
        "G&W 816 runs to the end of coverage; countrycode gives VNM gwn 815 (ended 1893) and"
        " country_converter 817 (ended 1975); COW 816 DRV, the same number and abbreviation,"
        " is countrycode's cown for VNM",
    ),
    ("cow", "345", "SRB"): (
        "SRB",
        "COW v2024 gives Serbia 345 from 2006; countrycode (built from v2016) has no cown for SRB",
    ),
    ("gw", "680", "YPR"): (
        "YMD",
        "ISO 3166-3 YMD (Yemen, Democratic) is the People's Republic of Yemen that G&W 680 and"
        " COW 680 end in 1990; the names differ in wording only",
    ),
    ("cow", "680", "YPR"): ("YMD", "as G&W 680"),
}


@dataclass
class Spell:
    scheme: str  # "gw" or "cow"
    code: str
    abbr: str
    name: str
    start: dt.date
    end: dt.date  # last day, as listed
    file: str
    line: int
    open: bool = False  # runs to the list's end of coverage: still exists

    @property
    def source_id(self) -> str:
        return SOURCE_OF[self.file]

    @property
    def locator(self) -> str:
        return f"{Path(self.file).name} line {self.line}"


@dataclass
class State:
    scheme: str
    code: str
    abbr: str
    spells: list[Spell] = field(default_factory=list)
    current: bool = False
    entity_id: str = ""
    how: str = ""

    @property
    def name(self) -> str:
        return self.spells[-1].name


def read_list(root: Path, rel: str) -> bytes:
    return read_pinned(root, rel, LIST_SHA)


def _gw_date(text: str, rel: str, line: int) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%d:%m:%Y").date()
    except ValueError as exc:
        raise ListError(f"{rel} line {line}: bad date {text!r}") from exc


def read_gw(root: Path, rel: str) -> list[Spell]:
    """G&W .dat: no header, TAB-separated, Windows-1252, dates dd:mm:yyyy."""
    out = []
    for n, line in enumerate(read_list(root, rel).decode("cp1252").splitlines(), 1):
        cells = line.split("\t")
        if len(cells) != 5 or not cells[0].isdigit():
            raise ListError(f"{rel} line {n}: expected 5 TAB-separated cells, got {line!r}")
        code, abbr, name, start, end = cells
        out.append(Spell("gw", code, abbr, name, _gw_date(start, rel, n), _gw_date(end, rel, n), rel, n))
    return out


def read_cow(root: Path) -> list[Spell]:
    """COW statelist2024.csv: header row, one row per membership spell."""
    text = read_list(root, COW_2024).decode("ascii")
    out = []
    for n, r in enumerate(csv.DictReader(io.StringIO(text)), 2):
        try:
            start = dt.date(int(r["styear"]), int(r["stmonth"]), int(r["stday"]))
            end = dt.date(int(r["endyear"]), int(r["endmonth"]), int(r["endday"]))
        except (KeyError, ValueError) as exc:
            raise ListError(f"{COW_2024} line {n}: bad date ({exc})") from exc
        out.append(Spell("cow", r["ccode"], r["stateabb"], r["statenme"], start, end, COW_2024, n))
    return out


def group(spells: list[Spell], report: list[str]) -> list[State]:
    """States of one list; the last listed end date is the end of coverage."""
    coverage_end = max(s.end for s in spells)
    states: dict[tuple[str, str], State] = {}
    for s in spells:
        key = (s.code, s.abbr if s.scheme == "cow" else "")
        st = states.setdefault(key, State(s.scheme, s.code, s.abbr))
        if st.abbr != s.abbr:
            raise ListError(f"{s.file} line {s.line}: {s.code} is {s.abbr}, earlier {st.abbr}")
        st.spells.append(s)
        s.open = s.end == coverage_end
        st.current = st.current or s.open
    for st in states.values():
        st.spells.sort(key=lambda s: s.start)
    report.append(f"{spells[0].scheme}: {len(spells)} rows, {len(states)} states, coverage ends {coverage_end}")
    return sorted(states.values(), key=lambda st: (int(st.code), st.spells[0].start))


@dataclass
class Linkers:
    """What the convenience tables say: number -> countrycode rows / coco ISO3."""

    iso1: set[str]
    iso_ids: set[str]  # every entity id and ISO alpha-3 already taken
    cc_by_gw: dict[str, list[dict]]
    cc_by_cow: dict[str, list[dict]]
    coco_by_gw: dict[str, list[str]]
    hist_names: dict[str, str]


def link_current(st: State, lk: Linkers, report: list[str]) -> None:
    rows = (lk.cc_by_gw if st.scheme == "gw" else lk.cc_by_cow).get(st.code, [])
    iso = sorted({r["iso3c"] for r in rows if r["iso3c"]})
    how = f"countrycode {'gwn' if st.scheme == 'gw' else 'cown'}={st.code} -> iso3c"
    if not iso and st.scheme == "gw":
        iso = sorted(set(lk.coco_by_gw.get(st.code, [])))
        how = f"country_converter GWcode={st.code} -> ISO3"
    link = LINKS.get((st.scheme, st.code, st.abbr))
    if link is not None:
        if iso and iso != [link[0]]:
            raise ListError(f"LINKS {st.scheme} {st.code}: {link[0]} but {how} gives {iso}")
        st.entity_id, st.how = link[0], f"link: {link[1]}"
        return
    if len(iso) == 1 and iso[0] in lk.iso1:
        st.entity_id, st.how = iso[0], how
        return
    if len(iso) > 1:
        raise ListError(f"{st.scheme} {st.code} {st.name}: {how} gives several: {iso}")
    # Not in ISO 3166-1: an entity of its own, named by the World Bank code if countrycode has one.
    wb = sorted({r["wb"] for r in rows if not r["iso3c"] and r["wb"]})
    st.entity_id = wb[0] if len(wb) == 1 else own_id(st, lk)
    lk.iso_ids.add(st.entity_id)
    st.how = "not in ISO 3166-1" + (f"; id = countrycode wb of {rows[0]['country.name.en']!r}" if wb else "")
    report.append(f"{st.scheme} {st.code} {st.abbr} {st.name!r}: current, not in ISO 3166-1 -> {st.entity_id}")


def own_id(st: State, lk: Linkers) -> str:
    """A new entity id: the abbreviation, or abbreviation_number when that is taken."""
    eid = st.abbr if st.abbr not in lk.iso_ids else f"{st.abbr}_{st.code}"
    if eid in lk.iso_ids:
        raise ListError(f"{st.scheme} {st.code} {st.abbr}: entity id {eid} is taken")
    lk.iso_ids.add(eid)
    return eid


def link_ended(st: State, lk: Linkers, shared: dict[str, str], report: list[str]) -> None:
    rows = (lk.cc_by_gw if st.scheme == "gw" else lk.cc_by_cow).get(st.code, [])
    link = LINKS.get((st.scheme, st.code, st.abbr))
    if link is not None:
        st.entity_id, st.how = link[0], f"link: {link[1]}"
        return
    for r in rows:
        if r["iso3c"]:
            report.append(f"list wins: {st.scheme} {st.code} {st.abbr} {st.name!r} ended"
                          f" {st.spells[-1].end}, but countrycode links it to {r['iso3c']}")
        elif r["country.name.en"] in lk.hist_names:
            st.entity_id = lk.hist_names[r["country.name.en"]]
            st.how = f"countrycode {r['country.name.en']!r} = ISO 3166-3 {st.entity_id}"
            return
    for a3 in lk.coco_by_gw.get(st.code, []) if st.scheme == "gw" else []:
        report.append(f"list wins: gw {st.code} {st.abbr} {st.name!r} ended {st.spells[-1].end},"
                      f" but country_converter gives it to {a3}")
    # One entity per number for the ended states of both lists.
    if st.code not in shared:
        shared[st.code] = own_id(st, lk)
    st.entity_id = shared[st.code]
    st.how = "ended state not in ISO"


def link_states(states: list[State], lk: Linkers, report: list[str]) -> None:
    shared: dict[str, str] = {}
    for st in sorted(states, key=lambda s: s.scheme != "gw"):  # G&W ids first
        if st.current:
            link_current(st, lk, report)
        else:
            link_ended(st, lk, shared, report)
    used = {(s.scheme, s.code, s.abbr) for s in states}
    for key in LINKS:
        if key not in used:
            raise ListError(f"LINKS entry {key} matches no state of the lists; review LINKS")


def clip_overlaps(states: list[State], report: list[str]) -> None:
    """COW gives 2006-06-03 as Yugoslavia's last day and Serbia's first (both 345): where a
    number's next holder starts on or before the previous holder's last day, the previous
    spell is cut to end the day before."""
    spells = sorted((s for st in states for s in st.spells), key=lambda s: (s.scheme, s.code, s.start))
    for a, b in zip(spells, spells[1:]):
        if (a.scheme, a.code) == (b.scheme, b.code) and b.start <= a.end:
            report.append(f"{a.scheme} {a.code}: {a.abbr} ends {a.end} and {b.abbr} starts {b.start}"
                          f" ({a.locator}, {b.locator}); {a.abbr} cut to end {b.start - dt.timedelta(days=1)}")
            a.end = b.start - dt.timedelta(days=1)


def load_states(root: Path, report: list[str]) -> list[State]:
    gw = group(read_gw(root, GW_II) + read_gw(root, GW_MICRO), report)
    cow = group(read_cow(root), report)
    states = gw + cow
    clip_overlaps(states, report)
    return states


def gw_by_year(states: list[State]) -> dict[tuple[str, int], str]:
    """(G&W code, year) -> the entity the code names in some part of that year."""
    out = {}
    for st in states:
        for sp in st.spells if st.scheme == "gw" else []:
            # an open spell still exists: cover the years after the list's coverage too
            for y in range(sp.start.year, (2100 if sp.open else sp.end.year) + 1):
                out[(sp.code, y)] = st.entity_id
    return out
