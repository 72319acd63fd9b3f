"""What an import did, file by file: rows read, added, already present, skipped, conflicts."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

MAX_NOTES = 50


@dataclass
class FileSummary:
    name: str
    kind: str
    rows_read: int = 0
    added: int = 0
    already_present: int = 0
    skipped: int = 0
    conflicts: int = 0


@dataclass
class ImportSummary:
    files: list[FileSummary] = field(default_factory=list)
    unknown_types: Counter[str] = field(default_factory=Counter)
    conflict_notes: list[str] = field(default_factory=list)

    def _total(self, name: str) -> int:
        return sum(getattr(f, name) for f in self.files)

    @property
    def rows_read(self) -> int:
        return self._total("rows_read")

    @property
    def added(self) -> int:
        return self._total("added")

    @property
    def already_present(self) -> int:
        return self._total("already_present")

    @property
    def skipped(self) -> int:
        return self._total("skipped")

    @property
    def conflicts(self) -> int:
        return self._total("conflicts")

    def conflict(self, note: str) -> None:
        if len(self.conflict_notes) < MAX_NOTES:
            self.conflict_notes.append(note)

    def as_json(self) -> dict:
        totals = ("rows_read", "added", "already_present", "skipped", "conflicts")
        return {
            **{name: getattr(self, name) for name in totals},
            "unknown_types": dict(sorted(self.unknown_types.items())),
            "conflict_notes": list(self.conflict_notes),
            "files": [asdict(f) for f in self.files],
        }

    def line(self) -> str:
        unknown = sum(self.unknown_types.values())
        return (
            f"{self.rows_read} rows read, {self.added} added, {self.already_present} already "
            f"present, {self.skipped} skipped, {self.conflicts} conflicts, "
            f"{unknown} of unknown types"
        )
