"""APL505: IP ranges in conditions that can be written better.

- A CIDR with host bits set (``203.0.113.5/24``): IAM takes it as the network
  (``203.0.113.0/24``), which is not what it reads as (IMPROVE_IP_RANGE).
- ``aws:SourceIp`` lists private ranges beside public ones: a request reaches AWS from a
  private address only through a VPC endpoint, and then ``aws:SourceIp`` is not set (AWS
  documents ``aws:VpcSourceIp`` for that), so the private entries never match under
  ``IpAddress`` (PRIVATE_IP_ADDRESS_SUBSET) and always pass under ``NotIpAddress``
  (PRIVATE_NOT_IP_ADDRESS_SUBSET).

Private ranges are RFC 1918's, as ``aws_formats.PRIVATE_NETWORKS`` keeps them for APL206's
private-only check: one definition for both.
"""
from __future__ import annotations


from ..aws_formats import is_private_network
from ..context import Context
from ..model import Rule, Scope, Severity, Violation
from ..policy import PolicyDocument

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator


def _network(text: str):
    import ipaddress  # only an IP condition needs it (it imports functools): start-up

    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def _strict(text: str) -> bool:
    """Whether the CIDR has no host bits set."""
    import ipaddress

    try:
        ipaddress.ip_network(text)
    except ValueError:
        return False
    return True


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    for statement in document.statements:
        for condition in statement.conditions:
            if condition.operator.family != "Ip":
                continue
            networks = []
            for value in condition.values:
                text = value.text
                network = _network(text) if text is not None and "${" not in text else None
                if network is None:
                    continue
                networks.append((value, network))
                if "/" in text and not _strict(text):
                    yield Violation(value.path, {"value": text, "network": network.with_prefixlen},
                                    variant="host-bits")
            if condition.key_lower != "aws:sourceip" or len(networks) < 2:
                continue
            private = [(v, n) for v, n in networks if is_private_network(n.with_prefixlen)]
            if private and len(private) < len(networks):
                variant = "not-private" if condition.operator.base == "NotIpAddress" else "private"
                for value, _ in private:
                    yield Violation(value.path, {"value": value.text, "operator": condition.operator.text},
                                    variant=variant)


RULE = Rule(
    id="APL505",
    name="ip-range",
    severity=Severity.INFO,
    scope=Scope.DOCUMENT,
    summary="IP range with host bits set, or private ranges beside public ones in aws:SourceIp",
    why=(
        "IAM reads 203.0.113.5/24 as the network 203.0.113.0/24: the address written is not the "
        "one matched, which hides a mistake (a /32 was meant) or makes a review harder. "
        "aws:SourceIp is the public address a request comes from; a request from a private "
        "address reaches AWS only through a VPC endpoint, and then aws:SourceIp is absent (use "
        "aws:VpcSourceIp or aws:SourceVpce). Private ranges in an aws:SourceIp list therefore "
        "never match under IpAddress and always pass under NotIpAddress. IAM Access Analyzer "
        "suggests fixing both."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": "s3:GetObject",\n    "Resource": "arn:aws:s3:::amplify-app/*",\n    "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.5/24", "10.0.0.0/16"]}}\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": "s3:GetObject",\n    "Resource": "arn:aws:s3:::amplify-app/*",\n    "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}\n  }]\n}\n',
    fix="Write the network address (203.0.113.0/24) or a /32 for one address; test private "
        "addresses with aws:VpcSourceIp (and aws:SourceVpc or aws:SourceVpce) in a statement of "
        "their own.",
    messages={
        "host-bits": "{value!r} has host bits set: IAM matches the network {network!r}; write that, or "
                     "a /32 for one address",
        "private": "{value!r} is a private range: under {operator} on aws:SourceIp it never matches "
                   "(requests from private addresses carry aws:VpcSourceIp instead)",
        "not-private": "{value!r} is a private range: under {operator} on aws:SourceIp it always passes "
                       "(requests from private addresses carry aws:VpcSourceIp instead)",
    },
    check=check,
    access_analyzer=("IMPROVE_IP_RANGE", "PRIVATE_IP_ADDRESS_SUBSET", "PRIVATE_NOT_IP_ADDRESS_SUBSET"),
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceip",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress",
    ),
)
