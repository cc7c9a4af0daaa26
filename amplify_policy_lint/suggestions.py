"""Ready-to-paste statements that findings suggest (APL301, APL302, APL303, APL304 ``detail``).

The one place where the linter writes policy text for the user. Every suggestion is a whole
statement in the shape the file it is suggested for accepts, and passes the linter itself
(tests/test_suggestions.py pastes each one into its file and lints the result):

- an Amplify CLI ``custom-policies.json`` takes ``Action`` and ``Resource`` as lists only
  (``amplify push`` fails on a string: amplify-cli-core ``CustomIAMPoliciesSchema``), with an
  optional ``Effect``; ``Sid`` and ``Condition`` are copied into the function's template;
- every other file (policy files, templates, plans, serverless.yml) takes an IAM statement
  (JSON is valid YAML, so the same text pastes into a YAML list).

API: each builder returns a :class:`Suggestion`, whose ``statement`` is the statement as a
mapping (for tools that edit files, e.g. ``--fix``) and whose ``text`` is the JSON that
findings carry in ``detail``. ``Suggestion.replaces`` says whether it replaces the statement
the finding is on (APL303, APL304) or is added beside it (APL301, APL302).
"""
from __future__ import annotations

import json

from .policy import PolicyDocument, Statement
from .records import Record

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any, Iterable, Mapping, Sequence

PASS_ROLE = "iam:PassRole"
REMOVE_ALL_BACKENDS = "amplifybackend:RemoveAllBackends"
PASSED_TO_SERVICE = "iam:PassedToService"
# Stands for the service principal when the PassRole table does not know it: well formed (a
# lower-case DNS name, as APL206 wants a service principal), and no AWS service is called so.
SERVICE_PLACEHOLDER = "replace-me.amazonaws.com"
ROLE_PLACEHOLDER = "ROLE_NAME"
# The account of a role ARN when no resource of the statement names one: the principal's own
# account, as a policy variable where the document's language expands it (Version
# 2012-10-17; the Amplify CLI writes that Version for custom-policies.json), else any account.
OWN_ACCOUNT = "${aws:PrincipalAccount}"
CUSTOM_POLICIES = "custom-policies"


class Suggestion(Record, slots=False):
    """A statement to paste into the document a finding is about."""

    statement: Mapping[str, Any]
    replaces: bool = False

    @property
    def text(self) -> str:
        """Two-space indented JSON, as the AWS console writes policies."""
        return indented_json(self.statement)


def indented_json(value: Any) -> str:
    """``json.dumps(value, indent=2)``: for strings, lists, mappings with text keys, booleans,
    None and integers (what a statement holds) written here, with json's C string encoder,
    instead of by json's encoder in Python (which indenting takes: a tenth of a millisecond a
    suggestion); anything else by json.dumps itself."""
    pieces: list[str] = []
    try:
        _indented(value, "\n", pieces)
    except (_Unwritten, RecursionError):  # (a structure that holds itself: json's own error)
        return json.dumps(value, indent=2)
    return "".join(pieces)


class _Unwritten(Exception):
    """A value :func:`_indented` leaves to json.dumps."""


def _indented(value: Any, newline: str, pieces: list[str]) -> None:
    kind = type(value)
    if kind is str:
        pieces.append(_encode_string(value))
    elif kind is dict:
        if not value:
            pieces.append("{}")
            return
        inner = newline + "  "
        separator = "{" + inner
        for key, member in value.items():
            if type(key) is not str:
                raise _Unwritten  # json turns numbers and booleans into keys its own way
            pieces.append(separator)
            pieces.append(_encode_string(key))
            pieces.append(": ")
            _indented(member, inner, pieces)
            separator = "," + inner
        pieces.append(newline + "}")
    elif kind is list:
        if not value:
            pieces.append("[]")
            return
        inner = newline + "  "
        separator = "[" + inner
        for member in value:
            pieces.append(separator)
            _indented(member, inner, pieces)
            separator = "," + inner
        pieces.append(newline + "]")
    elif value is None:
        pieces.append("null")
    elif kind is bool:
        pieces.append("true" if value else "false")
    elif kind is int:
        pieces.append(int.__repr__(value))
    else:
        raise _Unwritten


_encode_string = json.encoder.encode_basestring_ascii  # what json.dumps writes a string with (ensure_ascii)


def shaped(body: Mapping[str, Any], container: str | None) -> dict[str, Any]:
    """``body`` (an IAM statement) in the shape a file of ``container`` accepts."""
    statement = dict(body)
    if container == CUSTOM_POLICIES:
        for key in ("Action", "Resource"):
            value = statement.get(key)
            if isinstance(value, str):
                statement[key] = [value]
    return statement


def remove_all_backends(resources: Sequence[str], document: PolicyDocument | None) -> Suggestion:
    """APL301: allow RemoveAllBackends on the backends of the apps a delete grant covers."""
    return Suggestion(shaped({
        "Sid": free_sid("AmplifyRemoveAllBackends", document),
        "Effect": "Allow",
        "Action": REMOVE_ALL_BACKENDS,
        "Resource": resources[0] if len(resources) == 1 else list(resources),
    }, _container(document)))


def pass_role(services: Sequence[str], account: str | None, partition: str,
              document: PolicyDocument | None) -> Suggestion:
    """APL302: allow iam:PassRole on the role the calls pass, limited to the services that
    receive it (a placeholder where the PassRole table does not know the service)."""
    return Suggestion(shaped({
        "Sid": free_sid("PassServiceRole", document),
        "Effect": "Allow",
        "Action": PASS_ROLE,
        "Resource": f"arn:{partition}:iam::{account or _own_account(document)}:role/{ROLE_PLACEHOLDER}",
        "Condition": _passed_to(services),
    }, _container(document)))


def limited_pass_role(statement: Statement, services: Sequence[str], document: PolicyDocument) -> Suggestion:
    """APL303/APL304: the PassRole statement as written, with a Resource that names a role
    where it named every role (APL303), and an ``iam:PassedToService`` condition added to the
    Condition it has (APL304): the statement then passes both rules. The other elements are
    kept as written."""
    from .amplify_arns import account_of, partition_of
    from .passrole import all_roles

    body: dict[str, Any] = {key: value for key, value in statement.data.items()}
    if all_roles(statement) is not None:
        body.pop("NotResource", None)
        account = account_of(statement) or _own_account(document)
        body["Resource"] = f"arn:{partition_of(statement)}:iam::{account}:role/{ROLE_PLACEHOLDER}"
    condition = body.get("Condition")
    if statement.tests_key(PASSED_TO_SERVICE) is False:
        merged = {op: dict(keys) if isinstance(keys, dict) else keys
                  for op, keys in (condition.items() if isinstance(condition, dict) else ())}
        added = _passed_to(services)["StringEquals"]
        block = merged.get("StringEquals")
        if isinstance(block, dict):
            block.update(added)
        else:
            merged["StringEquals"] = dict(added)
        body["Condition"] = merged
    return Suggestion(shaped(body, document.container), replaces=True)


def free_sid(sid: str, document: PolicyDocument | None) -> str:
    """``sid``, or ``sid`` with a number, so that no statement of the document has it already."""
    taken = {s.sid for s in document.statements if s.sid} if document is not None else set()
    candidate, number = sid, 2
    while candidate in taken:
        candidate, number = f"{sid}{number}", number + 1
    return candidate


def services_passed_to(entries: Iterable[Any]) -> list[str]:
    """The service principals that PassRole table entries pass their role to, in order."""
    found: dict[str, None] = {}
    for entry in entries:
        for service in getattr(entry, "passed_to_services", ()) or ():
            found.setdefault(service, None)
    return list(found)


def services_granted_in(document: PolicyDocument) -> list[str]:
    """The service principals the document's own role-passing grants pass roles to (named
    actions only: a wildcard does not say which calls are made)."""
    return list(document.query("services_granted_in", lambda: tuple(_services_granted_in(document))))


def _services_granted_in(document: PolicyDocument) -> list[str]:
    from . import passrole, wildcard

    entries = [entry for statement in document.statements if statement.effect == "Allow"
               and statement.action_key == "Action" for item in statement.actions
               if item.value is not None and not wildcard.has_wildcard(item.value)
               for entry in passrole.matching(item.value)]
    return services_passed_to(entries)


def _passed_to(services: Sequence[str]) -> dict[str, Any]:
    services = list(services) or [SERVICE_PLACEHOLDER]
    return {"StringEquals": {PASSED_TO_SERVICE: services[0] if len(services) == 1 else services}}


def _own_account(document: PolicyDocument | None) -> str:
    if document is None:
        return "*"
    version = document.data.get("Version") if isinstance(document.data, dict) else None
    return OWN_ACCOUNT if version == "2012-10-17" or document.container == CUSTOM_POLICIES else "*"


def _container(document: PolicyDocument | None) -> str | None:
    return document.container if document is not None else None
