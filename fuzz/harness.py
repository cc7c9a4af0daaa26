"""One file's bytes through the linter, and the invariants every result must keep.

Shared by the atheris target (``fuzz/fuzz_lint.py``) and the hypothesis suite
(``tests/test_properties.py``), so both hold the linter to the same promise:

* linting returns findings or a one-line error for the file, never an exception
  (a rule that crashed, which ``lint_group`` would turn into an "internal error", is a bug);
* every finding's span lies inside the file: ``1 <= line <= lines (+1 at EOF)``, the
  columns within the line (+1 for the position just after its last character), start <= end;
* every message is one line (a reporter prints it as one line).

The bytes are written to a real file and read by ``linter.lint_file``, so the exact code path
of a run is exercised: read -> decode -> parse -> locate -> document rules -> principal rules.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from amplify_policy_lint import linter, reporters
from amplify_policy_lint.config import Settings
from amplify_policy_lint.model import Finding, Severity
from amplify_policy_lint.source import InputProblem, LineIndex, decode, decode_loosely

# File names the bytes are linted under: the name decides JSON or YAML and custom-policies.
NAMES = ("policy.json", "policy.yaml", "amplify/backend/function/f/custom-policies.json",
         "template.yml", "serverless.yml", "plan.json", "policy.txt", "stack.template.json")
KINDS = ("auto", "auto", "policy", "custom-policies")

_PLANS: dict[tuple, linter.Plan] = {}


def plan_for(kind: str = "auto", select: tuple[str, ...] = ()) -> linter.Plan:
    plan = _PLANS.get((kind, select))
    if plan is None:
        plan = _PLANS[kind, select] = linter.Plan.build(
            Settings(kind=kind, select=select, fail_on=Severity.INFO))
    return plan


class InvariantBroken(AssertionError):
    pass


@dataclass
class Outcome:
    findings: list[Finding]
    errors: list[str]
    text: str  # the file's text as the linter saw it (loosely decoded when it is not UTF-8)


def write_case(directory: str, name: str, data: bytes) -> str:
    path = os.path.join(directory, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)
    return path


def lint_bytes(directory: str, name: str, data: bytes, kind: str = "auto",
               select: tuple[str, ...] = ()) -> Outcome:
    """Lint ``data`` as the file ``directory/name``; raise on any broken invariant."""
    path = write_case(directory, name, data)
    plan = plan_for(kind, tuple(select))
    outcome = linter.lint_file(path, plan)  # an InternalError propagates: that is a crash
    findings = list(outcome.report.findings)
    if outcome.located is not None and plan.principal_rules:
        findings.extend(f for f, _ in linter._placed_principal_findings([(path, outcome.located)], plan, None))
    errors = [e.message for e in outcome.report.errors]
    result = Outcome(findings, errors, file_text(data))
    check(result)
    return result


def file_text(data: bytes) -> str:
    try:
        return decode(data)
    except InputProblem:
        return decode_loosely(data)


def check(outcome: Outcome) -> None:
    for message in outcome.errors:
        if len((message + "x").splitlines()) > 1 or "internal error" in message:
            raise InvariantBroken(f"bad file error {message!r}")
    bounds = _Bounds(outcome.text)
    for finding in outcome.findings:
        bounds.check(finding)
        if len((finding.message + "x").splitlines()) > 1:  # \n, \r, U+2028, ...: not one line
            raise InvariantBroken(f"multi-line message {finding.message!r}")
    # The reporters must accept whatever the rules produced.
    report = linter.Report(findings=outcome.findings)
    reporters.text(report)
    reporters.json_report(report)


class _Bounds:
    """Line lengths (without the line break) of a text, as the linter's LineIndex counts lines."""

    def __init__(self, text: str) -> None:
        starts = LineIndex(text).starts
        self.lengths = []
        for number, start in enumerate(starts):
            end = starts[number + 1] if number + 1 < len(starts) else len(text)
            line = text[start:end]
            self.lengths.append(len(line.rstrip("\r\n")) if number + 1 < len(starts) else len(line))

    def check(self, finding: Finding) -> None:
        span = finding.span
        where = f"{finding.rule.id} {finding.message!r} at {span}"
        for line, column in ((span.line, span.column), (span.end_line, span.end_column)):
            if not 1 <= line <= len(self.lengths):
                raise InvariantBroken(f"line outside the file ({len(self.lengths)} lines): {where}")
            if not 1 <= column <= self.lengths[line - 1] + 1:
                raise InvariantBroken(
                    f"column outside line {line} ({self.lengths[line - 1]} characters): {where}")
        if (span.line, span.column) > (span.end_line, span.end_column):
            raise InvariantBroken(f"span ends before it starts: {where}")
