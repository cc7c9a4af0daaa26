"""The values that flow through the pipeline: spans, rules, violations, findings.

Everything here is a frozen record (records.py: a frozen dataclass without its import cost) or
a ``Choices`` set (records.py: an enum without its cost), so a value can be handed from one stage to the next (or to another process) without
anyone changing it underway. This is the ground floor: it imports nothing of the package but
records.py, which imports nothing of it either.
"""
from __future__ import annotations

from .records import Choices, Record, field

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any, Callable, Iterable, Mapping
    from .policy import PolicyDocument

# A JSON path: mapping keys and list indexes from the root of a document or file.
JsonPath = tuple[str | int, ...]


class Severity(Choices):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    @classmethod
    def parse(cls, text: str) -> "Severity":
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise ValueError(f"unknown severity {text!r} (expected error, warning or info)") from None


_RANKS = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Scope(Choices):
    """What a rule looks at."""

    INPUT = "input"  # raised by the reader itself (syntax, encoding, limits)
    DOCUMENT = "document"  # one policy document at a time
    PRINCIPAL = "principal"  # every document of one principal together


class Span(Record):
    """A region of a file. Lines and columns are 1-based code points; the end is exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, line: int, column: int) -> "Span":
        return cls(line, column, line, column + 1)


class Safety(Choices):
    """How sure a fix is (DESIGN.md section 12). ``--fix`` applies safe fixes, which leave what
    the policy allows unchanged or are the only possible intent; ``--unsafe-fixes`` also
    applies unsafe ones, which change what is granted."""

    SAFE = "safe"
    UNSAFE = "unsafe"


class Edit(Record):
    """Replace ``text[start:end]`` of ``file`` by ``replacement``. Offsets count code points of
    the file's text as the linter reads it (UTF-8, a leading byte order mark left out); ``span``
    is the same region in lines and columns, filled in where the finding is made."""

    file: str
    start: int
    end: int
    replacement: str
    span: Span | None = field(default=None, compare=False)


class Fix(Record):
    """Edits that together resolve one finding: all of them are applied, or none."""

    safety: Safety
    description: str
    edits: tuple[Edit, ...]


class Violation(Record):
    """What a rule reports: where (as a JSON path) and the arguments of its message.

    ``variant`` picks one of the rule's messages; ``severity`` overrides the rule's default
    for rules whose severity depends on the case (APL302). ``part`` says which part of the
    node at ``path`` the finding covers: its ``"value"``, its ``"key"`` (the member name), or
    its ``"opening"`` (the first character of a mapping that lacks something). ``document`` is set by principal rules,
    whose findings may lie in any document of the principal.
    """

    path: JsonPath
    args: Mapping[str, Any] = field(default_factory=dict)
    variant: str = "default"
    severity: Severity | None = None
    part: str = "value"
    document: "PolicyDocument | None" = None
    detail: str | None = None
    fix: Fix | None = None


class Rule(Record):
    """A rule's identity, documentation and check.

    ``check`` takes ``(document, context)`` for DOCUMENT rules and ``(principal, context)``
    for PRINCIPAL rules; INPUT rules have none (the reader raises them).
    """

    id: str
    name: str
    severity: Severity
    scope: Scope
    summary: str
    why: str
    bad: str
    good: str
    fix: str
    messages: Mapping[str, str]
    check: Callable[..., Iterable[Violation]] | None = None
    # The file name the bad/good examples are written to (it decides JSON or YAML), and the
    # encoding they are written in (APL003's bad example is not UTF-8).
    example_name: str = "policy.json"
    example_encoding: str = "utf-8"
    references: tuple[str, ...] = ()
    # The IAM Access Analyzer ValidatePolicy issue codes this rule covers (DESIGN.md section 12).
    access_analyzer: tuple[str, ...] = ()
    # What --fix (or --unsafe-fixes) does for this rule's findings, in words; "" when nothing.
    autofix: str = ""

    def message(self, violation: Violation) -> str:
        return self.messages[violation.variant].format(**violation.args)

    def __reduce_ex__(self, protocol):  # type: ignore[override]
        # A registered rule travels between processes (--jobs) as its id, and arrives as the
        # same object as the receiver's own: not as a copy of all its documentation. The
        # lookup is the registry's own function (rules.by_id), which unpickling imports.
        lookup = _REGISTERED.get(self.id)
        if lookup is not None and lookup[0] is self:
            return lookup[1], (self.id,)
        return object.__reduce_ex__(self, protocol)


# Registered rules by id, with the function that finds one by id in a process (rules.by_id).
_REGISTERED: dict[str, tuple[Rule, Callable[[str], Rule]]] = {}


def register_rules(rules: Iterable[Rule], lookup: Callable[[str], Rule]) -> None:
    """Called by the rule registry: these rules travel between processes by id."""
    for rule in rules:
        _REGISTERED[rule.id] = (rule, lookup)


class PrincipalKey(Record):
    """Whose permissions a document is part of: a typed value, never a string parsed back.

    ``kind`` says what defines the principal: ``"file"`` (every document of one policy
    file), ``"amplify-function"`` (an Amplify CLI function's execution role: its
    custom-policies.json and its template's LambdaExecutionRole), ``"group"`` (a configured
    principal group), or the name of the input kind that found it (``"cloudformation"``,
    ``"terraform-plan"``, ``"serverless"``, ...). ``file`` is the file that defines it and
    ``name`` what it is within that file (a logical id, a resource address); both together
    are unique within one run.
    """

    kind: str
    file: str
    name: str = ""

    @property
    def whole_file(self) -> str | None:
        """The file whose own permissions this principal is (a policy file, an Amplify
        function's custom-policies.json): such principals join a configured group."""
        return self.file if self.kind in ("file", "amplify-function") else None


class Origin(Record):
    """Where the source of a generated file made what a finding is about: the TypeScript line
    that created a CDK construct, for a finding in its synthesized template."""

    file: str
    line: int
    column: int


class Finding(Record):
    file: str
    span: Span
    rule: Rule
    severity: Severity
    message: str
    path: JsonPath = ()
    detail: str | None = None
    # The offending text as written (the text the span covers, capped): with ``path``, what
    # keys a finding in a baseline and in SARIF/GitLab fingerprints, which never use lines.
    token: str = field(default="", compare=False)
    fix: Fix | None = field(default=None, compare=False)
    origin: Origin | None = field(default=None, compare=False)

    @property
    def sort_key(self) -> tuple:
        return (self.file, self.span.line, self.span.column, self.rule.id, self.message)


class FileError(Record):
    """A file that could not be read at all (missing, a directory, no permission)."""

    file: str
    message: str


# Line breaks and other control characters that a message may quote from the file: escaped, so
# that every finding stays one line of text output (and one GitHub/GitLab annotation).
_ESCAPES = {code: f"\\x{code:02x}" for code in (*range(0x20), 0x7F, 0x85)}
_ESCAPES.update({0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r", 0x2028: "\\u2028", 0x2029: "\\u2029"})


def one_line(message: str) -> str:
    """A message as one line: what every finding's message is, whatever a file put in it."""
    return message.translate(_ESCAPES)
