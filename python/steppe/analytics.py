"""Trade-dependence analytics: the questions the seed article asks, answered from a store.

Each function returns a :class:`steppe.Table` (so ``.to_polars()``, ``pyarrow.table(...)``
and iteration over typed rows work as for any table), and every row lists the ids of the
sources it was computed from. Countries are given in any ISO form or with a scheme prefix
(``"fips:TI"``). ``store`` defaults to the bundled dataset.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import _steppe
from ._args import check_type
from ._store import Store, bundled
from ._table import Table

if TYPE_CHECKING:
    from .records import Concentration, Dependence, Mirror, PartnerShare, SeriesPoint

__all__ = ["concentration", "dependence", "indicator_series", "mirror", "partner_shares"]


def _inner(store: Store | None) -> _steppe.Store:
    """The extension store of ``store`` (default: the bundled one); ArgumentError if no Store."""
    if store is None:
        return bundled()._inner
    check_type(store, Store, "store")
    return store._inner


def partner_shares(
    country: str, store: Store | None = None, years: tuple[int, int] | None = None
) -> Table[PartnerShare]:
    """Partner shares of a country's exports and imports, by year, largest first.

    Where a year has a row for the world (``WLD``), shares are of that total; otherwise they
    are shares among the partners the store records, and ``total_basis`` says so.
    """
    return Table(_steppe.partner_shares(_inner(store), country, years))


def concentration(
    country: str,
    store: Store | None = None,
    over: str = "partners",
    years: tuple[int, int] | None = None,
) -> Table[Concentration]:
    """Herfindahl-Hirschman index (0-10000) over partners or over products (``over``)."""
    return Table(_steppe.concentration(_inner(store), country, over, years))


def dependence(
    country: str,
    a: str = "RUS",
    b: str = "CHN",
    store: Store | None = None,
    years: tuple[int, int] | None = None,
) -> Table[Dependence]:
    """How a country's exports, imports and total trade with ``a`` compare with ``b``."""
    return Table(_steppe.dependence(_inner(store), country, a, b, years))


def mirror(
    a: str, b: str, store: Store | None = None, years: tuple[int, int] | None = None
) -> Table[Mirror]:
    """What ``a`` declares exporting to ``b`` against what ``b`` declares importing from ``a``.

    Exports are declared FOB and imports usually CIF, so imports are expected to exceed the
    mirror exports by the freight and insurance margin.
    """
    return Table(_steppe.mirror(_inner(store), a, b, years))


def indicator_series(
    indicator: str, country: str, store: Store | None = None
) -> Table[SeriesPoint]:
    """An indicator's values for a country by year, e.g. ``wdi:BX.TRF.PWKR.DT.GD.ZS``."""
    return Table(_steppe.indicator_series(_inner(store), indicator, country))
