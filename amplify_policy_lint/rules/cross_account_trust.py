"""APL402: another account may assume the role, with no condition that pins the caller."""
from __future__ import annotations


from .. import regex, wildcard
from ..intrinsics import OWN_ACCOUNT, resolve
from ..context import Context
from ..model import JsonPath, Rule, Scope, Severity, Violation
from ..policy import DocKind, PolicyDocument, Statement, is_intrinsic
from ..resources import parse_arn
from ..trust import restricts

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any, Iterator

# Conditions that make a cross-account trust safe: the third party's external id (the
# confused-deputy defence), or the caller's organization or account.
RESTRICTING_KEYS = ("sts:ExternalId", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:SourceAccount",
                    "aws:SourceOrgID", "aws:SourceOrgPaths")
_ACCOUNT = regex.compile(r"\d{12}\Z")
_ASSUME = "sts:AssumeRole"


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    if document.kind is not DocKind.TRUST:
        return
    if any(s.effect == "Deny" and restricts(s, RESTRICTING_KEYS, negated_too=True) is not False
           for s in document.statements):
        return  # a Deny on the external id or the organization narrows the Allow
    for statement in document.statements:
        if statement.effect != "Allow" or statement.principal_key != "Principal" or not _assumes(statement):
            continue
        if restricts(statement, RESTRICTING_KEYS) is not False:
            continue
        for path, value in _aws_entries(statement):
            account = account_of(value)
            if account is None or account == OWN_ACCOUNT or account in context.accounts:
                continue
            yield Violation(path, {"account": account, "where": document.label})


def account_of(value: Any) -> str | None:
    """The account an AWS principal entry names (an id or an IAM/STS ARN), OWN_ACCOUNT for
    the template's own (``!Ref AWS::AccountId``), None when unknown or not an account."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:012d}"
    text = resolve(value)
    if text is None:
        return None
    if text == OWN_ACCOUNT or _ACCOUNT.match(text):
        return text
    arn = parse_arn(text)
    if arn is not None and arn.service in ("iam", "sts"):
        if arn.account == OWN_ACCOUNT or _ACCOUNT.match(arn.account):
            return arn.account
    return None


def _aws_entries(statement: Statement) -> Iterator[tuple[JsonPath, Any]]:
    principal = statement.principal
    if not isinstance(principal, dict) or is_intrinsic(principal):
        return
    value = principal.get("AWS")
    base = statement.path + ("Principal", "AWS")
    if isinstance(value, list):
        for index, entry in enumerate(value):
            yield base + (index,), entry
    elif value is not None:
        yield base, value


def _assumes(statement: Statement) -> bool:
    """Whether the statement allows sts:AssumeRole (through Action, or not excluding it
    through NotAction); an entry that is not plain text counts as no."""
    matches = any(item.value is not None and wildcard.match(item.value, _ASSUME) for item in statement.actions)
    return (not matches) if statement.action_key == "NotAction" else matches


RULE = Rule(
    id="APL402",
    name="cross-account-trust-without-condition",
    severity=Severity.WARNING,
    scope=Scope.DOCUMENT,
    summary="another account may assume the role with no sts:ExternalId / aws:PrincipalOrgID / "
            "aws:SourceAccount condition",
    why=(
        "A trust policy that names another account (its root, a role or a user in it) lets that "
        "account's administrators decide who assumes your role. When the other account is a "
        "vendor acting for many customers, anyone who learns your role ARN can make the vendor "
        "assume it for them (the confused deputy). An sts:ExternalId condition, or a condition on "
        "aws:PrincipalOrgID or aws:SourceAccount, ties the trust to the caller you meant. Your own "
        "accounts are not \"another\" account: list them under `accounts` in the configuration, "
        "and a template's own account (!Ref AWS::AccountId, ${AWS::AccountId}) is recognised."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Principal": {"AWS": "arn:aws:iam::111122223333:root"},\n    "Action": "sts:AssumeRole"\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Principal": {"AWS": "arn:aws:iam::111122223333:root"},\n    "Action": "sts:AssumeRole",\n    "Condition": {"StringEquals": {"sts:ExternalId": "7d2a6c9e-amplify-deployer"}}\n  }]\n}\n',
    fix="Add Condition {\"StringEquals\": {\"sts:ExternalId\": \"...\"}} (for a third party), or "
        "aws:PrincipalOrgID for accounts of your organization; list your own account ids under "
        "`accounts` in the configuration.",
    messages={
        "default": "account {account} may assume this role ({where}) with no sts:ExternalId, "
                   "aws:PrincipalOrgID or aws:SourceAccount condition; add one, or list the account "
                   "under `accounts` in the configuration if it is yours",
    },
    check=check,
    example_name="trust-policy.json",
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",),
)
