"""APL401: ``Principal: "*"`` in an Allow of a trust or resource policy, with no condition
that restricts who can use it."""
from __future__ import annotations

from typing import Any, Iterable, Iterator

from ..conditions import parse_operator
from ..locate import is_endpoint_policy
from ..model import Context, JsonPath, Rule, Scope, Severity, Violation
from ..policy import DocKind, PolicyDocument, Statement, is_intrinsic

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
# Operators that restrict: equality and matching, never negated, never ...IfExists (which
# passes when the key is absent), never Null (which tests presence only).
_POSITIVE = ("StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike",
             "IpAddress", "Bool", "BinaryEquals", "NumericEquals")
_ARN_KEYS = frozenset(k.lower() for k in ("aws:SourceArn", "aws:PrincipalArn", "aws:SourceVpcArn",
                                           "s3:DataAccessPointArn", "lambda:SourceFunctionArn"))
_EVERY_ADDRESS = ("0.0.0.0/0", "::/0")


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    if document.kind not in (DocKind.TRUST, DocKind.RESOURCE) or is_endpoint_policy(document):
        return  # in a VPC endpoint policy, "*" is whoever uses the endpoint in your VPC
    if any(s.effect == "Deny" and restricts(s.condition, RESTRICTING_KEYS, negated_too=True) is not False
           for s in document.statements):
        return  # a Deny on a restricting key (StringNotEquals aws:PrincipalOrgID) narrows the Allow
    for statement in document.statements:
        if statement.effect != "Allow" or statement.principal_key != "Principal":
            continue
        if restricts(statement.condition, RESTRICTING_KEYS) is not False:
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


def restricts(condition: Any, keys: Iterable[str], negated_too: bool = False) -> bool | None:
    """Whether ``condition`` limits the statement through one of ``keys``.

    True: a positive test of a key against a concrete value. False: provably not (no such
    key, or only tests that pass for everyone: IfExists, ForAllValues, Null, a negation, a
    value of only wildcards, 0.0.0.0/0). None: cannot tell (an intrinsic function), which
    callers treat as restricting, so that they stay quiet. With ``negated_too``, negated
    operators count too (for Deny statements, where they are the restricting form).
    """
    if condition is None or condition == {}:
        return False
    if not isinstance(condition, dict) or is_intrinsic(condition):
        return None
    wanted = {k.lower() for k in keys}
    unknown = False
    for operator_text, block in condition.items():
        if not isinstance(block, dict) or is_intrinsic(block):
            unknown = True
            continue
        operator = parse_operator(str(operator_text))
        if not operator.known:
            unknown = True
            continue
        negated = "Not" in operator.base
        if operator.if_exists or operator.qualifier == "ForAllValues:" or operator.base == "Null":
            continue
        if negated and not negated_too:
            continue
        if not negated and operator.base not in _POSITIVE:
            continue
        for key, values in block.items():
            if not isinstance(key, str) or key.lower() not in wanted:
                continue
            verdict = _restricting_values(key.lower(), operator.base, values)
            if verdict is None:
                unknown = True
            elif verdict:
                return True
    return None if unknown else False


def _restricting_values(key: str, operator: str, values: Any) -> bool | None:
    items = values if isinstance(values, list) else [values]
    if not items:
        return False
    for value in items:
        if isinstance(value, dict):
            return None  # an intrinsic: a concrete value known at deploy time
        if isinstance(value, bool) or not isinstance(value, str):
            value = str(value).lower()
        if operator == "Bool":
            if value.lower() == "true" and key == "aws:principalisawsservice":
                return True
            continue
        if operator == "IpAddress":
            if value not in _EVERY_ADDRESS:
                return True
            continue
        if ("Like" in operator or operator.startswith("Arn")) and not _concrete_pattern(key, value):
            continue
        if value.strip():
            return True
    return False


def _concrete_pattern(key: str, value: str) -> bool:
    """Whether a Like pattern pins something down (not "*", "o-*", "arn:aws:sns:*:*:topic")."""
    literal = value.replace("*", "").replace("?", "")
    if not literal or literal in ("o-", "arn:", "arn:aws:"):
        return False
    if key in _ARN_KEYS and value.startswith("arn:"):
        parts = value.split(":", 5)
        if len(parts) < 6:
            return False
        service, account, resource = parts[2], parts[4], parts[5]
        if service == "s3":
            # Bucket names are global and S3 ARNs carry no account: a named bucket restricts.
            return bool(resource) and resource[0] not in "*?"
        return bool(account) and "*" not in account and "?" not in account
    return True


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
