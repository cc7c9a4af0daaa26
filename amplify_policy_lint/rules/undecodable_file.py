"""APL003: the file is not UTF-8 text."""
from ..model import Rule, Scope, Severity
from ..source.problems import Problem

# The input problem this rule reports.
PROBLEM = Problem.UNDECODABLE

RULE = Rule(
    id="APL003",
    name="undecodable-file",
    severity=Severity.ERROR,
    scope=Scope.INPUT,
    summary="not UTF-8, NUL bytes, or a BOM in the wrong place",
    why=(
        "IAM, CloudFormation and the Amplify CLI read policies as UTF-8. A file saved as UTF-16 "
        "(some Windows editors do this), one with a stray byte order mark from concatenating "
        "files, or a binary file given a .json name, fails at deploy time with an unhelpful "
        "error. A UTF-8 byte order mark at the very start is accepted."
    ),
    bad='{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}\n',
    good='{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}\n',
    fix="Save the file as UTF-8 (without a byte order mark), or remove the binary content.",
    messages={"default": "{message}"},
    example_encoding="utf-16",
)
