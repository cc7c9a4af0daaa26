"""APL111: a Principal value IAM or the resource's service does not accept."""
from __future__ import annotations


from .. import aws_formats
from ..resources import PARTITIONS, parse_arn
from ..context import Context
from ..model import Rule, Scope, Severity, Violation
from ..policy import DocKind, PolicyDocument
from ..wildcard import has_wildcard

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator

# The principal types of an assumed-role session or a user, as an AWS principal names them.
_IAM_TYPES = ("root", "user/", "role/", "federated-user/")
_STS_TYPES = ("assumed-role/", "federated-user/")
# A CloudFront origin access identity's principal has "cloudfront" in the account field.
_OAI_ACCOUNT = "cloudfront"


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    if document.kind is DocKind.IDENTITY:
        return  # a Principal there is APL104's finding
    for statement in document.statements:
        principal = statement.principal
        if not isinstance(principal, dict):
            continue
        # principal_entries leaves out what only deploy time knows (a whole Principal that is
        # an Fn::If, an intrinsic entry, a ${...} that is APL110's or a template's own syntax).
        for kind in principal:
            for value, path in statement.principal_entries(kind):
                found = _problem(kind, value, document.kind)
                if found is not None:
                    variant, args = found
                    yield Violation(path, {"value": value, "kind": kind, **args}, variant=variant)


def _problem(kind: str, value: str, doc_kind: DocKind) -> tuple[str, dict] | None:
    if value != "*" and has_wildcard(value):
        return "wildcard", {}
    if kind == "Service":
        if value != "*" and not aws_formats.is_service_principal(value):
            return "service", {"hint": _service_hint(value)}
    elif kind == "Federated":
        if doc_kind is DocKind.RESOURCE:
            return "federated-resource", {}
        if doc_kind is DocKind.TRUST and value != "*" and not aws_formats.is_federated_provider(value):
            return "federated", {}
    elif kind == "CanonicalUser":
        if value != "*" and not aws_formats.CANONICAL_USER.fullmatch(value):
            return "canonical", {}
    elif kind == "AWS":
        problem = _aws_problem(value)
        if problem is not None:
            return "aws", {"problem": problem}
    return None


def _service_hint(value: str) -> str:
    lowered = value.lower().strip()
    if lowered.startswith("arn:"):
        return "; a service principal is a name, not an ARN"
    if "." not in lowered:
        return f"; did you mean {lowered}.amazonaws.com?"
    if lowered != value and aws_formats.is_service_principal(lowered):
        return f"; write it in lower case, {lowered}"
    return ""


def _aws_problem(value: str) -> str | None:
    """Why an AWS principal value is none IAM accepts: "*", an account id, a unique id, or
    the ARN of an account root, user, role, role session or federated user."""
    if value == "*" or aws_formats.ACCOUNT_ID.fullmatch(value) or aws_formats.UNIQUE_ID.fullmatch(value):
        return None
    if not value.startswith("arn:"):
        if value.isdigit():
            return f"is not 12 digits (an account id has 12; it has {len(value)})"
        return "is neither \"*\", a 12-digit account id nor an IAM ARN"
    arn = parse_arn(value)
    if arn is None:
        return "has fewer than six ':'-separated fields (arn:partition:iam::account:resource)"
    _, partition, service, region, account, resource = arn.fields
    if partition not in PARTITIONS:
        return f"has unknown partition {partition!r}"
    if not service and region in ("iam", "sts"):
        return f"has {region!r} in the region field: write arn:{partition}:{region}::ACCOUNT:..."
    if service not in ("iam", "sts"):
        return f"names service {service!r}; an AWS principal is an iam or sts ARN"
    if region:
        return f"has region {region!r}; IAM and STS principal ARNs have none"
    if account == _OAI_ACCOUNT and service == "iam" and resource.startswith("user/CloudFront Origin Access Identity "):
        return None
    if not aws_formats.ACCOUNT_ID.fullmatch(account):
        return f"has account {account!r}; an account id is 12 digits"
    types = _IAM_TYPES if service == "iam" else _STS_TYPES
    if resource != "root" and not (resource.startswith(types) and resource.rstrip("/") not in
                                   tuple(t.rstrip("/") for t in types)):
        return f"names no {service.upper()} principal (expected {', '.join(t.rstrip('/') for t in types)})"
    return None


RULE = Rule(
    id="APL111",
    name="invalid-principal",
    severity=Severity.ERROR,
    scope=Scope.DOCUMENT,
    summary="a Principal value of the wrong form: service name, account, wildcard, provider",
    why=(
        "A resource or trust policy names whom it applies to, and IAM (or the resource's "
        "service) rejects the policy with \"Invalid principal\" when a value has the wrong form: "
        "a service principal not written as a lower-case name such as lambda.amazonaws.com, an "
        "account id that is not 12 digits, an ARN that names no user, role or account root, a "
        "wildcard inside a value (arn:aws:iam::*:root, role/dev-*: only a whole \"*\" is "
        "allowed), a Federated value that names no identity provider, or a Federated principal "
        "in a resource policy, where only a role's trust policy may name one."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Principal": {"Service": "Lambda"},\n    "Action": "sts:AssumeRole"\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Principal": {"Service": "lambda.amazonaws.com"},\n    "Action": "sts:AssumeRole"\n  }]\n}\n',
    fix="Write service principals as <service>.amazonaws.com in lower case, accounts as 12 digits "
        "or arn:aws:iam::ACCOUNT:root, users and roles by full ARN without wildcards (narrow with "
        "a condition such as aws:PrincipalArn instead), and identity providers by provider ARN or "
        "domain, in trust policies only.",
    messages={
        "wildcard": "{kind} principal {value!r} holds a wildcard: only a whole \"*\" is allowed "
                    "(match names with an aws:PrincipalArn condition instead)",
        "service": "service principal {value!r} is not of the form <service>.amazonaws.com in "
                   "lower case{hint}",
        "federated-resource": "Federated principal {value!r} in a resource policy: only a role's "
                              "trust policy may name an identity provider",
        "federated": "Federated principal {value!r} names no identity provider: write the provider's "
                     "ARN (arn:aws:iam::ACCOUNT:oidc-provider/HOST) or its domain (accounts.google.com)",
        "canonical": "CanonicalUser principal {value!r} is not a 64-character canonical user id",
        "aws": "AWS principal {value!r} {problem}",
    },
    check=check,
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html",),
    access_analyzer=("INVALID_SERVICE_PRINCIPAL_FORMAT", "UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
                     "FEDERATED_PRINCIPAL_NOT_SUPPORTED",
                     "INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY"),
)
