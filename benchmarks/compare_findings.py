#!/usr/bin/env python3
"""Snapshot every finding on the shared corpus, and compare a later run with the snapshot.

Optimisations must not change what the linter says. This script lints each corpus folder
(one ``lint_paths`` call per folder, as the command line would, so principals that span
files are grouped the same way) with every rule enabled and ``--fail-on info``, and writes
one canonical JSON line per finding: file, span, rule, severity, message, detail, JSON path
and the offending token. File errors and the checked/skipped counts are recorded too.

    python benchmarks/compare_findings.py --write /tmp/findings-before.jsonl
    python benchmarks/compare_findings.py --check /tmp/findings-before.jsonl   # exit 1 on any difference
    python benchmarks/compare_findings.py --check /tmp/findings-before.jsonl --jobs 4

Standard library plus the package. It never runs in the test suite (the corpus takes
seconds); tests/test_findings_stable.py is the cheap guard there.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
FOLDERS = ("aws-managed", "cloudformation", "amplify-custom-policies", "cloudformation-fragments",
           "moto-policy-cases")


def snapshot(jobs: int = 1) -> list[str]:
    """Canonical, sorted JSON lines describing every outcome of linting the corpus."""
    from amplify_policy_lint.config import make_settings
    from amplify_policy_lint.linter import lint_paths
    from amplify_policy_lint.model import Severity

    from amplify_policy_lint.catalog_cache import default_cache_dir

    # The catalog cache as the command line uses it (AMPLIFY_POLICY_LINT_NO_CACHE=1: none).
    settings = make_settings(None, fail_on=Severity.INFO, jobs=jobs)._replace(cache_dir=default_cache_dir(os.environ))
    lines: list[str] = []
    # Relative paths keep the snapshot independent of where the checkout lives.
    previous = os.getcwd()
    os.chdir(CORPUS)
    try:
        for folder in FOLDERS:
            if not Path(folder).is_dir():
                raise SystemExit(f"corpus folder {CORPUS / folder} is absent")
            report = lint_paths([folder], settings)
            lines.append(_dump({"folder": folder, "files_checked": report.files_checked,
                                "files_skipped": report.files_skipped}))
            lines.extend(_dump({"error": e.file, "message": e.message}) for e in report.errors)
            lines.extend(_dump(_finding(f)) for f in report.findings)
    finally:
        os.chdir(previous)
    return sorted(lines)


def _finding(finding) -> dict:
    span = finding.span
    return {"file": finding.file, "line": span.line, "column": span.column,
            "end_line": span.end_line, "end_column": span.end_column, "rule": finding.rule.id,
            "severity": finding.severity.value, "message": finding.message,
            "detail": finding.detail, "path": list(finding.path), "token": finding.token}


def _dump(record: dict) -> str:
    return json.dumps(record, sort_keys=True, ensure_ascii=False)


def compare(expected: list[str], actual: list[str], limit: int = 50) -> list[str]:
    """Lines only in one of the two lists (a multiset difference), marked - or +."""
    from collections import Counter

    before, after = Counter(expected), Counter(actual)
    missing = sorted((before - after).elements())
    extra = sorted((after - before).elements())
    shown = [f"- {line}" for line in missing] + [f"+ {line}" for line in extra]
    if len(shown) > limit:
        shown = shown[:limit] + [f"... and {len(shown) - limit} more"]
    return shown


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", type=Path, metavar="FILE", help="write the snapshot to FILE")
    action.add_argument("--check", type=Path, metavar="FILE", help="compare with the snapshot in FILE")
    parser.add_argument("--jobs", type=int, default=1, help="lint with N processes (default 1)")
    args = parser.parse_args()
    lines = snapshot(args.jobs)
    findings = sum(1 for line in lines if line.startswith('{"column"'))
    if args.write:
        args.write.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        print(f"wrote {findings} findings ({len(lines)} lines) to {args.write}")
        return 0
    expected = args.check.read_text(encoding="utf-8").splitlines()
    differences = compare(expected, lines)
    if differences:
        print("\n".join(differences))
        print(f"DIFFERENT: {len(expected)} lines expected, {len(lines)} now", file=sys.stderr)
        return 1
    print(f"identical: {findings} findings ({len(lines)} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
