"""The exceptions steppe raises, all rooted at :class:`SteppeError`.

Every exception carries ``path``, ``row`` and ``field`` attributes: the file (or store), the
1-based line or row, and the column at fault, each ``None`` where it does not apply.
"""

from __future__ import annotations

import errno
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._import_report import ImportReport

__all__ = [
    "ArgumentError",
    "CodeError",
    "FormatError",
    "LockedError",
    "NotFoundError",
    "SchemaError",
    "SteppeError",
    "StoreError",
    "ValidationError",
]


class SteppeError(Exception):
    """Base class of every error steppe raises.

    Attributes:
        path: The file or store directory involved, if any.
        row: The 1-based line (text files) or row (tables) at fault, if any.
        field: The column or field at fault, if any.
        table: The table involved, if any.
        committed: When an import of several files failed at a later one: the
            :class:`steppe.ImportReport` of the files committed before it (they stay in the
            store; the failing file wrote nothing); else ``None``.
    """

    path: str | None
    row: int | None
    field: str | None
    table: str | None
    committed: ImportReport | None = None

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        row: int | None = None,
        field: str | None = None,
        table: str | None = None,
    ) -> None:
        super().__init__(message)
        self.path = path
        self.row = row
        self.field = field
        self.table = table

    @property
    def message(self) -> str:
        """The error message."""
        return str(self.args[0]) if self.args else ""


class FormatError(SteppeError):
    """An input file is not in the expected format (bad header, encoding or value).

    ``path``, ``row`` and ``field`` locate the bad value.
    """


class ValidationError(SteppeError):
    """A store failed validation.

    Attributes:
        report: The full :class:`steppe.ValidationReport`, when raised by
            :meth:`steppe.Store.validate`.
    """

    report: object | None

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        row: int | None = None,
        field: str | None = None,
        table: str | None = None,
        report: object | None = None,
    ) -> None:
        super().__init__(message, path=path, row=row, field=field, table=table)
        self.report = report


class StoreError(SteppeError):
    """A store is missing, damaged, locked or inconsistent, or a file could not be read.

    ``path`` is the store directory or the file involved.
    """


class NotFoundError(StoreError, FileNotFoundError):
    """A file or directory steppe needed does not exist.

    It is both a :class:`StoreError` and a built-in :class:`FileNotFoundError`, so either
    ``except`` clause catches it. ``path`` (and ``filename``) name what is missing.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        row: int | None = None,
        field: str | None = None,
        table: str | None = None,
    ) -> None:
        super().__init__(message, path=path, row=row, field=field, table=table)
        self.errno = errno.ENOENT
        self.filename = path

    def __str__(self) -> str:
        return self.message


class LockedError(StoreError):
    """Another process holds the store's write lock; ``path`` is the store."""


class CodeError(SteppeError):
    """A country code could not be resolved (unknown, ambiguous or not valid in the year).

    Attributes:
        values: The input values that failed, in the order first seen.
    """

    values: list[str]

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        row: int | None = None,
        field: str | None = None,
        table: str | None = None,
        values: Sequence[str] = (),
    ) -> None:
        super().__init__(message, path=path, row=row, field=field, table=table)
        self.values = list(values)


class SchemaError(SteppeError):
    """A table name, column or record does not fit steppe's schemas; ``table`` names it."""


class ArgumentError(SteppeError, TypeError):
    """An argument has the wrong type.

    For example a number where a path is expected, or a list where one path is. It is also
    a built-in :class:`TypeError`. ``field`` names the parameter.
    """
