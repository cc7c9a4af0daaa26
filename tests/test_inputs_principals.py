"""Whose permissions are evaluated together: per-principal sets across inputs, the
``principals`` configuration key, ``accounts`` for APL402, and the trust-rule conditions."""
from __future__ import annotations

import json

import pytest

from amplify_policy_lint.config import Settings
from amplify_policy_lint.linter import Plan, build_principals, lint_file, lint_paths
from amplify_policy_lint.rules.cross_account_trust import account_of
from amplify_policy_lint.policy import normalise
from amplify_policy_lint.rules.public_trust import RESTRICTING_KEYS
from amplify_policy_lint.trust import restricts
from amplify_policy_lint.intrinsics import OWN_ACCOUNT, resolve


def write_amplify_function(root, template_actions, custom_actions):
    function = root / "amplify" / "backend" / "function" / "cleanup"
    function.mkdir(parents=True)
    (function / "cleanup-cloudformation-template.json").write_text(json.dumps({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {"LambdaExecutionRole": {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
            "Policies": [{"PolicyName": "template", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": template_actions, "Resource": "*"}]}}]}}}}, indent=2))
    (function / "custom-policies.json").write_text(json.dumps([{"Action": custom_actions, "Resource": ["*"]}], indent=2))
    return function


def test_an_amplify_function_and_its_template_are_one_principal_without_configuration(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_amplify_function(tmp_path, ["amplifybackend:RemoveAllBackends"], ["amplify:DeleteApp"])
    # custom-policies.json lacks RemoveAllBackends, but the function's role (its template) has it.
    assert lint_paths(["amplify"], Settings(select=("APL301",))).findings == []


def test_a_staged_custom_policies_file_is_judged_with_the_template_beside_it(tmp_path, monkeypatch):
    # pre-commit names only the staged file; the template on disk still belongs to the role.
    monkeypatch.chdir(tmp_path)
    function = write_amplify_function(tmp_path, ["amplifybackend:RemoveAllBackends"], ["amplify:DeleteApp"])
    report = lint_paths([str(function / "custom-policies.json")], Settings(select=("APL301",)))
    assert report.findings == [] and report.files_checked == 1


def test_a_template_beside_it_that_lacks_the_grant_still_lets_the_finding_through(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    function = write_amplify_function(tmp_path, ["logs:CreateLogGroup"], ["amplify:DeleteApp"])
    report = lint_paths([str(function / "custom-policies.json")], Settings(select=("APL301",)))
    assert [(f.file, f.rule.id) for f in report.findings] == [(str(function / "custom-policies.json"), "APL301")]


def test_an_unreadable_template_beside_it_makes_the_role_incomplete(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    function = write_amplify_function(tmp_path, ["logs:CreateLogGroup"], ["amplify:DeleteApp"])
    (function / "cleanup-cloudformation-template.json").write_text('{"Resources": {')
    report = lint_paths([str(function / "custom-policies.json")], Settings(select=("APL301",)))
    # Nothing is said about the template (it was not asked for), and nothing proves an absence.
    assert report.findings == [] and report.errors == []


def test_both_files_of_a_function_name_the_same_principal(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    function = write_amplify_function(tmp_path, ["logs:CreateLogGroup"], ["amplify:DeleteApp"])
    plan = Plan.build(Settings())
    located = [lint_file(str(path), plan).located for path in sorted(function.iterdir())]
    [principal] = build_principals(located, None)
    assert len(principal.documents) == 2 and principal.complete


def test_configured_group_of_policy_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "iam").mkdir()
    (tmp_path / "iam" / "delete.json").write_text(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "amplify:DeleteApp", "Resource": "*"}]}))
    (tmp_path / "iam" / "backend.json").write_text(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "amplifybackend:RemoveAllBackends", "Resource": "*"}]}))
    assert len(lint_paths(["iam"], Settings(select=("APL301",))).findings) == 1
    assert lint_paths(["iam"], Settings(select=("APL301",), principals={"ci": ("iam/*.json",)})).findings == []


TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "444455556666"]},
     "Action": "sts:AssumeRole"}]}


def test_own_accounts_from_the_configuration_are_not_another_account(tmp_path):
    path = tmp_path / "trust.json"
    path.write_text(json.dumps(TRUST, indent=2))
    everyone = lint_paths([str(path)], Settings(select=("APL402",)))
    assert [f.message.split()[1] for f in everyone.findings] == ["111122223333", "444455556666"]
    ours = lint_paths([str(path)], Settings(select=("APL402",), accounts=frozenset({"111122223333"})))
    assert [f.message.split()[1] for f in ours.findings] == ["444455556666"]


@pytest.mark.parametrize("value, account", [
    ("111122223333", "111122223333"),
    (111122223333, "111122223333"),
    ("arn:aws:iam::111122223333:role/x", "111122223333"),
    ("arn:aws-cn:sts::111122223333:assumed-role/x/y", "111122223333"),
    ({"Ref": "AWS::AccountId"}, OWN_ACCOUNT),
    ({"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}, OWN_ACCOUNT),
    ({"Fn::Join": ["", ["arn:aws:iam::", {"Ref": "AWS::AccountId"}, ":root"]]}, OWN_ACCOUNT),
    ({"Fn::Sub": ["arn:aws:iam::${A}:root", {"A": "111122223333"}]}, "111122223333"),
    ({"Fn::Sub": "arn:aws:iam::${Vendor}:root"}, None),  # a parameter: unknown
    ({"Fn::GetAtt": ["Role", "Arn"]}, None),
    ({"Fn::If": ["c", "111122223333", "444455556666"]}, None),
    ("*", None),
    ("AROAEXAMPLEID", None),
    ("arn:aws:iam::${aws:PrincipalAccount}:root", None),
])
def test_account_of_principal_entries(value, account):
    assert account_of(value) == account


def test_sub_literal_escape():
    assert resolve({"Fn::Sub": "x-${!Literal}-${AWS::Region}"}) == "x-${Literal}-<region>"


@pytest.mark.parametrize("condition, verdict", [
    (None, False),
    ({}, False),
    ({"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}, True),
    ({"StringEquals": {"AWS:principalorgid": "o-a1b2c3d4e5"}}, True),  # keys ignore case
    ({"StringLike": {"aws:PrincipalOrgID": "o-*"}}, False),
    ({"StringLike": {"aws:SourceAccount": "*"}}, False),
    ({"StringEqualsIfExists": {"aws:SourceAccount": "111122223333"}}, False),
    ({"ForAllValues:StringEquals": {"aws:PrincipalOrgPaths": ["o-x/r-y/*"]}}, False),
    ({"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": ["o-x/r-y/ou-z/*"]}}, True),
    ({"StringNotEquals": {"aws:SourceAccount": "111122223333"}}, False),
    ({"Null": {"aws:SourceAccount": "false"}}, False),
    ({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}, False),
    ({"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}, True),
    ({"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:*:topic"}}, False),
    ({"ArnLike": {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:*"}}, True),
    ({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::amplify-uploads"}}, True),
    ({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::*"}}, False),
    ({"Bool": {"aws:PrincipalIsAWSService": "true"}}, True),
    ({"Bool": {"aws:SecureTransport": "true"}}, False),
    ({"StringLike": {"aws:Referer": "https://example.com/*"}}, False),
    ({"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}, None),  # unknown, concrete
    ({"Fn::If": ["c", {}, {}]}, None),
    ({"StringEqual": {"aws:SourceAccount": "111122223333"}}, None),  # unknown operator: APL105's
])
def test_which_conditions_restrict_the_caller(condition, verdict):
    (statement,) = normalise({"Statement": [{"Effect": "Allow", "Condition": condition}]})
    assert restricts(statement, RESTRICTING_KEYS) is verdict


def test_a_custom_policies_file_named_with_a_leading_dot_slash_joins_its_template(tmp_path, monkeypatch):
    # The template beside it is found under its normalised name; the role must be one all the same.
    monkeypatch.chdir(tmp_path)
    write_amplify_function(tmp_path, ["amplifybackend:RemoveAllBackends"], ["amplify:DeleteApp"])
    report = lint_paths(["./amplify/backend/function/cleanup/custom-policies.json"], Settings(select=("APL301",)))
    assert report.findings == [] and report.files_checked == 1


def test_an_unreadable_group_member_not_given_makes_the_group_incomplete(tmp_path, monkeypatch):
    # pre-commit names only the staged file; the other member is read as context and does not
    # parse: the group cannot be judged, so absence rules stay quiet (and nothing crashes).
    monkeypatch.chdir(tmp_path)
    (tmp_path / "iam").mkdir()
    (tmp_path / "iam" / "delete.json").write_text(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "amplify:DeleteApp", "Resource": "*"}]}))
    (tmp_path / "iam" / "backend.json").write_text('{"Version": "2012-10-17", "Statement": [')
    # (Globs of its own: compiled globs are remembered per process, relative to where they were.)
    settings = Settings(select=("APL301",), principals={"deploy": ("iam/delete.json", "iam/backend.json")})
    report = lint_paths(["iam/delete.json"], settings)
    assert report.findings == [] and report.errors == []
