"""What a run found, as the reporters receive it: findings, files that could not be read, and
counts; merged in file order, whether files were linted here or in --jobs workers."""
from __future__ import annotations

from .model import FileError, Finding


class Report:
    """What linting found: filled in as files are linted, merged in file order."""

    def __init__(self, findings: list[Finding] | None = None, errors: list[FileError] | None = None,
                 files_checked: int = 0, files_skipped: int = 0) -> None:
        self.findings: list[Finding] = findings if findings is not None else []
        self.errors: list[FileError] = errors if errors is not None else []
        self.files_checked = files_checked
        self.files_skipped = files_skipped
        # Why each skipped file was skipped, for --verbose.
        self.notes: list[str] = []
        # Inline suppression directives found in YAML files (suppress.Directive), for the filter stage.
        self.directives: list = []
        # How many findings the filter stage dropped, by mechanism (per-file-ignores, inline, baseline).
        self.suppressed: dict[str, int] = {}

    def __repr__(self) -> str:
        return (f"Report({len(self.findings)} findings, {len(self.errors)} errors, "
                f"files_checked={self.files_checked}, files_skipped={self.files_skipped})")

    def merge(self, other: "Report") -> None:
        self.findings.extend(other.findings)
        self.errors.extend(other.errors)
        self.files_checked += other.files_checked
        self.files_skipped += other.files_skipped
        self.notes.extend(other.notes)
        self.directives.extend(other.directives)
