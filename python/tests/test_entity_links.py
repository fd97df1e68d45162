"""Predecessor and successor links between entities: the rule and parsers of
data/scripts/lineage.py, data/entities.csv, and what ``store.entities()`` returns."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

import steppe

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "data" / "scripts"))

import lineage  # noqa: E402


@pytest.mark.parametrize(
    ("alpha_4", "expected"),
    [
        ("BUMM", "MM"),  # name changed: Burma to Myanmar
        ("DDDE", "DE"),  # merged into Germany
        ("YDYE", "YE"),  # merged into the Republic of Yemen
        ("YUCS", "CS"),  # renamed Serbia and Montenegro
        ("BYAA", "BY"),  # name changed, alpha-2 kept
        ("SUHH", None),  # divided: no single successor
        ("CSXX", None),  # divided (XX: CSHH was taken)
    ],
)
def test_the_alpha_4_rule(alpha_4: str, expected: str | None) -> None:
    assert lineage.alpha4_successor_code(alpha_4) == expected


@pytest.mark.parametrize("bad", ["BUM", "bumm", "BU1M", ""])
def test_the_alpha_4_rule_refuses_what_is_not_an_alpha_4(bad: str) -> None:
    with pytest.raises(lineage.LinkError, match="alpha-4"):
        lineage.alpha4_successor_code(bad)


def test_comment_parts() -> None:
    assert lineage.comment_parts("divided into FM, MH, MP, and PW") == ["FM", "MH", "MP", "PW"]
    assert lineage.comment_parts("now split into Kiribati and Tuvalu") == ["Kiribati", "Tuvalu"]
    assert lineage.comment_parts("now split between AQ and TF") == ["AQ", "TF"]
    assert lineage.comment_parts("formerly between Saudi Arabia and Iraq") == []


def test_rule_links_resolve_the_alpha_2_on_the_withdrawal_date() -> None:
    iso3 = [
        {"alpha_4": "YUCS", "alpha_3": "YUG", "withdrawal_date": "2003-07-23"},
        {
            "alpha_4": "PCHH",
            "alpha_3": "PCI",
            "withdrawal_date": "1986",
            "comment": "divided into FM, MH",
        },
    ]
    holders = {("CS", "2003-07-23"): "SCG", ("FM", "1986"): "FSM", ("MH", "1986"): "MHL"}
    links = lineage.iso3_links(
        iso3,
        {"YUCS": "YUG", "PCHH": "PCI"},
        lambda code, date: holders.get((code, date)),
        {},
        "iso3",
    )
    assert [(k.predecessor, k.successor) for k in links] == [
        ("YUG", "SCG"),
        ("PCI", "FSM"),
        ("PCI", "MHL"),
    ]
    assert all(k.source_id == "iso3" for k in links)
    with pytest.raises(lineage.LinkError, match="no entity holds alpha-2 CS"):
        lineage.iso3_links(iso3[:1], {"YUCS": "YUG"}, lambda c, d: None, {}, "iso3")


def test_stated_links_must_name_their_successor_in_the_quote(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bad = lineage.Stated("CSK", "src", "p. 1", "Czechoslovakia was divided", (("CZE", "Czechia"),))
    monkeypatch.setattr(lineage, "STATED", (bad,))
    with pytest.raises(lineage.LinkError, match="'Czechia' is not in the quote"):
        lineage.stated_links({"CSK", "CZE"})


def test_check_refuses_unknown_entities_and_repeated_links() -> None:
    k = lineage.Link("SUN", "TJK", "s", "l")
    with pytest.raises(lineage.LinkError, match="no entity TJK"):
        lineage.check([k], {"SUN"})
    with pytest.raises(lineage.LinkError, match="given twice"):
        lineage.check([k, k], {"SUN", "TJK"})


def read_entities() -> dict[str, dict[str, str]]:
    with (REPO / "data" / "entities.csv").open(encoding="utf-8", newline="") as f:
        return {r["entity_id"]: r for r in csv.DictReader(f)}


def split(value: str) -> list[str]:
    return [v for v in value.split(";") if v]


def test_data_predecessors_are_the_inverse_of_successors_and_cited() -> None:
    rows = read_entities()
    succ = {(e, s) for e, r in rows.items() for s in split(r["successor_ids"])}
    pred = {(p, e) for e, r in rows.items() for p in split(r["predecessor_ids"])}
    assert succ == pred
    assert len(succ) >= 45
    for a, b in succ:
        assert a in rows and b in rows, (a, b)
        assert "| successors: " in rows[a]["source_locator"], a
        assert "| predecessors: " in rows[b]["source_locator"], b
    assert {s for e, s in succ if e == "SUN"} >= {"KAZ", "KGZ", "TJK", "TKM", "UZB", "RUS"}


def test_the_bundled_store_returns_the_links() -> None:
    store = steppe.bundled()
    sun = store.entities("SUN").records()[0]
    assert sun.successor_ids is not None and "TJK" in sun.successor_ids
    assert isinstance(sun.successor_ids, tuple)
    assert sun.predecessor_ids is None
    tjk = store.entities("TJK").records()[0]
    assert tjk.predecessor_ids == ("SUN",)
    yem = store.entities("YEM").records()[0]
    assert yem.predecessor_ids == ("YAR", "YMD")
    assert "iso-3166-glossary" in (yem.source_locator or "")
    table = store.entities().to_pyarrow()
    assert str(table.schema.field("successor_ids").type) == "list<item: string not null>"
    assert table.schema.field("successor_ids").nullable
    known = set(table.column("entity_id").to_pylist())
    for links in table.column("successor_ids").to_pylist():
        assert set(links or ()) <= known
