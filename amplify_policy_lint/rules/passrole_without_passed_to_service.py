"""APL304: iam:PassRole allowed without an iam:PassedToService condition.

Per identity document: each Allow token that grants ``iam:PassRole`` in a statement whose
Condition uses no ``iam:PassedToService`` key (under any operator: StringEquals, StringLike,
ForAnyValue:..., ...). Quiet when a Deny of PassRole in the same document carries an
``iam:PassedToService`` condition (the usual "deny unless passed to X" guard), when the
Condition cannot be read (an intrinsic function), and, as for APL303, for admin tokens
(``*``, ``*:*``, NotAction on ``*``), which APL403 reports.
"""
from __future__ import annotations

from .. import passrole, wildcard
from ..evaluate import Tri, action_matches_statement
from ..grants import passrole_allows, passrole_grants, violation_at
from ..context import Context
from ..model import Fix, Rule, Safety, Scope, Severity, Violation
from ..passrole import PASS_ROLE
from ..policy import PolicyDocument, Statement

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator

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
        detail = _suggestion(grant.statement, document)
        yield violation_at(grant, {"allows": passrole_allows(grant),
                                   "cond": " (under another condition)" if grant.statement.conditional else ""},
                           detail=detail, fix=_fix(document, grant.statement))


def _fix(document: PolicyDocument, statement: Statement) -> Fix | None:
    """The condition naming the services the document's own role-passing actions pass roles
    to, added to a statement that grants iam:PassRole alone and has no Condition. Offered only
    when every such action is named exactly and AWS documents its service: otherwise the
    condition could shut out a call the principal makes."""
    from ..edits import append_member  # a fix is built only for a finding

    if statement.condition is not None or statement.action_key != "Action":
        return None
    if not statement.actions or any((i.value or "").lower() != PASS_ROLE.lower() for i in statement.actions):
        return None
    services = _services(document)
    if not services:
        return None
    value = services[0] if len(services) == 1 else services
    edits = append_member(document, statement.path, "Condition", {"StringEquals": {KEY: value}})
    if not edits:
        return None
    return Fix(Safety.UNSAFE, f"add the condition {KEY} = {', '.join(services)}", edits)


def _services(document: PolicyDocument) -> list[str]:
    """The services the document's Allowed role-passing actions pass roles to, or [] when one
    of them is a wildcard or NotAction, or passes a role to a service AWS does not document."""
    found: list[str] = []
    for statement in document.statements:
        if statement.effect != "Allow":
            continue
        if statement.action_key == "NotAction":
            return []
        for item in statement.actions:
            if item.value is None:
                return []
            entries = passrole.matching(item.value)
            if entries and wildcard.has_wildcard(item.value):
                return []
            for entry in entries:
                if not entry.passed_to_services:
                    return []
                found.extend(s for s in entry.passed_to_services if s not in found)
    return found


_CONDITION = {"StringEquals": {"iam:PassedToService": "amplify.amazonaws.com"}}

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

def _suggestion(statement: Statement, document: PolicyDocument) -> str:
    from .. import suggestions  # only a finding needs its suggested statement

    return suggestions.limited_pass_role(statement, suggestions.services_granted_in(document), document).text


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
    fix="Add a Condition naming the service that receives the role (the finding's detail in JSON/SARIF "
        "output holds the whole statement, with the services the document's own calls pass roles to), "
        "for example:\n\n" + """{
  "Effect": "Allow",
  "Action": "iam:PassRole",
  "Resource": "arn:aws:iam::123456789012:role/amplify-service-role",
  "Condition": {
    "StringEquals": {
      "iam:PassedToService": "amplify.amazonaws.com"
    }
  }
}""",
    messages={
        "default": "{allows} without an iam:PassedToService condition{cond}; "
                   "the role can be passed to any service",
    },
    check=check,
    autofix="unsafe: adds Condition StringEquals iam:PassedToService to a statement that grants "
            "iam:PassRole alone and has no Condition, naming the services that the role-passing "
            "actions of the same document pass roles to (only when each is named exactly and AWS "
            "documents its service).",
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PassedToService",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html",
    ),
)
