"""APL113: a resource policy naming another service's actions or resources."""
from __future__ import annotations


from ..context import Context
from ..model import Rule, Scope, Severity, Violation
from ..policy import PolicyDocument
from ..resource_policies import policy_service
from ..resources import parse_arn
from ..wildcard import has_wildcard

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    service = policy_service(document)
    if service is None:
        return
    where = document.resource_type
    for statement in document.statements:
        if statement.action_key == "Action":
            for item in statement.actions:
                value = item.value
                if value is None or value == "*" or ":" not in value:
                    continue
                prefix = value.partition(":")[0]
                if not has_wildcard(prefix) and prefix.lower() != service:
                    yield Violation(item.path, {"value": value, "where": where, "service": service},
                                    variant="action")
        if statement.resource_key == "Resource":
            for item in statement.resources:
                arn = parse_arn(item.value) if item.value is not None and "${" not in item.value else None
                if arn is None or has_wildcard(arn.service) or arn.service.lower() == service:
                    continue
                yield Violation(item.path, {"value": item.value, "where": where, "service": service},
                                variant="resource")


RULE = Rule(
    id="APL113",
    name="resource-policy-mismatch",
    severity=Severity.ERROR,
    scope=Scope.DOCUMENT,
    summary="a bucket, queue, topic, key ... policy naming another service's actions or resources",
    why=(
        "A resource policy is attached to one resource and governs only that service's actions "
        "on it: a bucket policy S3 actions on the bucket and its objects, a queue policy SQS "
        "actions on the queue, a key policy KMS actions on the key. The service rejects a "
        "policy that names another service's action or another resource type's ARN (Amazon S3: "
        "\"Policy has invalid action\"), so the stack fails; the grant belongs in the other "
        "resource's policy or in an identity policy."
    ),
    example_name="template.yaml",
    bad='Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n  BucketPolicy:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: !Ref Bucket\n      PolicyDocument:\n        Version: "2012-10-17"\n        Statement:\n          - Effect: Allow\n            Principal: {AWS: "arn:aws:iam::111122223333:root"}\n            Action: ["s3:GetObject", "kms:Decrypt"]\n            Resource: !Sub "${Bucket.Arn}/*"\n',
    good='Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n  BucketPolicy:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: !Ref Bucket\n      PolicyDocument:\n        Version: "2012-10-17"\n        Statement:\n          - Effect: Allow\n            Principal: {AWS: "arn:aws:iam::111122223333:root"}\n            Action: ["s3:GetObject"]\n            Resource: !Sub "${Bucket.Arn}/*"\n',
    fix="Keep only the resource's own service's actions and ARNs in its policy; grant the others "
        "in the other resource's policy (the KMS key policy) or in the caller's identity policy.",
    messages={
        "action": "{value!r} in an {where} policy, which takes only {service} actions",
        "resource": "{value!r} in an {where} policy, which governs only {service} resources",
    },
    check=check,
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_identity-vs-resource.html",),
    access_analyzer=("UNSUPPORTED_ACTION_IN_POLICY", "UNSUPPORTED_RESOURCE_ARN_IN_POLICY"),
)
