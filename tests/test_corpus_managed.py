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
