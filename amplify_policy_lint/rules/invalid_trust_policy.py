"""APL112: an element a role trust policy cannot hold."""
from __future__ import annotations


from ..context import Context
from ..model import Rule, Scope, Severity, Violation
from ..policy import DocKind, PolicyDocument

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    if document.kind is not DocKind.TRUST:
        return
    for statement in document.statements:
        for key in ("Resource", "NotResource"):
            if key in statement.data:
                yield Violation(statement.path + (key,), {"key": key}, variant="resource", part="key")
        if "NotPrincipal" in statement.data:
            yield Violation(statement.path + ("NotPrincipal",), {}, variant="not-principal", part="key")
        if statement.data.get("Principal") == "*":
            yield Violation(statement.path + ("Principal",), {}, variant="wildcard")


RULE = Rule(
    id="APL112",
    name="invalid-trust-policy",
    severity=Severity.ERROR,
    scope=Scope.DOCUMENT,
    summary="Resource, NotPrincipal or \"Principal\": \"*\" in a role trust policy",
    why=(
        "A role's trust policy says who may assume the role; the role itself is the resource. IAM "
        "rejects a trust policy with a Resource or NotResource element (\"Has prohibited field "
        "Resource\"), with NotPrincipal, or with \"Principal\": \"*\" written as a plain string, "
        "so CreateRole and the stack or plan that calls it fail."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Principal": {"Service": "lambda.amazonaws.com"},\n    "Action": "sts:AssumeRole",\n    "Resource": "*"\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Principal": {"Service": "lambda.amazonaws.com"},\n    "Action": "sts:AssumeRole"\n  }]\n}\n',
    fix="Remove Resource/NotResource from the trust policy; name the principals that may assume "
        "the role in Principal (a Deny with NotPrincipal becomes a Deny on Principal \"*\" with an "
        "aws:PrincipalArn condition, written as {\"AWS\": \"*\"}).",
    messages={
        "resource": "{key} is not allowed in a role trust policy (the role is the resource); remove it",
        "not-principal": "NotPrincipal is not allowed in a role trust policy; use Principal with an "
                         "aws:PrincipalArn condition",
        "wildcard": "\"Principal\": \"*\" is not allowed in a role trust policy; name the principals "
                    "that may assume the role",
    },
    check=check,
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html",),
    access_analyzer=("ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE", "ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL",
                     "ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL"),
)
