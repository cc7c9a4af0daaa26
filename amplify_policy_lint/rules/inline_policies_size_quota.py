"""APL507: a role's, user's or group's inline policies together longer than IAM's quota.

IAM counts the inline policies of one holder together: 10,240 characters (without whitespace)
for a role, 5,120 for a group, 2,048 for a user. Each may be within APL501's limit while the
sum is not, and the last policy CloudFormation puts fails with LimitExceeded. Only holders the
linter knows the type of are judged (CloudFormation ``AWS::IAM::Role``/``User``/``Group``, the
execution role SAM creates), and only their inline policies (``Policies``, ``AWS::IAM::Policy``
and the holder-specific ``*Policy`` resources; a ``ManagedPolicy`` has a quota of its own).
Values only deploy time knows count as nothing and policies the linter cannot see are left
out, so the sum is a lower bound: a finding is certain, silence is not.
"""
from __future__ import annotations


from .. import quotas
from ..context import Context
from ..model import Rule, Scope, Severity, Violation
from ..policy import DocKind, PolicyDocument, Principal

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator

_HOLDERS = (("AWS::IAM::Role ", quotas.ROLE_INLINE, "role"), ("AWS::IAM::User ", quotas.USER_INLINE, "user"),
            ("AWS::IAM::Group ", quotas.GROUP_INLINE, "group"), ("the execution role SAM creates", quotas.ROLE_INLINE, "role"))
_INLINE = ("inline policy", "AWS::IAM::Policy ", "AWS::IAM::RolePolicy ", "AWS::IAM::UserPolicy ",
           "AWS::IAM::GroupPolicy ", "policy ")


def _inline(document: PolicyDocument) -> bool:
    return (document.kind is DocKind.IDENTITY and document.container == "cloudformation"
            and document.label.startswith(_INLINE) and "AWS::IAM::ManagedPolicy" not in document.label)


def check(principal: Principal, context: Context) -> Iterator[Violation]:
    holder = next(((quota, what) for prefix, quota, what in _HOLDERS if principal.label.startswith(prefix)), None)
    if holder is None:
        return
    quota, what = holder
    inline = [d for d in principal.documents if _inline(d)]
    if len(inline) < 2:
        return  # one document over the quota is APL501's finding
    sizes = [(quotas.document_size(d), d) for d in inline]
    total = sum(size for size, _ in sizes)
    if total <= quota.characters:
        return
    largest = max(sizes, key=lambda pair: pair[0])[1]
    yield Violation((), {"holder": principal.label, "count": len(inline), "size": f"{total:,}",
                         "quota": f"{quota.characters:,}", "what": what},
                    part="opening", document=largest)


_STATEMENTS = ",\n".join(
    f'              {{"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query"], '
    f'"Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/amplify-table-number-{i:03d}"}}'
    for i in range(7))
_BAD = ("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  AppUser:\n    Type: AWS::IAM::User\n"
        "    Properties:\n      Policies:\n" + "".join(
            f"        - PolicyName: tables-{n}\n          PolicyDocument:\n            Version: '2012-10-17'\n"
            f"            Statement: [\n{_STATEMENTS}\n            ]\n" for n in range(2)))
_GOOD = ("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  AppUser:\n    Type: AWS::IAM::User\n"
         "    Properties:\n      Policies:\n        - PolicyName: tables\n          PolicyDocument:\n"
         "            Version: '2012-10-17'\n            Statement:\n              - Effect: Allow\n"
         "                Action: [dynamodb:GetItem, dynamodb:Query]\n"
         "                Resource: arn:aws:dynamodb:us-east-1:123456789012:table/amplify-table-number-*\n")

RULE = Rule(
    id="APL507",
    name="inline-policies-size-quota",
    severity=Severity.WARNING,
    scope=Scope.PRINCIPAL,
    summary="a role's, user's or group's inline policies together longer than IAM's quota (10,240 / 2,048 / 5,120)",
    why=(
        "IAM limits the inline policies of one role to 10,240 characters together (without "
        "whitespace), of one group to 5,120 and of one user to 2,048. Every policy may be small "
        "while their sum is not; the deploy then fails with LimitExceeded on the policy "
        "CloudFormation puts last. The size reported is a lower bound: values only deploy time "
        "knows count as nothing, and policies the linter cannot see are left out."
    ),
    bad=_BAD,
    good=_GOOD,
    example_name="template.yaml",
    fix="Move statements into a customer managed policy (AWS::IAM::ManagedPolicy, 6,144 characters "
        "each, up to 10 per holder by default), merge statements that share Effect, Resource and "
        "Condition, or use wildcards and name prefixes for families of resources.",
    messages={
        "default": "the {count} inline policies of {holder} are {size} characters together without whitespace, "
                   "over IAM's {quota}-character quota for a {what}'s inline policies: move some into "
                   "managed policies or shrink them",
    },
    check=check,
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html",),
)
