"""APL208: an ARN whose service, region, account or resource part no resource of its service has."""
from __future__ import annotations


from ..context import Context
from ..model import Rule, Scope, Severity, Violation
from ..policy import PolicyDocument

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    matcher = context.catalog.resources
    for statement in document.statements:
        items = statement.resources
        for index, problems in matcher.field_problems_in([item.value for item in items]):
            item = items[index]
            for problem in problems:
                yield Violation(item.path, {"resource": item.value, "problem": problem.message})


RULE = Rule(
    id="APL208",
    name="invalid-arn-field",
    severity=Severity.WARNING,
    scope=Scope.DOCUMENT,
    summary="an ARN field no resource of its service has: service, region, account or resource part",
    why=(
        "IAM accepts any text in the fields of a Resource ARN, but a resource of the service "
        "has a fixed form (the catalog's ARN formats): S3 buckets have no region and no account, "
        "DynamoDB tables have both, a region is a Region code and an account 12 digits, the "
        "service is written in lower case, and the resource part names one of the service's "
        "resource types. An entry of another form matches no resource, so the statement grants "
        "(or denies) nothing there. Fields with a wildcard or a variable are not judged, nor a "
        "resource type that resembles none of the service's (the catalog does not list every "
        "form AWS accepts). Access Analyzer calls these errors; IAM accepts them, and AWS's own "
        "managed policies hold a few, so they are warnings (which still fail a commit under "
        "the default --fail-on warning)."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": "dynamodb:GetItem",\n    "Resource": "arn:aws:dynamodb:us-east-1::table/Books"\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": "dynamodb:GetItem",\n    "Resource": "arn:aws:dynamodb:us-east-1:111122223333:table/Books"\n  }]\n}\n',
    fix="Write the ARN in its service's format (the Service Authorization Reference lists each "
        "resource type's): region and account where the type has them, empty where it has none, "
        "or * for any.",
    messages={"default": "resource {resource!r} {problem}"},
    check=check,
    references=("https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html",),
    access_analyzer=("ARN_ACCOUNT_NOT_ALLOWED", "ARN_REGION_NOT_ALLOWED", "INVALID_ARN_ACCOUNT", "INVALID_ARN_REGION",
                     "INVALID_ARN_SERVICE_CASE", "MISSING_ARN_REGION", "MISSING_ARN_ACCOUNT", "INVALID_SERVICE",
                     "INVALID_ARN_RESOURCE"),
)
