"""Stable fingerprints (issue 17, point 2): SARIF ``partialFingerprints`` and GitLab ``fingerprint``
say what a finding is, so that a dismissed alert stays dismissed and no new alert opens when
statements are inserted above it, reordered or reformatted.

Over 20 real AWS managed policies (../shared/corpus/aws-managed, skipped with a reason when
absent): each is linted as written, re-indented, compacted, with a statement inserted at the
top, and with its statements in reverse order. Every finding of the file as written keeps its
fingerprint (the same fingerprint names a finding of the same rule, message and text), and no
two findings of one run share a fingerprint.
"""
from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

from amplify_policy_lint import reporters
from amplify_policy_lint.config import Settings
from amplify_policy_lint.linter import Report, lint_paths
from amplify_policy_lint.model import Finding, Severity, Span
from amplify_policy_lint.rules import BY_ID

from conftest import corpus

FILES = 20
INSERTED = {"Sid": "InsertedAtTheTop", "Effect": "Allow", "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::inserted-for-the-test/*"}


@functools.lru_cache(maxsize=1)
def chosen_policies() -> tuple[Path, ...]:
    """The first 20 managed policies (by name) with at least three statements and two
    findings: enough for reordering to move findings past each other."""
    chosen = []
    for path in sorted(corpus("aws-managed").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        statements = data.get("Statement")
        if not isinstance(statements, list) or len(statements) < 3:
            continue
        if len(lint_paths([str(path)], Settings()).findings) < 2:
            continue
        chosen.append(path)
        if len(chosen) == FILES:
            break
    return tuple(chosen)


def identities(tmp_path: Path, text: str, sarif: bool) -> dict[str, tuple]:
    """fingerprint -> (rule, message without digits, token without white space)."""
    target = tmp_path / "policy.json"
    target.write_text(text, encoding="utf-8")
    report = lint_paths(["policy.json"], Settings())
    if sarif:
        results = json.loads(reporters.sarif(report))["runs"][0]["results"]
        prints = [r["partialFingerprints"][reporters.FINGERPRINT_KEY] for r in results]
    else:
        prints = [issue["fingerprint"] for issue in json.loads(reporters.gitlab(report))]
    assert len(prints) == len(report.findings)
    assert len(set(prints)) == len(prints), "two findings share a fingerprint"
    return {fp: (f.rule.id, "".join(c for c in f.message if not c.isdigit()), "".join(f.token.split()))
            for fp, f in zip(prints, report.findings)}


def variants(data: dict) -> dict[str, str]:
    inserted = {**data, "Statement": [INSERTED, *data["Statement"]]}
    reordered = {**data, "Statement": list(reversed(data["Statement"]))}
    return {
        "re-indented": json.dumps(data, indent=4) + "\n",
        "compacted": json.dumps(data, separators=(",", ":")),
        "inserted at the top": json.dumps(inserted, indent=2) + "\n",
        "reordered": json.dumps(reordered, indent=2) + "\n",
        "inserted, reordered and re-indented": json.dumps(
            {**data, "Statement": [INSERTED, *reversed(data["Statement"])]}, indent=3),
    }


@pytest.mark.parametrize("sarif", [True, False], ids=["sarif", "gitlab"])
def test_fingerprints_survive_insertion_reordering_and_reformatting(tmp_path, monkeypatch, sarif):
    monkeypatch.chdir(tmp_path)
    policies = chosen_policies()
    assert len(policies) == FILES, f"only {len(policies)} managed policies qualify"
    checked = 0
    for path in policies:
        original = path.read_text(encoding="utf-8")
        before = identities(tmp_path, original, sarif)
        for name, text in variants(json.loads(original)).items():
            after = identities(tmp_path, text, sarif)
            for fingerprint, identity in before.items():
                assert after.get(fingerprint) == identity, (
                    f"{path.name}, {name}: the finding {identity} lost its fingerprint")
                checked += 1
    assert checked >= FILES * 2 * 5


def test_exact_repeats_are_numbered_and_reordering_them_changes_nothing():
    rule = BY_ID["APL303"]

    def finding(line: int, index: int) -> Finding:
        return Finding("p.json", Span(line, 5, line, 8), rule, Severity.WARNING,
                       "iam:PassRole is allowed on every role", ("Statement", index, "Resource"), token='"*"')

    first = reporters.fingerprints([finding(3, 0), finding(9, 1)])
    moved = reporters.fingerprints([finding(12, 4), finding(30, 7)])
    assert len(set(first)) == 2 and first == moved


def test_a_different_file_rule_element_or_text_is_a_different_fingerprint():
    base = Finding("p.json", Span(1, 1, 1, 2), BY_ID["APL303"], Severity.WARNING, "m",
                   ("Statement", 0, "Resource"), token='"*"')
    others = [
        Finding("q.json", base.span, base.rule, base.severity, "m", base.path, token=base.token),
        Finding("p.json", base.span, BY_ID["APL304"], base.severity, "m", base.path, token=base.token),
        Finding("p.json", base.span, base.rule, base.severity, "m", ("Statement", 0, "Action"), token=base.token),
        Finding("p.json", base.span, base.rule, base.severity, "m", base.path, token='"arn:aws:iam::*:role/x"'),
    ]
    prints = reporters.fingerprints([base, *others])
    assert len(set(prints)) == len(prints)
    assert reporters.fingerprints(Report(findings=[base]).findings) == prints[:1]


def template(order: tuple[str, ...], extra_statement: bool = False) -> str:
    def role(name: str) -> dict:
        statements = [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]
        if extra_statement:
            statements.insert(0, {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})
        return {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
            "Policies": [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}]}}

    return json.dumps({"AWSTemplateFormatVersion": "2010-09-09",
                       "Resources": {name: role(name) for name in order}}, indent=2)


def test_a_templates_resources_keep_their_own_fingerprints(tmp_path, monkeypatch):
    """The same statement in two roles: two identities, each tied to its role's logical id,
    kept when the resources are reordered and a statement is inserted above."""
    monkeypatch.chdir(tmp_path)

    def by_role(text: str) -> dict[str, str]:
        (tmp_path / "template.json").write_text(text, encoding="utf-8")
        report = lint_paths(["template.json"], Settings(select=("APL303",)))
        prints = reporters.fingerprints(report.findings)
        return {f.path[1]: fp for f, fp in zip(report.findings, prints)}

    before = by_role(template(("DeployRole", "BuildRole")))
    assert set(before) == {"DeployRole", "BuildRole"} and len(set(before.values())) == 2
    assert by_role(template(("BuildRole", "DeployRole"), extra_statement=True)) == before
