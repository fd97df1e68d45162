"""Country-code conversion over steppe's dated crosswalk, vectorised in Rust.

>>> from steppe import codes
>>> codes.convert(["TJ", "uzb", "762", "fips:KZ"])
['TJK', 'UZB', 'TJK', 'KAZ']
>>> codes.convert(["TI", "RS"], source="fips", to="iso2")
['TJ', 'RU']

``convert`` accepts a list (or any iterable), a pyarrow ``Array``/``ChunkedArray``, a polars
``Series``, a pandas ``Series``, or any object exporting ``__arrow_c_array__`` or
``__arrow_c_stream__``, and returns the same kind of object. Each distinct value is resolved
once, so a million values convert in a fraction of a second.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any, Literal, TypeAlias, TypeVar, overload

from . import _steppe

__all__ = ["SCHEMES", "Day", "convert"]

Day: TypeAlias = "datetime.date | str"
"""A day: a ``datetime.date`` (or ``datetime``, whose date is taken) or an ISO string
``"2006-06-03"``."""

SCHEMES: tuple[str, ...] = tuple(_steppe.schemes())
"""Code schemes steppe knows (``iso2``, ``iso3``, ``iso_num``, ``m49``, ``gw``, ``fips``, ...).

Aliases are accepted too: ``cow`` (``cow_num``, or ``cow_abb`` for letter codes), ``un``,
``fips104``, ``alpha2``, ``iso3c``, ``worldbank``, ...
"""

Errors = Literal["raise", "null"]

T = TypeVar("T")


@overload
def convert(
    values: str,
    to: str = ...,
    *,
    source: str | None = ...,
    year: int | None = ...,
    date: Day | None = ...,
    errors: Errors = ...,
) -> str | None: ...


@overload
def convert(
    values: list[Any] | tuple[Any, ...],
    to: str = ...,
    *,
    source: str | None = ...,
    year: int | None = ...,
    date: Day | None = ...,
    errors: Errors = ...,
) -> list[str | None]: ...


@overload
def convert(
    values: T,
    to: str = ...,
    *,
    source: str | None = ...,
    year: int | None = ...,
    date: Day | None = ...,
    errors: Errors = ...,
) -> T: ...


def convert(
    values: Any,
    to: str = "iso3",
    *,
    source: str | None = None,
    year: int | None = None,
    date: Day | None = None,
    errors: Errors = "raise",
) -> Any:
    """Convert country codes from one scheme to another.

    Args:
        values: The codes: a ``str``, a list or other iterable of ``str | int | None``, a
            pyarrow ``Array`` or ``ChunkedArray``, a polars ``Series``, a pandas ``Series``
            or any Arrow PyCapsule object. Nulls stay null.
        to: The target: a scheme name (``"iso3"``, ``"iso2"``, ``"iso_num"``, ``"m49"``,
            ``"gw"``, ``"cow_num"``, ``"fips"``, ...), ``"entity_id"`` or ``"name"``
            (short English name).
        source: The scheme the values are in, or ``None`` to accept ISO codes in any form
            (alpha-2, alpha-3, numeric) and ``scheme:code`` prefixes such as ``"fips:TI"``.
        year: Resolve codes as they were in this year (codes are reused over time).
        date: Resolve codes as they were on this day (a ``datetime.date`` or ``"YYYY-MM-DD"``),
            where a code changes holder within a year: ``cow:345`` is Yugoslavia (``YUG``) on
            2006-06-02 and Serbia (``SRB``) on 2006-06-03. Not with ``year``.
        errors: ``"raise"`` raises :class:`steppe.CodeError` listing every value that is
            unknown, ambiguous or has no code in the target scheme; ``"null"`` returns nulls
            for them instead.

    Returns:
        The converted codes, as the same kind of object as ``values`` (a list for other
        iterables, an Arrow PyCapsule object for foreign Arrow objects).

    Raises:
        CodeError: with ``errors="raise"``, listing the failing values in ``.values``; also
            for an unknown scheme name.
    """
    when = _when(year, date)
    if isinstance(values, str):
        return _steppe.convert_list([values], to, source, when, errors)[0]
    if isinstance(values, list):
        return _steppe.convert_list(values, to, source, when, errors)
    module = type(values).__module__.split(".", 1)[0]
    if module == "pandas":
        return _convert_pandas(values, to, source, when, errors)
    if module == "numpy" and hasattr(values, "tolist"):
        return _steppe.convert_list(values.tolist(), to, source, when, errors)
    if hasattr(values, "__arrow_c_array__") or hasattr(values, "__arrow_c_stream__"):
        column = _steppe.convert_arrow(values, to, source, when, errors)
        if module == "pyarrow":
            return _to_pyarrow(values, column)
        if module == "polars":
            import polars

            return polars.Series(values.name, column)
        return column
    if isinstance(values, Iterable):
        return _steppe.convert_list(list(values), to, source, when, errors)
    raise TypeError(f"cannot convert codes from {type(values).__name__}")


def _to_pyarrow(values: Any, column: _steppe.ArrowColumn) -> Any:
    import pyarrow

    if isinstance(values, pyarrow.ChunkedArray):
        return pyarrow.chunked_array(column)
    return pyarrow.array(column)


def _convert_pandas(
    values: Any, to: str, source: str | None, year: int | str | None, errors: Errors
) -> Any:
    import pandas

    items = values.astype(object).where(values.notna(), None).tolist()
    out = _steppe.convert_list(items, to, source, year, errors)
    return pandas.Series(out, index=values.index, name=values.name, dtype=object)


def _iso_day(date: Day, name: str = "date") -> str:
    """``date`` as ``YYYY-MM-DD``; ``ValueError``/``TypeError`` naming ``name`` otherwise."""
    if isinstance(date, datetime.datetime):
        date = date.date()
    if isinstance(date, datetime.date):
        return date.isoformat()
    if isinstance(date, str):
        try:
            return datetime.date.fromisoformat(date.strip()).isoformat()
        except ValueError:
            raise ValueError(
                f"{name}={date!r} is not a date: give datetime.date(2006, 6, 3) or '2006-06-03'"
            ) from None
    raise TypeError(f"{name} must be a datetime.date or an ISO string, not {type(date).__name__}")


def _when(year: int | None, date: Day | None) -> int | str | None:
    """What the Rust side reads codes at: the year, the day as ``YYYY-MM-DD``, or ``None``."""
    if date is None:
        return year
    if year is not None:
        raise ValueError("give year= or date=, not both")
    return _iso_day(date)
