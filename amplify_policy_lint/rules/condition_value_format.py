"""APL206: a condition value of the wrong form for its key, which no request ever carries."""
from __future__ import annotations


from .. import aws_formats, regex
from ..condition_keys import key_type
from ..context import Context
from ..model import Rule, Scope, Severity, Violation
from ..policy import Condition, PolicyDocument
from ..wildcard import has_wildcard

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator

# Keys whose values are service principals (IAM User Guide, AWS global condition context keys;
# iam:PassedToService and iam:AWSServiceName in the IAM Service Authorization Reference).
_SERVICE_PRINCIPAL_KEYS = frozenset({
    "aws:calledvia", "aws:calledviafirst", "aws:calledvialast", "aws:principalservicename",
    "aws:principalservicenameslist", "iam:passedtoservice", "iam:awsservicename",
})
_VPC_KEYS = frozenset({"aws:sourcevpc", "aws:ec2instancesourcevpc"})
_VPCE_KEYS = frozenset({"aws:sourcevpce"})
_REGION_KEYS = frozenset({"aws:requestedregion"})
# A KMS key's ARN: arn:PARTITION:kms:REGION:ACCOUNT:key/KEY-ID.
_KMS_KEY_ARN = regex.compile(r"arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/\S+")


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    for statement in document.statements:
        for condition in statement.conditions:
            key = condition.key_lower
            if key is None or not condition.operator.known or condition.operator.family == "Null":
                continue
            yield from _check(condition, key, context)


def _check(condition: Condition, key: str, context: Context) -> Iterator[Violation]:
    family = condition.operator.family
    if key == "aws:sourceip" and family == "Ip":
        yield from _private_only(condition)
        return
    if family not in ("String", "Arn"):
        return  # another operator family is APL105's or the operator rule's finding
    texts = [(item, item.text) for item in condition.values
             if item.text is not None and "${" not in item.text]
    for item, text in texts:
        found = _problem(key, text, condition, context)
        if found is not None:
            variant, args = found
            yield Violation(item.path, {"value": text, "key": condition.key, **args}, variant=variant)


def _problem(key: str, text: str, condition: Condition, context: Context) -> tuple[str, dict] | None:
    literal = not has_wildcard(text)
    if key in _SERVICE_PRINCIPAL_KEYS:
        if literal and not aws_formats.is_service_principal(text):
            return "service", {}
    elif key in _VPC_KEYS:
        if literal and not aws_formats.VPC_ID.fullmatch(text):
            return "vpc", {}
    elif key in _VPCE_KEYS:
        if literal and not aws_formats.VPCE_ID.fullmatch(text):
            return "vpce", {}
    elif key in _REGION_KEYS:
        if literal and not aws_formats.is_region(text):
            return "region", {"hint": _region_hint(text)}
    elif _takes_kms_key_arn(key, context) and not _may_be_kms_key_arn(text):
        return "kms", {}
    return None


def _private_only(condition: Condition) -> Iterator[Violation]:
    """IpAddress/NotIpAddress on aws:SourceIp with private ranges only."""
    if condition.operator.qualifier or not condition.values or any(i.unknown for i in condition.values):
        return
    private = [aws_formats.is_private_network(i.value) if isinstance(i.value, str) else None
               for i in condition.values]
    if not all(private):
        return  # a public range, or a value that is no range (APL105's)
    variant = "private-ip" if condition.operator.base == "IpAddress" else "private-not-ip"
    yield Violation(condition.path, {"key": condition.key, "operator": condition.operator.text},
                    variant=variant, part="key")


def _takes_kms_key_arn(key: str, context: Context) -> bool:
    """A service key (in lower case) of ARN type that names a KMS key
    (s3:x-amz-server-side-encryption-aws-kms-key-id, secretsmanager:kmskeyarn, ...), as the
    catalog defines it."""
    prefix, _, name = key.partition(":")
    if "kms" not in name or "key" not in name.replace("kms", "", 1) or prefix == "aws":
        return False
    return key_type(context.catalog, key) in ("ARN", "ArrayOfARN")


def _may_be_kms_key_arn(text: str) -> bool:
    if not has_wildcard(text):
        return _KMS_KEY_ARN.fullmatch(text) is not None
    fields = text.split(":", 5)
    if len(fields) < 3:
        return not text.startswith("alias/")  # "*", "arn:aws:*": may be a key ARN
    if fields[0] != "arn" and not has_wildcard(fields[0]):
        return False
    if not has_wildcard(fields[2]) and fields[2] != "kms":
        return False
    if len(fields) == 6 and not has_wildcard(fields[5][:6]) and fields[5].startswith("alias/"):
        return False
    return True


def _region_hint(text: str) -> str:
    from difflib import get_close_matches  # only a finding needs it

    close = get_close_matches(text.lower().strip(), aws_formats.REGIONS, n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else ""


RULE = Rule(
    id="APL206",
    name="condition-value-format",
    severity=Severity.ERROR,
    scope=Scope.DOCUMENT,
    summary="a condition value of the wrong form for its key (VPC, endpoint, Region, KMS key, service, private IP)",
    why=(
        "Some condition keys carry values of a fixed form: aws:SourceVpc a VPC id (vpc-...), "
        "aws:SourceVpce an endpoint id (vpce-...), aws:RequestedRegion a Region code (us-east-1), "
        "aws:CalledVia and iam:PassedToService a service principal (lambda.amazonaws.com), KMS key "
        "keys such as s3:x-amz-server-side-encryption-aws-kms-key-id a key ARN, not an alias or a "
        "bare key id. A value of another form matches no request, so an Allow under it grants "
        "nothing and a Deny never applies. aws:SourceIp is a public address: a request through a "
        "VPC endpoint carries none, so IpAddress with private ranges only (10.0.0.0/8, "
        "172.16.0.0/12, 192.168.0.0/16) never matches and NotIpAddress with them always does."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Deny",\n    "Action": "s3:*",\n    "Resource": "*",\n    "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-prod"}}\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Deny",\n    "Action": "s3:*",\n    "Resource": "*",\n    "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}\n  }]\n}\n',
    fix="Write the value in the key's form (vpc-1a2b3c4d, vpce-1a2b3c4d, us-east-1, "
        "lambda.amazonaws.com, arn:aws:kms:REGION:ACCOUNT:key/KEY-ID); for private addresses use "
        "aws:VpcSourceIp with aws:SourceVpc, or aws:SourceVpce, instead of aws:SourceIp.",
    messages={
        "service": "{key} value {value!r} is not a service principal such as lambda.amazonaws.com "
                   "(lower case); it matches no request",
        "vpc": "{key} value {value!r} is not a VPC id (vpc- and 8 or 17 characters); it matches no request",
        "vpce": "{key} value {value!r} is not a VPC endpoint id (vpce- and 8 or 17 characters); it "
                "matches no request",
        "region": "{key} value {value!r} is not a Region code such as us-east-1{hint}",
        "kms": "{key} value {value!r} is not a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/KEY-ID): "
               "requests carry the key's ARN, never an alias or a bare id",
        "private-ip": "{operator} on {key} names only private ranges: aws:SourceIp is never a private "
                      "address, so this never matches (use aws:VpcSourceIp with aws:SourceVpc)",
        "private-not-ip": "{operator} on {key} names only private ranges: aws:SourceIp is never a private "
                          "address, so this always matches (use aws:VpcSourceIp with aws:SourceVpc)",
    },
    check=check,
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html",),
    access_analyzer=("INVALID_VPC_FORMAT", "INVALID_VPCE_FORMAT", "INVALID_REGION", "INVALID_KMS_KEY_VALUE",
                     "INVALID_SERVICE_PRINCIPAL_FORMAT", "PRIVATE_IP_ADDRESS", "PRIVATE_NOT_IP_ADDRESS"),
)
