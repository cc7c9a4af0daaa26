"""Peer conformance with IAM itself: the MalformedPolicyDocument cases of moto's test suite.

Each case is linted from a file with --kind policy. Every document IAM rejects must yield at
least one APL0xx/APL1xx finding; no document IAM accepts may yield an error-severity one
(warnings are allowed: IAM accepts, for instance, a condition key without a service prefix,
which can never match a request).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from amplify_policy_lint.config import Settings
from amplify_policy_lint.linter import lint_paths
from amplify_policy_lint.model import Severity

from conftest import corpus

# Cases (outcome/name) where we knowingly disagree with moto's lists, each with the reason.
_SID_WITH_UNDERSCORES = (
    "APL109: the Sid holds '_'. IAM's documented Sid grammar and its MalformedPolicyDocument message "
    "allow [0-9A-Za-z]* only; moto never checks Sid characters, and LocalStack's AWS-validated port "
    "of this list (localstack/localstack tests/aws/services/iam/test_iam_policies.py, 2026) dropped "
    "exactly the cases with such a Sid")
KNOWN_DISAGREEMENTS: dict[str, str] = {
    "valid/040.json": _SID_WITH_UNDERSCORES,
    "valid/041.json": _SID_WITH_UNDERSCORES,
}


def lint_case(case: Path, tmp_path: Path):
    document = json.loads(case.read_text(encoding="utf-8"))["policy_document_as_sent"]
    target = tmp_path / f"{case.parent.name}-{case.name}"
    target.write_text(document, encoding="utf-8")
    settings = Settings(select=("APL0", "APL1"), kind="policy", fail_on=Severity.INFO)
    report = lint_paths([str(target)], settings)
    assert not report.errors
    return report.findings


def case_files(outcome: str) -> list[Path]:
    return sorted(corpus("moto-policy-cases", outcome).glob("*.json"))


def test_every_document_iam_rejects_yields_a_grammar_or_input_finding(tmp_path):
    missed = [case.name for case in case_files("invalid")
              if f"invalid/{case.name}" not in KNOWN_DISAGREEMENTS and not lint_case(case, tmp_path)]
    assert missed == []


def test_no_document_iam_accepts_yields_an_error(tmp_path):
    wrongly_rejected = {}
    for case in case_files("valid"):
        errors = [f"{f.rule.id} {f.message}" for f in lint_case(case, tmp_path)
                  if f.severity is Severity.ERROR]
        reason = KNOWN_DISAGREEMENTS.get(f"valid/{case.name}", "")
        errors = [e for e in errors if not reason.startswith(e.split()[0] + ":")]
        if errors:
            wrongly_rejected[case.name] = errors
    assert wrongly_rejected == {}


@pytest.mark.parametrize("outcome, minimum", [("invalid", 78), ("valid", 54)])
def test_the_corpus_is_complete(outcome, minimum):
    # A partial copy would make the agreement figure meaningless.
    assert len(case_files(outcome)) >= minimum
