"""APL004: the file is beyond what the linter reads."""
from ..model import Rule, Scope, Severity
from ..source.problems import Problem

# The input problem this rule reports.
PROBLEM = Problem.LIMIT

RULE = Rule(
    id="APL004",
    name="input-limit",
    severity=Severity.ERROR,
    scope=Scope.INPUT,
    summary="file too large, nesting too deep, too many YAML aliases",
    why=(
        "A commit hook must finish quickly on anything people commit. Files beyond the limits "
        "(20 MiB, 100 levels of nesting, 1,000 YAML aliases or 100,000 nodes of alias expansion, "
        "1,000,000-character strings, 1,000 statements in a document or in a principal's policies) "
        "are far outside what IAM accepts (a managed policy is at most 6,144 characters) and are "
        "usually generated or hostile: a YAML "
        "alias bomb expands a few lines into billions of nodes. The file is reported instead of "
        "being read."
    ),
    bad='a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nStatement: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n',
    good='Version: "2012-10-17"\nStatement:\n  - Effect: Allow\n    Action: s3:GetObject\n    Resource: "*"\n',
    fix="Split the file, remove the generated or repeated content, or exclude the file in the "
        "configuration if it is not a policy.",
    messages={"default": "{message}"},
    example_name="policy.yaml",
)
