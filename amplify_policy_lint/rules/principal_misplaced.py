"""APL104: Principal where it does not belong, or missing where it must be."""
from __future__ import annotations


from ..context import Context
from ..model import Rule, Scope, Severity, Violation
from ..policy import DocKind, PolicyDocument

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    for statement in document.statements:
        if document.kind is DocKind.IDENTITY and statement.principal_key:
            yield Violation(statement.path + (statement.principal_key,),
                            {"key": statement.principal_key, "where": document.label},
                            variant="unexpected", part="key")
        elif document.kind in (DocKind.TRUST, DocKind.RESOURCE) and not statement.principal_key:
            yield Violation(statement.path, {"kind": document.kind.value}, variant="missing",
                            part="opening")


RULE = Rule(
    id="APL104",
    name="principal-misplaced",
    severity=Severity.ERROR,
    scope=Scope.DOCUMENT,
    summary="Principal in an identity policy, or missing in a trust/resource policy",
    why=(
        "An identity policy (attached to a role, user or group) applies to whoever holds it, so IAM "
        "rejects a Principal element there (\"Has prohibited field Principal\"). A trust or resource "
        "policy is the opposite: every statement must say who it applies to, and a statement "
        "without Principal is rejected when the bucket, queue, key or role is deployed."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"},\n    {"Effect": "Allow", "Action": "sts:TagSession"}\n  ]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"]}\n  ]\n}\n',
    fix="Remove Principal from identity policies (attach the policy to the principal instead); add "
        "Principal to every statement of a trust or resource policy.",
    messages={
        "unexpected": "{key} is not allowed in an identity policy ({where}); attach the policy to the principal instead",
        "missing": "statement of a {kind} policy has no Principal",
    },
    check=check,
    access_analyzer=("MISSING_PRINCIPAL", "UNSUPPORTED_PRINCIPAL"),
)
