"""The Access Analyzer WARNING/SECURITY_WARNING/SUGGESTION rules over the 1,523 real AWS managed
policies: every finding is pinned with a judgement in
``corpus_expected/aws-managed-access-analyzer.txt``, so a finding gained, lost or changed in
severity fails here and is reviewed again. No rule of theirs is an error by default, and IAM
accepted every one of these policies, so none may be an error.
"""
from __future__ import annotations

import collections
import os
from pathlib import Path

from amplify_policy_lint.config import Settings
from amplify_policy_lint.linter import lint_paths
from amplify_policy_lint.model import Severity

from conftest import corpus

PINNED = Path(__file__).parent / "corpus_expected" / "aws-managed-access-analyzer.txt"
RULES = ("APL207", "APL208", "APL306", "APL405", "APL406", "APL407", "APL408", "APL409", "APL410", "APL501", "APL502",
         "APL503", "APL504", "APL505", "APL506", "APL507")


def test_every_finding_over_the_managed_policies_is_the_reviewed_set():
    folder = corpus("aws-managed")
    report = lint_paths([str(folder)], Settings(select=RULES, fail_on=Severity.INFO))
    assert report.errors == [] and report.files_checked >= 1_500
    found = [f"{os.path.basename(f.file)}:{f.span.line}:{f.span.column}: {f.rule.id} {f.severity.value}"
             for f in report.findings if f.rule.id in RULES]
    assert not [line for line in found if line.endswith(" error")]
    pinned = [" ".join(line.split("#", 1)[0].split(" ")[:3])
              for line in PINNED.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    added = sorted((collections.Counter(found) - collections.Counter(pinned)).elements())
    lost = sorted((collections.Counter(pinned) - collections.Counter(found)).elements())
    assert not added and not lost, (
        f"{len(added)} finding(s) not in {PINNED.name}: {added[:10]}; {len(lost)} pinned finding(s) gone: {lost[:10]}")
