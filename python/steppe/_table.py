"""`Table`: the rows of one steppe table, handed to pyarrow, polars, pandas or DuckDB as is."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from . import _steppe
from ._optional import require

if TYPE_CHECKING:
    import pandas
    import polars
    import pyarrow

    from .records import Record

__all__ = ["Schema", "Table"]

# The record classes (steppe.records) are imported when first needed, not with steppe: their
# dataclasses take a third of the package's import time.
R = TypeVar("R", bound="Record", covariant=True)

Schema = _steppe.Schema
"""An Arrow schema readable without pyarrow (``names``, ``types``, ``fields``).

It implements ``__arrow_c_schema__``, so ``pyarrow.schema(table.schema)`` converts it.
"""

_PREVIEW_ROWS = 10

# Arrow integer types (by name) and pandas' nullable integer dtypes.
_NULLABLE_INTEGERS = {
    "int8": "Int8",
    "int16": "Int16",
    "int32": "Int32",
    "int64": "Int64",
    "uint8": "UInt8",
    "uint16": "UInt16",
    "uint32": "UInt32",
    "uint64": "UInt64",
}


def _text_dtype(arrow_type: pyarrow.DataType) -> Any:
    """``string[pyarrow]`` for Arrow text, else ``None`` (the ``types_mapper`` of ``to_pandas``)."""
    import pandas
    import pyarrow

    if pyarrow.types.is_string(arrow_type) or pyarrow.types.is_large_string(arrow_type):
        return pandas.StringDtype("pyarrow")
    return None


def _nullable_dtype(field: pyarrow.Field) -> Any:
    """The pandas nullable dtype (``Int16``, ``boolean``, ...) of a nullable int/bool field."""
    import pandas
    import pyarrow

    if not field.nullable:
        return None
    if pyarrow.types.is_integer(field.type):
        return pandas.api.types.pandas_dtype(_NULLABLE_INTEGERS[str(field.type)])
    if pyarrow.types.is_boolean(field.type):
        return pandas.BooleanDtype()
    return None


class Table(Generic[R]):
    """The rows of one steppe table, as Arrow record batches held by steppe.

    A ``Table`` implements the Arrow PyCapsule interface (``__arrow_c_stream__`` and
    ``__arrow_c_schema__``), so ``pyarrow.table(t)``, ``polars.DataFrame(t)`` and DuckDB
    (``duckdb.sql("select * from t")``) read it without copying. It can be exported any
    number of times. Iterating yields typed, frozen records (``TradeFlow``, ``Event``, ...).

    Tables come from :class:`steppe.Store` methods such as ``store.trade_flows(...)``.
    """

    __slots__ = ("_inner",)

    def __init__(self, inner: _steppe.Table) -> None:
        self._inner = inner

    @property
    def name(self) -> str:
        """The table name (``trade_flows``, ``events``, ...)."""
        return self._inner.name

    @property
    def num_rows(self) -> int:
        """Number of rows."""
        return self._inner.num_rows

    @property
    def columns(self) -> list[str]:
        """Column names, in schema order."""
        return self._inner.columns

    @property
    def schema(self) -> _steppe.Schema:
        """The Arrow schema (no pyarrow needed; ``pyarrow.schema(t.schema)`` converts it)."""
        return self._inner.schema

    @property
    def record_type(self) -> type[Record]:
        """The record class rows are turned into when iterating."""
        from .records import RECORD_TYPES

        return RECORD_TYPES[self.name]

    def __len__(self) -> int:
        return self._inner.num_rows

    def __arrow_c_schema__(self) -> object:
        """Export the schema as an Arrow C schema PyCapsule."""
        return self._inner.__arrow_c_schema__()

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        """Export the rows as an Arrow C stream PyCapsule, sharing steppe's buffers."""
        return self._inner.__arrow_c_stream__(requested_schema)

    def __iter__(self) -> Iterator[R]:
        """Yield each row as a typed, frozen record."""
        cls = self.record_type
        for row in self._inner._rows():
            yield cast("R", cls._from_row(row))

    def records(self) -> list[R]:
        """Every row as a typed, frozen record."""
        return list(self)

    def to_pyarrow(self) -> pyarrow.Table:
        """The rows as a ``pyarrow.Table`` (zero-copy; needs pyarrow: ``steppe[pyarrow]``)."""
        require("pyarrow", "Table.to_pyarrow()")
        import pyarrow

        # Through a RecordBatchReader rather than pyarrow.table(), which first checks whether
        # its argument is a pandas DataFrame and so imports pandas (0.2 s) when installed.
        from_stream = getattr(pyarrow.RecordBatchReader, "from_stream", None)
        if from_stream is None:  # pyarrow < 15
            return pyarrow.table(self)
        return from_stream(self).read_all()

    def to_polars(self) -> polars.DataFrame:
        """The rows as a ``polars.DataFrame`` (zero-copy where polars allows).

        Needs polars (``pip install 'steppe[polars]'``).
        """
        require("polars", "Table.to_polars()")
        import polars

        return polars.DataFrame(self)

    def to_pandas(self, **kwargs: Any) -> pandas.DataFrame:
        """The rows as a ``pandas.DataFrame`` (needs pandas and pyarrow: ``steppe[pandas]``).

        Column dtypes follow the schema, never the rows: a column's dtype is the same whether
        or not this selection holds a null in it.

        - Nullable integer columns become pandas' nullable integers (``Int8`` ... ``Int64``,
          ``UInt8`` ... ``UInt64``; missing ``pd.NA``): an event's ``year`` is ``1992``, not
          ``1992.0``. Integer columns the schema declares non-null stay NumPy (``int16``...).
        - Nullable booleans become ``boolean``; text becomes ``string[pyarrow]`` (``pd.NA``).
        - Dates become ``datetime64[ms]`` (``.dt`` works; missing ``NaT``). A date known only
          to the month or year is stored as its first day: read it with the column stating
          its precision (``date_precision``, ``issued_precision``).
        - Code columns (Arrow dictionaries) become pandas categoricals.
        - Floats stay ``float64``/``float32`` (missing ``NaN``); list columns hold arrays.

        Keyword arguments go to ``pyarrow.Table.to_pandas``. Passing ``types_mapper`` leaves
        every type to it and pyarrow; ``types_mapper=None, date_as_object=True`` gives
        pyarrow's own conversion.
        """
        require("pandas", "Table.to_pandas()")
        require("pyarrow", "Table.to_pandas()", extra="pandas")
        table = self.to_pyarrow()
        kwargs.setdefault("date_as_object", False)
        if "types_mapper" in kwargs:
            return table.to_pandas(**kwargs)
        df = table.to_pandas(types_mapper=_text_dtype, **kwargs)
        for field in table.schema:
            dtype = _nullable_dtype(field)
            if dtype is not None:
                df[field.name] = dtype.__from_arrow__(table.column(field.name))
        return df

    def sources_cited(self) -> list[tuple[str, str | None]]:
        """The sources the rows cite, as ``(source_id, title)`` pairs sorted by id.

        Collects ``source_id``, ``cited_source_id``, ``document_id`` and ``cited_source_ids``;
        titles come from the store's ``sources`` table (``None`` where it has none).
        """
        return self._inner._cited_sources()

    def _repr_html_(self) -> str:
        """Notebook display: the first rows and the sources the table cites."""
        columns = self.columns
        rows = self._inner._preview(_PREVIEW_ROWS)
        import html

        esc = html.escape
        parts = [
            "<div class='steppe-table'>",
            f"<p><b>steppe.Table</b> <code>{esc(self.name)}</code>: "
            f"{self.num_rows:,} rows &times; {len(columns)} columns</p>",
            "<table><thead><tr>",
            *(f"<th>{esc(c)}</th>" for c in columns),
            "</tr></thead><tbody>",
        ]
        for row in rows:
            parts.append("<tr>" + "".join(f"<td>{esc(v)}</td>" for v in row) + "</tr>")
        parts.append("</tbody></table>")
        if self.num_rows > len(rows):
            parts.append(f"<p>&hellip; {self.num_rows - len(rows):,} more rows</p>")
        cited = self.sources_cited()
        if cited:
            parts.append("<p><b>Sources cited</b></p><ul>")
            for source_id, title in cited:
                label = f" &mdash; {esc(title)}" if title else ""
                parts.append(f"<li><code>{esc(source_id)}</code>{label}</li>")
            parts.append("</ul>")
        parts.append("</div>")
        return "".join(parts)

    def __repr__(self) -> str:
        columns = self.columns
        shown = ", ".join(columns[:6]) + (", ..." if len(columns) > 6 else "")
        return f"<steppe.Table {self.name}: {self.num_rows} rows, {len(columns)} columns ({shown})>"
