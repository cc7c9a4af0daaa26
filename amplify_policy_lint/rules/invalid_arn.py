"""APL106: a resource that is not "*" or a well-formed ARN."""
from __future__ import annotations


from ..resources import check_resource
from ..context import Context
from ..model import Rule, Scope, Severity, Violation
from ..policy import PolicyDocument, resource_entries

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    for item in resource_entries(document):  # Fn::If branches' literals too
        problem = check_resource(item.value)
        if problem is not None:
            yield Violation(item.path, {"resource": item.value, "problem": problem.message},
                            severity=None if problem.rejected else Severity.WARNING)


RULE = Rule(
    id="APL106",
    name="invalid-arn",
    severity=Severity.ERROR,
    scope=Scope.DOCUMENT,
    summary="a resource that is not * or a well-formed ARN",
    why=(
        "IAM rejects a Resource that is not \"*\" or an ARN: a bare bucket or role name, a missing "
        "\"arn:\" prefix, an unknown partition, a region in an IAM or S3 ARN, or an IAM ARN "
        "without a resource type. Some short forms (arn:aws:s3) are accepted but match no "
        "resource, so the statement silently grants nothing; those are warnings."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": "s3:GetObject",\n    "Resource": "my-bucket/*"\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": "s3:GetObject",\n    "Resource": "arn:aws:s3:::my-bucket/*"\n  }]\n}\n',
    fix="Write the full ARN, arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE (region and account "
        "empty where the service has none, as in arn:aws:s3:::bucket), or \"*\".",
    messages={"default": "resource {resource!r} {problem}"},
    check=check,
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html",),
    access_analyzer=("INVALID_ARN_PREFIX", "MISSING_ARN_FIELD", "ARN_REGION_NOT_ALLOWED",
                     "INVALID_PARTITION"),
)
