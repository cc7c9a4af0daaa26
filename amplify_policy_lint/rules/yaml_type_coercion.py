"""APL005: a YAML scalar whose type silently changes."""
from __future__ import annotations

from .. import regex
from ..context import Context
from ..model import Fix, Rule, Safety, Scope, Severity, Violation
from ..policy import PolicyDocument
from ..source import iter_nodes

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator

_BOOL_WORDS = {"yes", "no", "on", "off"}
_DECIMAL = regex.compile(r"[-+]?(0|[1-9][0-9]*)\Z")
_STD = "tag:yaml.org,2002:"


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    scalars = document.source.yaml_scalars
    if not scalars:
        return
    base = document.base
    for path, value in iter_nodes(document.data):
        if isinstance(value, (dict, list)):
            continue
        scalar = scalars.get(base + path)
        if scalar is None or not scalar.plain:
            continue
        text = document.raw(path)
        if scalar.tag == _STD + "timestamp":
            # CloudFormation reads a date scalar back as the text written, so a template deploys
            # as meant (Amplify CLI writes its auth templates so): only other tools are misled.
            severity = Severity.INFO if document.container == "cloudformation" else None
            yield Violation(path, {"text": text}, variant="date", severity=severity,
                            fix=_quoting(document, path, text))
        elif scalar.tag == _STD + "bool" and text.lower() in _BOOL_WORDS:
            yield Violation(path, {"text": text, "value": str(value).lower()}, variant="bool")
        elif scalar.tag == _STD + "int" and _is_lossy_int(text, path):
            # Twelve digits are an account id, whatever the slot: quoting is the only intent.
            fix = _quoting(document, path, text) if _ACCOUNT_ID.match(text) else None
            yield Violation(path, {"text": text, "value": value}, variant="number", fix=fix)
        elif scalar.tag == _STD + "float" and _in_string_slot(path):
            yield Violation(path, {"text": text, "value": value}, variant="number")


_ACCOUNT_ID = regex.compile(r"[0-9]{12}\Z")


def _quoting(document: PolicyDocument, path: tuple, text: str) -> Fix | None:
    from ..edits import quote_scalar  # a fix is built only for a finding

    edits = quote_scalar(document, path)
    return Fix(Safety.SAFE, f"quote {text}", edits) if edits else None


def _is_lossy_int(text: str, path: tuple) -> bool:
    """An integer where a string was meant: an account id, a leading zero, octal or hex."""
    if not _DECIMAL.match(text.replace("_", "")) or "_" in text:
        return True  # 0o17, 0x1F, 017, 1_000, 1:30 (sexagesimal): never what a policy means
    digits = text.lstrip("+-")
    return len(digits) == 12 or _in_string_slot(path)


def _in_string_slot(path: tuple) -> bool:
    """Where IAM expects strings only: everything but condition values."""
    return "Condition" not in path


RULE = Rule(
    id="APL005",
    name="yaml-type-coercion",
    severity=Severity.WARNING,
    scope=Scope.DOCUMENT,
    summary="a YAML scalar that changes type silently (date Version, numeric account id)",
    why=(
        "YAML 1.1, which PyYAML, js-yaml (Serverless) and many CloudFormation tools use, turns "
        "unquoted 2012-10-17 into a date, 123456789012 into a number, 012345670123 into an octal "
        "number and yes/no/on/off into booleans. CloudFormation happens to read some of them back "
        "as text, but other tools in your pipeline do not: an account id with a leading zero loses "
        "it, and a Version that became a date is rendered as 2012-10-17T00:00:00Z by "
        "converters. Quoting makes the file mean the same thing to every tool. In a CloudFormation "
        "template a date is only info: CloudFormation itself deploys it as the text written."
    ),
    bad='Version: 2012-10-17\nStatement:\n  - Effect: Allow\n    Principal:\n      AWS: 123456789012\n    Action: sts:AssumeRole\n',
    good='Version: "2012-10-17"\nStatement:\n  - Effect: Allow\n    Principal:\n      AWS: "123456789012"\n    Action: sts:AssumeRole\n',
    fix="Quote the value: Version: \"2012-10-17\", AWS: \"123456789012\", Value: \"yes\".",
    messages={
        "date": "unquoted {text} is a YAML date, not a string; quote it",
        "bool": "unquoted {text} is the YAML boolean {value}, not a string; quote it",
        "number": "unquoted {text} is the YAML number {value}, not a string; quote it",
    },
    check=check,
    example_name="trust-policy.yaml",
    autofix="safe: quotes an unquoted date (2012-10-17) or twelve-digit account id in the "
            "file's quote style; booleans and other numbers are left to you (which string was "
            "meant is not certain).",
)
