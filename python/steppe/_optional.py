"""Optional dependencies: one check that names the extra to install when a module is missing.

The extras are those of ``pyproject.toml``: ``pyarrow``, ``polars``, ``pandas`` (pandas and
pyarrow) and ``progress`` (tqdm, for ``progress=True``).
"""

from __future__ import annotations

import importlib

__all__ = ["EXTRAS", "require"]

EXTRAS = {"pyarrow": "pyarrow", "polars": "polars", "pandas": "pandas", "tqdm": "progress"}
"""The extra of ``pyproject.toml`` that installs each optional module."""


def require(module: str, purpose: str, extra: str | None = None) -> None:
    """Import ``module`` or raise an ``ImportError`` naming the extra that installs it.

    Args:
        module: The module's import name (``"polars"``).
        purpose: What needs it, for the message (``"Table.to_polars()"``).
        extra: The extra to name; by default the one of :data:`EXTRAS`.

    Raises:
        ImportError: ``"Table.to_polars() needs polars, which is not installed:
            pip install 'steppe[polars]'"`` (``.name`` is the module).
    """
    try:
        importlib.import_module(module)
    except ImportError as e:
        name = extra or EXTRAS[module]
        raise ImportError(
            f"{purpose} needs {module}, which is not installed: pip install 'steppe[{name}]'",
            name=module,
        ) from e
