"""APL109: a Sid with characters IAM does not accept in its own policies."""
from __future__ import annotations


from .. import regex
from ..context import Context
from ..model import Rule, Scope, Severity, Violation
from ..policy import DocKind, PolicyDocument

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator

# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html: "The Sid
# element supports ASCII uppercase letters (A-Z), lowercase letters (a-z), and numbers (0-9)";
# IAM's MalformedPolicyDocument message quotes the same expression, [0-9A-Za-z]*.
_OTHER = regex.compile(r"[^0-9A-Za-z]")

# The documents IAM itself stores and validates: identity policies and role trust policies.
# Resource policies belong to their service, and S3 bucket and KMS key policies accept spaces
# and punctuation (AWS's own examples use "Enable IAM User Permissions").
_IAM_KINDS = (DocKind.IDENTITY, DocKind.TRUST)


def _iam_sid(sid: str) -> bool:
    """[0-9A-Za-z]* without a regular expression (on an ASCII text, isalnum is that class)."""
    return sid == "" or (sid.isascii() and sid.isalnum())


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    if document.kind not in _IAM_KINDS or document.bare_statements:
        return
    for statement in document.statements:
        sid = statement.sid
        if sid is None or _iam_sid(sid):
            continue
        found = sorted(set(_OTHER.findall(sid)))
        shown = " ".join(repr(c) for c in found[:5]) + (" ..." if len(found) > 5 else "")
        yield Violation(statement.path + ("Sid",),
                        {"sid": sid, "chars": shown, "kind": "an identity" if document.kind is DocKind.IDENTITY else "a trust",
                         "suggestion": _suggest(sid)})


def _suggest(sid: str) -> str:
    """The Sid with every other character dropped, words joined in CamelCase."""
    words = [w for w in _OTHER.split(sid) if w]
    joined = "".join(w[:1].upper() + w[1:] for w in words)
    return f"; write it as {joined!r}" if joined else ""


RULE = Rule(
    id="APL109",
    name="invalid-sid",
    severity=Severity.ERROR,
    scope=Scope.DOCUMENT,
    summary="a Sid with characters other than A-Z, a-z and 0-9 in an IAM policy",
    why=(
        "IAM accepts only ASCII letters and digits in a statement's Sid, and rejects an identity "
        "or role trust policy with any other character (MalformedPolicyDocument) when the stack or plan is deployed. Resource "
        "policies are checked by their own service: S3 bucket and KMS key policies accept "
        "spaces and punctuation, so they are not reported."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Sid": "allow-s3-read",\n    "Effect": "Allow",\n    "Action": "s3:GetObject",\n    "Resource": "arn:aws:s3:::my-bucket/*"\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Sid": "AllowS3Read",\n    "Effect": "Allow",\n    "Action": "s3:GetObject",\n    "Resource": "arn:aws:s3:::my-bucket/*"\n  }]\n}\n',
    fix="Remove every character but letters and digits from the Sid (AllowS3Read, not allow-s3-read).",
    messages={"default": "Sid {sid!r} holds {chars}: {kind} policy's Sid may hold only A-Z, a-z "
                         "and 0-9{suggestion}"},
    check=check,
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html",),
    access_analyzer=("UNSUPPORTED_SID",),
)
