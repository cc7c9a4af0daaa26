"""APL304: iam:PassRole allowed without an iam:PassedToService condition.

Per identity document: each Allow token that grants ``iam:PassRole`` in a statement whose
Condition uses no ``iam:PassedToService`` key (under any operator: StringEquals, StringLike,
ForAnyValue:..., ...). Quiet when a Deny of PassRole in the same document carries an
``iam:PassedToService`` condition (the usual "deny unless passed to X" guard), when the
Condition cannot be read (an intrinsic function), and, as for APL303, for admin tokens
(``*``, ``*:*``, NotAction on ``*``), which APL403 reports.
"""
from __future__ import annotations

from typing import Iterator

from ..evaluate import Tri, action_matches_statement
from ..grants import passrole_allows, passrole_grants, statement_json, violation_at
from ..model import Context, Rule, Scope, Severity, Violation
from ..passrole import PASS_ROLE
from ..policy import PolicyDocument

KEY = "iam:PassedToService"


def _guarded_by_deny(document: PolicyDocument) -> bool:
    for statement in document.statements:
        if statement.effect != "Deny":
            continue
        if action_matches_statement(statement, PASS_ROLE)[0] is Tri.NO:
            continue
        if statement.tests_key(KEY) is not False:
            return True
    return False


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    grants = passrole_grants(document, context.catalog)
    if not grants or _guarded_by_deny(document):
        return
    for grant in grants:
        if grant.statement.tests_key(KEY) is not False:
            continue
        yield violation_at(grant, {"allows": passrole_allows(grant),
                                   "cond": " (under another condition)" if grant.statement.conditional else ""},
                           detail=_SNIPPET)


_CONDITION = {"StringEquals": {"iam:PassedToService": "amplify.amazonaws.com"}}
_SNIPPET = statement_json({"Condition": _CONDITION})

_BAD = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "PassAmplifyServiceRole",
      "Effect": "Allow",
      "Action": "iam:PassRole",
      "Resource": "arn:aws:iam::123456789012:role/amplify-service-role"
    }
  ]
}
"""

_GOOD = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "PassAmplifyServiceRole",
      "Effect": "Allow",
      "Action": "iam:PassRole",
      "Resource": "arn:aws:iam::123456789012:role/amplify-service-role",
      "Condition": {"StringEquals": {"iam:PassedToService": "amplify.amazonaws.com"}}
    }
  ]
}
"""

RULE = Rule(
    id="APL304",
    name="passrole-without-passed-to-service",
    severity=Severity.INFO,
    scope=Scope.DOCUMENT,
    summary="iam:PassRole allowed without an iam:PassedToService condition",
    why=(
        "Without an iam:PassedToService condition, a role this principal may pass can be handed "
        "to any service, not just the one it was made for: an Amplify service role could be "
        "given to a Lambda function or an EC2 instance the principal controls. AWS recommends "
        "the condition key iam:PassedToService to say which service may receive the role (the "
        "Amplify API reference lists amplify.amazonaws.com for CreateApp, CreateBranch and "
        "CreateDomainAssociation). The rule reports each token that allows iam:PassRole in a "
        "statement without that key, under any operator; statements that grant every action are "
        "left to APL403 (admin-wildcard)."
    ),
    bad=_BAD,
    good=_GOOD,
    fix="Add a Condition naming the service that receives the role, for example:\n\n" + _SNIPPET,
    messages={
        "default": "{allows} without an iam:PassedToService condition{cond}; "
                   "the role can be passed to any service",
    },
    check=check,
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PassedToService",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html",
    ),
)
