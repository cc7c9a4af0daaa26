"""Input kinds: which files hold policies, and which documents and principals they hold.

Each input kind is one module in this package plus one line in ``KINDS`` below. The
line says, as plain data, when the kind may apply (cheap: nothing is imported for a file
that no kind wants); the module is imported on first use and does the work.

The module of a kind provides::

    def recognises(data: dict) -> bool
        # For kinds read as JSON/YAML: whether one root mapping of a parsed file is this kind
        # (asked only when the root has one of the kind's ``root_keys``; look at a few keys
        # at the root, never deeper).

    def locate(source: Source) -> Located
        # Every policy document in the file (made with ``policy.make_document``, or through
        # ``inputs.common.Collector``), each with its ``DocKind`` (identity, trust, resource),
        # a label in words, and the ``PrincipalKey`` values of the principals it is part of;
        # the principals as ``PrincipalInfo`` (``complete=False`` when the principal holds a
        # policy the linter cannot see); ``reason`` for --verbose when there is none.

    def read(name: str, text: str) -> tuple[Source | None, list[InputViolation]]
        # Only for kinds with a syntax of their own (``extensions`` set: TypeScript,
        # Terraform .tf): parse the text into plain data (dicts, lists, strings, numbers;
        # a value only known at run or deploy time as an intrinsic-like mapping such as
        # {"Fn::Sub": "..."} so that rules stay quiet about it) plus a position table.
        # ``source.PositionTable`` is that table: ``values[path] = (start, end)`` and
        # ``keys[path] = (start, end)``, character offsets into ``text`` (end exclusive)
        # keyed by the JSON path of each value in ``data``; a string literal's value starts
        # at its opening quote (any object with the three methods of ``source.Positions``
        # will do). ``Source(name, text, fmt, data, table=table)`` then answers every
        # position a finding needs. Problems are ``source.InputViolation(kind, message,
        # start, end)`` with a ``source.Problem`` kind (SYNTAX, DUPLICATE_KEY, LIMIT, ...),
        # never a rule id; return ``(None, problems)`` when nothing could be read.

Principals are ``model.PrincipalKey`` values (kind, file, name), never strings parsed back.
The Amplify CLI project layout is known in ``amplify_layout`` only.

Adding an input kind: write ``inputs/<kind>.py`` with the functions above and add one
``InputKind`` line to ``KINDS``; its name becomes a ``--kind`` value (in ``KINDS`` order).
A file named in ``file_names`` or with one of ``extensions`` is that kind; otherwise the
first kind (``fallback`` ones last) whose ``root_keys`` and ``recognises`` match a root of
the parsed file is.
"""
from __future__ import annotations

from .. import import_module
from ..model import PrincipalKey
from ..records import NamedTuple, Record

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)

if TYPE_CHECKING:  # pragma: no cover - typing only
    from types import ModuleType

    from ..policy import PolicyDocument
    from ..source import InputViolation


class InputKind(Record, slots=False):
    """When an input kind applies; ``module`` (under ``inputs/``) does the rest."""

    name: str  # the --kind value
    module: str
    # A parsed root mapping with one of these keys may be this kind: ``recognises`` decides.
    root_keys: tuple[str, ...] = ()
    # File base names that are this kind whatever they hold.
    file_names: tuple[str, ...] = ()
    # Extensions of a syntax of the kind's own, read by the module's ``read``.
    extensions: tuple[str, ...] = ()
    # Words that, written as a key ("Word", 'Word' or Word:), make a file worth parsing; for a
    # file of the kind's own ``extensions``, written anywhere (a substring search).
    markers: tuple[str, ...] = ()
    # (file names, words): in files of these names only, these words are markers too.
    named_markers: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    # Recognised only when no other kind recognises the root (a bare policy: any Statement).
    fallback: bool = False
    # Principals span the kind's files of one directory (a Terraform module): they are linted
    # as one group, and the directory's other files of the kind are read as context.
    module_directory: bool = False


KINDS: tuple[InputKind, ...] = (
    InputKind("policy", "policy_file", root_keys=("Statement",), markers=("Statement",), fallback=True),
    InputKind("custom-policies", "custom_policies", file_names=("custom-policies.json",)),
    InputKind("cloudformation", "cloudformation", root_keys=("Resources",),
              markers=("Resources", "AWSTemplateFormatVersion")),
    InputKind("terraform-plan", "terraform", root_keys=("format_version",), markers=("format_version",)),
    InputKind("serverless", "serverless", root_keys=("service",), markers=("iamRoleStatements",),
              named_markers=(("serverless.yml", "serverless.yaml", "serverless.json"), ("statements",))),
    InputKind("terraform", "terraform_source", extensions=(".tf",), module_directory=True,
              markers=("aws_iam_", "policy", "Statement", "aws_amplify_app")),
    InputKind("typescript", "typescript", extensions=(".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"),
              markers=("PolicyStatement", "PolicyDocument", "policyDocument", "CallAwsService", "addToRolePolicy",
                       "addToPrincipalPolicy", "addToPolicy", "assumedBy", "Statement", "inlinePolicies")),
)
BY_NAME = {kind.name: kind for kind in KINDS}
# Detection asks the specific kinds first, the last-resort ones after them.
DETECTION_ORDER = tuple(k for k in KINDS if not k.fallback) + tuple(k for k in KINDS if k.fallback)


def module(kind: InputKind) -> ModuleType:
    """The module of ``kind``, imported on first use: a run over policy files never loads
    the template, plan or Serverless code (start-up speed, not a cycle)."""
    return import_module(f"{__name__}.{kind.module}")


class PrincipalInfo(NamedTuple):
    id: PrincipalKey
    label: str
    complete: bool = True


class Located(NamedTuple):
    documents: "tuple[PolicyDocument, ...]" = ()
    principals: tuple[PrincipalInfo, ...] = ()
    # Why the file holds no policy, for --verbose.
    reason: str = ""
    # Input problems inside the file's policies (a policy given as a JSON string that does
    # not parse, a duplicate key in it), placed by offsets into the file's text.
    problems: "tuple[InputViolation, ...]" = ()
