"""APL301-APL304 beyond the fixtures: principals of several files, messages, the JSON snippet
in ``detail``, severities, incomplete principals, the documented examples, and the helpers
(app-id scopes, wildcard-pattern overlap, the PassRole table)."""
from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amplify_policy_lint import amplify_arns, passrole, wildcard
from amplify_policy_lint.amplify_arns import ANY, AppScope
from amplify_policy_lint.resources import patterns_overlap
from amplify_policy_lint.config import Settings
from amplify_policy_lint.docs import explain
from amplify_policy_lint.linter import lint_paths
from amplify_policy_lint.context import Context
from amplify_policy_lint.model import PrincipalKey, Severity
from amplify_policy_lint.policy import DocKind, Principal, make_document, normalise
from amplify_policy_lint.rules import BY_ID
from amplify_policy_lint.passrole import covers_every_role
from amplify_policy_lint.source import parse_json

from conftest import run_cli

AMPLIFY_RULES = ("APL301", "APL302", "APL303", "APL304")
APP = "arn:aws:amplify:eu-west-1:123456789012:apps/d1a2b3c4e5f6g7"
BACKEND = "arn:aws:amplifybackend:eu-west-1:123456789012:/backend/d1a2b3c4e5f6g7/*"


def policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, indent=2)


def allow(action, resource="*", **more) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **more}


def deny(action, resource="*", **more) -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **more}


def lint(tmp_path: Path, monkeypatch, files: dict[str, str], rules=AMPLIFY_RULES, **settings):
    tmp_path.mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(tmp_path)
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    report = lint_paths(sorted(files), Settings(select=rules, fail_on=Severity.INFO, **settings))
    assert not report.errors, report.errors
    return report.findings


def only(findings, rule_id):
    return [f for f in findings if f.rule.id == rule_id]


# -- APL301 --------------------------------------------------------------------------------

def test_remove_all_backends_in_a_second_file_of_the_same_principal(tmp_path, monkeypatch):
    files = {
        "deployer/delete.json": policy(allow("amplify:DeleteApp", APP)),
        "deployer/backend.json": policy(allow("amplifybackend:RemoveAllBackends", BACKEND)),
    }
    # Two files are two principals unless the configuration joins them.
    alone = only(lint(tmp_path, monkeypatch, files, ("APL301",)), "APL301")
    assert [(f.file, f.span.line, f.span.column) for f in alone] == [("deployer/delete.json", 6, 17)]
    grouped = lint(tmp_path, monkeypatch, files, ("APL301",), principals={"deployer": ("deployer/*.json",)})
    assert only(grouped, "APL301") == []


def test_deny_in_another_file_of_the_principal_is_named_with_its_file(tmp_path, monkeypatch):
    files = {
        "ci/allow.json": policy(allow(["amplify:*", "amplifybackend:*"])),
        "ci/guard.json": policy(deny("amplifybackend:RemoveAllBackends")),
    }
    findings = only(lint(tmp_path, monkeypatch, files, ("APL301",), principals={"ci": ("ci/*",)}), "APL301")
    assert len(findings) == 1
    assert findings[0].file == "ci/allow.json"
    assert "is denied by 'amplifybackend:RemoveAllBackends' at ci/guard.json:6:17" in findings[0].message
    assert findings[0].detail is None  # an Allow would not help: the Deny must change


def test_missing_message_says_what_and_where_and_detail_is_a_scoped_statement(tmp_path, monkeypatch):
    files = {"p.json": policy(allow(["amplify:GetApp", "amplify:Delete*"], [APP, APP.replace("d1a2", "d9z8")]))}
    (finding,) = only(lint(tmp_path, monkeypatch, files), "APL301")
    assert finding.severity is Severity.ERROR
    assert finding.message.startswith(
        "'amplify:Delete*' grants amplify:DeleteApp and amplify:DeleteBackendEnvironment, but "
        "amplifybackend:RemoveAllBackends, which deleting an Amplify app or backend environment also "
        "needs, is not granted in this file; allow it on ")
    assert json.loads(finding.detail) == {
        "Sid": "AmplifyRemoveAllBackends",
        "Effect": "Allow",
        "Action": "amplifybackend:RemoveAllBackends",
        "Resource": [BACKEND, BACKEND.replace("d1a2", "d9z8")],
    }


def test_detail_mirrors_wildcards_and_star(tmp_path, monkeypatch):
    files = {
        "a.json": policy(allow("amplify:DeleteApp", "arn:aws:amplify:*:123456789012:apps/*")),
        "b.json": policy(allow("amplify:DeleteApp")),
    }
    findings = only(lint(tmp_path, monkeypatch, files), "APL301")
    resources = {f.file: json.loads(f.detail)["Resource"] for f in findings}
    assert resources == {"a.json": "arn:aws:amplifybackend:*:123456789012:/backend/*", "b.json": "*"}
    assert findings[1].message.endswith('allow it on "*"')


@pytest.mark.parametrize("delete, remove, reason", [
    (APP, BACKEND.replace("d1a2b3c4e5f6g7", "d2other"), "a different app"),
    (APP, BACKEND.replace("eu-west-1", "us-east-1"), "a different region or account"),
    (APP, BACKEND.replace("123456789012", "210987654321"), "a different region or account"),
    (APP, "arn:aws:s3:::amplify-deployment/*", "which names no Amplify backend"),
    ("arn:aws:amplify:eu-west-1:123456789012:apps/d1*", "arn:aws:amplifybackend:eu-west-1:123456789012:/backend/d2*",
     "a different app"),
])
def test_app_ids_region_and_account_must_overlap(tmp_path, monkeypatch, delete, remove, reason):
    files = {"p.json": policy(allow("amplify:DeleteApp", delete),
                              allow("amplifybackend:RemoveAllBackends", remove))}
    (finding,) = only(lint(tmp_path, monkeypatch, files), "APL301")
    assert f"is granted only on {remove} (at 11:17), {reason}" in finding.message
    assert finding.message.startswith(f"'amplify:DeleteApp' is granted on {delete}, but ")


@pytest.mark.parametrize("delete, remove", [
    (APP, BACKEND),
    (APP, "arn:aws:amplifybackend:*:*:/backend/*"),
    ("arn:aws:amplify:eu-west-1:123456789012:apps/*", "arn:aws:amplifybackend:eu-west-1:*:/backend/*"),
    ("arn:aws:amplify:eu-west-1:123456789012:apps/d1*", "arn:aws:amplifybackend:eu-west-1:*:/backend/d*"),
    (APP, "arn:aws:amplifybackend:eu-west-1:123456789012:/backend/d1a2b3c4e5f6g7/environments/*"),
    (APP, {"Fn::Sub": "arn:aws:amplifybackend:${AWS::Region}:${AWS::AccountId}:/backend/x/*"}),
    (APP, "arn:aws:amplifybackend:eu-west-1:${aws:PrincipalAccount}:/backend/d2/*"),
])
def test_overlapping_or_undecidable_apps_are_quiet(tmp_path, monkeypatch, delete, remove):
    files = {"p.json": policy(allow("amplify:DeleteApp", delete),
                              allow("amplifybackend:RemoveAllBackends", remove))}
    assert only(lint(tmp_path, monkeypatch, files), "APL301") == []


@pytest.mark.parametrize("delete, remove", [
    ("arn:aws:amplify:eu-west-1:123456789012:apps/*", BACKEND),
    ("arn:aws:amplify:eu-west-1:123456789012:apps/d1*", "arn:aws:amplifybackend:eu-west-1:*:/backend/*g7/*"),
])
def test_a_wildcard_over_apps_beyond_the_backends_granted_is_a_warning(tmp_path, monkeypatch, delete, remove):
    # Deleting the apps the wildcard reaches beyond RemoveAllBackends' apps fails (issue 15, item 9).
    files = {"p.json": policy(allow("amplify:DeleteApp", delete),
                              allow("amplifybackend:RemoveAllBackends", remove))}
    (finding,) = only(lint(tmp_path, monkeypatch, files), "APL301")
    assert finding.severity is Severity.WARNING
    assert f"which does not cover {delete}" in finding.message


def test_remove_all_backends_denied_for_the_one_app_deleted(tmp_path, monkeypatch):
    files = {"p.json": policy(allow(["amplify:DeleteApp", "amplifybackend:RemoveAllBackends"], [APP, BACKEND]),
                              deny("amplifybackend:*", "arn:aws:amplifybackend:*:*:/backend/d1a2b3c4e5f6g7/*"))}
    (finding,) = only(lint(tmp_path, monkeypatch, files), "APL301")
    assert "is denied by 'amplifybackend:*' at 17:17" in finding.message
    # Denied for another app only: the delete of this one works.
    files = {"p.json": policy(allow(["amplify:DeleteApp", "amplifybackend:RemoveAllBackends"], [APP, BACKEND]),
                              deny("amplifybackend:*", "arn:aws:amplifybackend:*:*:/backend/d2/*"))}
    assert only(lint(tmp_path, monkeypatch, files), "APL301") == []


def test_conditional_deny_of_remove_all_backends_is_quiet(tmp_path, monkeypatch):
    files = {"p.json": policy(allow(["amplify:*", "amplifybackend:*"]),
                              deny("amplifybackend:RemoveAllBackends",
                                   Condition={"Bool": {"aws:MultiFactorAuthPresent": "false"}}))}
    assert only(lint(tmp_path, monkeypatch, files), "APL301") == []


def test_unresolved_grant_of_remove_all_backends_is_quiet(tmp_path, monkeypatch):
    files = {"p.json": policy(allow("amplify:DeleteApp"), allow({"Ref": "BackendAction"}))}
    assert only(lint(tmp_path, monkeypatch, files), "APL301") == []


def test_incomplete_principal_is_quiet_unless_assume_complete():
    source, _ = parse_json("p.json", policy(allow(["amplify:DeleteApp", "lambda:CreateFunction"])))
    document = make_document(file="p.json", source=source, base=(), data=source.data,
                             kind=DocKind.IDENTITY, label="role policy", principals=(PrincipalKey("cloudformation", "t.json", "R"),))
    incomplete = Principal(PrincipalKey("cloudformation", "t.json", "R"), "role R", (document,), complete=False)
    for rule_id in ("APL301", "APL302"):
        check = BY_ID[rule_id].check
        assert list(check(incomplete, Context())) == []
        assert len(list(check(incomplete, Context(assume_complete=True)))) == 1
        complete = Principal(PrincipalKey("cloudformation", "t.json", "R"), "role R", (document,))
        (violation,) = check(complete, Context())
        assert "is not granted in role R" in BY_ID[rule_id].message(violation)


def test_a_document_of_unknown_kind_makes_absence_rules_quiet():
    source, _ = parse_json("p.json", policy(allow("amplify:DeleteApp")))
    document = make_document(file="p.json", source=source, base=(), data=source.data,
                             kind=DocKind.UNKNOWN, label="policy", principals=(PrincipalKey("file", "p.json"),))
    principal = Principal(PrincipalKey("file", "p.json"), "p.json", (document,))
    assert list(BY_ID["APL301"].check(principal, Context())) == []


# -- APL302 --------------------------------------------------------------------------------

def test_passrole_missing_severity_follows_the_table(tmp_path, monkeypatch):
    files = {"p.json": policy(allow(["amplify:CreateApp", "lambda:CreateFunction"]),
                              allow(["amplify:UpdateApp", "cloudformation:CreateStack"]))}
    findings = only(lint(tmp_path, monkeypatch, files), "APL302")
    by_token = {f.message.split(" ")[0]: f.severity for f in findings}
    assert by_token == {
        "'amplify:CreateApp'": Severity.ERROR,  # the Amplify API table lists iam:PassRole
        "'lambda:CreateFunction'": Severity.ERROR,  # Role is required
        "'amplify:UpdateApp'": Severity.WARNING,  # same fields, not listed by AWS
        "'cloudformation:CreateStack'": Severity.WARNING,  # RoleARN is optional, inferred
    }
    messages = {f.message.split(" ")[0]: f.message for f in findings}
    assert messages["'amplify:CreateApp'"].startswith(
        "'amplify:CreateApp' passes a role in computeRoleArn or iamServiceRoleArn, but iam:PassRole "
        "is not granted in this file")
    assert "passes a role in Role," in messages["'lambda:CreateFunction'"]


def test_entry_without_field_names_is_worded_without_them(tmp_path, monkeypatch):
    entry = next(e for e in passrole.table().values() if not e.fields)
    files = {"p.json": policy(allow(entry.action))}
    (finding,) = only(lint(tmp_path, monkeypatch, files), "APL302")
    assert f"'{entry.action}' passes a role to the service, but" in finding.message


def test_a_wildcard_token_is_one_finding_one_level_below_the_highest_severity(tmp_path, monkeypatch):
    files = {"p.json": policy(allow(["amplify:*", "cloudformation:*"]))}
    findings = only(lint(tmp_path, monkeypatch, files), "APL302")
    assert len(findings) == 2
    amplify, cloudformation = findings
    amplify_actions = [e for e in passrole.table().values() if e.service == "amplify"]
    # amplify:CreateApp is an error when named; a wildcard does not say the call will be made.
    assert amplify.severity is Severity.WARNING
    assert amplify.message.startswith(
        "'amplify:*' grants amplify:CreateApp (computeRoleArn or iamServiceRoleArn), amplify:CreateBranch "
        f"(computeRoleArn) and {len(amplify_actions) - 2} more actions that pass a role, but ")
    assert cloudformation.severity is Severity.INFO  # every cloudformation entry is a warning
    detail = json.loads(amplify.detail)
    assert detail["Condition"] == {"StringEquals": {"iam:PassedToService": "amplify.amazonaws.com"}}


def test_naming_the_action_in_another_case_keeps_its_severity(tmp_path, monkeypatch):
    files = {"p.json": policy(allow("Lambda:createfunction"))}
    (finding,) = only(lint(tmp_path, monkeypatch, files), "APL302")
    assert finding.severity is Severity.ERROR


def test_admin_with_not_action_on_iam_gets_one_finding_on_the_key(tmp_path, monkeypatch):
    files = {"p.json": policy({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})}
    (finding,) = only(lint(tmp_path, monkeypatch, files), "APL302")
    assert finding.path == ("Statement", 0, "NotAction")
    assert (finding.span.line, finding.span.column) == (6, 7)
    assert finding.message.startswith("NotAction grants amplify:CreateApp")


def test_passrole_detail_uses_the_account_and_knows_the_service_only_when_the_table_does(tmp_path, monkeypatch):
    files = {
        "amplify.json": policy(allow("amplify:CreateBranch", f"{APP}/branches/*")),
        "lambda.json": policy(allow("lambda:CreateFunction", "arn:aws-cn:lambda:cn-north-1:210987654321:function:f")),
        "s3.json": policy(allow("s3:CreateJob", "*")),
    }
    findings = {f.file: json.loads(f.detail) for f in only(lint(tmp_path, monkeypatch, files), "APL302")}
    assert findings["amplify.json"] == {
        "Sid": "PassServiceRole", "Effect": "Allow", "Action": "iam:PassRole",
        "Resource": "arn:aws:iam::123456789012:role/ROLE_NAME",
        "Condition": {"StringEquals": {"iam:PassedToService": "amplify.amazonaws.com"}},
    }
    assert findings["lambda.json"] == {
        "Sid": "PassServiceRole", "Effect": "Allow", "Action": "iam:PassRole",
        "Resource": "arn:aws-cn:iam::210987654321:role/ROLE_NAME",
        "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}},
    }
    # Not documented in the table: a placeholder no service principal looks like.
    assert findings["s3.json"]["Condition"] == {"StringEquals": {"iam:PassedToService": "replace-me.amazonaws.com"}}


def test_passrole_denied_is_named(tmp_path, monkeypatch):
    files = {"p.json": policy(allow("*"), deny(["iam:PassRole", "iam:Create*"]))}
    (finding,) = only(lint(tmp_path, monkeypatch, files), "APL302")
    assert "but iam:PassRole is denied by 'iam:PassRole' at 12:9" in finding.message


def test_passrole_granted_in_a_second_file_of_the_same_principal(tmp_path, monkeypatch):
    files = {"role/a.json": policy(allow("lambda:CreateFunction")),
             "role/b.json": policy(allow("iam:PassRole", "arn:aws:iam::123456789012:role/fn"))}
    assert len(only(lint(tmp_path, monkeypatch, files, ("APL302",)), "APL302")) == 1
    assert only(lint(tmp_path, monkeypatch, files, ("APL302",), principals={"r": ("role/*",)}), "APL302") == []


def test_statement_resources_must_reach_the_action(tmp_path, monkeypatch):
    # An action is granted only where the statement's Resource can name one of its resource
    # types: "s3:*" on a bucket grants PutReplicationConfiguration (a bucket action) but not
    # CreateJob ("*" only) or CreateAccessGrantsLocation (an access-grants location), and
    # "lambda:*" on a layer grants no action that passes a role.
    files = {"p.json": policy(allow("s3:*", ["arn:aws:s3:::site", "arn:aws:s3:::site/*"]),
                              allow("lambda:*", "arn:aws:lambda:eu-west-1:123456789012:layer:shared:*"))}
    (finding,) = only(lint(tmp_path, monkeypatch, files), "APL302")
    assert finding.message.startswith(
        "'s3:*' grants s3:PutReplicationConfiguration and s3:UpdateBucketMetadataAnnotationTableConfiguration "
        "(AnnotationTableConfiguration.Role), which pass a role, but ")
    files = {"p.json": policy(allow("s3:*"))}
    (finding,) = only(lint(tmp_path, monkeypatch, files), "APL302")
    assert "s3:CreateAccessGrantsLocation (IAMRoleArn)" in finding.message


# -- APL303 / APL304 -------------------------------------------------------------------------

def test_passrole_on_star_with_and_without_passed_to_service(tmp_path, monkeypatch):
    condition = {"StringEquals": {"iam:PassedToService": "amplify.amazonaws.com"}}
    files = {"with.json": policy(allow("iam:PassRole", Condition=condition)),
             "without.json": policy(allow("iam:PassRole"))}
    findings = lint(tmp_path, monkeypatch, files)
    assert sorted((f.file, f.rule.id) for f in findings) == [
        ("with.json", "APL303"), ("without.json", "APL303"), ("without.json", "APL304")]
    with_303 = next(f for f in findings if f.file == "with.json")
    assert with_303.severity is Severity.WARNING
    assert with_303.message.startswith("'iam:PassRole' is allowed on '*' (under a condition): ")
    apl304 = next(f for f in findings if f.rule.id == "APL304")
    assert apl304.severity is Severity.INFO
    # The whole statement, ready to replace the one found (a role instead of "*", for APL303
    # too); the document names no call that passes a role, so the service is a placeholder.
    assert json.loads(apl304.detail) == {
        "Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::${aws:PrincipalAccount}:role/ROLE_NAME",
        "Condition": {"StringEquals": {"iam:PassedToService": "replace-me.amazonaws.com"}}}
    with_303_detail = json.loads(with_303.detail)
    assert with_303_detail["Resource"] == "arn:aws:iam::${aws:PrincipalAccount}:role/ROLE_NAME"
    assert with_303_detail["Condition"] == condition  # its own condition is kept


def test_apl304_detail_names_the_services_of_the_documents_own_calls(tmp_path, monkeypatch):
    files = {"p.json": policy(allow("lambda:CreateFunction"),
                              allow("iam:PassRole", "arn:aws:iam::123456789012:role/fn",
                                    Condition={"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}))}
    (apl304,) = only(lint(tmp_path, monkeypatch, files), "APL304")
    assert json.loads(apl304.detail)["Condition"] == {"StringEquals": {
        "aws:RequestedRegion": "eu-west-1", "iam:PassedToService": "lambda.amazonaws.com"}}


def test_admin_tokens_are_left_to_apl403(tmp_path, monkeypatch):
    files = {"p.json": policy(allow("*"), allow("*:*"), {"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"})}
    assert lint(tmp_path, monkeypatch, files) == []


@pytest.mark.parametrize("pattern, every_role", [
    ("*", True), ("**", True), ("arn:aws:iam::*:role/*", True), ("arn:aws:iam::123456789012:role/*", True),
    ("arn:aws:iam::*:*", True), ("arn:*:iam::*:role*", True), ("arn:aws-cn:iam::*:role/*", True),
    ("arn:aws:iam::123456789012:role/amplify-*", False), ("arn:aws:iam::*:role/service-role/*", False),
    ("arn:aws:iam::123456789012:role/admin", False), ("arn:aws:s3:::*", False),
    ("arn:aws:iam::123456789012:role/${aws:username}*", False),
])
def test_covers_every_role(pattern, every_role):
    assert covers_every_role(pattern) is every_role


# -- documentation ----------------------------------------------------------------------------

@pytest.mark.parametrize("rule_id", AMPLIFY_RULES)
def test_documented_bad_example_fires_and_good_example_does_not(rule_id, tmp_path, monkeypatch):
    rule = BY_ID[rule_id]
    bad = lint(tmp_path / "bad", monkeypatch, {rule.example_name: rule.bad}, (rule_id,))
    assert [f.rule.id for f in bad] == [rule_id]
    good = lint(tmp_path / "good", monkeypatch, {rule.example_name: rule.good}, (rule_id,))
    assert good == []


@pytest.mark.parametrize("rule_id", AMPLIFY_RULES)
def test_rule_documentation_is_complete(rule_id):
    rule = BY_ID[rule_id]
    assert rule.summary and rule.why and rule.fix and rule.references
    assert "iam:PassRole" in rule.fix or "RemoveAllBackends" in rule.fix or "PassedToService" in rule.fix
    text = explain(rule)
    for part in ("Why", "Bad", "Good", "Fix"):
        assert f"\n{part}" in text


def test_explain_apl301_on_the_command_line():
    result = run_cli("--explain", "APL301")
    assert result.code == 0, result.err
    assert "amplify-delete-without-remove-all-backends" in result.out
    assert "Amplify troubleshooting guide" in result.out
    assert '"amplifybackend:RemoveAllBackends"' in result.out  # the good example
    assert "Fix" in result.out and "/backend/d1a2b3c4e5f6g7/*" in result.out


# -- helpers ----------------------------------------------------------------------------------

def _brute_overlap(a: str, b: str) -> bool:
    # A witness never needs more characters than both patterns have, nor letters outside {a, b}.
    for n in range(len(a) + len(b) + 1):
        for letters in itertools.product("ab", repeat=n):
            text = "".join(letters)
            if wildcard.match(a, text, ignore_case=False) and wildcard.match(b, text, ignore_case=False):
                return True
    return False


@given(st.text("ab*?", max_size=5), st.text("ab*?", max_size=5))
def test_patterns_overlap_agrees_with_brute_force(a, b):
    assert patterns_overlap(a, b) is _brute_overlap(a, b)


def test_patterns_overlap_examples():
    assert patterns_overlap("apps/*", "apps/d1")
    assert patterns_overlap("d1*", "*g7")
    assert not patterns_overlap("d1*", "d2*")
    assert not patterns_overlap("eu-west-1", "us-east-1")
    assert patterns_overlap("eu-*", "*-1")
    assert not patterns_overlap("a" * 400 + "*", "b" * 400)
    assert patterns_overlap("a" * 600 + "*", "b" * 600)  # too large to compare: assume they may overlap


def _statement(resource):
    return normalise({"Statement": [allow("amplify:DeleteApp", resource)]})[0]


@pytest.mark.parametrize("resource, scopes", [
    ("*", (AppScope(text="*"),)),
    (APP, (AppScope("aws", "eu-west-1", "123456789012", "d1a2b3c4e5f6g7", APP),)),
    (APP + "/*", ()),  # apps/APPID/... is never the app itself
    (APP + "/branches/main", ()),
    ("arn:aws:amplify:eu-west-1:123456789012:webhooks/w1", ()),
    ("arn:aws:s3:::bucket", ()),
    ("arn:aws:amplify:eu-west-1:123456789012:*", (AppScope("aws", "eu-west-1", "123456789012", "*",
                                                             "arn:aws:amplify:eu-west-1:123456789012:*"),)),
    ("arn:aws:amplify:::apps/d1", ()),
    ({"Fn::GetAtt": ["App", "Arn"]}, (ANY,)),
])
def test_delete_scopes(resource, scopes):
    assert amplify_arns.delete_scopes(_statement(resource)) == scopes


def test_scope_concreteness_and_backend_arn():
    scope = AppScope("aws", "eu-west-1", "123456789012", "d1a2b3c4e5f6g7")
    assert scope.concrete and scope.backend_arn() == BACKEND
    assert not AppScope("aws", "*", "123456789012", "d1").concrete
    assert ANY.backend_arn() == "*"


def test_passrole_table_lookup():
    assert {e.action for e in passrole.matching("amplify:Create*")} == {
        "amplify:CreateApp", "amplify:CreateBranch", "amplify:CreateDomainAssociation"}
    assert [e.action for e in passrole.matching("LAMBDA:createfunction")] == ["lambda:CreateFunction"]
    assert passrole.matching("amplify:GetApp") == ()
    assert len(passrole.matching("*")) == len(passrole.table())
    assert "iam:passrole" not in passrole.table()
    everything_but_iam = passrole.not_matching(["iam:*"])
    assert everything_but_iam and all(e.service != "iam" for e in everything_but_iam)
    entry = passrole.table()["amplify:createapp"]
    assert entry.severity is Severity.ERROR and entry.passed_to_service == "amplify.amazonaws.com"
    assert "iamServiceRoleArn" in entry.fields
