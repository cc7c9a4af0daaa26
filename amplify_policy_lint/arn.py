"""The structure of ARNs as IAM checks it when a policy is created."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from .wildcard import has_wildcard

# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
PARTITIONS = ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc")
# IAM ARNs never carry a region; S3 bucket and object ARNs (no account) do not either,
# while access points, jobs and access grants (with an account) do. IAM rejects the others.
# The IAM resource types: those IAM's MalformedPolicyDocument message lists, the newer ones
# in the Service Authorization Reference (assumed-role, delegation-request, role-template),
# and the account root, which AWS managed policies name as a resource.
IAM_RESOURCE_PREFIXES = (
    "user/", "federated-user/", "role/", "group/", "instance-profile/", "mfa/",
    "server-certificate/", "policy/", "sms-mfa/", "saml-provider/", "oidc-provider/",
    "report/", "access-report/", "assumed-role/", "delegation-request/", "role-template/",
    "root",
)
# No "{" inside: from each "${" the scan stops at the next "{", so a text of many "${" without
# "}" is read in linear time ([^}]* made it quadratic: a 1 MB Resource took minutes).
_VARIABLE = re.compile(r"\$\{[^{}]*\}")


class ArnProblem(NamedTuple):
    message: str
    rejected: bool  # True: IAM refuses the policy; False: accepted but matches nothing


@lru_cache(maxsize=4096)
def check_resource(resource: str) -> ArnProblem | None:
    """The problem IAM has with ``resource`` (a Resource/NotResource entry), if any.
    (Remembered: APL106 and APL205 ask about the same entries, and policies repeat them.)"""
    if resource == "*":
        return None
    text = _VARIABLE.sub("x", resource)  # ${aws:username} holds a colon of its own
    if ":" not in text:
        return ArnProblem("is not an ARN or \"*\"", True)
    parts = text.split(":")
    if parts[0] != "arn":
        return ArnProblem("does not start with \"arn:\"", True)
    partition = parts[1]
    if partition not in PARTITIONS and not has_wildcard(partition):
        return ArnProblem(f"has unknown partition {partition!r} (expected one of {', '.join(PARTITIONS)})", True)
    if len(parts) < 3:
        return ArnProblem("has no service", True)
    service = parts[2]
    if not service:
        return ArnProblem("has an empty service", True)
    if len(parts) < 6 and "::" in text:
        return ArnProblem("has fewer than six parts (arn:partition:service:region:account:resource)", True)
    if service == "iam" and len(parts) > 3 and parts[3]:
        return ArnProblem(f"has region {parts[3]!r}, but IAM ARNs have none", True)
    if service == "s3" and len(parts) > 4 and parts[3] and not parts[4]:
        return ArnProblem(f"has region {parts[3]!r}, but S3 bucket ARNs have none", True)
    if len(parts) < 6:
        return ArnProblem("has fewer than six parts (arn:partition:service:region:account:resource), "
                          "so it matches no resource", False)
    if service == "iam":
        path = ":".join(parts[5:])
        if not _iam_path_ok(path):
            return ArnProblem("names no IAM resource type (user/, role/, group/, policy/, ...)", True)
    return None


def _iam_path_ok(path: str) -> bool:
    # With a wildcard before the type is complete, any type may match: accept it.
    cut = min((i for i in (path.find("*"), path.find("?")) if i >= 0), default=-1)
    if cut >= 0:
        head = path[:cut]
        return any(prefix.startswith(head) or head.startswith(prefix) for prefix in IAM_RESOURCE_PREFIXES)
    return path.startswith(IAM_RESOURCE_PREFIXES)
