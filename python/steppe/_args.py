"""Checking the arguments of Python entry points: paths, one or many.

Paths are ``str`` or ``os.PathLike``. A wrong type raises :class:`steppe.ArgumentError`
naming the parameter and the type received, before any Rust code runs.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import TypeAlias

from ._errors import ArgumentError

__all__ = [
    "PathArg",
    "PathsArg",
    "check_type",
    "one_path",
    "optional_paths",
    "paths",
    "strings",
]

PathArg: TypeAlias = "str | os.PathLike[str]"
"""One path: a ``str`` or an ``os.PathLike`` such as ``pathlib.Path``."""

PathsArg: TypeAlias = "str | os.PathLike[str] | Iterable[str | os.PathLike[str]]"
"""One path, or an iterable (list, tuple, generator) of paths."""


def _type_name(value: object) -> str:
    cls = type(value)
    if cls.__module__ == "builtins":
        return cls.__qualname__
    return f"{cls.__module__}.{cls.__qualname__}"


def _as_path(value: object) -> str | None:
    """``value`` as a path string, or None when it is neither a str nor an os.PathLike."""
    if isinstance(value, str):
        return value
    if isinstance(value, os.PathLike):
        p = os.fspath(value)
        return p if isinstance(p, str) else os.fsdecode(p)
    return None


def one_path(value: object, param: str) -> str:
    """``value`` (a ``str`` or ``os.PathLike``) as a ``str``.

    Raises:
        ArgumentError: naming ``param`` and the type received.
    """
    path = _as_path(value)
    if path is None:
        raise ArgumentError(
            f"{param} must be a path (str or os.PathLike), not {_type_name(value)}",
            field=param,
        )
    return path


def paths(value: object, param: str) -> list[str]:
    """``value`` (one path, or an iterable of paths) as a list of ``str``.

    Raises:
        ArgumentError: naming ``param`` and the type received (of the item at fault, with
            its index, inside an iterable).
    """
    single = _as_path(value)
    if single is not None:
        return [single]
    if isinstance(value, bytes | bytearray | memoryview | Mapping) or not isinstance(
        value, Iterable
    ):
        raise ArgumentError(
            f"{param} must be a path (str or os.PathLike) or a list of paths, "
            f"not {_type_name(value)}",
            field=param,
        )
    out: list[str] = []
    for i, item in enumerate(value):
        path = _as_path(item)
        if path is None:
            raise ArgumentError(
                f"{param}[{i}] must be a path (str or os.PathLike), not {_type_name(item)}",
                field=param,
            )
        out.append(path)
    return out


def optional_paths(value: object, param: str) -> list[str] | None:
    """:func:`paths`, with ``None`` passed through."""
    return None if value is None else paths(value, param)


def strings(value: object, param: str) -> list[str]:
    """``value`` (one ``str``, or an iterable of them) as a list.

    Raises:
        ArgumentError: naming ``param`` and the type received.
    """
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping) or not isinstance(value, Iterable):
        raise ArgumentError(
            f"{param} must be a str or a list of str, not {_type_name(value)}", field=param
        )
    out = list(value)
    for i, item in enumerate(out):
        if not isinstance(item, str):
            raise ArgumentError(f"{param}[{i}] must be a str, not {_type_name(item)}", field=param)
    return out


def check_type(value: object, expected: type, param: str) -> None:
    """Raise :class:`ArgumentError` naming ``param`` unless ``value`` is an ``expected``."""
    if not isinstance(value, expected):
        raise ArgumentError(
            f"{param} must be a {expected.__name__}, not {_type_name(value)}", field=param
        )
