"""Rules APL201-APL205 and APL403, and the catalog helpers behind them: documentation, one
finding per problem, intrinsics, principals spread over files, resource-type matching and
condition-key lookup."""
from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amplify_policy_lint import resources
from amplify_policy_lint.catalog import (
    FOREIGN_CONDITION_KEY_DEFINERS,
    ActionStatus,
    Catalog,
    _template_pattern,
    well_formed_action,
)
from amplify_policy_lint.resources import LOOSE, SEGMENTS, SLASH_FREE, _FIELD, _FIELD_CHAR, _PLACEHOLDER, _walk
from amplify_policy_lint.config import Settings
from amplify_policy_lint.linter import lint_paths
from amplify_policy_lint.model import Severity
from amplify_policy_lint.rules import BY_ID

ROOT = Path(__file__).resolve().parents[1]
MINE = ("APL201", "APL202", "APL203", "APL204", "APL205", "APL403")
NAMES = {  # DESIGN.md section 6 (fixed)
    "APL201": "unknown-service", "APL202": "unknown-action", "APL203": "wildcard-matches-nothing",
    "APL204": "unknown-condition-key", "APL205": "action-resource-mismatch", "APL403": "admin-wildcard",
}
APP = "arn:aws:amplify:us-east-1:123456789012:apps/d1a2b3c4d5e6f7"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog()


def lint(tmp_path: Path, files: dict[str, str], select: tuple[str, ...], **settings) -> list[str]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    report = lint_paths([str(tmp_path)], Settings(select=select, fail_on=Severity.INFO, **settings))
    assert report.errors == []
    return [f"{Path(f.file).relative_to(tmp_path)}:{f.span.line}:{f.span.column}: {f.rule.id}"
            for f in report.findings]


def policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, indent=2)


# -- documentation -----------------------------------------------------------------------

@pytest.mark.parametrize("rule_id", MINE)
def test_rule_is_documented_with_its_fixed_name(rule_id):
    rule = BY_ID[rule_id]
    assert rule.name == NAMES[rule_id]
    assert rule.summary and rule.why and rule.fix and rule.references
    assert all(url.startswith("https://docs.aws.amazon.com/") for url in rule.references)
    assert "amplify" in rule.bad + rule.good or rule_id == "APL403"


@pytest.mark.parametrize("rule_id", MINE)
def test_documented_bad_example_fires_and_good_example_does_not(rule_id, tmp_path):
    rule = BY_ID[rule_id]
    bad = lint(tmp_path / "bad", {rule.example_name: rule.bad}, (rule_id,))
    assert bad and all(line.endswith(rule_id) for line in bad)
    assert lint(tmp_path / "good", {rule.example_name: rule.good}, (rule_id,)) == []
    # Neither example is broken in any other way the linter knows.
    assert lint(tmp_path / "good-all", {rule.example_name: rule.good}, ("APL0", "APL1", "APL2")) == []


# -- one problem, one finding -------------------------------------------------------------

@pytest.mark.parametrize("token, rule_id", [
    ("amplfy:DeleteApp", "APL201"),
    ("amplfy:Delete*", "APL201"),  # an unknown service, not also a pattern that matches nothing
    ("amplify:DeleteAppp", "APL202"),
    ("amplify:Delet*x", "APL203"),
    ("*:NoSuchAction", "APL203"),
    ("Amplify:deleteapp", None),
    ("amplify:Delete?pp", None),
    ("amplify:", "APL202"),
    ("amplify", None),  # not service:action: the grammar check's business (APL101)
    ("amplify:Get:App", None),
])
def test_each_action_entry_is_reported_by_at_most_one_rule(tmp_path, token, rule_id):
    found = lint(tmp_path, {"p.json": policy({"Effect": "Allow", "Action": [token], "Resource": "*"})},
                 ("APL201", "APL202", "APL203"))
    assert [line.split()[-1] for line in found] == ([rule_id] if rule_id else [])


def test_entries_built_by_intrinsics_are_never_reported(tmp_path):
    template = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Policy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action:
              - !Sub "${Prefix}:DeleteApp"
              - !Ref ActionName
            Resource: !Sub "arn:aws:amplify:${AWS::Region}:${AWS::AccountId}:apps/*"
            Condition:
              StringEquals:
                !Ref KeyName: x
"""
    assert lint(tmp_path, {"template.yaml": template}, MINE) == []


def test_literals_in_every_branch_of_an_if_are_checked(tmp_path):
    # A branch that may deploy is checked like any entry (issue 15, item 12); AWS::NoValue
    # removes the entry.
    template = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Policy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action:
              - !If [IsProd, "amplify:GetApp", "amplfy:GetApp"]
              - !If [IsProd, "amplify:GetApps", !Ref "AWS::NoValue"]
            Resource: "*"
"""
    found = lint(tmp_path, {"template.yaml": template}, MINE)
    assert [line.split(": ")[0] + " " + line.split()[-1] for line in found] == [
        "template.yaml:11:48 APL201", "template.yaml:12:30 APL202"]


def test_the_action_key_is_never_the_position(tmp_path):
    found = lint(tmp_path, {"p.json": '{"Version": "2012-10-17", "Statement": '
                                      '{"Effect": "Allow", "Action": "amplfy:GetApp", "Resource": "*"}}'},
                 ("APL201",))
    assert found == ["p.json:1:70: APL201"]  # the opening quote of "amplfy:GetApp"; "Action" is at 60


# -- principals spread over files ----------------------------------------------------------

def test_document_rules_report_each_file_of_a_grouped_principal(tmp_path):
    files = {
        "deployer-allow.json": policy(
            {"Sid": "Everything", "Effect": "Allow", "Action": ["*", "amplify:DeleteApps"], "Resource": "*"}),
        "deployer-deny.json": policy(
            {"Sid": "NothingAtAll", "Effect": "Deny", "Action": "*", "Resource": "*"},
            {"Sid": "Typo", "Effect": "Deny", "Action": "amplify:Delet*x", "Resource": "*"}),
    }
    alone = lint(tmp_path, files, MINE)
    grouped = lint(tmp_path, files, MINE, principals={"deployer": ("*deployer-*.json",)})
    # APL403 is decided per document: the Deny of everything in the other file does not
    # silence the Allow of "*" here (it would in the same document).
    assert grouped == alone == [
        "deployer-allow.json:8:9: APL403",
        "deployer-allow.json:9:9: APL202",
        "deployer-deny.json:13:17: APL203",
    ]


# -- APL204 --------------------------------------------------------------------------------

@pytest.mark.parametrize("actions, key", [
    ("sts:AssumeRoleWithWebIdentity", "token.actions.githubusercontent.com:sub"),
    ("sts:AssumeRoleWithWebIdentity", "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71:sub"),
    ("sts:AssumeRoleWithWebIdentity", "cognito-identity.amazonaws.com:aud"),
    ("sts:AssumeRoleWithSAML", "SAML:aud"),
    ("sts:AssumeRole", "sts:ExternalId"),
    ("s3:ListBucket", "s3:prefix"),
    ("s3:GetObject", "s3:ExistingObjectTag/owner"),
    ("s3:PutObject", "s3:RequestObjectTag/servicecatalog:provisioning"),
    ("s3:GetObject", "ec2:SourceInstanceARN"),  # a cross-service key
    ("s3:GetObject", "cognito-identity.amazonaws.com:sub"),  # federated sessions carry these
    ("kms:Decrypt", "kms:EncryptionContext:aws:s3:arn"),
    ("iam:PassRole", "iam:PassedToService"),
    ("sts:AssumeRole", "iam:ResourceTag/team"),  # defined by sts under iam's prefix
    ("amplify:*", "aws:RequestTag/team"),
    ("amplify:CreateApp", "AWS:TAGKEYS"),
    ("mobilehub:*", "mobilehub:ProjectId"),  # a retired service: APL201 reports its actions
    ("*", "ec2:osuser"),  # defined by ec2-instance-connect only
    ("amplify:GetApp", "aws:PrincipalOrgMasterAccountId"),  # used by AWS's own managed policies
])
def test_valid_condition_keys_are_not_reported(tmp_path, actions, key):
    statement = {"Effect": "Allow", "Action": actions, "Resource": "*",
                 "Condition": {"StringLike": {key: "x"}}}
    assert lint(tmp_path, {"p.json": policy(statement)}, ("APL204",)) == []


@pytest.mark.parametrize("actions, key, words", [
    ("amplify:GetApp", "aws:SourceIpAddress", "did you mean aws:SourceIp?"),
    ("amplify:GetApp", "amplify:AppId", "is not defined by amplify"),
    ("amplify:GetApp", "s3:prefix", "belongs to s3"),
    (["amplify:GetApp", "s3:ListBucket"], "ec2:Region", "belongs to ec2"),
    ("*", "amplfy:AppId", "did you mean the prefix amplify?"),
    ("*", "aws:RequestTag/", "is not a global condition key"),
])
def test_unknown_condition_keys_are_reported_on_the_key(tmp_path, actions, key, words):
    statement = {"Effect": "Allow", "Action": actions, "Resource": "*", "Condition": {"StringLike": {key: "x"}}}
    (tmp_path / "p.json").write_text(policy(statement), encoding="utf-8")
    report = lint_paths([str(tmp_path)], Settings(select=("APL204",)))
    [finding] = report.findings
    assert words in finding.message and repr(key) in finding.message
    assert finding.path[-1] == key


def test_a_key_without_prefix_is_left_to_apl105(tmp_path):
    statement = {"Effect": "Allow", "Action": "amplify:GetApp", "Resource": "*",
                 "Condition": {"StringEquals": {"SourceAccount": "123456789012"}}}
    assert lint(tmp_path, {"p.json": policy(statement)}, ("APL204", "APL105")) == ["p.json:10:11: APL105"]


def test_foreign_condition_key_table_is_complete(catalog):
    # Every key a service defines under another service's prefix, when that service does not
    # define the key itself, must be found through the table (this reads every service).
    missing = []
    for service in catalog.service_prefixes():
        for key in catalog.condition_keys(service).values():
            prefix = key.key.split(":")[0].lower()
            if prefix in ("aws", service) or not catalog.has_service(prefix):
                continue
            if catalog.condition_key(prefix, key.key) is None and service not in FOREIGN_CONDITION_KEY_DEFINERS.get(prefix, ()):
                missing.append((prefix, service, key.key))
    assert missing == []


def test_angle_bracket_templates_are_templates():
    assert _template_pattern("s3:ExistingObjectTag/<key>") == "s3:ExistingObjectTag/?*"
    assert _template_pattern("aws:RequestTag/${TagKey}") == "aws:RequestTag/?*"


def test_condition_key_lookup_never_reads_a_service(catalog):
    fresh = Catalog()
    assert fresh.condition_key_definers("saml:aud") == ("sts",)
    assert fresh.condition_key_definers("ec2:osuser")[0] == "ec2"
    assert fresh.loaded_services == frozenset()


# -- APL201-203 through the catalog ---------------------------------------------------------

def test_action_statuses(catalog):
    assert catalog.check_action("Amplify:deleteapp") is ActionStatus.KNOWN
    assert catalog.check_action("amplfy:Delete*") is ActionStatus.UNKNOWN_SERVICE
    assert catalog.check_action("amplify:DeleteAppp") is ActionStatus.UNKNOWN_ACTION
    assert catalog.check_action("amplify:Delet*x") is ActionStatus.MATCHES_NOTHING
    assert catalog.check_action("*") is ActionStatus.KNOWN
    assert catalog.check_action("*:*") is ActionStatus.KNOWN
    assert catalog.check_action("amplify") is ActionStatus.MALFORMED


def test_checking_many_actions_at_once_answers_as_one_by_one():
    tokens = ["Amplify:deleteapp", "amplfy:Delete*", "amplify:DeleteAppp", "amplify:Delet*x", "*", "*:*",
              "amplify", "s3:GetObject", "Amplify:deleteapp", "iam:Pass*", ""]
    assert Catalog().check_actions(tokens) == [Catalog().check_action(token) for token in tokens]


def test_checking_a_pattern_loads_only_its_service():
    fresh = Catalog()
    fresh.check_action("amplify:Delete*")
    fresh.check_action("amplify:Delet*x")
    fresh.check_action("amplfy:DeleteApp")
    fresh.check_action("*")
    assert fresh.loaded_services == {"amplify"}


@given(st.text(alphabet="ab:*?.-_ \n", max_size=8))
def test_well_formed_action_agrees_with_the_schema(token):
    with open(ROOT / "amplify_policy_lint" / "schemas" / "policy.schema.json", encoding="utf-8") as handle:
        pattern = json.load(handle)["$defs"]["action"]["pattern"]
    assert well_formed_action(token) == bool(re.fullmatch(pattern.strip("^$"), token))


# -- APL205 through the catalog -------------------------------------------------------------

@pytest.mark.parametrize("action, resource", [
    ("amplify:DeleteApp", APP),
    ("amplify:DeleteApp", "arn:aws:amplify:*:*:apps/*"),
    ("amplify:DeleteApp", "arn:aws:*"),
    ("amplify:GetBranch", APP + "/branches/feature/login"),
    ("amplify:ListApps", "arn:aws:amplify:us-east-1:123456789012:apps/*"),
    ("s3:GetObject", "arn:aws:s3:::bucket/*"),
    ("s3:GetObject", "arn:aws:s3:::bucket*"),
    ("s3:GetObject", "arn:aws:s3:::bucket/${aws:username}/*"),
    ("s3:ListBucket", "arn:aws:s3:::bucket"),
    ("s3:ListAllMyBuckets", "arn:aws:s3:::*"),
    ("iam:PassRole", "arn:aws:iam::123456789012:role/service-role/amplify"),
    ("lambda:InvokeFunction", "arn:aws:lambda:us-east-1:123456789012:function:resolver:live"),
    ("logs:CreateLogGroup", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/x:*"),
    ("logs:PutLogEvents", "arn:aws:logs:*:*:/aws-glue/*"),  # a "*" that crosses colons
    ("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCd"),
    ("ssm:SendCommand", "arn:aws:ssm:*::document/AWS-RunShellScript"),  # AWS-owned: no account
    ("dynamodb:Query", "arn:aws:dynamodb:us-east-1:123456789012:table/T/index/*"),
])
def test_resources_of_the_actions_type_fit(catalog, action, resource):
    info = catalog.action(*action.split(":"))
    assert catalog.action_fits_resource(info, resource) is True
    assert not catalog.surely_misfits(info, resource)


@pytest.mark.parametrize("action, resource", [
    ("amplify:DeleteApp", APP + "/branches/main"),
    ("amplify:DeleteApp", "arn:aws:amplify:*:*:apps/*/branches/*"),
    ("amplify:DeleteBranch", APP),
    ("amplify:GetBranch", APP + "/domains/example.com"),  # a sibling under the same app
    ("amplify:ListApps", APP),  # no resource types: only "*"
    ("s3:GetObject", "arn:aws:s3:::bucket"),
    ("s3:ListBucket", "arn:aws:s3:::bucket/*"),
    ("s3:ListBucket", "arn:aws:s3:::*/CodeDeploy/*"),
    ("s3:ListAllMyBuckets", "arn:aws:s3:::bucket"),
    ("s3:GetObject", "arn:aws:dynamodb:us-east-1:123456789012:table/T"),  # another service
    ("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:123456789012:table/T/index/*"),
])
def test_resources_of_another_type_surely_misfit(catalog, action, resource):
    info = catalog.action(*action.split(":"))
    assert catalog.action_fits_resource(info, resource) is False
    assert catalog.surely_misfits(info, resource)


@pytest.mark.parametrize("action, resource", [
    # The catalog lists no transform type, though CloudFormation authorizes on it.
    ("cloudformation:CreateChangeSet", "arn:aws:cloudformation:us-east-1:aws:transform/Serverless-2016-10-31"),
    # Unrelated types of one service: the catalog may lack a type, so no finding.
    ("ec2:StopInstances", "arn:aws:ec2:*:*:network-interface/*"),
    ("quicksight:CreateDataSet", "arn:aws:quicksight:*:*:dataset/*"),
    ("aws-marketplace:TagResource", "arn:aws:aws-marketplace:*:*:AWSMarketplace/*"),
    # The action's resource is another service's: the catalog may not list them all.
    ("waf-regional:GetWebACLForResource", "arn:aws:waf-regional:*:*:*/*"),
])
def test_mismatches_the_catalog_cannot_vouch_for_are_not_sure(catalog, action, resource):
    assert not catalog.surely_misfits(catalog.action(*action.split(":")), resource)


def test_apl205_stays_quiet_when_another_statement_grants_the_action(tmp_path):
    statements = [
        {"Effect": "Allow", "Action": ["amplify:GetApp", "amplify:GetBranch"], "Resource": APP},
        {"Effect": "Allow", "Action": "amplify:GetBranch", "Resource": APP + "/branches/*"},
    ]
    assert lint(tmp_path, {"p.json": policy(*statements)}, ("APL205",)) == []
    assert lint(tmp_path / "alone", {"p.json": policy(statements[0])}, ("APL205",)) == ["p.json:10:19: APL205"]


# -- the matcher behind APL205, against brute force ------------------------------------------

_ALPHABET = "a/:"
_TOKEN_REGEX = {_FIELD: "[^:/]*", _FIELD_CHAR: "[^:/]"}


def _template_regex(tokens: tuple, mode: int, colon_in_last: bool) -> str:
    out = []
    for index, token in enumerate(tokens):
        if isinstance(token, str):
            out.append(re.escape(token))
        elif token is _PLACEHOLDER:
            last = index == len(tokens) - 1
            slash = mode == LOOSE or (mode == SEGMENTS and last)
            colon = colon_in_last and last
            excluded = ("" if slash else "/") + ("" if colon else ":")
            out.append(f"[^{excluded}]*" if excluded else ".*")
        else:
            out.append(_TOKEN_REGEX[token])
    return "".join(out)


def _pattern_regex(pattern: str, mode: int) -> str:
    star = "[^/:]*" if mode == SEGMENTS else ".*"
    return "".join(star if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)


@given(
    pattern=st.text(alphabet="a/:*?", max_size=4),
    tokens=st.lists(st.sampled_from(["a", "/", ":", _PLACEHOLDER, _FIELD, _FIELD_CHAR]), max_size=3),
    mode=st.sampled_from([LOOSE, SLASH_FREE, SEGMENTS]),
    colon_in_last=st.booleans(),
)
def test_walk_agrees_with_brute_force(pattern, tokens, mode, colon_in_last):
    tokens = tuple(tokens)
    left = re.compile(_pattern_regex(pattern, mode), re.S)
    right = re.compile(_template_regex(tokens, mode, colon_in_last), re.S)
    # A shortest common string is no longer than the two together (each step of the walk
    # reads at most one character of a literal), so these lengths are enough.
    limit = len(pattern) + len(tokens)
    expected = any(left.fullmatch(text) and right.fullmatch(text)
                   for size in range(limit + 1)
                   for text in map("".join, itertools.product(_ALPHABET + "b", repeat=size)))
    assert _walk(pattern, tokens, mode, colon_in_last) == expected


def test_walk_is_quadratic_at_worst():
    # Stars against a long format that cannot match: a backtracking matcher would take
    # forever; the walk visits each pair of positions once (here about 600 x 400).
    import time

    template = resources._ArnTemplate("arn:${Partition}:s3:::${BucketName}/" + "x/" * 200 + "end")
    start = time.perf_counter()
    assert template.overlaps("arn:aws:s3:::" + "*x" * 300 + "*enx", LOOSE) is False
    assert template.overlaps("arn:aws:s3:::" + "*x" * 300 + "*end", LOOSE) is True
    assert time.perf_counter() - start < 5


# -- APL403 ----------------------------------------------------------------------------------

ADMIN = {"Effect": "Allow", "Action": "*", "Resource": "*"}


@pytest.mark.parametrize("other, reported", [
    ({"Effect": "Deny", "Action": "*", "Resource": "*"}, False),  # nothing is granted at all
    ({"Effect": "Deny", "NotAction": ["amplify:*"], "Resource": "*"}, False),  # an allowlist
    ({"Effect": "Deny", "NotAction": ["*"], "Resource": "*"}, True),  # this Deny denies nothing
    ({"Effect": "Deny", "Action": "*", "Resource": "*",
      "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}, True),  # conditional
    ({"Effect": "Deny", "Action": "iam:*", "Resource": "*"}, True),  # a blocklist
    ({"Effect": "Deny", "Action": "*", "Resource": APP}, True),  # one resource
    ({"Effect": "Deny", "NotAction": [{"Ref": "Allowed"}], "Resource": "*"}, True),  # unknown allowlist
])
def test_admin_wildcard_beside_a_deny(tmp_path, other, reported):
    found = lint(tmp_path, {"p.json": policy(ADMIN, other)}, ("APL403",))
    assert found == (["p.json:6:17: APL403"] if reported else [])


@pytest.mark.parametrize("condition, reported", [
    ({"Bool": {"aws:IsMcpServiceAction": "true"}}, False),  # only the MCP service's actions
    ({"Bool": {"aws:IsMcpServiceAction": "false"}}, True),
    ({"BoolIfExists": {"aws:IsMcpServiceAction": "true"}}, True),  # holds for every other action
    ({"Bool": {"aws:MultiFactorAuthPresent": "true"}}, True),  # limits when, not what
])
def test_admin_wildcard_under_a_condition(tmp_path, condition, reported):
    found = lint(tmp_path, {"p.json": policy({**ADMIN, "Condition": condition})}, ("APL403",))
    assert found == (["p.json:6:17: APL403"] if reported else [])


def test_admin_wildcard_in_a_resource_policy_is_apl401s_business(tmp_path):
    bucket = {**ADMIN, "Principal": {"AWS": "arn:aws:iam::123456789012:role/amplify-deployer"}}
    assert lint(tmp_path, {"p.json": policy(bucket)}, ("APL403",)) == []
