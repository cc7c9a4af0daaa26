"""APL409: a role or user named in Principal by its unique id (``AROA...``, ``AIDA...``).

IAM writes a principal's unique id into a policy in place of its ARN when the role or user
is deleted: the id then refers to nobody, and a role or user created again with the same name
gets a new id, so the policy does not apply to it (INVALID_ROLE_REFERENCE,
INVALID_USER_REFERENCE). Written on purpose, an id makes the policy break on the next
re-creation. Resource and trust policies only (identity policies have no Principal).
"""
from __future__ import annotations


from .. import regex
from ..context import Context
from ..model import Rule, Scope, Severity, Violation
from ..policy import DocKind, PolicyDocument

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator

# IAM User Guide, "IAM identifiers", unique id prefixes: AROA a role, AIDA a user.
_UNIQUE_ID = regex.compile(r"(AROA|AIDA)[A-Z0-9]{12,124}")
_WHAT = {"AROA": "role", "AIDA": "user"}


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    if document.kind not in (DocKind.RESOURCE, DocKind.TRUST):
        return
    for statement in document.statements:
        for entry, path in statement.principal_entries("AWS"):
            if _UNIQUE_ID.fullmatch(entry):
                what = _WHAT[entry[:4]]
                yield Violation(path, {"id": entry, "what": what}, variant=what)


RULE = Rule(
    id="APL409",
    name="principal-unique-id",
    severity=Severity.WARNING,
    scope=Scope.DOCUMENT,
    summary="a role or user named in Principal by its unique id (AROA..., AIDA...) instead of its ARN",
    why=(
        "IAM puts a principal's unique id into a policy in place of its ARN when the role or "
        "user is deleted: the id then names nobody, and a role or user made again with the same "
        "name has a new id, so the policy silently stops applying to it. An id written on "
        "purpose breaks the same way on the next re-creation of the role. Seeing AROA... or "
        "AIDA... in a template usually means it was copied from a policy whose principal is "
        "gone. IAM Access Analyzer reports both cases."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Principal": {"AWS": "AROA1234567890EXAMPLE"},\n    "Action": "sts:AssumeRole"\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Principal": {"AWS": "arn:aws:iam::123456789012:role/amplify-deployer"},\n    "Action": "sts:AssumeRole"\n  }]\n}\n',
    example_name="trust-policy.json",
    fix="Name the role or user by its ARN (arn:aws:iam::ACCOUNT:role/NAME); if it was deleted, "
        "remove the entry or recreate the principal and write its ARN.",
    messages={
        "role": "{id!r} is a role's unique id: it names a deleted role, or breaks when the role is "
                "recreated; write the role's ARN",
        "user": "{id!r} is a user's unique id: it names a deleted user, or breaks when the user is "
                "recreated; write the user's ARN",
    },
    check=check,
    access_analyzer=("INVALID_ROLE_REFERENCE", "INVALID_USER_REFERENCE"),
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids",),
)
