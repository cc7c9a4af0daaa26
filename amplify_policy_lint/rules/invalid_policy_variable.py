"""APL110: a policy variable IAM cannot read, or one where IAM allows none."""
from __future__ import annotations


from ..catalog import well_formed_action
from ..context import Context
from ..model import JsonPath, Rule, Scope, Severity, Violation
from ..policy import PolicyDocument, holds_placeholder, is_intrinsic
from ..source import iter_nodes
from ..variables import problems

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any, Iterator

# Where IAM expands variables: Resource, NotResource and condition values.
_EXPANDED = ("Resource", "NotResource", "Condition")
# Elements that take no variable at all (Action with a colon inside a variable is APL101's).
_NOT_EXPANDED = ("Action", "NotAction", "Principal", "NotPrincipal")
# ${...} in these inputs is the tool's own syntax, replaced before IAM sees the policy:
# Serverless Framework variables (${self:custom.x}, ${opt:stage, 'dev'}) and Amplify CLI's
# ${env} in custom-policies.json.
_OWN_SYNTAX = ("serverless", "custom-policies")

_HOW = {
    "MISSING_BRACE_IN_VARIABLE": "has no closing '}'",
    "EMPTY_VARIABLE": "names no key",
    "UNSUPPORTED_SPACE_IN_VARIABLE": "has a space in the key name",
    "MISSING_QUOTE_IN_VARIABLE": "has a default value that is not in single quotes (write ${key, 'default'})",
}


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    if document.container in _OWN_SYNTAX or not document.may_hold_placeholder:
        return  # every finding is about a "${"
    for statement in document.statements:
        for key in _EXPANDED + _NOT_EXPANDED:
            if key not in statement.data:
                continue
            value = statement.data[key]
            if not holds_placeholder(value):
                continue
            for path, text in _strings(value, statement.path + (key,)):
                if "${" not in text:
                    continue
                found = list(problems(text))
                for problem in found:
                    yield Violation(path, {"variable": problem.variable, "how": _HOW[problem.code]},
                                    variant="syntax")
                if found or key in _EXPANDED:
                    continue
                if key.endswith("Action") and not well_formed_action(text):
                    continue  # APL101 reports the action
                yield Violation(path, {"value": text, "element": key}, variant="element")


def _strings(value: Any, path: JsonPath) -> Iterator[tuple[JsonPath, str]]:
    # Inside an intrinsic (Fn::Sub), ${...} is CloudFormation's, not IAM's.
    for node_path, node in iter_nodes(value, path, prune=is_intrinsic):
        if isinstance(node, str):
            yield node_path, node


RULE = Rule(
    id="APL110",
    name="invalid-policy-variable",
    severity=Severity.ERROR,
    scope=Scope.DOCUMENT,
    summary="a malformed ${...} policy variable, or one in an element that takes none",
    why=(
        "IAM reads ${key} in Resource, NotResource and condition values, optionally with a "
        "default in single quotes: ${aws:PrincipalTag/team, 'none'}. A variable without its "
        "closing brace, an empty ${}, a space in the key name or a default without quotes is "
        "malformed, and a variable in Action or Principal is never expanded: Access Analyzer "
        "reports each as an error, and the statement cannot match what its author meant. "
        "Values that are Serverless Framework or Amplify CLI variables, or CloudFormation Fn::Sub "
        "text, are not IAM's and are not judged."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": "s3:GetObject",\n    "Resource": "arn:aws:s3:::home/${aws:PrincipalTag/team, none}/*"\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": "s3:GetObject",\n    "Resource": "arn:aws:s3:::home/${aws:PrincipalTag/team, \'none\'}/*"\n  }]\n}\n',
    fix="Write variables as ${key} or ${key, 'default'}, with no space in the key, and only in "
        "Resource, NotResource or condition values; write ${*}, ${?} or ${$} for a literal "
        "*, ? or $.",
    messages={
        "syntax": "policy variable {variable!r} {how}",
        "element": "{element} does not take policy variables: {value!r} is compared literally",
    },
    check=check,
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html",),
    access_analyzer=("MISSING_BRACE_IN_VARIABLE", "MISSING_QUOTE_IN_VARIABLE", "UNSUPPORTED_SPACE_IN_VARIABLE",
                     "EMPTY_VARIABLE", "VARIABLE_UNSUPPORTED_IN_ELEMENT"),
)
