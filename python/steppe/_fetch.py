"""``steppe.fetch``: the publishers' files downloaded into steppe's cache, and imported.

The work runs in Rust without the GIL (``steppe::fetch``): files land in the cache only when
complete and verified; a rerun asks the publisher whether each file changed (or nothing with
``offline=True``); retries back off; a file that fails is reported in
:attr:`FetchReport.failed` while the others are kept. ``progress`` is as for the importers
(``None``, ``True`` for a tqdm bar, or ``progress(bytes_done, None)``: bytes downloaded so
far). See ``docs/importers.md``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import _steppe
from ._errors import ArgumentError
from ._import_report import ImportReport
from ._imports import ProgressArg, _progress


@dataclass(frozen=True)
class FetchedFile:
    """A file now complete in the cache."""

    url: str
    """The publisher's URL (never a mirror's)."""
    path: Path
    """The cached file."""
    status: str
    """``downloaded``, ``unchanged`` (upstream), ``changed`` (upstream; replaced) or
    ``cached`` (offline, not checked)."""
    bytes: int
    sha256: str
    retrieved: str
    """When it was retrieved, RFC 3339 (UTC)."""
    etag: str | None
    last_modified: str | None
    unpacked: tuple[Path, ...]
    """The archive's files, when the importers need it unpacked (World Bank)."""


@dataclass(frozen=True)
class FailedFile:
    """A file that could not be fetched; nothing of it is in the cache."""

    url: str
    name: str
    reason: str


@dataclass(frozen=True)
class FetchReport:
    """What :func:`fetch` did: every file of the selection is in ``files`` or ``failed``."""

    cache_dir: Path
    files: tuple[FetchedFile, ...]
    failed: tuple[FailedFile, ...]
    imports: tuple[ImportReport, ...]
    """One import report per fetched file, with ``out=``."""
    notes: tuple[str, ...] = ()
    """What to know of the result (UN Comtrade's row limits)."""

    @property
    def ok(self) -> bool:
        """Whether every file was fetched."""
        return not self.failed


def _day(value: object, field: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ArgumentError(f"{field} must be a date or YYYY-MM-DD, not {value!r}", field=field)


def fetch(
    source: str,
    indicators: Sequence[str] | None = None,
    *,
    countries: Sequence[str] | str | None = None,
    bulk: bool = False,
    version: str | None = None,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    hs: str | None = None,
    api: bool = False,
    reporters: Sequence[str] | str | None = None,
    partners: Sequence[str] | str | None = None,
    periods: Sequence[str] | str | None = None,
    flows: Sequence[str] | str | None = None,
    commodities: Sequence[str] | str | None = None,
    classification: str = "HS",
    frequency: str = "A",
    cache: str | os.PathLike[str] | None = None,
    out: str | os.PathLike[str] | None = None,
    mirror: str | None = None,
    offline: bool = False,
    max_download_bytes: int | None = None,
    max_expanded_bytes: int | None = None,
    per_host: int = 2,
    attempts: int = 6,
    retry_delay: float = 1.0,
    progress: ProgressArg = None,
) -> FetchReport:
    """Fetch a publisher's files into the cache; with ``out``, import them into that store.

    ``source`` is ``"wdi"`` (``indicators``, optional ``countries``; or ``bulk=True``),
    ``"gdelt"`` (``start``, ``end``, ``version`` ``"1"`` or ``"2"``), ``"ucdp-ged"`` and
    ``"ucdp-acd"`` (``version="25.1"``; ``api=True``: GED from UCDP's API, also Candidate
    releases such as ``"25.0.9"``, the token read from ``UCDP_ACCESS_TOKEN``), ``"baci"``
    (``hs="92"``, ``version="V202501"`` or ``"latest"``) or ``"comtrade"`` (``reporters``,
    ``periods``, optional ``partners``, ``flows``, ``commodities``, ``classification``,
    ``frequency``; the subscription key is read from ``COMTRADE_API_KEY``, else the keyless
    preview returns at most 500 rows a call).
    ``cache`` defaults to ``STEPPE_CACHE_DIR``, else the user cache directory; ``mirror``
    to ``STEPPE_MIRROR`` (a server of ``<mirror>/<host>/<path>?<query>``).
    """
    if isinstance(indicators, str):
        indicators = [indicators]
    with _progress(progress, "steppe fetch") as callback:
        raw: dict[str, Any] = _steppe.fetch(
            source,
            indicators=list(indicators) if indicators is not None else None,
            countries=_strings(countries),
            bulk=bulk,
            version=version,
            start=_day(start, "start"),
            end=_day(end, "end"),
            hs=hs,
            api=api,
            reporters=_strings(reporters),
            partners=_strings(partners),
            periods=_strings(periods),
            flows=_strings(flows),
            commodities=_strings(commodities),
            classification=classification,
            frequency=frequency,
            cache=cache,
            out=out,
            mirror=mirror,
            offline=offline,
            max_download_bytes=max_download_bytes,
            max_expanded_bytes=max_expanded_bytes,
            per_host=per_host,
            attempts=attempts,
            retry_delay=retry_delay,
            progress=callback,
        )
    files = tuple(
        FetchedFile(
            url=f["url"],
            path=Path(f["path"]),
            status=f["status"],
            bytes=f["bytes"],
            sha256=f["sha256"],
            retrieved=f["retrieved"],
            etag=f["etag"],
            last_modified=f["last_modified"],
            unpacked=tuple(Path(p) for p in f["unpacked"]),
        )
        for f in raw["files"]
    )
    failed = tuple(FailedFile(f["url"], f["name"], f["reason"]) for f in raw["failed"])
    imports = tuple(ImportReport.from_dict(r) for r in raw["imports"])
    notes = tuple(raw["notes"])
    return FetchReport(Path(raw["cache_dir"]), files, failed, imports, notes)


def _strings(values: Sequence[str] | str | None) -> list[str] | None:
    """A list of codes from a sequence or one string (``"762"`` or ``"762,417"``)."""
    if values is None:
        return None
    if isinstance(values, str):
        return [v.strip() for v in values.split(",") if v.strip()]
    return [str(v) for v in values]
