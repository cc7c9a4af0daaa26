"""APL501: a policy document longer than IAM's (or the resource's) size quota.

The quota follows from where the document is: a plain policy file, whose use the linter
cannot know, is taken for a customer managed policy (6,144 characters; ``size-quotas:
{policy: N}`` in the configuration changes it); a CloudFormation ``AWS::IAM::ManagedPolicy``
is one; an inline policy counts against its user's, group's or role's quota; a trust policy
against the trust-policy quota (``size-quotas: {trust: N}`` for an account that raised it);
S3 bucket and KMS key policies against theirs. Other resource policies, Terraform plan
documents and serverless.yml statements are judged only when the document says which quota
applies (an identity policy there is an inline role policy at most).
"""
from __future__ import annotations


from .. import quotas
from ..context import Context
from ..model import Rule, Scope, Severity, Violation
from ..policy import DocKind, PolicyDocument
from ..quotas import Quota

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator


def quota_for(document: PolicyDocument, context: Context) -> Quota | None:
    configured = context.size_quotas
    if document.kind is DocKind.TRUST:
        trust = configured.get("trust")
        return quotas.TRUST if trust is None else Quota(trust, "a role trust policy (as configured)")
    label = document.label
    if document.kind is DocKind.RESOURCE:
        if "AWS::S3::BucketPolicy" in label:
            return quotas.S3_BUCKET
        if "AWS::KMS::Key" in label:
            return quotas.KMS_KEY
        return None
    if document.container == "policy":
        policy = configured.get("policy")
        return quotas.CUSTOMER_MANAGED if policy is None else Quota(policy, "a policy file (as configured)")
    if document.container == "cloudformation":
        if "AWS::IAM::ManagedPolicy" in label:
            return quotas.CUSTOMER_MANAGED
        if "of AWS::IAM::User" in label or "AWS::IAM::UserPolicy" in label:
            return quotas.USER_INLINE
        if "of AWS::IAM::Group" in label or "AWS::IAM::GroupPolicy" in label:
            return quotas.GROUP_INLINE
    # An inline policy of a role (a custom-policies.json, a SAM function's policies, an
    # AWS::IAM::Policy that may name roles): the largest inline quota, which none may pass.
    return quotas.ROLE_INLINE


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    if document.kind is DocKind.UNKNOWN and document.container != "policy":
        return
    quota = quota_for(document, context)
    if quota is None:
        return
    size = quotas.document_size(document)
    if size > quota.characters:
        yield Violation((), {"size": f"{size:,}", "quota": f"{quota.characters:,}", "what": quota.what},
                        part="opening")


_BAD_STATEMENTS = ",\n".join(
    f'    {{"Sid": "ReadTable{i:03d}", "Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query"], '
    f'"Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/amplify-app-table-number-{i:03d}-main"}}'
    for i in range(40))
_BAD = '{\n  "Version": "2012-10-17",\n  "Statement": [\n' + _BAD_STATEMENTS + "\n  ]\n}\n"
_GOOD = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "ReadAppTables", "Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query"],
     "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/amplify-app-table-number-*-main"}
  ]
}
"""

RULE = Rule(
    id="APL501",
    name="policy-size-quota",
    severity=Severity.WARNING,
    scope=Scope.DOCUMENT,
    summary="policy document longer than its size quota (customer managed 6,144, trust 2,048 characters, ...)",
    why=(
        "IAM refuses a policy longer than its quota, counted in characters without whitespace: "
        "6,144 for a customer managed policy, 2,048 for a role trust policy (unless raised), "
        "10,240, 5,120 and 2,048 for all the inline policies of a role, group or user together; "
        "an S3 bucket policy may hold 20 KB and a KMS key policy 32 KB. A deploy then fails "
        "with LimitExceeded long after the commit. A plain policy file is taken for a customer "
        "managed policy unless the configuration's size-quotas says otherwise (policy: N). "
        "Values only deploy time knows count as nothing, so the size reported is a lower bound. "
        "AWS's own managed policies are exempt from these quotas and often longer."
    ),
    bad=_BAD,
    good=_GOOD,
    fix="Shrink the document: merge statements with the same Effect, Resource and Condition, "
        "use wildcards or name prefixes for families of resources, drop redundant actions "
        "(APL502); or split it into several managed policies attached to the same principal.",
    messages={
        "default": "the policy is {size} characters without whitespace, over the {quota}-character "
                   "quota of {what}, so the deploy is refused: shrink it or split it into several policies",
    },
    check=check,
    access_analyzer=(
        "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA", "POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA",
        "POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA",
    ),
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html",
    ),
)
