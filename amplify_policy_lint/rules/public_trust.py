"""APL401: ``Principal: "*"`` in an Allow of a trust or resource policy, with no condition
that restricts who can use it."""
from __future__ import annotations


from ..context import Context
from ..model import JsonPath, Rule, Scope, Severity, Violation
from ..policy import DocKind, PolicyDocument, Statement, is_intrinsic
from ..trust import restricts

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator

# Condition keys that, compared with a positive operator against a concrete value, limit a
# statement to known accounts, organizations, networks or services (lower case: IAM compares
# condition keys without regard to case).
RESTRICTING_KEYS = frozenset(k.lower() for k in (
    "aws:SourceArn", "aws:SourceAccount", "aws:SourceOwner", "aws:SourceOrgID", "aws:SourceOrgPaths",
    "aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalAccount", "aws:PrincipalArn",
    "aws:SourceVpce", "aws:SourceVpc", "aws:SourceVpcArn", "aws:SourceIp", "aws:VpceAccount",
    "aws:VpceOrgID", "aws:VpceOrgPaths", "aws:userid", "aws:username", "aws:PrincipalIsAWSService",
    "aws:PrincipalServiceName", "aws:PrincipalServiceNamesList", "kms:CallerAccount",
    "s3:DataAccessPointAccount", "s3:DataAccessPointArn", "lambda:SourceFunctionArn",
))


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    if document.kind not in (DocKind.TRUST, DocKind.RESOURCE) or document.vpc_endpoint:
        return  # in a VPC endpoint policy, "*" is whoever uses the endpoint in your VPC
    if any(s.effect == "Deny" and restricts(s, RESTRICTING_KEYS, negated_too=True) is not False
           for s in document.statements):
        return  # a Deny on a restricting key (StringNotEquals aws:PrincipalOrgID) narrows the Allow
    for statement in document.statements:
        if statement.effect != "Allow" or statement.principal_key != "Principal":
            continue
        if restricts(statement, RESTRICTING_KEYS) is not False:
            continue
        for path in public_entries(statement):
            yield Violation(path, {"where": document.label, "who": _who(document)},
                            variant="conditional" if statement.conditional else "default")


def public_entries(statement: Statement) -> Iterator[JsonPath]:
    """Paths of the ``"*"`` entries that make a statement's Principal everyone."""
    principal = statement.principal
    base = statement.path + ("Principal",)
    if principal == "*":
        yield base
    elif isinstance(principal, dict) and not is_intrinsic(principal):
        value = principal.get("AWS")
        if value == "*":
            yield base + ("AWS",)
        elif isinstance(value, list):
            for index, entry in enumerate(value):
                if entry == "*":
                    yield base + ("AWS", index)


def _who(document: PolicyDocument) -> str:
    return "assume this role" if document.kind is DocKind.TRUST else "use this resource"


RULE = Rule(
    id="APL401",
    name="public-trust",
    severity=Severity.ERROR,
    scope=Scope.DOCUMENT,
    summary='Principal "*" in an Allow of a trust or resource policy without a restricting condition',
    why=(
        "Principal \"*\" (or {\"AWS\": \"*\"}) means every AWS principal in every account, and "
        "anonymous callers where the service allows them. In a role's trust policy it lets anyone "
        "assume the role; in a bucket, queue, topic or key policy it opens the resource to the "
        "world. Only a condition on who is calling (aws:PrincipalOrgID, aws:PrincipalAccount, "
        "aws:SourceAccount, aws:SourceArn, aws:SourceVpce, ...) with a concrete value makes it "
        "safe; IfExists operators, negations, ForAllValues, Null tests and values like \"*\" do "
        "not, because they pass for callers the author did not mean."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Principal": {"AWS": "*"},\n    "Action": "sts:AssumeRole"\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Principal": {"AWS": "*"},\n    "Action": "sts:AssumeRole",\n    "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}\n  }]\n}\n',
    fix="Name the principals (an account, role or service), or add a condition on "
        "aws:PrincipalOrgID, aws:PrincipalAccount or aws:SourceArn/aws:SourceAccount with a "
        "concrete value.",
    messages={
        "default": 'Principal "*" lets anyone {who} ({where}); name the principals or add a '
                   'condition such as aws:PrincipalOrgID',
        "conditional": 'Principal "*" lets anyone {who} ({where}): its condition does not restrict '
                       'who the caller is; add aws:PrincipalOrgID, aws:PrincipalAccount or aws:SourceArn',
    },
    check=check,
    example_name="trust-policy.json",
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html",),
)
