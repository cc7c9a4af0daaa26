"""APL410: a condition that looks like a guard but is a weak one.

- ``aws:Referer`` or ``aws:UserAgent`` deciding an Allow: the caller writes those headers
  (UNTRUSTWORTHY_CONDITION_KEY; AWS's global keys page warns against both for access control).
- ``aws:VpcSourceIp`` without ``aws:SourceVpc``/``aws:SourceVpce``/``aws:SourceVpcArn`` in the
  same statement: private addresses repeat across VPCs, so the address alone says little
  (MISSING_PAIRED_CONDITION_KEYS).
- ``s3:prefix`` in a Deny, or under a negated operator in an Allow: a ListBucket request with a
  shorter prefix (``priv`` for ``private/``) is not matched, and lists what the test meant to
  hide (S3_PREFIX_IN_NEGATIVE_CONTEXT).
- ``dynamodb:Attributes`` limited in an Allow without ``dynamodb:Select`` =
  ``SPECIFIC_ATTRIBUTES``: a request that names no attributes (``Select: ALL_ATTRIBUTES``)
  passes a ``ForAllValues`` test and reads every attribute (DYNAMODB_ATTRIBUTES_WITHOUT_SELECT).

Statements whose Condition cannot be read are not judged.
"""
from __future__ import annotations


from ..context import Context
from ..model import Rule, Scope, Severity, Violation
from ..policy import Condition, PolicyDocument, Statement

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator

_CALLER_CONTROLLED = ("aws:referer", "aws:useragent")
_VPC_KEYS = ("aws:sourcevpc", "aws:sourcevpce", "aws:sourcevpcarn")


def _negated(condition: Condition) -> bool:
    return "Not" in condition.operator.base


def _select_specific(statement: Statement) -> bool:
    for condition in statement.conditions:
        if condition.key_lower == "dynamodb:select" and not _negated(condition):
            if any(v.unknown or (v.text or "").upper() == "SPECIFIC_ATTRIBUTES" for v in condition.values):
                return True
    return False


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    for statement in document.statements:
        if statement.condition_unknown or statement.effect not in ("Allow", "Deny"):
            continue
        allow = statement.effect == "Allow"
        keys = statement.condition_keys()
        for condition in statement.conditions:
            key = condition.key_lower
            operator = condition.operator
            if key is None or not operator.known or operator.base == "Null":
                continue
            args = {"key": condition.key, "operator": operator.text}
            if key in _CALLER_CONTROLLED and allow and not _negated(condition):
                yield Violation(condition.path, args, variant="caller", part="key")
            elif key == "aws:vpcsourceip" and not any(k in keys for k in _VPC_KEYS):
                yield Violation(condition.path, args, variant="vpc-ip", part="key")
            elif key == "s3:prefix" and (not allow and not _negated(condition) or allow and _negated(condition)):
                yield Violation(condition.path, {**args, "effect": statement.effect}, variant="s3-prefix", part="key")
            elif key == "dynamodb:attributes" and allow and not _select_specific(statement):
                yield Violation(condition.path, args, variant="dynamodb", part="key")


RULE = Rule(
    id="APL410",
    name="weak-condition-key",
    severity=Severity.WARNING,
    scope=Scope.DOCUMENT,
    summary="a condition that looks like a guard but is weak (aws:Referer, aws:VpcSourceIp alone, s3:prefix in a Deny, ...)",
    why=(
        "Some condition keys do not guard what they seem to. aws:Referer and aws:UserAgent are "
        "headers the caller writes: anyone who knows the expected value sends it (AWS warns "
        "against both for access control). aws:VpcSourceIp alone names a private address that "
        "exists in every VPC; it needs aws:SourceVpc or aws:SourceVpce beside it. s3:prefix in "
        "a Deny (or negated in an Allow) does not match a ListBucket request with a shorter "
        "prefix, which then lists the objects the Deny meant to hide. dynamodb:Attributes "
        "without dynamodb:Select = SPECIFIC_ATTRIBUTES lets a request that names no attributes "
        "read them all. IAM Access Analyzer reports each."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Principal": "*",\n    "Action": "s3:GetObject",\n    "Resource": "arn:aws:s3:::amplify-site/*",\n    "Condition": {"StringLike": {"aws:Referer": "https://example.com/*"}}\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Principal": {"Service": "cloudfront.amazonaws.com"},\n    "Action": "s3:GetObject",\n    "Resource": "arn:aws:s3:::amplify-site/*",\n    "Condition": {"StringEquals": {"aws:SourceArn": "arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE"}}\n  }]\n}\n',
    example_name="bucket-policy.json",
    fix="Guard with keys AWS sets itself (aws:SourceArn, aws:SourceVpce, aws:PrincipalOrgID); pair "
        "aws:VpcSourceIp with aws:SourceVpc or aws:SourceVpce; deny by Resource (the object keys) "
        "rather than by s3:prefix; add dynamodb:Select = SPECIFIC_ATTRIBUTES beside "
        "dynamodb:Attributes.",
    messages={
        "caller": "{operator} on {key!r}: the caller writes this header, so anyone can pass the test; "
                  "use a key AWS sets (aws:SourceArn, aws:SourceVpce, aws:PrincipalOrgID)",
        "vpc-ip": "{operator} on {key!r} without aws:SourceVpc or aws:SourceVpce: the same private "
                  "address exists in every VPC; add the VPC or endpoint",
        "s3-prefix": "{operator} on {key!r} in a {effect}: a ListBucket request with a shorter prefix "
                     "is not matched and lists what the test meant to hide; limit by Resource instead",
        "dynamodb": "{operator} on {key!r} without dynamodb:Select = SPECIFIC_ATTRIBUTES: a request "
                    "that names no attributes reads them all; add the Select test",
    },
    check=check,
    access_analyzer=(
        "UNTRUSTWORTHY_CONDITION_KEY", "MISSING_PAIRED_CONDITION_KEYS", "S3_PREFIX_IN_NEGATIVE_CONTEXT",
        "DYNAMODB_ATTRIBUTES_WITHOUT_SELECT",
    ),
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-referer",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-vpcsourceip",
        "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html",
    ),
)
