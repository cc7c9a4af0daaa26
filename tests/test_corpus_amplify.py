"""APL301-APL304 on the 1,523 real AWS managed policies (each file is its own principal).

AdministratorAccess-Amplify grants amplify:*, amplifybackend:* and iam:PassRole, so it must
get no APL301/APL302, but its unconditioned iam:PassRole on "*" is an APL303. Every
APL301/APL302 finding over the folder is pinned in a reviewed list
(``corpus_expected/aws-managed-APL301-APL302.txt``, one judgement per line), so that a
finding gained, lost or changed in severity fails here and is reviewed again.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from amplify_policy_lint.config import Settings
from amplify_policy_lint.linter import lint_paths
from amplify_policy_lint.model import Severity

from conftest import corpus

PINNED = Path(__file__).parent / "corpus_expected" / "aws-managed-APL301-APL302.txt"


@pytest.fixture(scope="module")
def folder() -> Path:
    return corpus("aws-managed")


def _lint(paths, rules):
    report = lint_paths([str(p) for p in paths], Settings(select=rules, fail_on=Severity.INFO))
    assert report.errors == []
    return report


def _line(finding) -> str:
    return (f"{os.path.basename(finding.file)}:{finding.span.line}:{finding.span.column}: "
            f"{finding.rule.id} {finding.severity.value}")


def test_administrator_access_amplify_gets_apl303_but_no_apl301_or_apl302(folder):
    report = _lint([folder / "AdministratorAccess-Amplify.json"], ("APL301", "APL302", "APL303"))
    found = sorted(_line(f) for f in report.findings)
    # Three statements list iam:PassRole on "*": CLIManageviaCFNPolicy (under an aws:CalledVia
    # condition), CLISDKCalls and AmplifySSRCalls.
    assert found == [
        "AdministratorAccess-Amplify.json:273:9: APL303 warning",
        "AdministratorAccess-Amplify.json:388:9: APL303 warning",
        "AdministratorAccess-Amplify.json:47:9: APL303 warning",
    ]
    conditional = next(f for f in report.findings if f.span.line == 47)
    assert "(under a condition)" in conditional.message


def test_admin_policies_get_no_amplify_findings(folder):
    # "*" grants iam:PassRole and RemoveAllBackends too, and APL403 owns the admin statement.
    report = _lint([folder / "AdministratorAccess.json"], ("APL3",))
    assert report.findings == []


def test_power_user_access_cannot_pass_roles(folder):
    # NotAction iam:* leaves every action that passes a role granted and iam:PassRole not.
    report = _lint([folder / "PowerUserAccess.json"], ("APL301", "APL302"))
    (finding,) = report.findings
    assert finding.rule.id == "APL302" and finding.path[-1] == "NotAction"
    assert finding.message.startswith("NotAction grants amplify:CreateApp")


def _pinned() -> list[str]:
    lines = []
    for raw in PINNED.read_text(encoding="utf-8").splitlines():
        text = raw.split("#", 1)[0].strip()
        if text:
            file_position, rule, severity = text.split(" ")[:3]
            lines.append(f"{file_position} {rule} {severity}")
    return lines


def test_every_apl301_apl302_finding_over_the_folder_is_the_reviewed_set(folder):
    report = _lint([folder], ("APL301", "APL302"))
    assert report.files_checked >= 1_500
    found = sorted(_line(f) for f in report.findings)
    pinned = sorted(_pinned())
    assert len(pinned) == len(set(pinned))
    added = sorted(set(found) - set(pinned))
    lost = sorted(set(pinned) - set(found))
    assert not added and not lost, (
        f"{len(added)} finding(s) not in {PINNED.name}: {added[:10]}; "
        f"{len(lost)} pinned finding(s) gone: {lost[:10]}")
    assert not any(" APL301 " in line for line in found)
