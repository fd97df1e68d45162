"""Reading a published list pinned by sha256, shared by the list readers of build_reference.py."""

from __future__ import annotations

import hashlib
from pathlib import Path


class ListError(RuntimeError):
    """A published list is missing, differs from its pinned sha256 or says something unexpected."""


def read_pinned(root: Path, rel: str, pins: dict[str, str]) -> bytes:
    """The bytes of ``root/rel``, checked against ``pins[rel]`` (hex sha256).

    Raises ListError naming the path when the file is missing or its sha256 differs.
    """
    path = root / rel
    if not path.is_file():
        raise ListError(f"{path} not found (give --code-lists, see build_reference.py's docstring)")
    data = path.read_bytes()
    got = hashlib.sha256(data).hexdigest()
    if got != pins[rel]:
        raise ListError(f"{path}: sha256 {got} != pinned {pins[rel]}")
    return data
