"""APL002: a key repeated in one mapping."""
from ..model import Rule, Scope, Severity
from ..source.problems import Problem

# The input problem this rule reports.
PROBLEM = Problem.DUPLICATE_KEY

RULE = Rule(
    id="APL002",
    name="duplicate-key",
    severity=Severity.ERROR,
    scope=Scope.INPUT,
    summary="a key repeated in one mapping",
    why=(
        "JSON and YAML parsers keep only the last of two equal keys, silently. A statement with two "
        "Action keys grants only the second list; the first, which someone wrote on purpose, is "
        "gone without a trace. IAM itself never sees the duplicate, so nothing else warns you."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": "amplify:DeleteApp",\n    "Action": "amplifybackend:RemoveAllBackends",\n    "Resource": "*"\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": ["amplify:DeleteApp", "amplifybackend:RemoveAllBackends"],\n    "Resource": "*"\n  }]\n}\n',
    fix="Merge the two values into one key (for Action or Resource, one list), or delete the one "
        "you did not mean.",
    messages={"default": "{message}"},
)
