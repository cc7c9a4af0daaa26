"""APL209: a role trust policy whose actions do not fit the principal or the condition keys."""
from __future__ import annotations


from ..evaluate import Tri, action_matches_statement
from ..context import Context
from ..model import JsonPath, Rule, Scope, Severity, Violation
from ..policy import DocKind, PolicyDocument, Statement, is_intrinsic

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any, Iterator

SAML_ACTION = "sts:AssumeRoleWithSAML"
WEB_IDENTITY_ACTION = "sts:AssumeRoleWithWebIdentity"
# IAM Roles Anywhere assumes a role with all three (IAM Roles Anywhere User Guide, "Trust model").
ROLES_ANYWHERE = "rolesanywhere.amazonaws.com"
ROLES_ANYWHERE_ACTIONS = ("sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession")
# Keys set only by another action of the trust policy (IAM User Guide, "Monitor and control
# actions taken with assumed roles": sts:SourceIdentity is set with sts:SetSourceIdentity).
KEY_ACTIONS = {"sts:sourceidentity": "sts:SetSourceIdentity"}


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    if document.kind is not DocKind.TRUST:
        return
    allows = [s for s in document.statements if s.effect == "Allow" and s.principal_key == "Principal"]
    for statement in allows:
        yield from _provider_mismatch(statement)
        yield from _roles_anywhere(statement)
    for statement in allows:
        for condition in statement.conditions:
            needed = KEY_ACTIONS.get(condition.key_lower or "")
            if needed is not None and not _allowed_anywhere(allows, needed):
                yield Violation(condition.path, {"key": condition.key, "action": needed},
                                variant="key-action", part="key")


def _provider_mismatch(statement: Statement) -> Iterator[Violation]:
    """A SAML provider with AssumeRoleWithWebIdentity, or an OIDC provider with AssumeRoleWithSAML."""
    for path, value in _principals(statement, "Federated"):
        lowered = value.lower()
        if ":saml-provider/" in lowered:
            wrong, right = WEB_IDENTITY_ACTION, SAML_ACTION
        elif ":oidc-provider/" in lowered:
            wrong, right = SAML_ACTION, WEB_IDENTITY_ACTION
        else:
            continue
        matched, items = action_matches_statement(statement, wrong)
        right_matched, _ = action_matches_statement(statement, right)
        # Only named actions: a wildcard (sts:AssumeRole*) also covers the right one.
        named = [i for i in items if i is not None and i.value is not None and i.value.lower() == wrong.lower()]
        if matched is Tri.YES and named and right_matched is not Tri.YES:
            yield Violation(named[0].path, {"provider": value, "wrong": wrong, "right": right},
                            variant="provider")


def _roles_anywhere(statement: Statement) -> Iterator[Violation]:
    for path, value in _principals(statement, "Service"):
        if value.lower() != ROLES_ANYWHERE:
            continue
        missing = [a for a in ROLES_ANYWHERE_ACTIONS if action_matches_statement(statement, a)[0] is Tri.NO]
        if missing:
            yield Violation(path, {"missing": ", ".join(missing)}, variant="roles-anywhere")


def _allowed_anywhere(statements: list[Statement], action: str) -> bool:
    return any(action_matches_statement(s, action)[0] is not Tri.NO for s in statements)


def _principals(statement: Statement, kind: str) -> Iterator[tuple[JsonPath, str]]:
    principal: Any = statement.principal
    if not isinstance(principal, dict) or is_intrinsic(principal):
        return
    values = principal.get(kind)
    base = statement.path + ("Principal", kind)
    if isinstance(values, str):
        yield base, values
    elif isinstance(values, list):
        for index, value in enumerate(values):
            if isinstance(value, str):
                yield base + (index,), value


RULE = Rule(
    id="APL209",
    name="trust-action-mismatch",
    severity=Severity.ERROR,
    scope=Scope.DOCUMENT,
    summary="trust policy actions that do not fit its principal or condition keys",
    why=(
        "A role is assumed through the action that fits who assumes it: a SAML provider with "
        "sts:AssumeRoleWithSAML, an OIDC provider with sts:AssumeRoleWithWebIdentity; IAM Roles "
        "Anywhere needs sts:AssumeRole, sts:SetSourceIdentity and sts:TagSession together; and "
        "the sts:SourceIdentity key is only set through sts:SetSourceIdentity. A trust policy "
        "that allows the other action, or leaves one out, lets nobody in the way it was meant: "
        "the federation or Roles Anywhere sign-in fails."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Principal": {"Federated": "arn:aws:iam::111122223333:saml-provider/Corp"},\n    "Action": "sts:AssumeRoleWithWebIdentity",\n    "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Principal": {"Federated": "arn:aws:iam::111122223333:saml-provider/Corp"},\n    "Action": "sts:AssumeRoleWithSAML",\n    "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}\n  }]\n}\n',
    fix="Allow sts:AssumeRoleWithSAML for a SAML provider and sts:AssumeRoleWithWebIdentity for an "
        "OIDC provider; for rolesanywhere.amazonaws.com allow sts:AssumeRole, sts:SetSourceIdentity "
        "and sts:TagSession; add sts:SetSourceIdentity where sts:SourceIdentity is tested.",
    messages={
        "provider": "{wrong} with {provider!r}: that provider signs in with {right}",
        "roles-anywhere": "IAM Roles Anywhere also needs {missing} in this statement "
                          "(sts:AssumeRole, sts:SetSourceIdentity and sts:TagSession together)",
        "key-action": "{key!r} is set only through {action}, which this trust policy does not allow",
    },
    check=check,
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html",),
    access_analyzer=("MISMATCHED_ACTION_FOR_PRINCIPAL", "MISSING_ACTION_FOR_ROLES_ANYWHERE_TRUST_POLICY",
                     "MISSING_ACTION_FOR_CONDITION_KEY"),
)
