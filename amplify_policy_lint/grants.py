"""Helpers shared by the rules that report grants and absences (APL301-APL304).

A *token* is what a finding about a grant is placed on: the ``Action`` entry that matches
(``"amplify:Delete*"``), or the ``NotAction`` key of a statement that grants by exclusion.
"""
from __future__ import annotations

from .evaluate import Decision, Grant, evaluate
from .context import Context
from .model import JsonPath, Violation
from .passrole import PASS_ROLE
from .resources import reaches
from .policy import DocKind, PolicyDocument, Principal

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any, Iterable, Sequence


def absence_documents(principal: Principal, context: Context) -> tuple[PolicyDocument, ...] | None:
    """The documents a rule that proves an absence (APL301, APL302) may judge, or None when it
    must stay quiet: the principal has policies the linter cannot see (unless
    ``--assume-complete``), or a document whose kind cannot be told.

    Only identity policies grant the principal anything; resource and trust policies found in
    a bare file are somebody else's permissions and are left out.
    """
    if not principal.complete and not context.assume_complete:
        return None
    if any(d.kind is DocKind.UNKNOWN for d in principal.documents):
        return None
    return tuple(d for d in principal.documents if d.kind is DocKind.IDENTITY)


def token_key(grant: Grant) -> tuple:
    return (grant.document.file, tuple(grant.document.base), tuple(grant.path))


def token_text(grant: Grant) -> str:
    """How a message names the token: the entry as a quoted string, or the NotAction key."""
    if grant.item is None:
        return "NotAction"
    return f"'{grant.item.value}'"


def principal_phrase(principal: Principal, grant: Grant) -> str:
    """How a message names the principal: "this file" when the principal is the token's file."""
    if principal.id.whole_file == grant.document.file:
        return "this file"
    return principal.label


def names_exactly(grant: Grant, action: str) -> bool:
    """Whether the token is the action's own name as written (no wildcard, same case)."""
    return grant.item is not None and grant.item.value == action


def violation_at(grant: Grant, args: dict[str, Any], **more: Any) -> Violation:
    """A violation on the grant's token: the entry's value, or the NotAction key."""
    return Violation(grant.path, args, part="key" if grant.on_key else "value",
                     document=grant.document, **more)


def position(document: PolicyDocument, path: JsonPath, part: str, from_file: str | None) -> str:
    """``line:col`` of a node, prefixed by its file when that is not ``from_file``."""
    span = document.span(path, part)
    where = f"{span.line}:{span.column}"
    return where if document.file == from_file else f"{document.file}:{where}"


def grant_position(grant: Grant, from_file: str | None) -> str:
    return position(grant.document, grant.path, "key" if grant.on_key else "value", from_file)


def under_condition(grant: Grant) -> str:
    """The words a message adds after a grant made under a Condition."""
    return " (under a condition)" if grant.conditional else ""


def denied_by(denial: Grant, grant: Grant) -> dict[str, str]:
    """Message arguments naming the Deny that overrides ``grant``: its token and where it is."""
    return {"deny_token": token_text(denial), "deny": grant_position(denial, grant.document.file)}


def join(names: Sequence[str], conjunction: str = "and") -> str:
    """Names as a sentence writes them: "a", "a and b", "a, b and c" (also for APL201/APL202's
    suggestions, with "or")."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {conjunction} {names[-1]}"


def statement_json(statement: dict[str, Any]) -> str:
    """A statement as ready-to-paste JSON (two-space indent, as the AWS console writes it)."""
    import json  # not on the path of a valid policy (json imports re)

    return json.dumps(statement, indent=2)


def unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


# PassRole grants worth judging (APL303, APL304).

def passrole_grants(document: PolicyDocument, catalog: Any) -> tuple[Grant, ...]:
    """The Allow tokens of an identity document that grant iam:PassRole and are worth judging
    (APL303 and APL304 share this): not admin tokens, not when the document denies it, and
    only where the statement's Resource surely can name a role (``"*"`` on an SNS topic
    ``!Ref`` passes no role)."""
    if document.kind is not DocKind.IDENTITY:
        return ()
    return document.query(("passrole_grants", catalog), lambda: _passrole_grants(document, catalog))


def _passrole_grants(document: PolicyDocument, catalog: Any) -> tuple[Grant, ...]:
    evaluation = evaluate([document], PASS_ROLE)
    if evaluation.decision is Decision.DENIED:
        return ()
    return tuple(g for g in evaluation.grants
                 if not is_admin_token(g) and reaches(g.statement, PASS_ROLE, catalog, unknown=False))


def is_admin_token(grant: Grant) -> bool:
    """A token APL403 reports as admin: ``*``/``*:*``, or NotAction, on every resource (as
    APL403 judges it: ``*``, ``arn:aws:*:*:*:*``, or a NotResource that excludes some)."""
    if not grant.statement.every_resource():
        return False
    return grant.item is None or grant.item.value in ("*", "*:*")


def passrole_allows(grant: Grant) -> str:
    """The start of a message: "'iam:PassRole' is allowed" or "'iam:*' allows iam:PassRole"."""
    if names_exactly(grant, PASS_ROLE):
        return f"{token_text(grant)} is allowed"
    return f"{token_text(grant)} allows {PASS_ROLE}"
