"""APL107: policy variables in a document whose Version does not expand them."""
from __future__ import annotations

from ..context import Context
from ..model import Fix, Rule, Scope, Severity, Violation
from ..policy import PolicyDocument, policy_variables

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    data = document.data
    if document.bare_statements or not isinstance(data, dict):
        return
    if data.get("Version") == "2012-10-17":
        return
    version = "no Version" if "Version" not in data else f"Version {data.get('Version')}"
    fix = None
    for path, variable in policy_variables(document):
        fix = fix or _version_fix(document)
        yield Violation(path, {"variable": variable, "version": version}, fix=fix)


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
    autofix='unsafe: adds "Version": "2012-10-17" as the first element of the document (or '
            'replaces 2008-10-17): the variables are then expanded, which changes what the '
            "statements match.",
    messages={"default": "{variable} is not expanded under {version}; IAM compares it literally"},
    check=check,
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html",),
    access_analyzer=("VARIABLE_UNSUPPORTED_IN_VERSION",),
)


def _version_fix(document: PolicyDocument) -> Fix | None:
    from ..edits import version_fix  # a fix is built only for a finding

    return version_fix(document)
