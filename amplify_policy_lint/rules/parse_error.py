"""APL001: the file is not valid JSON or YAML."""
from ..model import Rule, Scope, Severity
from ..source.problems import Problem

# The input problem this rule reports.
PROBLEM = Problem.SYNTAX

RULE = Rule(
    id="APL001",
    name="parse-error",
    severity=Severity.ERROR,
    scope=Scope.INPUT,
    summary="JSON or YAML syntax error",
    why=(
        "A policy file that does not parse cannot be deployed: CloudFormation, the Amplify CLI "
        "and IAM all reject it, often with a message that names neither the file nor the line. "
        "The linter reports the first syntax error at its exact position; it does so only for files "
        "that look like they hold policies (they mention Statement, Resources or "
        "AWSTemplateFormatVersion, or are named custom-policies.json), so a tsconfig.json with "
        "comments is never reported."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",}\n  ]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}\n  ]\n}\n',
    fix="Correct the syntax at the reported position (JSON has no trailing commas, comments, "
        "single quotes or NaN).",
    messages={"default": "{message}"},
    access_analyzer=("JSON_SYNTAX_ERROR",),
)
