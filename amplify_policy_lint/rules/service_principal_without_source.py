"""APL408: a resource policy allows an AWS service principal without saying on whose behalf.

A service principal (``cloudtrail.amazonaws.com``, ``events.amazonaws.com``, ...) acts for
every AWS customer. Without a condition on ``aws:SourceArn``, ``aws:SourceAccount``,
``aws:SourceOrgID`` or ``aws:SourceOrgPaths``, another account can make the service use this
resource for its own requests: the confused deputy problem
(RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL, warning). A statement limited by another key instead
(``aws:Referer``, ``kms:CallerAccount``, ...) gets the suggestion to use the source keys
(RECOMMENDED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL, info).

Only Allow statements of resource policies (bucket, queue, topic, key, ...; not role trust
policies, which Access Analyzer leaves out, and not VPC endpoint policies); a Deny in the same
document that tests a source key (``StringNotEquals aws:SourceAccount``) guards every Allow.
Conditions that cannot be read are taken to restrict.
"""
from __future__ import annotations


from ..context import Context
from ..model import JsonPath, Rule, Scope, Severity, Violation
from ..policy import DocKind, PolicyDocument, Statement
from ..trust import restricts

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator

SOURCE_KEYS = ("aws:SourceArn", "aws:SourceAccount", "aws:SourceOrgID", "aws:SourceOrgPaths", "aws:SourceOwner")
# Other keys that say something about the caller or the resource the service acts for (a
# CloudWatch Logs log group's ARN in a key's encryption context, as AWS's guide for Logs
# writes it): they narrow the deputy, but AWS recommends the source keys.
OTHER_KEYS = ("aws:Referer", "aws:SourceVpce", "aws:SourceVpc", "aws:SourceIp", "aws:PrincipalOrgID",
              "aws:PrincipalAccount", "kms:CallerAccount", "kms:ViaService",
              "kms:EncryptionContext:aws:logs:arn", "kms:EncryptionContext:aws:cloudtrail:arn")


def service_entries(statement: Statement) -> Iterator[tuple[str, JsonPath]]:
    if statement.principal_key != "Principal":
        return
    for entry, path in statement.principal_entries("Service"):
        if "." in entry:
            yield entry, path


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    if document.kind is not DocKind.RESOURCE or document.vpc_endpoint:
        return
    if any(s.effect == "Deny" and restricts(s, SOURCE_KEYS, negated_too=True) is not False
           for s in document.statements):
        return
    for statement in document.statements:
        if statement.effect != "Allow":
            continue
        if restricts(statement, SOURCE_KEYS) is not False:
            continue
        other = restricts(statement, OTHER_KEYS) is not False
        for service, path in service_entries(statement):
            if other:
                yield Violation(path, {"service": service}, variant="other-key", severity=Severity.INFO)
            else:
                yield Violation(path, {"service": service, "where": document.label})


RULE = Rule(
    id="APL408",
    name="service-principal-without-source",
    severity=Severity.WARNING,
    scope=Scope.DOCUMENT,
    summary="resource policy allows a service principal without aws:SourceArn/aws:SourceAccount (confused deputy)",
    why=(
        "A service principal such as cloudtrail.amazonaws.com or events.amazonaws.com acts for "
        "every AWS customer. A bucket, queue, topic or key policy that allows it without an "
        "aws:SourceArn, aws:SourceAccount, aws:SourceOrgID or aws:SourceOrgPaths condition lets "
        "anyone who can configure that service in their own account point it at your resource: "
        "their trail writes to your bucket, their rule sends to your queue (the confused deputy "
        "problem). AWS recommends the source keys in every such policy; IAM Access Analyzer "
        "reports their absence, and suggests them where another key (aws:Referer, "
        "kms:CallerAccount) stands in (info)."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Principal": {"Service": "cloudtrail.amazonaws.com"},\n    "Action": "s3:PutObject",\n    "Resource": "arn:aws:s3:::amplify-trail-logs/AWSLogs/123456789012/*"\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Principal": {"Service": "cloudtrail.amazonaws.com"},\n    "Action": "s3:PutObject",\n    "Resource": "arn:aws:s3:::amplify-trail-logs/AWSLogs/123456789012/*",\n    "Condition": {"StringEquals": {"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:123456789012:trail/amplify"}}\n  }]\n}\n',
    fix="Add a Condition naming the resource or account the service acts for: "
        "{\"ArnLike\": {\"aws:SourceArn\": \"arn:aws:SERVICE:REGION:ACCOUNT:...\"}} or "
        "{\"StringEquals\": {\"aws:SourceAccount\": \"ACCOUNT\"}} (aws:SourceOrgID for an organization).",
    messages={
        "default": "{service!r} may use this resource ({where}) for any AWS account: add an aws:SourceArn or "
                   "aws:SourceAccount condition (confused deputy)",
        "other-key": "{service!r} is limited by other condition keys; AWS recommends aws:SourceArn or "
                     "aws:SourceAccount for service principals (confused deputy)",
    },
    check=check,
    access_analyzer=("RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL", "RECOMMENDED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL"),
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcearn",
    ),
)
