"""APL303: iam:PassRole allowed on every role.

Per identity document: each Allow token that grants ``iam:PassRole`` (``iam:PassRole``,
``iam:Pass*``, ``iam:*``, a NotAction that does not exclude it) in a statement whose
``Resource`` covers every role: ``*``, or a pattern that leaves the role name open
(``arn:aws:iam::*:role/*``, ``arn:aws:iam::123456789012:role/*``, ``arn:aws:iam::*:*``). A
role can only be passed within its own account, so "every role of one account" is no
narrower than ``*``. A path or name prefix (``role/amplify-*``, ``role/service-role/*``) is
a scope and stays quiet.

Not reported: tokens that grant every action (``*``, ``*:*``) and NotAction statements on
``Resource: "*"``; APL403 (admin-wildcard) reports those statements, and scoping PassRole
would not make an admin less of one. Also quiet: a statement whose Condition limits the role
by its tags (``aws:ResourceTag/...``, ``iam:ResourceTag/...``), and a document that denies
PassRole outright or allows it only on listed roles (a Deny with ``NotResource``).
"""
from __future__ import annotations

from ..evaluate import Tri, action_matches_statement
from ..grants import passrole_allows, passrole_grants, under_condition, violation_at
from ..context import Context
from ..model import Rule, Scope, Severity, Violation
from ..passrole import PASS_ROLE, all_roles
from ..policy import PolicyDocument, Statement

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator


def _limits_role_by_tag(statement: Statement) -> bool:
    """A Condition on the role's tags (or one that cannot be read, which may be one)."""
    return statement.tests_key("aws:ResourceTag/", "iam:ResourceTag/", prefix=True) is not False


def _allow_listed(document: PolicyDocument) -> bool:
    """A Deny of PassRole with NotResource: only the listed roles may be passed."""
    for statement in document.statements:
        if statement.effect != "Deny" or statement.conditional or statement.resource_key != "NotResource":
            continue
        if action_matches_statement(statement, PASS_ROLE)[0] is Tri.YES:
            return True
    return False


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    grants = passrole_grants(document, context.catalog)
    if not grants or _allow_listed(document):
        return
    for grant in grants:
        resource = all_roles(grant.statement)
        if resource is None or _limits_role_by_tag(grant.statement):
            continue
        shown = ("every role (NotResource lists no role)" if resource == "NotResource"
                 else "every role but those NotResource lists" if resource == "NotResource-some"
                 else f"'{resource}'")
        detail = _suggestion(grant.statement, document)
        yield violation_at(grant, {"allows": passrole_allows(grant), "resource": shown,
                                   "cond": under_condition(grant)},
                           detail=detail)


_SNIPPET = """{
  "Effect": "Allow",
  "Action": "iam:PassRole",
  "Resource": "arn:aws:iam::123456789012:role/ROLE_NAME",
  "Condition": {
    "StringEquals": {
      "iam:PassedToService": "amplify.amazonaws.com"
    }
  }
}"""

_BAD = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "PassAnyRole",
      "Effect": "Allow",
      "Action": "iam:PassRole",
      "Resource": "*"
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
    id="APL303",
    name="passrole-wildcard-resource",
    severity=Severity.WARNING,
    scope=Scope.DOCUMENT,
    summary="iam:PassRole allowed on * (every role)",
    why=(
        "iam:PassRole on \"*\" lets the principal hand any role of the account, an administrator "
        "role included, to any service it can call, and so act with that role's permissions: a "
        "well-known privilege-escalation path. AWS's guidance on passing roles is to grant "
        "iam:PassRole only on the roles the principal needs to pass. The rule reports each token "
        "that allows iam:PassRole (iam:PassRole, iam:Pass*, iam:*, a NotAction that does not "
        "exclude it) on \"*\" or on a pattern that leaves the role name open "
        "(arn:aws:iam::*:role/*, arn:aws:iam::123456789012:role/*). Statements that grant every "
        "action (\"*\" or a NotAction on \"*\") are left to APL403 (admin-wildcard)."
    ),
    bad=_BAD,
    good=_GOOD,
    fix=(
        "Name the roles in Resource (a role name, or a path or name prefix such as "
        "role/amplify-*), and add an iam:PassedToService condition (APL304):\n\n" + _SNIPPET
    ),
    messages={
        "default": "{allows} on {resource}{cond}: any role of the account, admin "
                   "roles included, can be handed to a service; name the roles this principal passes",
    },
    check=check,
    access_analyzer=("PASS_ROLE_WITH_STAR_IN_RESOURCE", "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE", "PASS_ROLE_WITH_NOT_RESOURCE", "PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE",),
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html",
        "https://docs.aws.amazon.com/amplify/latest/userguide/security_iam_troubleshoot.html",
    ),
)
