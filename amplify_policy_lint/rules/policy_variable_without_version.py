"""APL107: policy variables in a document whose Version does not expand them."""
from __future__ import annotations

import re
from typing import Iterator

from ..model import Context, JsonPath, Rule, Scope, Severity, Violation
from ..policy import PolicyDocument, Statement, is_intrinsic
from ..source import iter_nodes

# No "{" inside, so a value of many "${" without "}" is searched in linear time, not quadratic.
_VARIABLE = re.compile(r"\$\{[^{}]+\}")


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    data = document.data
    if document.bare_statements or not isinstance(data, dict):
        return
    if data.get("Version") == "2012-10-17":
        return
    version = "no Version" if "Version" not in data else f"Version {data.get('Version')}"
    for statement in document.statements:
        for path, text in _texts(statement):
            match = _VARIABLE.search(text) if isinstance(text, str) else None
            if match:
                yield Violation(path, {"variable": match.group(), "version": version})


def _texts(statement: Statement) -> Iterator[tuple[JsonPath, object]]:
    """The values of Resource, NotResource and the Condition's values, with their paths.
    Inside an intrinsic (Fn::Sub), ${...} is CloudFormation's, not IAM's: never descended into."""
    for key in ("Resource", "NotResource"):  # both, when a statement wrongly has both
        yield from iter_nodes(statement.data.get(key), statement.path + (key,), prune=is_intrinsic)
    for condition in statement.conditions:
        for item in condition.values:
            yield from iter_nodes(item.value, item.path, prune=is_intrinsic)


RULE = Rule(
    id="APL107",
    name="policy-variable-without-version",
    severity=Severity.ERROR,
    scope=Scope.DOCUMENT,
    summary="${...} variables that IAM will not expand",
    why=(
        "Policy variables such as ${aws:username} or ${aws:PrincipalTag/team} are expanded only in "
        "documents with \"Version\": \"2012-10-17\". Under the legacy language (no Version, or "
        "2008-10-17) IAM compares the literal text ${aws:username}, so the statement matches "
        "nothing, or, in a Deny, protects nothing."
    ),
    bad='{\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": "s3:GetObject",\n    "Resource": "arn:aws:s3:::home/${aws:username}/*"\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": "s3:GetObject",\n    "Resource": "arn:aws:s3:::home/${aws:username}/*"\n  }]\n}\n',
    fix='Add "Version": "2012-10-17" to the document.',
    messages={"default": "{variable} is not expanded under {version}; IAM compares it literally"},
    check=check,
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html",),
)
