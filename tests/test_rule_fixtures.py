"""Every fixture case under fixtures/rules/<ID>/{pass,fail} is a specification.

A case is a file, or a directory (several files linted together). Each fail case has
``<case>.expected`` beside it: one ``file:line:col: ID`` per line, for the rule under test
and the input rules (APL0xx). Pass cases must yield no finding of the rule.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from amplify_policy_lint.config import Settings
from amplify_policy_lint.linter import lint_paths
from amplify_policy_lint.model import Severity

from conftest import FIXTURES

RULES_DIR = FIXTURES / "rules"


def cases(outcome: str) -> list[pytest.param]:
    found = []
    for rule_dir in sorted(p for p in RULES_DIR.iterdir() if p.is_dir()):
        folder = rule_dir / outcome
        if not folder.is_dir():
            continue
        for case in sorted(folder.iterdir()):
            if case.suffix != ".expected":
                found.append(pytest.param(rule_dir.name, case, id=f"{rule_dir.name}/{outcome}/{case.name}"))
    return found


def findings_for(rule_id: str, case: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.chdir(case.parent)
    settings = Settings(select=(rule_id, "APL0"), fail_on=Severity.INFO)
    report = lint_paths([case.name], settings)
    assert not report.errors, report.errors
    return [f"{f.file}:{f.span.line}:{f.span.column}: {f.rule.id}" for f in report.findings]


@pytest.mark.parametrize("rule_id, case", cases("fail"))
def test_failing_case_reports_exactly_the_expected_findings(rule_id, case, monkeypatch):
    expected_file = case.with_name(case.name + ".expected")
    assert expected_file.is_file(), f"{case} has no {expected_file.name}"
    expected = expected_file.read_text(encoding="utf-8").split()
    expected = [" ".join(pair) for pair in zip(expected[::2], expected[1::2])]
    actual = findings_for(rule_id, case, monkeypatch)
    assert actual == expected
    assert any(line.endswith(rule_id) for line in actual), "a failing case must show its own rule"


@pytest.mark.parametrize("rule_id, case", cases("pass"))
def test_passing_case_has_no_finding(rule_id, case, monkeypatch):
    # Neither the rule under test nor an input rule: a pass case is a clean file.
    assert findings_for(rule_id, case, monkeypatch) == []
