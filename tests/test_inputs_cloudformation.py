"""CloudFormation / SAM / CDK templates: which documents, of what kind, whose."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from amplify_policy_lint.config import Settings
from amplify_policy_lint.linter import Plan, lint_file, lint_paths
from amplify_policy_lint.inputs import Located
from amplify_policy_lint.locate import Hints, detect_kind, locate
from amplify_policy_lint.model import PrincipalKey, Severity
from amplify_policy_lint.policy import DocKind
from amplify_policy_lint.source import parse_json, parse_yaml
from amplify_policy_lint.source.problems import Problem

from conftest import FIXTURES

INPUTS = FIXTURES / "inputs"


def located(path: Path | str, monkeypatch=None) -> Located:
    outcome = lint_file(str(path), Plan.build(Settings()))
    assert outcome.located is not None, outcome.report.notes
    return outcome.located


def by_label(result: Located) -> dict:
    return {d.label: d for d in result.documents}


def principals(result: Located) -> dict:
    return {p.id: p for p in result.principals}


@pytest.fixture
def principals_template(monkeypatch):
    monkeypatch.chdir(INPUTS / "cloudformation")
    return located("principals.yaml")


def test_every_document_is_found_with_its_kind(principals_template):
    kinds = {label: d.kind for label, d in by_label(principals_template).items()}
    assert kinds == {
        "inline policy 'deploy' of AWS::IAM::Role DeployRole": DocKind.IDENTITY,
        "trust policy of AWS::IAM::Role DeployRole": DocKind.TRUST,
        "AWS::IAM::RolePolicy DeployRoleExtra ('extra')": DocKind.IDENTITY,
        "inline policy 'prod-only' of AWS::IAM::Role AppRole": DocKind.IDENTITY,
        "trust policy of AWS::IAM::Role AppRole": DocKind.TRUST,
        "AWS::IAM::ManagedPolicy SharedPolicy": DocKind.IDENTITY,
        "AWS::IAM::Policy AttachedPolicy": DocKind.IDENTITY,
        "inline policy 'developers' of AWS::IAM::Group Developers": DocKind.IDENTITY,
        "AWS::IAM::ManagedPolicy StandalonePolicy": DocKind.IDENTITY,
        "trust policy of AWS::IAM::Role ImportingRole": DocKind.TRUST,
        "policy 0 of AWS::Serverless::Function Function": DocKind.IDENTITY,
        "PolicyDocument of AWS::SQS::QueuePolicy QueuePolicy": DocKind.RESOURCE,
        "KeyPolicy of AWS::KMS::Key Key": DocKind.RESOURCE,
    }
    assert all(d.container == "cloudformation" for d in principals_template.documents)


def test_policies_join_the_principals_they_attach_to(principals_template):
    docs = by_label(principals_template)
    def role(name):
        return PrincipalKey("cloudformation", "principals.yaml", name)
    assert docs["inline policy 'deploy' of AWS::IAM::Role DeployRole"].principals == (role("DeployRole"),)
    # AWS::IAM::RolePolicy by RoleName: !Ref
    assert docs["AWS::IAM::RolePolicy DeployRoleExtra ('extra')"].principals == (role("DeployRole"),)
    # a template ManagedPolicy named in two roles' ManagedPolicyArns belongs to both
    assert set(docs["AWS::IAM::ManagedPolicy SharedPolicy"].principals) == {role("DeployRole"), role("AppRole")}
    # AWS::IAM::Policy Roles: a template role by Ref, and a role given by a parameter
    assert docs["AWS::IAM::Policy AttachedPolicy"].principals == (
        role("AppRole"), role("role given by parameter ExternalRoleName"))
    # a user holds the policies of the template groups it is in
    assert set(docs["inline policy 'developers' of AWS::IAM::Group Developers"].principals) == {
        role("Developers"), role("Alice")}
    # trust and resource policies belong to no principal
    assert docs["trust policy of AWS::IAM::Role AppRole"].principals == ()
    assert docs["KeyPolicy of AWS::KMS::Key Key"].principals == ()
    # a ManagedPolicy attached to nothing here is judged on its own
    assert docs["AWS::IAM::ManagedPolicy StandalonePolicy"].principals == (role("StandalonePolicy"),)


def test_fn_if_branches_are_documents_at_their_path(principals_template):
    doc = by_label(principals_template)["inline policy 'prod-only' of AWS::IAM::Role AppRole"]
    assert doc.base == ("Resources", "AppRole", "Properties", "Policies", 0, "Fn::If", 1, "PolicyDocument")
    span = doc.span(("Statement", 0, "Action"))
    assert (span.line, span.column) == (60, 27)  # "amplify:ListApps" in the IsProd branch


def test_principals_with_invisible_policies_are_incomplete(principals_template):
    found = principals(principals_template)
    complete = {pid.name: p.complete for pid, p in found.items()}
    assert complete == {
        "DeployRole": False,  # an AWS managed policy ARN
        "AppRole": True,  # its Fn::If policy, the ManagedPolicy by Ref and AttachedPolicy are all here
        "Developers": True,
        "Alice": True,  # her group's policies are here
        "ImportingRole": False,  # PolicyDocument: !ImportValue
        "Function": False,  # a SAM policy template (S3ReadPolicy)
        "role given by parameter ExternalRoleName": False,
        "StandalonePolicy": True,
    }
    # A SAM function with Role uses that role: no principal of its own, Policies ignored.
    assert not any("FunctionWithRole" in pid.name for pid in found)
    assert not any("FunctionWithRole" in d.label for d in principals_template.documents)


def test_lambda_permission_is_not_a_policy(principals_template):
    assert not any("InvokePermission" in d.label for d in principals_template.documents)


def test_json_template_with_policy_strings(tmp_path):
    template = {
        "Resources": {
            "Role": {"Type": "AWS::IAM::Role", "Properties": {
                "AssumeRolePolicyDocument": json.dumps({"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}),
                "Policies": [{"PolicyName": "p", "PolicyDocument": json.dumps({"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": "amplify:GetApp", "Resource": "*"}]})}]}},
            "Logs": {"Type": "AWS::Logs::ResourcePolicy", "Properties": {
                "PolicyName": "x", "PolicyDocument": json.dumps({"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Principal": {"Service": "es.amazonaws.com"}, "Action": "logs:PutLogEvents",
                     "Resource": "*"}]})}},
        }}
    path = tmp_path / "template.json"
    path.write_text(json.dumps(template, indent=2))
    result = located(path)
    kinds = sorted((d.kind.value, d.base) for d in result.documents)
    assert kinds == [
        ("identity", ("Resources", "Role", "Properties", "Policies", 0, "PolicyDocument")),
        ("resource", ("Resources", "Logs", "Properties", "PolicyDocument")),
        ("trust", ("Resources", "Role", "Properties", "AssumeRolePolicyDocument")),
    ]
    identity = next(d for d in result.documents if d.kind is DocKind.IDENTITY)
    text = path.read_text()
    start, end = identity.source.value_range(identity.base + ("Statement", 0, "Action"))
    assert text[start:end] == '\\"amplify:GetApp\\"'
    assert result.problems == ()


def test_policy_string_that_does_not_parse_is_a_problem_and_the_role_incomplete(tmp_path):
    text = '{"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"Policies": [\n' \
           '  {"PolicyName": "p", "PolicyDocument": "{\\"Statement\\": [}"}]}}}}\n'
    path = tmp_path / "template.json"
    path.write_text(text)
    source, _ = parse_json(str(path), text)
    result = locate(source, Hints())
    [problem] = result.problems
    assert problem.kind is Problem.SYNTAX
    assert text[problem.start] == "}" and text[problem.start - 1] == "["
    assert [p.complete for p in result.principals] == [False]


def test_preprocessor_tag_in_place_of_a_policy_is_not_read_as_one(tmp_path):
    text = ("Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      Policies:\n"
            "        - PolicyName: p\n          PolicyDocument: !Rain::Embed policy.json\n")
    source, problems = parse_yaml("t.yaml", text)
    assert problems == []  # a preprocessor's tag is not ours to report
    result = locate(source, Hints())
    assert result.documents == () and result.problems == ()
    assert [p.complete for p in result.principals] == [False]


STACK_SET = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  StackSet:
    Type: AWS::CloudFormation::StackSet
    Properties:
      StackSetName: member-roles
      PermissionModel: SERVICE_MANAGED
      TemplateBody: |
        Resources:
          MemberRole:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Principal:
                      AWS: arn:aws:iam::111122223333:root
                    Action: sts:AssumeRole
"""


def test_stack_set_template_body_is_a_template_with_exact_positions(tmp_path):
    path = tmp_path / "stackset.yaml"
    path.write_text(STACK_SET)
    report = lint_paths([str(path)], Settings(select=("APL402",)))
    [finding] = report.findings
    line = STACK_SET.splitlines().index("                      AWS: arn:aws:iam::111122223333:root") + 1
    assert (finding.span.line, finding.span.column) == (line, 28)
    assert "(in the template of AWS::CloudFormation::StackSet StackSet)" in finding.message


def test_amplify_function_role_shares_the_custom_policies_principal(tmp_path):
    function = tmp_path / "amplify" / "backend" / "function" / "cleanup"
    function.mkdir(parents=True)
    (function / "cleanup-cloudformation-template.json").write_text(json.dumps({"Resources": {
        "LambdaExecutionRole": {"Type": "AWS::IAM::Role", "Properties": {"Policies": [
            {"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "amplifybackend:RemoveAllBackends", "Resource": "*"}]}}]}}}}))
    (function / "custom-policies.json").write_text(json.dumps([
        {"Action": ["amplify:DeleteApp"], "Resource": ["*"]}]))
    template = located(function / "cleanup-cloudformation-template.json")
    custom = located(function / "custom-policies.json")
    assert [p.id for p in template.principals] == [p.id for p in custom.principals] == [
        PrincipalKey("amplify-function", str(function / "custom-policies.json"))]


def test_custom_policies_placeholder_is_skipped(tmp_path):
    path = tmp_path / "custom-policies.json"
    path.write_text('[\n  {\n    "Action": [],\n    "Resource": []\n  }\n]\n')
    outcome = lint_file(str(path), Plan.build(Settings()))
    assert outcome.report.findings == []
    assert "placeholder" in " ".join(outcome.report.notes)


@pytest.mark.parametrize("text, kind", [
    ('{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}', "cloudformation"),
    ('{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}', "cloudformation"),
    ('{"Resources": {"cpu": "2"}}', None),  # a Kubernetes-like mapping: not a template
    ('{"format_version": "1.2", "planned_values": {}}', "terraform-plan"),
    ('{"format_version": "1.0", "values": {}}', "terraform-plan"),
    ('{"Version": "2012-10-17", "Statement": []}', "policy"),
    ('{"name": "x", "version": "1.0.0"}', None),
])
def test_kind_is_told_from_root_keys(text, kind):
    source, _ = parse_json("x.json", text)
    detected = detect_kind(source)
    assert (detected.name if detected else None) == kind


def test_serverless_kind_from_yaml():
    source, _ = parse_yaml("serverless.yml", "service: x\nprovider:\n  name: aws\n")
    assert detect_kind(source).name == "serverless"


def test_template_without_policies_is_skipped_with_a_reason(tmp_path):
    path = tmp_path / "bucket.yaml"
    path.write_text("Resources:\n  B:\n    Type: AWS::S3::Bucket\n")
    outcome = lint_file(str(path), Plan.build(Settings()))
    assert outcome.report.files_skipped == 1
    assert "template has no IAM policy" in outcome.report.notes[0]


def test_fixture_paths_exist():
    assert os.path.isfile(INPUTS / "cloudformation" / "principals.yaml")


def test_a_date_version_is_info_in_a_template_and_a_warning_elsewhere():
    # CloudFormation deploys an unquoted date as the text written (Amplify CLI's auth templates
    # rely on it); a plain policy file goes to tools that see a date.
    rules = FIXTURES / "rules" / "APL005" / "fail"
    settings = Settings(select=("APL005",), fail_on=Severity.INFO)
    severities = {os.path.basename(f.file): f.severity for f in lint_paths(
        [str(rules / "date-version-in-template.yaml"), str(rules / "date-version.yaml")], settings).findings}
    assert severities == {"date-version-in-template.yaml": Severity.INFO, "date-version.yaml": Severity.WARNING}
