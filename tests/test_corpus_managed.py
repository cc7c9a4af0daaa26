"""The 1,523 real AWS managed policies: IAM accepted every one of them, so none may yield an
APL0xx or APL1xx error."""
from __future__ import annotations

from amplify_policy_lint.config import Settings
from amplify_policy_lint.linter import lint_paths
from amplify_policy_lint.model import Severity

from conftest import corpus


def test_no_aws_managed_policy_yields_an_input_or_grammar_error():
    folder = corpus("aws-managed")
    report = lint_paths([str(folder)], Settings(select=("APL0", "APL1"), fail_on=Severity.INFO))
    assert report.errors == []
    assert report.files_checked >= 1_500
    errors = [f"{f.file}:{f.span.line}:{f.span.column}: {f.rule.id} {f.message}"
              for f in report.findings if f.severity is Severity.ERROR]
    assert errors == []


# The catalog-backed Access Analyzer ERROR checks that are errors by default: IAM accepted every
# managed policy and AWS deploys them, so none may fire (APL207 and APL208 are warnings, pinned
# in corpus_expected/aws-managed-access-analyzer.txt).
ACCESS_ANALYZER_ERROR_RULES = ("APL206", "APL209", "APL210", "APL211")


def test_no_aws_managed_policy_yields_an_access_analyzer_error_check():
    folder = corpus("aws-managed")
    report = lint_paths([str(folder)], Settings(select=ACCESS_ANALYZER_ERROR_RULES, fail_on=Severity.INFO))
    assert report.errors == []
    found = [f"{f.file}:{f.span.line}:{f.span.column}: {f.rule.id} {f.message}" for f in report.findings]
    assert found == []
