"""Terraform plans and state (``terraform show -json``): policies in JSON strings, whose."""
from __future__ import annotations

import json

from amplify_policy_lint.config import Settings
from amplify_policy_lint.linter import Plan, lint_file, lint_paths
from amplify_policy_lint.model import PrincipalKey
from amplify_policy_lint.policy import DocKind

from conftest import FIXTURES


def policy(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, indent=2)


ALLOW = {"Effect": "Allow", "Action": "amplify:GetApp", "Resource": "*"}
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def resource(address: str, values: dict, mode: str = "managed") -> dict:
    kind, name = address.split(".")[-2:]
    return {"address": address, "mode": mode, "type": kind, "name": name.split("[")[0], "values": values}


def write_plan(tmp_path, resources, configuration=None, key="planned_values", children=()):
    root = {"resources": resources}
    if children:
        root["child_modules"] = list(children)
    plan = {"format_version": "1.2", key: {"root_module": root}}
    if configuration is not None:
        plan["configuration"] = {"root_module": configuration}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan, indent=2))
    return path


def locate_plan(path):
    outcome = lint_file(str(path), Plan.build(Settings()))
    assert outcome.located is not None, outcome.report.notes
    return outcome.located


def test_roles_with_inline_attached_and_trust_policies(tmp_path):
    path = write_plan(tmp_path, [
        resource("aws_iam_role.app", {"name": "app", "assume_role_policy": TRUST, "inline_policy": [
            {"name": "inline", "policy": policy(ALLOW)}], "managed_policy_arns": []}),
        resource("aws_iam_role_policy.extra", {"role": "app", "policy": policy(ALLOW)}),
        resource("aws_iam_policy.shared", {"arn": "arn:aws:iam::123456789012:policy/shared", "policy": policy(ALLOW)}),
        resource("aws_iam_role_policy_attachment.shared", {
            "role": "app", "policy_arn": "arn:aws:iam::123456789012:policy/shared"}),
        resource("aws_iam_policy_document.unused", {"json": policy(ALLOW)}, mode="data"),
        resource("aws_s3_bucket_policy.site", {"bucket": "site", "policy": policy(
            {"Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject",
             "Resource": "arn:aws:s3:::site/*"})}),
    ])
    result = locate_plan(path)
    role = PrincipalKey("terraform-plan", str(path), "aws_iam_role.app")
    summary = sorted((d.kind.value, d.label, d.principals) for d in result.documents)
    assert summary == [
        ("identity", "aws_iam_policy aws_iam_policy.shared", (role,)),
        ("identity", "aws_iam_role_policy aws_iam_role_policy.extra", (role,)),
        ("identity", "inline policy 'inline' of aws_iam_role aws_iam_role.app", (role,)),
        ("resource", "policy of aws_s3_bucket_policy aws_s3_bucket_policy.site", ()),
        ("trust", "trust policy of aws_iam_role aws_iam_role.app", ()),
    ]
    assert [p.complete for p in result.principals if p.id == role] == [True]
    assert all(d.container == "terraform-plan" for d in result.documents)


def test_values_known_after_apply_are_followed_through_the_configuration(tmp_path):
    path = write_plan(tmp_path, [
        resource("aws_iam_role.app", {"name": "app", "assume_role_policy": TRUST}),
        resource("aws_iam_policy.later", {"policy": policy(ALLOW)}),  # arn unknown until apply
        resource("aws_iam_role_policy_attachment.later", {}),  # role and policy_arn unknown
    ], configuration={"resources": [{
        "address": "aws_iam_role_policy_attachment.later",
        "expressions": {"role": {"references": ["aws_iam_role.app.name", "aws_iam_role.app"]},
                        "policy_arn": {"references": ["aws_iam_policy.later.arn", "aws_iam_policy.later"]}}}]})
    result = locate_plan(path)
    [attached] = [d for d in result.documents if d.label == "aws_iam_policy aws_iam_policy.later"]
    assert attached.principals == (PrincipalKey("terraform-plan", str(path), "aws_iam_role.app"),)


def test_aws_managed_and_unknown_policies_make_the_role_incomplete(tmp_path):
    path = write_plan(tmp_path, [
        resource("aws_iam_role.managed", {"name": "managed", "assume_role_policy": TRUST}),
        resource("aws_iam_role_policy_attachment.managed", {
            "role": "managed", "policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess-Amplify"}),
        resource("aws_iam_role.unknown", {"name": "unknown", "assume_role_policy": TRUST}),
        resource("aws_iam_role_policy.unknown", {"role": "unknown"}),  # policy known after apply
        resource("aws_iam_role.visible", {"name": "visible", "assume_role_policy": TRUST}),
        resource("aws_iam_role_policy.visible", {"role": "visible", "policy": policy(ALLOW)}),
    ])
    complete = {p.id.name.rsplit(".", 1)[1]: p.complete for p in locate_plan(path).principals}
    assert complete == {"managed": False, "unknown": False, "visible": True}


def test_child_modules_and_policies_outside_the_plan(tmp_path):
    child = {"address": "module.ci", "resources": [
        resource("module.ci.aws_iam_role_policy.deploy", {"role": "created-elsewhere", "policy": policy(ALLOW)})]}
    path = write_plan(tmp_path, [], children=[child])
    result = locate_plan(path)
    [document] = result.documents
    assert document.base == ("planned_values", "root_module", "child_modules", 0, "resources", 0, "values", "policy")
    [principal] = result.principals
    assert principal.complete is False and "outside this plan" in principal.label


def test_resource_changes_when_there_are_no_planned_values(tmp_path):
    plan = {"format_version": "1.2", "resource_changes": [
        {"address": "aws_iam_policy.p", "mode": "managed", "type": "aws_iam_policy", "name": "p",
         "change": {"actions": ["create"], "after": {"policy": policy(ALLOW)}}},
        {"address": "aws_iam_policy.gone", "mode": "managed", "type": "aws_iam_policy", "name": "gone",
         "change": {"actions": ["delete"], "after": None}},
    ]}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    result = locate_plan(path)
    assert [d.base for d in result.documents] == [("resource_changes", 0, "change", "after", "policy")]
    # a policy attached to nothing in the plan is its own principal, as a policy file is
    assert [p.label for p in result.principals] == ["aws_iam_policy aws_iam_policy.p (attached to nothing in this plan)"]


def test_state_values_are_read_too(tmp_path):
    path = write_plan(tmp_path, [resource("aws_iam_policy.p", {"policy": policy(ALLOW)})], key="values")
    assert [d.kind for d in locate_plan(path).documents] == [DocKind.IDENTITY]


def test_users_in_groups_are_incomplete(tmp_path):
    path = write_plan(tmp_path, [
        resource("aws_iam_user.alice", {"name": "alice"}),
        resource("aws_iam_user_policy.alice", {"user": "alice", "policy": policy(ALLOW)}),
        resource("aws_iam_user_group_membership.alice", {"user": "alice", "groups": ["admins"]}),
    ])
    [principal] = locate_plan(path).principals
    assert principal.complete is False


def test_finding_inside_a_policy_string_is_placed_exactly(tmp_path):
    path = write_plan(tmp_path, [resource("aws_iam_policy.p", {"policy": policy(
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "my-bucket/*"})})])
    report = lint_paths([str(path)], Settings(select=("APL106",)))
    [finding] = report.findings
    line = path.read_text().splitlines()[finding.span.line - 1]
    assert line[finding.span.column - 1:finding.span.end_column - 1] == '\\"my-bucket/*\\"'
    assert finding.path[-3:] == ("Statement", 0, "Resource")


def test_plan_fixtures_are_plans():
    for path in (FIXTURES / "rules").glob("*/*/*plan*.json"):
        assert json.loads(path.read_text())["format_version"]
