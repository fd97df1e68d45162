"""`ImportReport`: what an import did, per input file and in total, as typed frozen values."""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FileReport", "ImportReport"]


def _add(total: dict[str, int], counts: Mapping[str, int]) -> None:
    for key, n in counts.items():
        total[key] = total.get(key, 0) + n


@dataclass(frozen=True)
class FileReport:
    """What the import of one input file did.

    ``rows_read == rows_accepted + rows_rejected + sum(rows_skipped.values())``.
    """

    file: str
    """The input file's name."""
    importer: str
    """The importer (``baci``, ``comtrade``, ``wdi``, ``gdelt``, ``ucdp``, ``ucdp-acd``,
    ``acled``)."""
    source_id: str
    """The ``dataset`` Source the file became (every row it gave cites it)."""
    sha256: str
    """The file's SHA-256 (hex); a re-import of the same file is recognised by it."""
    rows_read: int
    """Input rows read (blank lines excluded)."""
    rows_accepted: int
    """Rows turned into records."""
    rows_rejected: int
    """Rows written to the ``rejects`` table instead."""
    rejected_by_reason: Mapping[str, int] = field(default_factory=dict)
    """Rejected rows per reason (``wrong_column_count``, ``bad_number``, ...)."""
    rows_skipped: Mapping[str, int] = field(default_factory=dict)
    """Rows deliberately left out, per reason (an aggregate row, a filtered country)."""
    rows_written: Mapping[str, int] = field(default_factory=dict)
    """Rows written per table (``trade_flows``, ``events``, ...)."""

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> FileReport:
        """The file report from its dict (the keys of :meth:`to_dict`)."""
        return cls(
            file=str(d["file"]),
            importer=str(d["importer"]),
            source_id=str(d["source_id"]),
            sha256=str(d["sha256"]),
            rows_read=int(d["rows_read"]),
            rows_accepted=int(d["rows_accepted"]),
            rows_rejected=int(d["rows_rejected"]),
            rejected_by_reason=dict(d.get("rejected_by_reason") or {}),
            rows_skipped=dict(d.get("rows_skipped") or {}),
            rows_written=dict(d.get("rows_written") or {}),
        )

    def to_dict(self) -> dict[str, Any]:
        """The file report as a dict of plain values (JSON-ready)."""
        return {
            "file": self.file,
            "importer": self.importer,
            "source_id": self.source_id,
            "sha256": self.sha256,
            "rows_read": self.rows_read,
            "rows_accepted": self.rows_accepted,
            "rows_rejected": self.rows_rejected,
            "rejected_by_reason": dict(self.rejected_by_reason),
            "rows_skipped": dict(self.rows_skipped),
            "rows_written": dict(self.rows_written),
        }


@dataclass(frozen=True)
class ImportReport:
    """What an import did: one :class:`FileReport` per imported file, and the files skipped.

    Totals over the files are properties (``rows_read``, ``rejected_by_reason``,
    ``rows_written``, ``sources`` ...). ``ImportReport.from_dict(r.to_dict()) == r``, and a
    report pickles. In a notebook it shows as a small table.
    """

    files: tuple[FileReport, ...] = ()
    """One report per imported file, in input order."""
    skipped_files: tuple[str, ...] = ()
    """Files left out because the store already holds them (same SHA-256, ``reimport="skip"``)."""

    @property
    def rows_read(self) -> int:
        """Input rows read over every file."""
        return sum(f.rows_read for f in self.files)

    @property
    def rows_accepted(self) -> int:
        """Rows turned into records over every file."""
        return sum(f.rows_accepted for f in self.files)

    @property
    def rows_rejected(self) -> int:
        """Rows rejected (see the ``rejects`` table) over every file."""
        return sum(f.rows_rejected for f in self.files)

    @property
    def rejected_by_reason(self) -> dict[str, int]:
        """Rejected rows per reason over every file."""
        out: dict[str, int] = {}
        for f in self.files:
            _add(out, f.rejected_by_reason)
        return out

    @property
    def rows_skipped(self) -> dict[str, int]:
        """Rows deliberately left out, per reason, over every file."""
        out: dict[str, int] = {}
        for f in self.files:
            _add(out, f.rows_skipped)
        return out

    @property
    def rows_written(self) -> dict[str, int]:
        """Rows written per table over every file."""
        out: dict[str, int] = {}
        for f in self.files:
            _add(out, f.rows_written)
        return out

    @property
    def sources(self) -> tuple[str, ...]:
        """The source ids the imported files became, in input order."""
        return tuple(f.source_id for f in self.files)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ImportReport:
        """The report from its dict (as :meth:`to_dict` gives, or the extension returns)."""
        return cls(
            files=tuple(FileReport.from_dict(f) for f in d.get("files", ())),
            skipped_files=tuple(str(s) for s in d.get("skipped_files", ())),
        )

    def to_dict(self) -> dict[str, Any]:
        """The report as a dict of plain values (JSON-ready), with the totals."""
        return {
            "files": [f.to_dict() for f in self.files],
            "skipped_files": list(self.skipped_files),
            "rows_read": self.rows_read,
            "rows_accepted": self.rows_accepted,
            "rows_rejected": self.rows_rejected,
        }

    def __repr__(self) -> str:
        return (
            f"<steppe.ImportReport {len(self.files)} file(s), {len(self.skipped_files)} skipped: "
            f"{self.rows_read} read, {self.rows_accepted} accepted, "
            f"{self.rows_rejected} rejected>"
        )

    def _repr_html_(self) -> str:
        """Notebook display: one row per file, then the files skipped."""
        esc = html.escape

        def counts(c: Mapping[str, int]) -> str:
            return esc(", ".join(f"{k}: {n:,}" for k, n in sorted(c.items())))

        head = ("file", "importer", "source", "read", "accepted", "rejected", "skipped", "written")
        parts = [
            "<div class='steppe-import-report'><p><b>steppe.ImportReport</b>: "
            f"{self.rows_read:,} rows read, {self.rows_accepted:,} accepted, "
            f"{self.rows_rejected:,} rejected</p><table><thead><tr>",
            *(f"<th>{h}</th>" for h in head),
            "</tr></thead><tbody>",
        ]
        for f in self.files:
            cells = (
                esc(f.file),
                esc(f.importer),
                f"<code>{esc(f.source_id)}</code>",
                f"{f.rows_read:,}",
                f"{f.rows_accepted:,}",
                f"{f.rows_rejected:,}"
                + (f" ({counts(f.rejected_by_reason)})" if f.rows_rejected else ""),
                counts(f.rows_skipped),
                counts(f.rows_written),
            )
            parts.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        parts.append("</tbody></table>")
        if self.skipped_files:
            listed = ", ".join(esc(s) for s in self.skipped_files)
            parts.append(f"<p>Already imported, skipped: {listed}</p>")
        parts.append("</div>")
        return "".join(parts)
