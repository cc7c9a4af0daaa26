"""APL103: two statements with the same Sid."""
from __future__ import annotations


from ..context import Context
from ..model import Rule, Scope, Severity, Violation
from ..policy import PolicyDocument
from ..resource_policies import sids_must_be_unique

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    if not sids_must_be_unique(document):
        return  # S3, ECR, ...: the service accepts repeated ids (resource_policies.py)
    first_seen: dict[str, tuple] = {}
    for statement in document.statements:
        sid = statement.sid
        if not sid:
            continue
        path = statement.path + ("Sid",)
        if sid in first_seen:
            first = document.span(first_seen[sid])
            yield Violation(path, {"sid": sid, "first": f"{first.line}:{first.column}"})
        else:
            first_seen[sid] = path


RULE = Rule(
    id="APL103",
    name="duplicate-sid",
    severity=Severity.ERROR,
    scope=Scope.DOCUMENT,
    summary="two statements with the same Sid",
    why=(
        "IAM requires statement ids to be unique within a policy and rejects the document "
        "otherwise (\"Statement IDs (SID) in a single policy must be unique\"). Copying a "
        "statement to grant one more action is the usual way this happens. The rule reports "
        "identity and trust policies (IAM stores them) and the resource policies of services "
        "documented to require unique ids (SQS, SNS); services that accept repeated ids (S3 "
        "bucket policies, ECR repository policies) or are not documented to reject them are "
        "left alone."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Sid": "Amplify", "Effect": "Allow", "Action": "amplify:GetApp", "Resource": "*"},\n    {"Sid": "Amplify", "Effect": "Allow", "Action": "amplify:ListApps", "Resource": "*"}\n  ]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Sid": "AmplifyRead", "Effect": "Allow", "Action": "amplify:GetApp", "Resource": "*"},\n    {"Sid": "AmplifyList", "Effect": "Allow", "Action": "amplify:ListApps", "Resource": "*"}\n  ]\n}\n',
    fix="Give each statement its own Sid, or merge the two statements.",
    messages={"default": "duplicate Sid {sid!r} (first used at {first}); statement ids must be unique"},
    check=check,
    access_analyzer=("UNIQUE_SIDS_REQUIRED", "UNIQUE_SIDS_RECOMMENDED"),
)
