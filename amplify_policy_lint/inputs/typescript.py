"""IAM written in TypeScript: Amplify Gen 2 ``amplify/backend.ts``, CDK apps, Gen 1 ``override.ts``.

The file is read with tree-sitter and every construct that writes IAM becomes a policy
document in JSON shape, as CDK or CloudFormation would deploy it, with a table from JSON
path to where each value is written in the TypeScript text (a string literal's position is
its opening quote), so that every rule works unchanged:

- ``new PolicyStatement({...})`` (also ``iam.PolicyStatement``), ``PolicyStatement.fromJson``,
  ``new PolicyDocument({statements})``, ``PolicyDocument.fromJson``, ``new Policy`` /
  ``new ManagedPolicy`` with ``statements``, ``inlinePolicies`` and ``assumedBy`` of
  ``new Role``;
- Step Functions ``new CallAwsService(scope, id, {service, action, iamAction, iamResources})``:
  the action CDK derives from ``service`` + ``action`` when ``iamAction`` is absent sits on
  the ``action`` literal;
- CloudFormation-shaped object literals (Gen 1 ``override.ts``, L1 constructs): a
  ``policyDocument`` / ``PolicyDocument`` / ``AssumeRolePolicyDocument`` member, objects
  pushed onto a ``...Statement`` array, ``addPropertyOverride('Policies' | 'PolicyDocument'
  | ..., value)``.

A value built from an expression (a template literal with ``${}``, a reference such as
``bucket.bucketArn``, a call) is unknown: it becomes ``{"Fn::Expression": text}``, which the
rules treat as they treat a CloudFormation intrinsic (they stay quiet). Identifiers bound by
``const`` to a literal are followed, and the position is that of the literal.

Principals: statements attached to the same receiver (``addToRolePolicy``,
``addToPrincipalPolicy``, ``addToPolicy``, ``attachInlinePolicy``, ``roles: [...]``, Gen 1
``<x>.policies = [...]``) form one principal. CDK and Amplify add statements of their own
(grants, tasks, default policies), so a principal is incomplete unless it is a ``const``
``new Role`` of this file whose every policy is written here, with no managed policy, and
whose every other mention is one of those attachments.
"""
from __future__ import annotations

import re

from .. import caching
from ..model import JsonPath, PrincipalKey
from ..policy import DocKind, make_document, statement_list
from ..records import NamedTuple, Record, field
from ..source import PositionTable, Source
from . import Located, PrincipalInfo
from .policy_file import policy_kind

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any, Iterator

# An expression whose value is known only when the app is synthesized or deployed: a
# one-key mapping like a CloudFormation intrinsic, so every rule treats it as one.
UNKNOWN = "Fn::Expression"
CONTAINER = "typescript"
# Suppression directives are line comments (suppress.py reads them).
LINE_COMMENTS = ("//",)

_DECLARATIONS = (".d.ts", ".d.mts", ".d.cts")
_VERSION = "2012-10-17"
_ATTACH = ("addToRolePolicy", "addToPrincipalPolicy", "addToPolicy")
_RESOURCE_ATTACH = ("addToResourcePolicy",)
_STATEMENT_PROPS = {"sid": "Sid", "effect": "Effect", "actions": "Action", "notActions": "NotAction",
                    "resources": "Resource", "notResources": "NotResource", "principals": "Principal",
                    "notPrincipals": "NotPrincipal", "conditions": "Condition"}
_DOCUMENT_KEYS = {"policyDocument": DocKind.IDENTITY, "PolicyDocument": DocKind.IDENTITY,
                  "assumeRolePolicyDocument": DocKind.TRUST, "AssumeRolePolicyDocument": DocKind.TRUST}
_WRAPPERS = ("parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression",
             "type_assertion")
_DEPTH = 24
# API Gateway REST APIs, whose ``policy`` prop is API Gateway's own dialect of a resource policy.
_REST_APIS = ("RestApi", "LambdaRestApi", "SpecRestApi", "StepFunctionsRestApi")
# Nodes that open a scope for the names declared in them (block-scoped const/let; parameters).
_SCOPES = frozenset(("program", "statement_block", "class_body", "switch_body", "for_statement", "for_in_statement",
                     "function_declaration", "function_expression", "function", "arrow_function",
                     "method_definition", "generator_function_declaration", "generator_function", "catch_clause"))


def recognises(data: dict) -> bool:
    """Never from parsed JSON or YAML: a TypeScript source is known by its extension."""
    return False


def read(name: str, text: str) -> tuple["TypeScriptSource", list]:
    """The policy documents of a TypeScript text, located (never fails: tree-sitter reads
    past syntax errors, which the compiler reports)."""
    if name.lower().endswith(_DECLARATIONS):
        return TypeScriptSource(name, text, [], PositionTable(), reason="a type declaration file (no values)"), []
    from ..treesitter import CodePoints

    reader = _Reader(name, text, _tree(text).root_node, CodePoints(text))
    reader.read()
    return reader.source(), []


def locate(source: Source) -> Located:
    if not isinstance(source, TypeScriptSource):
        return Located(reason="not read as TypeScript")
    documents = tuple(make_document(
        file=source.name, source=source, base=(index,), data=data, kind=_kind(placed.kind or policy_kind(data), data, placed.orphan),
        label=placed.label, principals=placed.principals, container=CONTAINER)
        for index, (placed, data) in enumerate(zip(source.placed, source.data)))
    return Located(documents, source.principals, "" if documents else source.reason)


def _kind(kind: DocKind, data: Any, orphan: bool) -> DocKind:
    """A document a statement of which names no resource is UNKNOWN (the grammar then does
    not ask for Resource) when it is a resource policy, whose destination is seldom visible in
    the file (``repo.addToResourcePolicy``; ECR repositories take policies without Resource),
    or a statement attached to nothing here (a helper elsewhere may add its resources)."""
    if kind in (DocKind.RESOURCE, DocKind.IDENTITY) and (orphan or kind is DocKind.RESOURCE) and any(
            isinstance(s, dict) and "Resource" not in s and "NotResource" not in s for _, s in statement_list(data)):
        return DocKind.UNKNOWN
    return kind


def directive_comments(text: str) -> list[int]:
    """Offsets of each ``//`` comment (found by tree-sitter, so never inside a string or a
    template literal) that looks like a suppression directive."""
    from ..suppress import looks_like_directive
    from ..treesitter import comment_starts

    return comment_starts(_tree(text).root_node, text, looks_like_directive)


@caching.lru_cache(maxsize=1)
def _tree(text: str):
    """The syntax tree of ``text``, kept for the reader after the directives asked for it."""
    from ..treesitter import parser

    return parser("tree_sitter_typescript", "language_typescript").parse(text.encode("utf-8"))


# ---------------------------------------------------------------------------------------------
# Values with where they were written


class V(Record, frozen=False, slots=False):
    """A JSON value being built, with its code point range in the text (None: not written,
    e.g. the Version CDK adds) and the range of its key when it is a mapping member.

    ``value`` is a plain value for a leaf, ``dict[str, V]`` for a mapping, ``list[V]`` for a list.
    """

    value: Any
    start: int | None = None
    end: int | None = None
    key: tuple[int, int] | None = None
    leaf: bool = True

    def keyed(self, key: tuple[int, int] | None) -> "V":
        return V(self.value, self.start, self.end, key, self.leaf)


def _mapping(members: dict[str, V], start: int | None = None, end: int | None = None) -> V:
    return V(members, start, end, leaf=False)


def _list(items: list[V], start: int | None = None, end: int | None = None) -> V:
    return V(items, start, end, leaf=False)


def _place(value: V, path: JsonPath, table: PositionTable) -> Any:
    """The plain data of ``value``, its positions recorded in ``table`` below ``path``."""
    if value.start is not None:
        table.values[path] = (value.start, value.end)
    if value.key is not None:
        table.keys[path] = value.key
    if value.leaf:
        return value.value
    if isinstance(value.value, dict):
        return {k: _place(v, path + (k,), table) for k, v in value.value.items()}
    return [_place(v, path + (i,), table) for i, v in enumerate(value.value)]


class _Placed(NamedTuple):
    """A document found in the text, apart from the data (the source's ``data[index]``)."""

    kind: DocKind | None  # None: judged from its content (Principal present or not)
    label: str
    principals: tuple[PrincipalKey, ...]
    orphan: bool = False  # attached to nothing this file shows
    skip: bool = False  # not an IAM policy after all (API Gateway's resource policy)


class TypeScriptSource(Source):
    """A TypeScript text seen as a list of JSON policy documents (``data[i]``), with positions,
    and what ``locate`` needs to make them documents: their kinds, labels and principals."""

    def __init__(self, name: str, text: str, data: list, table: PositionTable,
                 placed: tuple[_Placed, ...] = (), principals: tuple[PrincipalInfo, ...] = (),
                 reason: str = "no IAM policy statement or document recognised") -> None:
        self.placed = placed
        self.principals = principals
        self.reason = reason
        super().__init__(name, text, CONTAINER, data, table=table)


# ---------------------------------------------------------------------------------------------
# Reading


class _Document(Record, frozen=False, slots=False):
    value: V  # the document
    kind: DocKind | None  # None: judged from its content (Principal present or not)
    label: str
    principals: list[str] = field(default_factory=list)
    orphan: bool = False  # attached to nothing this file shows
    skip: bool = False  # not an IAM policy after all (API Gateway's resource policy)


class _Principal(Record, frozen=False, slots=False):
    label: str
    complete: bool = False


class _Reader:
    def __init__(self, name: str, text: str, root, code_points) -> None:
        self.name = name
        self.text = text
        self.bytes = text.encode("utf-8")
        self.root = root
        self.cp = code_points
        # (scope, name) -> the declarator of a ``const`` with a value, or None for a name that
        # cannot be followed (declared twice, let/var, a parameter): lexical scopes, as TS has them.
        self.bindings: dict[tuple[tuple[int, int], str], Any] = {}
        self.identifiers: dict[str, list[Any]] = {}  # name -> every identifier node with that text
        self.calls: list[Any] = []
        self.news: list[Any] = []
        self.assignments: list[Any] = []
        self.pairs: list[Any] = []
        self.documents: list[_Document] = []
        self.by_node: dict[tuple[int, int], int] = {}  # statement/document node -> document index
        self.consumed: set[tuple[int, int]] = set()  # statements that are part of a document
        self.principals: dict[str, _Principal] = {}

    # Helpers -----------------------------------------------------------------------------

    def range(self, node) -> tuple[int, int]:
        return self.cp(node.start_byte), self.cp(node.end_byte)

    def source_text(self, node) -> str:
        return self.bytes[node.start_byte:node.end_byte].decode("utf-8", "replace")

    def line(self, node) -> int:
        return node.start_point[0] + 1

    @staticmethod
    def unwrap(node):
        while node is not None and node.type in _WRAPPERS:
            node = node.named_children[0] if node.named_children else None
        return node

    def resolve(self, node, depth: int = 0):
        """``node`` unwrapped, and an identifier followed to its ``const`` initializer."""
        node = self.unwrap(node)
        while node is not None and node.type == "identifier" and depth < _DEPTH:
            declarator = self.binding(node)
            target = declarator.child_by_field_name("value") if declarator is not None else None
            if target is None:
                return node
            node, depth = self.unwrap(target), depth + 1
        return node

    def binding(self, identifier):
        """The ``const`` declarator that ``identifier`` refers to, in the nearest scope that
        declares its name; None when there is none or it cannot be followed."""
        name = self.source_text(identifier)
        node = identifier.parent
        while node is not None:
            if node.type in _SCOPES:
                key = ((node.start_byte, node.end_byte), name)
                if key in self.bindings:
                    return self.bindings[key]
            node = node.parent
        return None

    def mentions(self, declarator) -> Iterator[Any]:
        """Every identifier that refers to ``declarator``'s name, its declaration left out."""
        name_node = declarator.child_by_field_name("name")
        key = (declarator.start_byte, declarator.end_byte)
        for mention in self.identifiers.get(self.source_text(name_node), ()):
            if mention.start_byte == name_node.start_byte:
                continue
            bound = self.binding(mention)
            if bound is not None and (bound.start_byte, bound.end_byte) == key:
                yield mention

    def last_name(self, node) -> str:
        """The last name of a constructor or callee: ``Role`` for ``iam.Role``."""
        node = self.unwrap(node)
        if node is None:
            return ""
        if node.type == "member_expression":
            prop = node.child_by_field_name("property")
            return self.source_text(prop) if prop is not None else ""
        if node.type in ("identifier", "property_identifier"):
            return self.source_text(node)
        return ""

    def arguments(self, node) -> list:
        args = node.child_by_field_name("arguments")
        if args is None:
            return []
        return [c for c in args.named_children if c.type != "comment"]

    def unknown(self, node) -> V:
        start, end = self.range(node)
        return V({UNKNOWN: self.source_text(node)}, start, end)

    # The walk ----------------------------------------------------------------------------

    def read(self) -> None:
        stack = [self.root]
        while stack:
            node = stack.pop()
            kind = node.type
            if kind in ("identifier", "shorthand_property_identifier", "shorthand_property_identifier_pattern"):
                self.identifiers.setdefault(self.source_text(node), []).append(node)
            elif kind == "variable_declarator":
                self._declarator(node)
            elif kind in ("formal_parameters", "arrow_function", "catch_clause"):
                self._parameters(node)
            elif kind == "call_expression":
                self.calls.append(node)
            elif kind == "new_expression":
                self.news.append(node)
            elif kind == "assignment_expression":
                self.assignments.append(node)
            elif kind == "pair":
                self.pairs.append(node)
            stack.extend(reversed(node.children))
        self._sort()
        self._constructs()

    def _sort(self) -> None:
        for nodes in (self.calls, self.news, self.assignments, self.pairs):
            nodes.sort(key=lambda n: n.start_byte)

    def _bind(self, name_node, scope, declarator) -> None:
        if scope is None:
            return
        key = ((scope.start_byte, scope.end_byte), self.source_text(name_node))
        self.bindings[key] = None if key in self.bindings else declarator

    @staticmethod
    def _scope(node):
        node = node.parent
        while node is not None and node.type not in _SCOPES:
            node = node.parent
        return node

    def _declarator(self, node) -> None:
        name_node = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if name_node is None:
            return
        if name_node.type != "identifier":  # a destructuring pattern: its names cannot be followed
            for child in _descendants(name_node):
                if child.type in ("identifier", "shorthand_property_identifier_pattern"):
                    self._bind(child, self._scope(node), None)
            return
        declaration = node.parent
        constant = declaration is not None and declaration.type == "lexical_declaration" and \
            declaration.children and declaration.children[0].type == "const"
        self._bind(name_node, self._scope(node), node if constant and value is not None else None)

    def _parameters(self, node) -> None:
        """Parameters shadow what the enclosing scopes declare: they are never followed."""
        function = node.parent if node.type == "formal_parameters" else node
        if node.type == "arrow_function":
            single = node.child_by_field_name("parameter")
            if single is not None:
                self._bind(single, function, None)
            return
        if node.type == "catch_clause":
            parameter = node.child_by_field_name("parameter")
            if parameter is not None:
                for child in _descendants(parameter):
                    if child.type == "identifier":
                        self._bind(child, function, None)
            return
        for child in _descendants(node):
            if child.type in ("identifier", "shorthand_property_identifier_pattern") and \
                    (child.parent is None or child.parent.type != "type_annotation"):
                self._bind(child, function, None)

    def const_of(self, node):
        """The declarator of the ``const`` that ``node`` initialises, when names follow to it."""
        declarator = node.parent
        while declarator is not None and declarator.type in _WRAPPERS:
            declarator = declarator.parent
        if declarator is None or declarator.type != "variable_declarator":
            return None
        name_node = declarator.child_by_field_name("name")
        if name_node is None or name_node.type != "identifier":
            return None
        scope = self._scope(declarator)
        bound = self.bindings.get(((scope.start_byte, scope.end_byte), self.source_text(name_node))) \
            if scope is not None else None
        return declarator if bound is not None and bound.start_byte == declarator.start_byte else None

    # Constructs --------------------------------------------------------------------------

    def _constructs(self) -> None:
        for node in self.calls:
            self._call(node)
        for node in self.news:
            self._new(node)
        for node in self.assignments:
            self._assignment(node)
        for node in self.pairs:
            self._pair(node)
        # Documents and statements written but attached to nothing here: still checked, as
        # policies of a principal the linter cannot see whole. Documents first, so that the
        # statements they hold are not taken for documents of their own.
        containers, statements = [], []
        for node in self.news:
            name = self.last_name(node.child_by_field_name("constructor"))
            if name in ("PolicyDocument", "Policy", "ManagedPolicy"):
                containers.append(node)
            elif name == "PolicyStatement":
                statements.append(node)
        for node in self.calls:
            owner = self._from_json(node)
            if owner is not None:
                (containers if owner == "PolicyDocument" else statements).append(node)
        for node in containers + statements:
            if (node.start_byte, node.end_byte) in self.consumed:
                continue
            index = self._document_of(node)
            if index is not None and not self.documents[index].principals:
                self._orphan(index)

    def _orphan(self, index: int) -> None:
        document = self.documents[index]
        if document.kind is DocKind.TRUST:
            return
        if document.kind is DocKind.RESOURCE or (document.kind is None and _has_principal(document.value)):
            return  # a resource policy: nobody's permissions
        document.orphan = True
        principal_id = f"document@{document.value.start}"
        self.principal(principal_id, f"the principal of the {document.label} (attached outside this file)")
        document.principals.append(principal_id)

    def principal(self, principal_id: str, label: str) -> str:
        self.principals.setdefault(principal_id, _Principal(label))
        return principal_id

    def attach(self, index: int | None, principal_id: str) -> None:
        if index is None:
            self.principals[principal_id].complete = False
            return
        document = self.documents[index]
        if principal_id not in document.principals:
            document.principals.append(principal_id)
        if document.kind is None:
            document.kind = DocKind.IDENTITY

    def _call(self, node) -> None:
        function = self.unwrap(node.child_by_field_name("function"))
        if function is None or function.type != "member_expression":
            return
        method = self.last_name(function)
        receiver = function.child_by_field_name("object")
        args = self.arguments(node)
        if method in _ATTACH and args:
            principal_id = self.receiver_principal(receiver)
            self.attach(self._document_of(args[0]), principal_id)
        elif method in _RESOURCE_ATTACH and args:
            index = self._document_of(args[0])
            if index is not None and self.documents[index].kind is None:
                self.documents[index].kind = DocKind.RESOURCE
        elif method == "attachInlinePolicy" and args:
            principal_id = self.receiver_principal(receiver)
            self._attach_policy(args[0], principal_id)
        elif method == "attachToRole" and args:
            self._attach_policy(receiver, self.receiver_principal(args[0]))
        elif method in ("addManagedPolicy",):
            principal_id = self.receiver_principal(receiver)
            self.principals[principal_id].complete = False
        elif method == "push" and args and self._statement_array(receiver):
            principal_id = self.receiver_principal(_before_policies(receiver, self))
            for arg in args:
                index = self._document_of(arg, cfn=True)
                if index is None or not _has_principal(self.documents[index].value):
                    self.attach(index, principal_id)  # else a resource policy's (a bucket policy's) statement
        elif method == "addPropertyOverride" and len(args) >= 2:
            self._property_override(receiver, args[0], args[1])

    def _statement_array(self, node) -> bool:
        node = self.unwrap(node)
        return node is not None and node.type == "member_expression" and self.last_name(node) == "Statement"

    def _property_override(self, receiver, path_node, value) -> None:
        path = self.string_value(path_node)
        if path is None:
            return
        principal_id = self.receiver_principal(receiver)
        if path in ("PolicyDocument", "Policies") or re.fullmatch(r"Policies\.\d+\.PolicyDocument", path):
            if path == "Policies":
                return  # each entry's PolicyDocument is found as a member of its own
            self.attach(self._document_of(value, cfn=True, kind=DocKind.IDENTITY,
                                          label=f"PolicyDocument override at line {self.line(value)}"),
                        principal_id)
        elif path == "AssumeRolePolicyDocument":
            self._document_of(value, cfn=True, kind=DocKind.TRUST,
                              label=f"AssumeRolePolicyDocument override at line {self.line(value)}")
        elif path in ("PolicyDocument.Statement",):
            array = self.resolve(value)
            if array is not None and array.type == "array":
                for item in array.named_children:
                    self.attach(self._document_of(item, cfn=True), principal_id)

    def _new(self, node) -> None:
        name = self.last_name(node.child_by_field_name("constructor"))
        args = self.arguments(node)
        props = self.resolve(args[2]) if len(args) >= 3 else None
        if props is not None and props.type != "object":
            props = None
        if name == "Role":
            self._role(node, props)
        elif name in ("Policy", "ManagedPolicy"):
            self._policy(node, name, props)
        elif name in ("CallAwsService", "CallAwsServiceCrossRegion"):
            self._call_aws_service(node, props)
        elif name in _REST_APIS and props is not None and "policy" in self.members(props):
            # API Gateway's resource policy, in its own dialect (execute-api:/stage/GET/path):
            # left alone, as the template reader leaves AWS::ApiGateway::RestApi Policy.
            index = self._document_of(self.members(props)["policy"][1])
            if index is not None:
                self.documents[index].skip = True

    def _role(self, node, props) -> None:
        principal_id = self.role_principal(node)
        if props is None:
            return
        members = self.members(props)
        assumed = members.get("assumedBy")
        if assumed is not None:
            self._trust(node, assumed[1])
        managed = members.get("managedPolicies")
        if managed is not None:
            array = self.resolve(managed[1])
            if array is None or array.type != "array" or array.named_children:
                self.principals[principal_id].complete = False
        inline = members.get("inlinePolicies")
        if inline is not None:
            mapping = self.resolve(inline[1])
            if mapping is None or mapping.type != "object":
                self.principals[principal_id].complete = False
            else:
                for child in mapping.named_children:
                    if child.type != "pair":
                        self.principals[principal_id].complete = False
                        continue
                    self.attach(self._document_of(child.child_by_field_name("value")), principal_id)
        if "spread" in members:
            self.principals[principal_id].complete = False

    def _policy(self, node, name: str, props) -> None:
        """``new Policy(scope, id, {statements, document, roles})``: one document."""
        index = self._document_of(node)
        if props is None:
            return
        members = self.members(props)
        roles = members.get("roles")
        if roles is not None:
            array = self.resolve(roles[1])
            for item in (array.named_children if array is not None and array.type == "array" else ()):
                self.attach(index, self.receiver_principal(item))

    def _attach_policy(self, policy, principal_id: str) -> None:
        target = self.resolve(policy)
        if target is None or target.type != "new_expression" or \
                self.last_name(target.child_by_field_name("constructor")) not in ("Policy", "ManagedPolicy"):
            self.principals[principal_id].complete = False
            return
        self.attach(self._document_of(target), principal_id)

    # Trust policies ----------------------------------------------------------------------

    def _trust(self, role, assumed) -> None:
        principal, action, condition = self.principal_value(assumed)
        start, end = self.range(assumed)
        statement: dict[str, V] = {
            "Effect": V("Allow"),
            "Principal": principal,
            "Action": V(action, start, end) if action else self.unknown(assumed),
        }
        if condition is not None:
            statement["Condition"] = condition
        document = _mapping({"Version": V(_VERSION), "Statement": _list([_mapping(statement, start, end)])},
                            start, end)
        self.documents.append(_Document(document, DocKind.TRUST,
                                        f"trust policy (assumedBy) of the Role at line {self.line(role)}"))

    def principal_value(self, node) -> tuple[V, str | None, V | None]:
        """The ``Principal`` mapping an ``IPrincipal`` expression stands for, the action it is
        assumed with, and the condition it brings."""
        merged: dict[str, list[V]] = {}
        actions: list[str] = []
        conditions: list[V] = []
        unknown = False
        for part in self._principal_parts(node, 0):
            if part is None:
                unknown = True
                continue
            key, value, action, condition = part
            merged.setdefault(key, []).append(value)
            actions.append(action)
            if condition is not None:
                conditions.append(condition)
        start, end = self.range(node)
        if unknown or not merged:
            principal = self.unknown(node)
        else:
            principal = _mapping({k: (v[0] if len(v) == 1 else _list(v, start, end)) for k, v in merged.items()},
                                 start, end)
        action = actions[0] if actions and not unknown and len(set(actions)) == 1 else None
        condition = conditions[0] if len(conditions) == 1 else (self.unknown(node) if conditions else None)
        return principal, action, condition

    def _principal_parts(self, node, depth: int) -> Iterator[tuple[str, V, str, V | None] | None]:
        target = self.resolve(node)
        if target is None or depth > _DEPTH:
            yield None
            return
        if target.type == "call_expression":
            function = self.unwrap(target.child_by_field_name("function"))
            method = self.last_name(function)
            if function is not None and function.type == "member_expression" and \
                    method in ("withConditions", "withSessionTags"):
                # withConditions({...}) adds its conditions (read when written as a literal);
                # withSessionTags() adds sts:TagSession, which a trust policy may hold.
                args = self.arguments(target)
                condition = None
                if method == "withConditions":
                    condition = self.value(args[0]) if args else self.unknown(target)
                for part in self._principal_parts(function.child_by_field_name("object"), depth + 1):
                    if part is None:
                        yield None
                    else:
                        extra = part[3] if condition is None else (condition if part[3] is None
                                                                   else self.unknown(target))
                        yield part[0], part[1], part[2], extra
                return
            yield None
            return
        if target.type != "new_expression":
            yield None
            return
        name = self.last_name(target.child_by_field_name("constructor"))
        args = self.arguments(target)
        start, end = self.range(target)
        first = self.value(args[0]) if args else None
        if name == "CompositePrincipal":
            for arg in args:
                yield from self._principal_parts(arg, depth + 1)
        elif name == "ServicePrincipal" and first is not None:
            yield "Service", first, "sts:AssumeRole", None
        elif name in ("AccountPrincipal", "ArnPrincipal") and first is not None:
            yield "AWS", first, "sts:AssumeRole", None
        elif name in ("AnyPrincipal", "StarPrincipal"):
            yield "AWS", V("*", start, end), "sts:AssumeRole", None
        elif name == "AccountRootPrincipal":
            yield "AWS", _own_account_root(start, end), "sts:AssumeRole", None
        elif name == "CanonicalUserPrincipal" and first is not None:
            yield "CanonicalUser", first, "sts:AssumeRole", None
        elif name == "OrganizationPrincipal" and first is not None:
            condition = _mapping({"StringEquals": _mapping({"aws:PrincipalOrgID": first}, start, end)}, start, end)
            yield "AWS", V("*", start, end), "sts:AssumeRole", condition
        elif name in ("FederatedPrincipal", "WebIdentityPrincipal", "OpenIdConnectPrincipal",
                      "SamlPrincipal", "SamlConsolePrincipal") and first is not None:
            condition = self.value(args[1]) if len(args) >= 2 else None
            action = {"WebIdentityPrincipal": "sts:AssumeRoleWithWebIdentity",
                      "OpenIdConnectPrincipal": "sts:AssumeRoleWithWebIdentity",
                      "SamlPrincipal": "sts:AssumeRoleWithSAML",
                      "SamlConsolePrincipal": "sts:AssumeRoleWithSAML"}.get(name, "sts:AssumeRole")
            if name == "FederatedPrincipal" and len(args) >= 3:
                given = self.string_value(args[2])
                if given is None:
                    yield None
                    return
                action = given
            if name in ("OpenIdConnectPrincipal", "SamlPrincipal", "SamlConsolePrincipal"):
                first = self.unknown(args[0])  # a provider construct: its ARN is known at deploy
            if condition is not None and not condition.leaf and not condition.value:
                condition = None  # no conditions: {}
            yield "Federated", first, action, condition
        else:
            yield None

    # Step Functions ----------------------------------------------------------------------

    def _call_aws_service(self, node, props) -> None:
        """The statement CDK adds to the state machine's role for a CallAwsService task."""
        principal_id = self.principal(f"task@{node.start_byte}",
                                      f"the state machine role that runs the task at line {self.line(node)}")
        if props is None:
            self.principals[principal_id].complete = False
            return
        members = self.members(props)
        if "spread" in members or "iamResources" not in members or \
                not ("iamAction" in members or ("action" in members and "service" in members)):
            self.principals[principal_id].complete = False  # props the file does not show
            return
        start, end = self.range(props)
        statement: dict[str, V] = {"Effect": V("Allow")}
        if "iamAction" in members:
            key, value = members["iamAction"]
            statement["Action"] = self.value(value).keyed(self.range(key))
        elif "action" in members and "service" in members:
            statement["Action"] = self._derived_action(members)
        if "iamResources" in members:
            key, value = members["iamResources"]
            statement["Resource"] = self.value(value).keyed(self.range(key))
        document = _mapping({"Version": V(_VERSION), "Statement": _list([_mapping(statement, start, end)], start, end)},
                            start, end)
        self.documents.append(_Document(document, DocKind.IDENTITY,
                                        f"CallAwsService task at line {self.line(node)}", [principal_id]))
        if "additionalIamStatements" in members:
            array = self.resolve(members["additionalIamStatements"][1])
            if array is None or array.type != "array":
                self.principals[principal_id].complete = False
            else:
                for item in array.named_children:
                    self.attach(self._document_of(item), principal_id)

    def _derived_action(self, members) -> V:
        """``<iam service>:<action>``, as CDK derives it (the action as written: IAM matches
        action names without regard to case), placed on the ``action`` literal."""
        key, action_node = members["action"]
        action = self.string_value(action_node)
        service = self.string_value(members["service"][1])
        start, end = self.range(action_node)
        if action is None or service is None:
            value = self.unknown(action_node)
        else:
            value = V(f"{_IAM_SERVICE_NAMES.get(service, service)}:{action}", start, end)
        return _list([value], start, end).keyed(self.range(key))

    # Gen 1 and L1: CloudFormation-shaped literals --------------------------------------

    def _assignment(self, node) -> None:
        left = self.unwrap(node.child_by_field_name("left"))
        right = node.child_by_field_name("right")
        if left is None or left.type != "member_expression":
            return
        name = self.last_name(left)
        if name in _DOCUMENT_KEYS:  # Gen 1: resources.s3AuthPrivatePolicy.policyDocument = {...}
            kind = _DOCUMENT_KEYS[name]
            index = self._document_of(right, cfn=True, kind=kind, label=f"{name} at line {self.line(node)}")
            if kind is DocKind.IDENTITY:
                self.attach(index, self.receiver_principal(left.child_by_field_name("object")))
            return
        if name != "policies":
            return
        principal_id = self.receiver_principal(left.child_by_field_name("object"))
        array = self.resolve(right)
        if array is None or array.type != "array":
            self.principals[principal_id].complete = False
            return
        for item in array.named_children:
            entry = self.resolve(item)
            members = self.members(entry) if entry is not None and entry.type == "object" else {}
            document = members.get("policyDocument") or members.get("PolicyDocument")
            if document is None:
                self.principals[principal_id].complete = False
                continue
            self.attach(self._document_of(document[1], cfn=True, label=self._policy_label(members)),
                        principal_id)

    def _policy_label(self, members) -> str:
        name = members.get("policyName") or members.get("PolicyName")
        text = self.string_value(name[1]) if name is not None else None
        return f"inline policy {text!r}" if text else "inline policy"

    def _pair(self, node) -> None:
        """A ``policyDocument`` member anywhere (an L1 construct's props, ``addCfnResource``
        properties, a Gen 1 ``policies`` entry already read above)."""
        key = self.key_text(node.child_by_field_name("key"))
        if key not in _DOCUMENT_KEYS:
            return
        value = node.child_by_field_name("value")
        kind = _DOCUMENT_KEYS[key]
        index = self._document_of(value, cfn=True, kind=kind,
                                  label=f"{key} at line {self.line(node)}")
        if index is not None and not self.documents[index].principals and kind is DocKind.IDENTITY:
            # Whose it is (roles: [...], a Gen 1 role) is for CloudFormation to say.
            self._orphan(index)

    # Documents ---------------------------------------------------------------------------

    def _from_json(self, node) -> str | None:
        """``PolicyStatement`` or ``PolicyDocument`` for a ``X.fromJson({...})`` call."""
        if node.type != "call_expression":
            return None
        function = self.unwrap(node.child_by_field_name("function"))
        if function is None or function.type != "member_expression" or self.last_name(function) != "fromJson":
            return None
        owner = self.last_name(function.child_by_field_name("object"))
        return owner if owner in ("PolicyStatement", "PolicyDocument") else None

    def _document_of(self, node, cfn: bool = False, kind: DocKind | None = None,
                     label: str | None = None) -> int | None:
        """The index of the document that ``node`` writes (a statement is a document of one
        statement), made on first use; None when it is not one the linter can read."""
        target = self.resolve(node)
        if target is None:
            return None
        key = (target.start_byte, target.end_byte)
        if key in self.by_node:
            return self.by_node[key]
        built = self._build(target, cfn)
        if built is None:
            return None
        value, what = built
        self.documents.append(_Document(value, kind, label or f"{what} at line {self.line(target)}"))
        self.by_node[key] = len(self.documents) - 1
        return self.by_node[key]

    def _build(self, node, cfn: bool) -> tuple[V, str] | None:
        start, end = self.range(node)
        if node.type == "new_expression":
            name = self.last_name(node.child_by_field_name("constructor"))
            args = self.arguments(node)
            if name == "PolicyStatement":
                statement = self._statement(args[0] if args else None, node)
                return (_single(statement, start, end), "PolicyStatement") if statement is not None else None
            if name == "PolicyDocument":
                return self._document_props(args[0] if args else None, node, "PolicyDocument")
            if name in ("Policy", "ManagedPolicy"):
                return self._document_props(args[2] if len(args) >= 3 else None, node, name)
            return None
        owner = self._from_json(node)
        if owner is not None:
            args = self.arguments(node)
            if not args:
                return None
            value = self.value(args[0])
            if value.leaf:
                return None
            if owner == "PolicyStatement":
                return _single(value, start, end), "PolicyStatement.fromJson"
            return value, "PolicyDocument.fromJson"
        if cfn and node.type == "object":
            value = self.value(node)
            if value.leaf:
                return None
            statements = value.value.get("Statement")
            if statements is not None and not statements.leaf and not statements.value:
                return None  # Statement: [] filled in where the file does not show
            if "Statement" in value.value:
                return value, "policy document"
            if "Effect" in value.value or "Action" in value.value or "NotAction" in value.value:
                return _single(value, start, end), "policy statement"
        return None

    def _document_props(self, props_node, node, what: str) -> tuple[V, str] | None:
        """``{statements: [...]}`` (PolicyDocument props; Policy and ManagedPolicy also take
        ``document``) as ``{"Version", "Statement"}``."""
        start, end = self.range(node)
        props = self.resolve(props_node) if props_node is not None else None
        statements: list[V] = []
        key_range = None
        list_range = (start, end)
        if props is not None and props.type == "object":
            members = self.members(props)
            if "spread" in members or "document" in members:
                return None
            if "statements" in members:
                key, array_node = members["statements"]
                array = self.resolve(array_node)
                if array is None or array.type != "array":
                    return None
                key_range, list_range = self.range(key), self.range(array)
                for item in array.named_children:
                    statements.append(self._member_statement(item))
        elif props is not None:
            return None
        for call in self._method_calls(node, ("addStatements",)):
            for arg in self.arguments(call):
                statements.append(self._member_statement(arg))
        if not statements:
            return None  # statements added where the file does not show (CDK renders no empty policy)
        listed = _list(statements, *list_range).keyed(key_range)
        return _mapping({"Version": V(_VERSION), "Statement": listed}, start, end), what

    def _member_statement(self, node) -> V:
        """A statement of a document: read, or unknown."""
        target = self.resolve(node)
        if target is None:
            return self.unknown(node)
        self.consumed.add((target.start_byte, target.end_byte))
        statement = self._statement_node(target)
        return statement if statement is not None else self.unknown(node)

    def _statement_node(self, node) -> V | None:
        """A statement written as ``new PolicyStatement`` or ``PolicyStatement.fromJson``."""
        if node.type == "new_expression" and \
                self.last_name(node.child_by_field_name("constructor")) == "PolicyStatement":
            args = self.arguments(node)
            return self._statement(args[0] if args else None, node)
        if self._from_json(node) == "PolicyStatement":
            args = self.arguments(node)
            return self.value(args[0]) if args else None
        return None

    def _statement(self, props_node, node) -> V | None:
        """``new PolicyStatement(props)`` as the statement CDK renders, then the changes made
        to it by ``addActions``, ``addResources``, ... when it is a ``const``."""
        start, end = self.range(node)
        members: dict[str, V] = {}
        props = self.resolve(props_node) if props_node is not None else None
        if props is not None:
            if props.type != "object":
                return None
            start, end = self.range(props)
            for name, (key, value) in self.members(props).items():
                if name == "spread":
                    return None
                target = _STATEMENT_PROPS.get(name)
                if target is None:
                    return None  # not IAM's PolicyStatement (a Cedar policy's, a library's own)
                if name == "effect":
                    members[target] = self._effect(value).keyed(self.range(key))
                elif name in ("principals", "notPrincipals"):
                    members[target] = self._principals(value).keyed(self.range(key))
                elif name in ("resources", "notResources"):
                    members[target] = _api_paths_unknown(self.value(value)).keyed(self.range(key))
                else:
                    members[target] = self.value(value).keyed(self.range(key))
        members.setdefault("Effect", V("Allow"))
        self._modifications(node, members)
        return _mapping(members, start, end)

    def _modifications(self, node, members: dict[str, V]) -> None:
        adders = {"addActions": "Action", "addNotActions": "NotAction", "addResources": "Resource",
                  "addNotResources": "NotResource"}
        for call in self._method_calls(node, None):
            method = self.last_name(call.child_by_field_name("function"))
            if method in adders:
                target = adders[method]
                current = members.get(target)
                items = list(current.value) if current is not None and not current.leaf else \
                    ([current] if current is not None else [])
                items.extend(self._items(self.arguments(call)))
                members[target] = _list(items, *(self.range(call) if current is None else (current.start, current.end)))
                if current is not None:
                    members[target].key = current.key
            elif method == "addAllResources":
                start, end = self.range(call)
                current = members.get("Resource")
                items = list(current.value) if current is not None and not current.leaf else []
                members["Resource"] = _list([*items, V("*", start, end)], start, end)
            elif method.startswith("add") and method.endswith(("Condition", "Conditions")):
                members["Condition"] = self.unknown(call)
            elif method.startswith("add") and "Principal" in method:
                members["Principal"] = self.unknown(call)

    def _method_calls(self, node, methods: tuple[str, ...] | None) -> Iterator[Any]:
        """Calls ``x.method(...)`` where ``x`` is the ``const`` that ``node`` initialises."""
        declarator = self.const_of(node)
        if declarator is None:
            return
        for mention in self.mentions(declarator):
            parent = mention.parent
            if parent is None or parent.type != "member_expression" or parent.child_by_field_name("object") != mention:
                continue
            call = parent.parent
            if call is None or call.type != "call_expression" or call.child_by_field_name("function") != parent:
                continue
            if methods is None or self.last_name(parent) in methods:
                yield call

    def _effect(self, node) -> V:
        target = self.unwrap(node)
        start, end = self.range(node)
        if target is not None and target.type == "member_expression":
            owner = self.last_name(target.child_by_field_name("object"))
            name = self.last_name(target)
            if owner == "Effect" and name in ("ALLOW", "DENY"):
                return V(name.capitalize(), start, end)
        return self.value(node)

    def _principals(self, node) -> V:
        array = self.resolve(node)
        if array is None or array.type != "array":
            return self.unknown(node)
        merged: dict[str, list[V]] = {}
        for item in array.named_children:
            principal, _, _ = self.principal_value(item)
            if principal.leaf:
                return self.unknown(node)
            for key, value in principal.value.items():
                merged.setdefault(key, []).append(value)
        start, end = self.range(array)
        return _mapping({k: (v[0] if len(v) == 1 else _list(v, start, end)) for k, v in merged.items()}, start, end)

    # Values ------------------------------------------------------------------------------

    def members(self, obj) -> dict[str, tuple[Any, Any]]:
        """An object literal's members: name -> (key node, value node); ``spread`` when it
        has a spread or a computed name (its members are not all known)."""
        result: dict[str, tuple[Any, Any]] = {}
        for child in obj.named_children:
            if child.type == "pair":
                name = self.key_text(child.child_by_field_name("key"))
                if name is None:
                    result["spread"] = (child, child)
                    continue
                result[name] = (child.child_by_field_name("key"), child.child_by_field_name("value"))
            elif child.type == "shorthand_property_identifier":
                name = self.source_text(child)
                result[name] = (child, child)
            elif child.type in ("spread_element", "method_definition"):
                result["spread"] = (child, child)
        return result

    def key_text(self, key) -> str | None:
        if key is None:
            return None
        if key.type in ("property_identifier", "identifier", "shorthand_property_identifier"):
            return self.source_text(key)
        if key.type == "string":
            return self.string_value(key)
        if key.type == "number":
            return self.source_text(key)
        return None  # a computed name

    def string_value(self, node) -> str | None:
        """The text of a string literal (or a template literal without ``${}``), followed
        through ``const``; None for anything else."""
        target = self.resolve(node)
        if target is None:
            return None
        if target.type == "string":
            return _unescape(self, target)
        if target.type == "template_string" and not any(c.type == "template_substitution" for c in target.children):
            return _unescape(self, target)
        return None

    def value(self, node, depth: int = 0) -> V:
        """The JSON value ``node`` writes; unknown for any expression that is not a literal."""
        written = self.unwrap(node)
        target = self.resolve(node)
        if target is None or depth > _DEPTH:
            return self.unknown(node)
        start, end = self.range(target)
        kind = target.type
        if kind in ("string", "template_string"):
            text = self.string_value(target)
            return V(text, start, end) if text is not None else self.unknown(target)
        if kind == "number":
            try:
                number = float(self.source_text(target).replace("_", ""))
            except ValueError:
                return self.unknown(target)
            return V(int(number) if number.is_integer() else number, start, end)
        if kind in ("true", "false"):
            return V(kind == "true", start, end)
        if kind == "null":
            return V(None, start, end)
        if kind == "array":
            return _list(self._items(target.named_children, depth), start, end)
        if kind == "object":
            members: dict[str, V] = {}
            for name, (key, value) in self.members(target).items():
                if name == "spread":
                    return self.unknown(target)
                members[name] = self.value(value, depth + 1).keyed(self.range(key))
            return _mapping(members, start, end)
        return self.unknown(written if written is not None else target)

    def _items(self, nodes, depth: int = 0) -> list[V]:
        items: list[V] = []
        for child in nodes:
            if child.type == "comment":
                continue
            if child.type == "spread_element" and child.named_children:
                spread = self.resolve(child.named_children[0])
                if spread is not None and spread.type == "array" and depth < _DEPTH:
                    items.extend(self._items(spread.named_children, depth + 1))
                    continue
                items.append(self.unknown(child))
                continue
            items.append(self.value(child, depth + 1))
        return items

    # Principals --------------------------------------------------------------------------

    def receiver_principal(self, node, depth: int = 0) -> str:
        """The principal of whatever ``node`` names (a role, a function, a Gen 2 resource)."""
        target = self.unwrap(node)
        if target is not None and target.type == "identifier":
            name = self.source_text(target)
            declarator = self.binding(target)
            initial = self.unwrap(declarator.child_by_field_name("value")) if declarator is not None else None
            if initial is not None and initial.type == "new_expression":
                if self.last_name(initial.child_by_field_name("constructor")) == "Role":
                    return self.role_principal(initial)
                return self.principal(f"{name}@{initial.start_byte}",
                                      f"the role of {name} (line {self.line(initial)})")
            if initial is not None and depth < _DEPTH and \
                    initial.type in ("member_expression", "subscript_expression", "identifier"):
                return self.receiver_principal(initial, depth + 1)
        if target is not None and target.type == "new_expression" and \
                self.last_name(target.child_by_field_name("constructor")) == "Role":
            return self.role_principal(target)
        text = _receiver_text(self.source_text(target) if target is not None else "?")
        return self.principal(f"{text}", f"the role of {text}")

    def role_principal(self, node) -> str:
        principal_id = f"Role@{node.start_byte}"
        if principal_id not in self.principals:
            args = self.arguments(node)
            construct_id = self.string_value(args[1]) if len(args) >= 2 else None
            label = f"Role {construct_id!r}" if construct_id else "Role"
            self.principals[principal_id] = _Principal(f"the {label} of line {self.line(node)}",
                                                       complete=self._provably_complete(node))
        return principal_id

    def _provably_complete(self, node) -> bool:
        """A ``const x = new Role(...)`` that nothing else in the file can add a policy to:
        every mention of ``x`` attaches a policy the linter reads. (Its own props are judged
        in ``_role``.)"""
        declarator = self.const_of(node)
        if declarator is None:
            return False
        statement = declarator.parent
        if statement is None or (statement.parent is not None and statement.parent.type == "export_statement"):
            return False
        return all(self._attaching_mention(mention) for mention in self.mentions(declarator))

    def _attaching_mention(self, mention) -> bool:
        parent = mention.parent
        if parent is not None and parent.type == "member_expression" and parent.child_by_field_name("object") == mention:
            call = parent.parent
            method = self.last_name(parent)
            if call is None or call.type != "call_expression" or call.child_by_field_name("function") != parent:
                return False
            args = self.arguments(call)
            if method in _ATTACH:
                return len(args) == 1 and self._readable_statement(args[0])
            if method == "attachInlinePolicy":
                return len(args) == 1 and self._readable_policy(args[0])
            return False
        # roles: [x] of a new Policy that the linter reads
        array = parent
        pair = array.parent if array is not None and array.type == "array" else None
        obj = pair.parent if pair is not None and pair.type == "pair" else None
        args = obj.parent if obj is not None else None
        new = args.parent if args is not None else None
        if pair is not None and self.key_text(pair.child_by_field_name("key")) == "roles" and \
                new is not None and new.type == "new_expression":
            return self._readable_policy(new)
        # policy.attachToRole(x)
        if parent is not None and parent.type == "arguments":
            call = parent.parent
            function = self.unwrap(call.child_by_field_name("function")) if call is not None else None
            if function is not None and function.type == "member_expression" and self.last_name(function) == "attachToRole":
                return self._readable_policy(function.child_by_field_name("object"))
        return False

    def _readable_statement(self, node) -> bool:
        target = self.resolve(node)
        return target is not None and self._statement_node(target) is not None and \
            not self._unread_mentions(target, ("addActions", "addNotActions", "addResources",
                                               "addNotResources", "addAllResources"))

    def _readable_policy(self, node) -> bool:
        target = self.resolve(node)
        if target is None or target.type != "new_expression" or \
                self.last_name(target.child_by_field_name("constructor")) not in ("Policy", "ManagedPolicy"):
            return False
        args = self.arguments(target)
        props = self.resolve(args[2]) if len(args) >= 3 else None
        if props is not None and props.type != "object":
            return False
        if props is not None:
            members = self.members(props)
            if "spread" in members or "document" in members:
                return False
            if "statements" in members:
                array = self.resolve(members["statements"][1])
                if array is None or array.type != "array" or \
                        not all(self._readable_statement(item) for item in array.named_children):
                    return False
        return not self._unread_mentions(target, ("attachToRole", "attachToUser", "attachToGroup"))

    def _unread_mentions(self, node, allowed: tuple[str, ...]) -> bool:
        """Whether the ``const`` that ``node`` initialises is mentioned other than by
        ``x.allowed(...)`` calls or as an entry of a list or an argument of an attaching call."""
        declarator = self.const_of(node)
        if declarator is None:
            return False
        for mention in self.mentions(declarator):
            parent = mention.parent
            if parent is not None and parent.type == "member_expression" and self.last_name(parent) in allowed:
                continue
            if parent is not None and parent.type == "arguments":
                call = parent.parent
                function = self.unwrap(call.child_by_field_name("function")) if call is not None else None
                if function is not None and self.last_name(function) in (*_ATTACH, "attachInlinePolicy",
                                                                         "addStatements"):
                    continue
            if parent is not None and parent.type == "array":
                continue  # statements: [x] / roles: [x]
            return True
        return False

    # The result ------------------------------------------------------------------------

    def source(self) -> TypeScriptSource:
        table = PositionTable()
        # A statement attached to nothing here and naming no action is filled in elsewhere (a
        # helper, another module): nothing to judge.
        self.documents = [d for d in self.documents if not d.skip and not (d.orphan and _without_actions(d.value))]
        data = [_place(document.value, (index,), table) for index, document in enumerate(self.documents)]
        keys = {name: PrincipalKey(CONTAINER, self.name, name) for name in self.principals}
        placed = tuple(_Placed(d.kind, d.label, tuple(keys[p] for p in d.principals), d.orphan)
                       for d in self.documents)
        principals = tuple(PrincipalInfo(keys[name], p.label, p.complete) for name, p in self.principals.items())
        return TypeScriptSource(self.name, self.text, data, table, placed, principals)


# ---------------------------------------------------------------------------------------------


# The IAM prefix of the services whose SDK name differs, as CallAwsService maps them
# (aws-cdk-lib 2.278.0, aws-stepfunctions-tasks/lib/aws-sdk/call-aws-service.js).
_IAM_SERVICE_NAMES = {"bedrockagent": "bedrock", "cloudwatchlogs": "logs", "efs": "elasticfilesystem",
                      "elasticloadbalancingv2": "elasticloadbalancing", "mediapackagevod": "mediapackage-vod",
                      "mwaa": "airflow", "sfn": "states"}


def _descendants(node) -> Iterator[Any]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.children)


def _single(statement: V, start: int, end: int) -> V:
    """A statement as the document CDK renders for it: Version and a list of one."""
    return _mapping({"Version": V(_VERSION), "Statement": _list([statement], start, end)}, start, end)


def _own_account_root(start: int, end: int) -> V:
    """``arn:${AWS::Partition}:iam::${AWS::AccountId}:root``, as CDK synthesizes it."""
    return V({"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::", {"Ref": "AWS::AccountId"}, ":root"]]},
             start, end)


def _api_paths_unknown(value: V) -> V:
    """API Gateway's ``execute-api:/stage/METHOD/path`` shorthand is made an ARN by API
    Gateway when the policy is set: unknown here, as an intrinsic is."""
    if value.leaf and isinstance(value.value, str) and value.value.startswith("execute-api:/"):
        return V({UNKNOWN: value.value}, value.start, value.end, value.key)
    if not value.leaf and isinstance(value.value, list):
        return V([_api_paths_unknown(item) for item in value.value], value.start, value.end, value.key, False)
    return value


def _without_actions(value: V) -> bool:
    return any("Action" not in s and "NotAction" not in s for s in _statement_members(value))


def _has_principal(value: V) -> bool:
    return any("Principal" in s or "NotPrincipal" in s for s in _statement_members(value))


def _statement_members(value: V) -> Iterator[dict]:
    """The members of each statement written as an object in the ``Statement`` list of a document."""
    statements = value.value.get("Statement") if isinstance(value.value, dict) else None
    if statements is not None and not statements.leaf and isinstance(statements.value, list):
        for s in statements.value:
            if not s.leaf and isinstance(s.value, dict):
                yield s.value


def _receiver_text(text: str) -> str:
    """A receiver as one name: whitespace, ``?``/``!`` and a trailing ``.role`` dropped, so
    that ``backend.fn.resources.lambda.role?.`` and ``backend.fn.resources.lambda`` agree."""
    text = re.sub(r"\s+", "", text).replace("?.", ".").replace("!", "")
    text = re.sub(r"\.role$", "", text)
    return text


def _before_policies(node, reader: _Reader):
    """``resources.authRole`` for ``resources.authRole.policies[0].policyDocument.Statement``."""
    current = reader.unwrap(node)
    while current is not None and current.type in ("member_expression", "subscript_expression"):
        inner = reader.unwrap(current.child_by_field_name("object"))
        if current.type == "member_expression" and reader.last_name(current) in ("policies", "Policies"):
            return inner
        current = inner
    return node


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def _unescape(reader: _Reader, node) -> str:
    parts = []
    for child in node.children:
        if child.type == "string_fragment":
            parts.append(reader.source_text(child))
        elif child.type == "escape_sequence":
            parts.append(_escape(reader.source_text(child)))
    return "".join(parts)


def _escape(sequence: str) -> str:
    body = sequence[1:]
    if body[:1] in _ESCAPES and not body[1:2].isdigit():
        return _ESCAPES[body[:1]]
    if body.startswith("u{") and body.endswith("}"):
        return chr(int(body[2:-1], 16))
    if body.startswith(("u", "x")) and len(body) > 1:
        try:
            return chr(int(body[1:], 16))
        except ValueError:
            return body
    if body[:1] in ("\n", "\r", "\u2028", "\u2029"):
        return ""  # a line continuation
    return body
