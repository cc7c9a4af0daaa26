"""APL404: an Allow statement with NotPrincipal."""
from __future__ import annotations


from ..context import Context
from ..model import Rule, Scope, Severity, Violation
from ..policy import DocKind, PolicyDocument

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    if document.kind is DocKind.IDENTITY:
        return  # NotPrincipal is not allowed there at all: APL104 says so
    for statement in document.statements:
        if statement.effect == "Allow" and "NotPrincipal" in statement.data and "Principal" not in statement.data:
            yield Violation(statement.path + ("NotPrincipal",), {"where": document.label}, part="key")


RULE = Rule(
    id="APL404",
    name="allow-with-not-principal",
    severity=Severity.WARNING,
    scope=Scope.DOCUMENT,
    summary="Allow combined with NotPrincipal",
    why=(
        "\"Effect\": \"Allow\" with NotPrincipal grants the actions to every principal except the "
        "ones listed: every other account, every anonymous caller. AWS documents NotPrincipal for "
        "Deny statements only and recommends against it even there; an Allow with NotPrincipal is "
        "almost always a Deny written the wrong way round, or a public grant in disguise."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"},\n    "Action": "sts:AssumeRole"\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Principal": {"AWS": "arn:aws:iam::111122223333:role/amplify-deployer"},\n    "Action": "sts:AssumeRole",\n    "Condition": {"StringEquals": {"sts:ExternalId": "7d2a6c9e-amplify-deployer"}}\n  }]\n}\n',
    fix="Name the principals to allow with Principal; to exclude principals, use a Deny statement "
        "with a condition on aws:PrincipalArn instead of NotPrincipal.",
    messages={
        "default": "Allow with NotPrincipal grants to everyone not listed ({where}); use Principal "
                   "to name who is allowed",
    },
    check=check,
    access_analyzer=("ALLOW_WITH_NOT_PRINCIPAL",),
    example_name="trust-policy.json",
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html",),
)
