"""Country reports: ``steppe.report("TJK")`` renders in a notebook and prints in a terminal."""

from __future__ import annotations

from . import _steppe
from ._args import PathArg, check_type, one_path
from ._store import Store, bundled


class Report:
    """A country's profile, partner shares, two-partner balance, indicators, timeline and sources.

    ``str(report)`` is the terminal text; notebooks show the HTML page (with its chart).
    """

    __slots__ = ("_country", "_partners", "_store", "html", "text")

    def __init__(
        self, text: str, html: str, store: Store, country: str, partners: tuple[str, str]
    ) -> None:
        self.text = text
        """The report as plain text, sources numbered at the end."""
        self.html = html
        """The report as a self-contained HTML page."""
        self._store = store
        self._country = country
        self._partners = partners

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        return self.html

    def save_html(self, path: PathArg) -> None:
        """Writes the HTML page to ``path`` (a ``str`` or ``os.PathLike``)."""
        with open(one_path(path, "path"), "w", encoding="utf-8") as f:
            f.write(self.html)

    def chart(self, name: str = "balance") -> Chart:
        """One of the report's charts, shown as SVG in a notebook.

        Args:
            name: ``balance`` (trade with the two partners by year as the country reports it,
                as each partner reports it and as the article restates it; the main chart),
                ``shares`` (main partners' share of total trade), ``remittances`` (% of GDP),
                ``remittances_usd`` or ``timeline`` (conflicts and events).
        """
        check_type(name, str, "name")
        a, b = self._partners
        return Chart(_steppe.render_report_svg(self._store._inner, self._country, a, b, name))

    def save_png(self, path: PathArg) -> None:
        """Writes the partner-share chart to ``path`` (a ``str`` or ``os.PathLike``) as PNG."""
        a, b = self._partners
        p = one_path(path, "path")
        _steppe.render_report_png(self._store._inner, self._country, a, b, p)


class Chart:
    """A chart of a report as an SVG document; notebooks show it (``_repr_svg_``)."""

    __slots__ = ("svg",)

    def __init__(self, svg: str) -> None:
        self.svg = svg
        """The SVG document."""

    def __repr__(self) -> str:
        return f"<steppe chart: {len(self.svg):,} bytes of SVG>"

    def _repr_svg_(self) -> str:
        return self.svg

    def save(self, path: PathArg) -> None:
        """Writes the SVG document to ``path`` (a ``str`` or ``os.PathLike``)."""
        with open(one_path(path, "path"), "w", encoding="utf-8") as f:
            f.write(self.svg)


def report(
    country: str,
    store: Store | None = None,
    partners: tuple[str, str] = ("RUS", "CHN"),
) -> Report:
    """The report of ``country`` (any ISO form, or ``fips:``/``gw:``/``cow:`` codes).

    Args:
        country: The country to report on.
        store: The store to read (default: the bundled dataset).
        partners: The two partners whose balance the report compares.

    Returns:
        A :class:`Report`; notebooks render it as HTML.
    """
    s = store if store is not None else bundled()
    check_type(s, Store, "store")
    a, b = partners
    text, html = _steppe.render_report(s._inner, country, a, b)
    return Report(text, html, s, country, (a, b))
