"""APL306: iam:CreateServiceLinkedRole allowed for every service.

Per identity document: each Allow token that grants ``iam:CreateServiceLinkedRole``
(the action, ``iam:Create*``, ``iam:*``, a NotAction that does not exclude it) in a statement
whose Resource leaves the service-linked role open (``"*"``,
``arn:aws:iam::*:role/aws-service-role/*``, a NotResource) and whose Condition does not name
the services (``iam:AWSServiceName`` with values that start with a literal service name).

Not reported, as for APL303: tokens that grant every action (``*``, ``*:*``, NotAction on
``*``), which APL403 (admin-wildcard) reports; documents that deny the action outright;
statements whose Condition cannot be read.
"""
from __future__ import annotations


from .. import wildcard
from ..evaluate import Decision, Grant, evaluate
from ..grants import is_admin_token, names_exactly, token_text, under_condition, violation_at
from ..context import Context
from ..model import Rule, Scope, Severity, Violation
from ..policy import DocKind, PolicyDocument, Statement
from ..resources import parse_arn

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator

ACTION = "iam:CreateServiceLinkedRole"
SERVICE_KEY = "iam:awsservicename"
# Operators under which iam:AWSServiceName names the services allowed (never negated, never
# IfExists, which also holds when the key is absent).
_NAMING = ("StringEquals", "StringLike", "StringEqualsIgnoreCase")


def _every_role(pattern: str) -> bool:
    """Whether a Resource pattern matches every service-linked role of some account."""
    if "${" in pattern:
        return False
    arn = parse_arn(pattern, head=None)
    partition = arn.partition if arn is not None and not wildcard.has_wildcard(arn.partition) else "aws"
    account = arn.account if arn is not None and not wildcard.has_wildcard(arn.account) else "123456789012"
    every = f"arn:{partition}:iam::{account}:role/aws-service-role/*"
    return wildcard.covers(pattern, every, ignore_case=False)


def _open_resource(statement: Statement) -> str | None:
    """How the statement's Resource leaves the role open (for the message), or None."""
    if statement.resource_key == "Resource":
        for item in statement.resources:
            if item.value is not None and _every_role(item.value):
                return f"'{item.value}'"
        return None
    if statement.resource_key == "NotResource":
        values = [item.value for item in statement.resources]
        if values and all(v is not None and "${" not in v and not _every_role(v) for v in values):
            return "every role but those NotResource lists"
    return None


def names_services(statement: Statement) -> bool | str | None:
    """True when an iam:AWSServiceName test names the services (each value starts with a
    literal name); "open" when its values start with a wildcard; False when there is none;
    None when the Condition cannot be read."""
    if statement.condition_unknown:
        return None
    open_name = False
    for condition in statement.conditions:
        if condition.key_lower != SERVICE_KEY or condition.operator.base not in _NAMING:
            continue
        if condition.operator.if_exists or condition.operator.qualifier == "ForAllValues:":
            continue
        values = condition.values
        if any(v.unknown for v in values):
            return None
        if values and all(v.text is not None and v.text[:1] not in ("*", "?", "") for v in values):
            return True
        open_name = True
    return "open" if open_name else False


def slr_grants(document: PolicyDocument) -> list[Grant]:
    if document.kind is not DocKind.IDENTITY:
        return []
    evaluation = evaluate([document], ACTION)
    if evaluation.decision is Decision.DENIED:
        return []
    return [g for g in evaluation.grants if not is_admin_token(g)]


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    for grant in slr_grants(document):
        resource = _open_resource(grant.statement)
        named = names_services(grant.statement)
        if resource is None or named is True or named is None:
            continue
        allows = (f"{token_text(grant)} is allowed" if names_exactly(grant, ACTION)
                  else f"{token_text(grant)} allows {ACTION}")
        yield violation_at(grant, {"allows": allows, "resource": resource, "cond": under_condition(grant)},
                           variant="open-name" if named == "open" else "default")


_BAD = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "iam:CreateServiceLinkedRole",
      "Resource": "*"
    }
  ]
}
"""

_GOOD = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "iam:CreateServiceLinkedRole",
      "Resource": "arn:aws:iam::*:role/aws-service-role/amplify.amazonaws.com/AWSServiceRoleForAmplify*",
      "Condition": {"StringEquals": {"iam:AWSServiceName": "amplify.amazonaws.com"}}
    }
  ]
}
"""

RULE = Rule(
    id="APL306",
    name="create-slr-wildcard-resource",
    severity=Severity.WARNING,
    scope=Scope.DOCUMENT,
    summary="iam:CreateServiceLinkedRole allowed for every service (Resource * or NotResource, no iam:AWSServiceName)",
    why=(
        "A service-linked role carries the permissions its service needs, often broad ones, and "
        "the service assumes it on the account's behalf. iam:CreateServiceLinkedRole on \"*\" "
        "(or with NotResource) and without an iam:AWSServiceName condition lets the principal "
        "create the service-linked role of any service, and so switch on services and the "
        "access they bring that nobody meant it to use. IAM Access Analyzer warns about every "
        "form of it (the action, iam:Create*, iam:*, NotAction, each with \"*\" or NotResource); "
        "statements that grant every action are left to APL403 (admin-wildcard). An "
        "iam:AWSServiceName value that starts with a wildcard names no service."
    ),
    bad=_BAD,
    good=_GOOD,
    fix="Name the service-linked roles in Resource "
        "(arn:aws:iam::*:role/aws-service-role/SERVICE.amazonaws.com/*), and add a Condition "
        "{\"StringEquals\": {\"iam:AWSServiceName\": \"SERVICE.amazonaws.com\"}}.",
    messages={
        "default": "{allows} on {resource}{cond} without an iam:AWSServiceName condition: the principal "
                   "can create the service-linked role of any service; name the services in "
                   "iam:AWSServiceName or the roles in Resource",
        "open-name": "{allows} on {resource}{cond}, and its iam:AWSServiceName values start with a "
                      "wildcard, which names no service: write the service names in full",
    },
    check=check,
    access_analyzer=(
        "CREATE_SLR_WITH_STAR_IN_RESOURCE", "CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE",
        "CREATE_SLR_WITH_NOT_RESOURCE", "CREATE_SLR_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE",
        "CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE", "CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION",
    ),
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html#service-linked-role-permissions",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html",
    ),
)
