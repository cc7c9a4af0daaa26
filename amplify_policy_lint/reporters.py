"""Findings to text for people and machines. Each reporter returns the whole output."""
from __future__ import annotations

import json
from typing import Callable

from .linter import Report
from .model import Finding, Severity

_COLOURS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_RESET = "\033[0m"


def text(report: Report, colour: bool = False) -> str:
    lines = []
    for f in report.findings:
        severity = f.severity.value
        if colour:
            severity = f"{_COLOURS[f.severity]}{severity}{_RESET}"
        lines.append(f"{f.file}:{f.span.line}:{f.span.column}: {f.rule.id} {severity} "
                     f"{f.message} [{f.rule.name}]")
    return "".join(line + "\n" for line in lines)


def summary(report: Report) -> str:
    counts = {s: sum(1 for f in report.findings if f.severity is s) for s in Severity}
    parts = [f"{n} {s.value}{'s' if n != 1 else ''}" for s, n in
             ((Severity.ERROR, counts[Severity.ERROR]), (Severity.WARNING, counts[Severity.WARNING]),
              (Severity.INFO, counts[Severity.INFO])) if n]
    checked = f"{report.files_checked} file{'s' if report.files_checked != 1 else ''} checked"
    if not parts:
        return f"no findings; {checked}"
    return f"{', '.join(parts)}; {checked}"


def finding_json(f: Finding) -> dict:
    entry = {
        "file": f.file,
        "line": f.span.line,
        "column": f.span.column,
        "end_line": f.span.end_line,
        "end_column": f.span.end_column,
        "rule_id": f.rule.id,
        "rule_name": f.rule.name,
        "severity": f.severity.value,
        "message": f.message,
        "json_path": list(f.path),
    }
    if f.detail:
        entry["detail"] = f.detail
    return entry


def json_report(report: Report, colour: bool = False) -> str:
    document = {
        "version": 1,
        "findings": [finding_json(f) for f in report.findings],
        "files_checked": report.files_checked,
        "files_skipped": report.files_skipped,
        "errors": [{"file": e.file, "message": e.message} for e in report.errors],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


REPORTERS: dict[str, Callable[..., str]] = {
    "text": text,
    "json": json_report,
}
