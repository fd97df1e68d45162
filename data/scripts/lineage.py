"""Predecessor and successor links between entities, each from a source that states it.

Three kinds of link, all checked against the text they rest on (a changed list or quote
stops the build):

1. The ISO 3166-3 alpha-4 rule. ISO's glossary (source ``iso-3166-glossary``) says the
   alpha-4 code of a formerly used name ends in the new alpha-2 when a country changed its
   name (BUMM: Burma to Myanmar, MM) or merged into another (YDYE: Democratic Yemen into
   the Republic of Yemen, YE), and in ``HH`` when it was divided ("no single successor
   country exists", CSHH). The Wikipedia article on ISO 3166-3 (source
   ``wikipedia-iso-3166-3``) adds ``AA``: the name changed, the alpha-2 did not (BYAA:
   Byelorussian SSR to Belarus, BY), and ``XX`` for Serbia and Montenegro, divided but
   written CSXX because CSHH was taken. So: ``HH``/``XX`` give no successor here; ``AA``
   gives the holder of the entry's own alpha-2; any other ending gives the holder of that
   alpha-2 on the withdrawal date (YUCS: CS on 2003-07-23 is Serbia and Montenegro).
2. Parts named in an ISO 3166-3 entry's ``comment`` (iso-codes): "divided into FM, MH, MP,
   and PW", "now split into Kiribati and Tuvalu", "now split between AQ and TF".
3. Links a cited page states (STATED below): the USSR's parts from the ISO 3166-3 table as
   the Vietnamese national standard TCVN 7217-3:2013 reproduces it, Czechoslovakia's and
   Yemen's from ISO's glossary, Serbia and Montenegro's and the Netherlands Antilles' from
   ISO's news releases, South Vietnam's from EBSCO. Each quote is stored verbatim in the
   row's ``source_locator``, and every successor must be named in it.

Predecessors are the inverse of successors (``predecessors_of``). Secessions that left the
older state in place (Kosovo, Abkhazia, South Ossetia), the pre-1945 states of the G&W and
COW lists and the Saudi-Iraqi Neutral Zone are not linked: no source read states them as
links (docs/data.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

SRC_ISO_GLOSSARY = "iso-3166-glossary"
SRC_WIKI_ISO3 = "wikipedia-iso-3166-3"
SRC_TCVN = "tcvn-7217-3-2013"
SRC_ISO_NEWS_RS_ME = "iso-news-2006-serbia-montenegro"
SRC_ISO_NEWS_AN = "iso-news-2010-netherlands-antilles"
SRC_EBSCO_VN = "ebsco-north-south-vietnam-reunited"
SOURCES = (
    SRC_ISO_GLOSSARY,
    SRC_WIKI_ISO3,
    SRC_TCVN,
    SRC_ISO_NEWS_RS_ME,
    SRC_ISO_NEWS_AN,
    SRC_EBSCO_VN,
)

WIKI_AA_RULE = (
    "the special code AA is used if its alpha-2 code was not changed (e.g., Byelorussian SSR"
    " changed its name to Belarus, which has kept the same alpha-2 code)"
)
# Endings that name no single successor (the glossary's HH; Wikipedia's XX for CSXX).
NO_SINGLE_SUCCESSOR = ("HH", "XX")

_TCVN_SUHH = (
    "Phân chia thành: Cộng hòa Ácmênia (AM, ARM, 051), Cộng hòa Adécbaigian (AZ, AZE, 031),"
    " Cộng hòa Extônia (EE, EST, 233), Gruzia (GE, GEO, 268), Cộng hòa Kadắcxtan (KZ, KAZ, 398),"
    " Cộng hòa Cưrơgưxtan (KG, KGZ, 417), Cộng hòa Látvia (LV, LVA, 428), Cộng hòa Lítva (LT, LTU,"
    " 440), Cộng hòa Mônđôva (MD, MDA, 498), Liên bang Nga (RU, RUS, 643), Cộng hòa Tagikixtan (TJ,"
    " TJK, 762), Tuốcmenixtan (TM, TKM, 795), Cộng hòa Udơbêkixtan (UZ, UZB, 86)"
)


@dataclass(frozen=True)
class Stated:
    """Links a page states: ``predecessor`` to each successor id.

    Each successor is named in ``quote`` by the words given beside it.
    """

    predecessor: str
    source_id: str
    where: str
    quote: str
    successors: tuple[tuple[str, str], ...]


STATED = (
    Stated(
        "SUN",
        SRC_TCVN,
        "table row SUHH (USSR), column Ghi chú (remarks; 'Phân chia thành' = divided into)",
        _TCVN_SUHH,
        tuple(
            (a3, a3)
            for a3 in (
                "ARM",
                "AZE",
                "EST",
                "GEO",
                "KAZ",
                "KGZ",
                "LVA",
                "LTU",
                "MDA",
                "RUS",
                "TJK",
                "TKM",
                "UZB",
            )
        ),
    ),
    Stated(
        "CSK",
        SRC_ISO_GLOSSARY,
        "Country names might be removed from ISO 3166-1, second case",
        "Czechoslovakia was divided into Czech Republic and Slovakia in 1993",
        (("CZE", "Czech Republic"), ("SVK", "Slovakia")),
    ),
    Stated(
        "YAR",
        SRC_ISO_GLOSSARY,
        "Country names might be removed from ISO 3166-1, third case",
        "Democratic Yemen (YD) and Yemen Arab Republic (YE) merged into the Republic of Yemen"
        " (YE) in 1990",
        (("YEM", "Republic of Yemen (YE)"),),
    ),
    Stated(
        "SCG",
        SRC_ISO_NEWS_RS_ME,
        "paragraphs 1-3",
        "The newly separated republics of Serbia and Montenegro have just been officially"
        " assigned individual country codes by ISO [...] The Republic of Serbia has been assigned"
        " the following two- and three-letter codes: RS, SRB. The corresponding codes assigned"
        " to the Republic of Montenegro are the following: ME, MNE.",
        (("SRB", "RS, SRB"), ("MNE", "ME, MNE")),
    ),
    Stated(
        "ANT",
        SRC_ISO_NEWS_AN,
        "the code list of the release",
        "Sint Maarten (Dutch part) SX SXM [...] Curaçao CW CUW [...] Bonaire, Saint Eustatius"
        " and Saba BQ BES [...] The codes for the Netherlands Antilles are deleted from ISO 3166-1",
        (("SXM", "SX SXM"), ("CUW", "CW CUW"), ("BES", "BQ BES")),
    ),
    Stated(
        "RVN",
        SRC_EBSCO_VN,
        "last paragraph",
        "North and South Vietnam were formally reunited to form the modern Socialist Republic"
        " of Vietnam on July 2, 1976.",
        (("VNM", "Socialist Republic of Vietnam"),),
    ),
)

_COMMENT_PARTS = re.compile(r"^(?:divided into|now split into|now split between) (.+)$")


class LinkError(RuntimeError):
    """A link the inputs do not support (unknown entity, unresolvable code, missing quote)."""


@dataclass(frozen=True)
class Link:
    """``predecessor`` is continued by ``successor``, as ``locator`` in ``source_id`` says."""

    predecessor: str
    successor: str
    source_id: str
    locator: str


def alpha4_successor_code(alpha_4: str) -> str | None:
    """The alpha-2 an ISO 3166-3 alpha-4 code names as its successor's.

    The last two letters; the entry's own alpha-2 for ``AA``; ``None`` for ``HH``, ``XX``.
    """
    if len(alpha_4) != 4 or not alpha_4.isalpha() or not alpha_4.isupper():
        raise LinkError(f"{alpha_4!r} is not an ISO 3166-3 alpha-4 code")
    tail = alpha_4[2:]
    if tail in NO_SINGLE_SUCCESSOR:
        return None
    return alpha_4[:2] if tail == "AA" else tail


def comment_parts(comment: str) -> list[str]:
    """The parts an ISO 3166-3 comment names; [] for other comments.

    "divided into FM, MH, MP, and PW" -> FM, MH, MP, PW; "now split into Kiribati and
    Tuvalu" -> Kiribati, Tuvalu.
    """
    m = _COMMENT_PARTS.match(comment.strip())
    if not m:
        return []
    return [p.strip() for p in re.split(r",\s*(?:and\s+)?|\s+and\s+", m.group(1)) if p.strip()]


Holder = Callable[[str, str], str | None]
"""(alpha-2, date YYYY or YYYY-MM-DD) -> the entity holding that alpha-2 on that date."""


def iso3_links(
    iso3: list[dict],
    entity_of: dict[str, str],
    holder: Holder,
    by_name: dict[str, str],
    src_iso3: str,
) -> list[Link]:
    """Links from ISO 3166-3 entries: the alpha-4 rule and the parts their comments name.

    ``entity_of`` maps alpha-4 to entity id; ``by_name`` ISO 3166-1 short names to ids.
    """
    out: list[Link] = []
    for e in iso3:
        a4, wd = e["alpha_4"], e["withdrawal_date"]
        pred = entity_of[a4]
        code = alpha4_successor_code(a4)
        if code is not None:
            succ = holder(code, wd)
            if succ is None:
                raise LinkError(f"{a4}: no entity holds alpha-2 {code} on {wd}")
            if a4.endswith("AA"):
                loc = (
                    f"iso_3166-3.json alpha_4={a4}: AA, alpha-2 {code} kept by {succ}"
                    f' (rule: {SRC_WIKI_ISO3} "{WIKI_AA_RULE}")'
                )
            else:
                loc = (
                    f"iso_3166-3.json alpha_4={a4}: last two letters {code} = ISO 3166-1 alpha-2"
                    f" of {succ} on {wd} (rule: {SRC_ISO_GLOSSARY})"
                )
            out.append(Link(pred, succ, src_iso3, loc))
        for part in comment_parts(e.get("comment", "")):
            succ = holder(part, wd) if re.fullmatch(r"[A-Z]{2}", part) else by_name.get(part)
            if succ is None:
                raise LinkError(f"{a4}: comment part {part!r} names no entity")
            loc = f'iso_3166-3.json alpha_4={a4} comment "{e["comment"]}": {part} = {succ}'
            out.append(Link(pred, succ, src_iso3, loc))
    return out


def stated_links(entities: set[str]) -> list[Link]:
    """The links of STATED, after checking that each successor is named in its quote."""
    out = []
    for s in STATED:
        for succ, words in s.successors:
            if words not in s.quote:
                raise LinkError(
                    f"{s.predecessor} -> {succ}: {words!r} is not in the quote of {s.source_id}"
                )
            out.append(Link(s.predecessor, succ, s.source_id, f'{s.where}: "{s.quote}"'))
    return check(out, entities)


def check(links: list[Link], entities: set[str]) -> list[Link]:
    """Fails on a link to or from an unknown entity, a self-link or a link given twice."""
    seen = set()
    for k in links:
        for eid in (k.predecessor, k.successor):
            if eid not in entities:
                raise LinkError(f"link {k.predecessor} -> {k.successor}: no entity {eid}")
        if k.predecessor == k.successor or (k.predecessor, k.successor) in seen:
            raise LinkError(f"link {k.predecessor} -> {k.successor} is a self-link or given twice")
        seen.add((k.predecessor, k.successor))
    return links


def successors_of(links: list[Link]) -> dict[str, list[str]]:
    """Each predecessor's successors, sorted."""
    out: dict[str, list[str]] = {}
    for k in links:
        out.setdefault(k.predecessor, []).append(k.successor)
    return {e: sorted(v) for e, v in out.items()}


def predecessors_of(links: list[Link]) -> dict[str, list[str]]:
    """The inverse of ``successors_of``."""
    out: dict[str, list[str]] = {}
    for k in links:
        out.setdefault(k.successor, []).append(k.predecessor)
    return {e: sorted(v) for e, v in out.items()}


def citations(links: list[Link], entity_id: str) -> str:
    """The ``| successors: ...`` and ``| predecessors: ...`` parts of a ``source_locator``.

    Ids, then the source id and locator, one group per citation.
    """
    parts = []
    for label, mine, other in (
        ("successors", lambda k: k.predecessor, lambda k: k.successor),
        ("predecessors", lambda k: k.successor, lambda k: k.predecessor),
    ):
        groups: dict[tuple[str, str], list[str]] = {}
        for k in links:
            if mine(k) == entity_id:
                groups.setdefault((k.source_id, k.locator), []).append(other(k))
        if groups:
            cited = "; ".join(
                f"{','.join(sorted(ids))}: {sid} {loc}"
                for (sid, loc), ids in sorted(groups.items())
            )
            parts.append(f" | {label}: {cited}")
    return "".join(parts)
