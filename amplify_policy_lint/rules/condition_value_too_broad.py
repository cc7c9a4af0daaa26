"""APL211: a wildcard or policy variable too early in the value of a key that identifies the caller."""
from __future__ import annotations


from ..context import Context
from ..model import Rule, Scope, Severity, Violation
from ..policy import PolicyDocument

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator

# How many characters must be written out before the first wildcard or variable (Access
# Analyzer's WILDCARD_USAGE_TOO_PERMISSIVE / VARIABLE_USAGE_TOO_PERMISSIVE).
MIN_LITERAL = 6
# Keys that say who the caller is: aws:userid, and the subject of a web identity token
# (token.actions.githubusercontent.com:sub, an EKS cluster's oidc.eks...:sub, accounts.google.com:sub).
# A value such as "repo:*" or "*" lets everyone the provider issues tokens for in.
_SUBJECT_SUFFIX = ":sub"
_USERID = "aws:userid"
_LIKE = ("StringLike",)


def _identifies_caller(lower: str) -> bool:
    """Whether a condition key (in lower case) says who the caller is."""
    if lower == _USERID:
        return True
    prefix, _, name = lower.partition(":")
    return name == "sub" and "." in prefix  # a web identity provider's host, not a service prefix


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    for statement in document.statements:
        if statement.effect != "Allow":
            continue
        for condition in statement.conditions:
            operator = condition.operator
            key = condition.key_lower
            if key is None or not _identifies_caller(key):
                continue
            if operator.family != "String" or operator.base.startswith("StringNot") or operator.if_exists:
                continue
            like = operator.base in _LIKE
            for item in condition.values:
                text = item.text
                if text is None:
                    continue
                found = _too_early(text, like)
                if found is not None:
                    yield Violation(item.path, {"value": text, "key": condition.key, "n": MIN_LITERAL},
                                    variant="wildcard" if found == "a wildcard" else "variable")


def _too_early(text: str, like: bool) -> str | None:
    """"a wildcard" or "a policy variable" when one starts before MIN_LITERAL characters."""
    positions = []
    if like:
        positions += [(i, "a wildcard") for i in (text.find("*"), text.find("?")) if i >= 0]
    variable = text.find("${")
    if variable >= 0:
        positions.append((variable, "a policy variable"))
    if not positions:
        return None
    first, what = min(positions)
    return what if first < MIN_LITERAL else None


RULE = Rule(
    id="APL211",
    name="condition-value-too-broad",
    severity=Severity.ERROR,
    scope=Scope.DOCUMENT,
    summary="a wildcard or variable in the first characters of a caller's id (aws:userid, a token's :sub)",
    why=(
        "aws:userid and a web identity token's subject (token.actions.githubusercontent.com:sub, "
        "an EKS cluster's ...:sub) say who the caller is. A value that is almost all wildcard, "
        "such as \"repo:*\" or \"*\", matches every caller the provider issues tokens for: any "
        "GitHub repository's workflow can assume the role. Access Analyzer requires at least six "
        "written-out characters before the first wildcard or policy variable."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},\n    "Action": "sts:AssumeRoleWithWebIdentity",\n    "Condition": {\n      "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},\n      "StringLike": {"token.actions.githubusercontent.com:sub": "repo:*"}\n    }\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},\n    "Action": "sts:AssumeRoleWithWebIdentity",\n    "Condition": {\n      "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},\n      "StringLike": {"token.actions.githubusercontent.com:sub": "repo:my-org/my-repo:ref:refs/heads/main"}\n    }\n  }]\n}\n',
    fix="Write out who may call: repo:ORG/REPO:ref:refs/heads/BRANCH for GitHub, the role's "
        "unique id before the \":*\" of aws:userid (AROAEXAMPLEID:*).",
    messages={
        "wildcard": "{key} value {value!r} has a wildcard within its first {n} characters: it matches "
                    "almost every caller; write out whose id it is",
        "variable": "{key} value {value!r} has a policy variable within its first {n} characters: the "
                    "request itself supplies most of the value, so it says little about who calls; "
                    "write out whose id it is",
    },
    check=check,
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html",),
    access_analyzer=("WILDCARD_USAGE_TOO_PERMISSIVE", "VARIABLE_USAGE_TOO_PERMISSIVE"),
)
