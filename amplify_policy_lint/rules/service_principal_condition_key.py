"""APL210: an Allow for service principals under a key no service principal's request carries."""
from __future__ import annotations


from ..context import Context
from ..model import Rule, Scope, Severity, Violation
from ..policy import DocKind, PolicyDocument, Statement, is_intrinsic

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator

# Keys about the calling principal's organization and tags (IAM User Guide, "AWS global
# condition context keys": present only when the principal belongs to an organization or has
# tags). An AWS service principal (cloudtrail.amazonaws.com) is neither in an organization nor
# tagged, so a request it makes never carries them.
ABSENT_FOR_SERVICES = ("aws:principalorgid", "aws:principalorgpaths")
ABSENT_PREFIXES = ("aws:principaltag/",)
# Operators that hold only when the key is present and matches (no Not..., no IfExists, no
# Null, no ForAllValues, which holds when the key is absent).
_POSITIVE = ("StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike")


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    if document.kind not in (DocKind.RESOURCE, DocKind.TRUST):
        return
    for statement in document.statements:
        if statement.effect != "Allow" or not _only_services(statement):
            continue
        for condition in statement.conditions:
            key = condition.key_lower or ""
            operator = condition.operator
            if not (key in ABSENT_FOR_SERVICES or key.startswith(ABSENT_PREFIXES)):
                continue
            if operator.base in _POSITIVE and not operator.if_exists and operator.qualifier != "ForAllValues:":
                yield Violation(condition.path, {"key": condition.key}, part="key")


def _only_services(statement: Statement) -> bool:
    principal = statement.principal
    if statement.principal_key != "Principal" or not isinstance(principal, dict) or is_intrinsic(principal):
        return False
    if set(principal) != {"Service"}:
        return False
    values = principal["Service"]
    values = values if isinstance(values, list) else [values]
    return bool(values) and all(isinstance(v, str) and v != "*" for v in values)


RULE = Rule(
    id="APL210",
    name="service-principal-condition-key",
    severity=Severity.ERROR,
    scope=Scope.DOCUMENT,
    summary="an Allow for service principals under a key their requests never carry (aws:PrincipalOrgID)",
    why=(
        "An AWS service principal such as cloudtrail.amazonaws.com belongs to no organization "
        "and has no tags, so its requests carry neither aws:PrincipalOrgID, "
        "aws:PrincipalOrgPaths nor aws:PrincipalTag/... An Allow for service principals that "
        "requires one of them never applies: the service is refused. To say on whose behalf the "
        "service may act, test aws:SourceArn, aws:SourceAccount, aws:SourceOrgID or "
        "aws:SourceOrgPaths."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Principal": {"Service": "cloudtrail.amazonaws.com"},\n    "Action": "s3:PutObject",\n    "Resource": "arn:aws:s3:::trail-logs/*",\n    "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Principal": {"Service": "cloudtrail.amazonaws.com"},\n    "Action": "s3:PutObject",\n    "Resource": "arn:aws:s3:::trail-logs/*",\n    "Condition": {"StringEquals": {"aws:SourceOrgID": "o-a1b2c3d4e5"}}\n  }]\n}\n',
    fix="Test the source of the service's request instead: aws:SourceOrgID for aws:PrincipalOrgID, "
        "aws:SourceOrgPaths for aws:PrincipalOrgPaths, aws:SourceAccount or aws:SourceArn otherwise.",
    messages={"default": "{key!r} is never in a request of an AWS service principal, so this Allow never "
                         "applies; test aws:SourceOrgID, aws:SourceAccount or aws:SourceArn instead"},
    check=check,
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html",),
    access_analyzer=("UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL",),
)
