"""Terraform configuration (``.tf``), read with tree-sitter-hcl.

Policies are found where the AWS provider takes them: ``data "aws_iam_policy_document"``
blocks (turned into the JSON the provider renders: defaults Version 2012-10-17 and Effect
Allow, ``source_policy_documents``/``override_policy_documents`` merged by Sid), and the
policy attributes of IAM and resource-policy resources written as a reference to such a
block, ``jsonencode({...})``, heredoc JSON, or ``file()``/``templatefile()`` of a JSON file
(that file's document, with its findings in that file). The document's kind comes from
where it is used (a role's ``assume_role_policy`` is a trust policy), not from its content.

Interpolations, references and function calls are unknown parts of a value: they become an
intrinsic-like ``{"Fn::Terraform": text}``, which every rule already treats as unknown. A
``dynamic "statement"`` (or an unknown list of source documents) is an unknown statement:
the document's principals are then incomplete, so absence rules stay quiet.

Principals are resolved over all ``.tf`` files of the module directory: a file's documents
name the role, user or group they extend, whichever file defines it. The directory is read
once per run (``module_of``); each file reports only the documents it holds.
"""
from __future__ import annotations

import os
import re
from typing import Any, Iterator

from ..model import JsonPath, PrincipalKey
from ..policy import DocKind, PolicyDocument, make_document
from ..records import field, record
from ..source import InputViolation, PositionTable, Problem, Source, parse_json
from . import BY_NAME, Located, PrincipalInfo
from .common import ENDPOINT_POLICY
from .policy_file import policy_kind
from .terraform import ATTACHMENTS, HOLDERS, INLINE, MULTI_ATTACHMENT, RESOURCE_POLICIES

# A .tf file that holds none of these holds no IAM: it is skipped after this search (the
# registry line in inputs/__init__.py holds them, for the linter's cheap test).
MARKERS = BY_NAME["terraform"].markers
# Comments that may hold a suppression directive (suppress.py).
LINE_COMMENTS = ("#", "//")
UNKNOWN = "Fn::Terraform"
CONTAINER = "terraform"
_POLICY_DOCUMENT = "aws_iam_policy_document"
# Characters that stand for an interpolation inside heredoc JSON while it is parsed (one per
# code point of the interpolation, so offsets stay exact): a value holding one is unknown.
_MASK = "\ue000"
_DOCUMENT_ATTRIBUTES = ("json", "minified_json")
_DATA_REFERENCE = re.compile(r"\bdata\.aws_iam_policy_document\.([A-Za-z_][A-Za-z0-9_-]*)")
_HOLDER_REFERENCE = re.compile(r"\b(aws_iam_(?:role|user|group))\.([A-Za-z_][A-Za-z0-9_-]*)")
_MERGED_ATTRIBUTES = ("source_policy_documents", "override_policy_documents", "source_json", "override_json")
_FILLED_IN_BY_MODULES = ("Resource", "NotResource", "Principal", "NotPrincipal", "Condition")


def recognise(text: str) -> bool:
    """Whether a ``.tf`` text may hold IAM (a substring search, no parse)."""
    return any(marker in text for marker in MARKERS)


def is_terraform_name(name: str) -> bool:
    return name.endswith(".tf")


def unknown(text: str) -> dict[str, str]:
    return {UNKNOWN: text[:200]}


def is_unknown(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and UNKNOWN in value


# ---------------------------------------------------------------------------------------------
# Positions


class TerraformSource(Source):
    """The documents of one ``.tf`` file: a position table keyed by each document's path (its
    base, then the JSON path inside it), plus the heredoc JSON texts, each answering below its
    own base with offsets shifted into the file."""

    def __init__(self, name: str, text: str) -> None:
        self.parts: list[tuple[JsonPath, Source, int]] = []  # set first: a Source is immutable once built
        super().__init__(name, text, "terraform", None, table=PositionTable())

    def value_range(self, path: JsonPath, part: str = "value") -> tuple[int, int]:
        path = tuple(path)
        for prefix, inner, shift in self.parts:
            if path[:len(prefix)] == prefix:
                start, end = inner.value_range(path[len(prefix):], part)
                return start + shift, end + shift
        return super().value_range(path, part)


def read(name: str, text: str) -> tuple[Source | None, list[InputViolation]]:
    """What the linter holds for a ``.tf`` file before locating: the text. It is parsed with
    the other files of its directory when located (principals span them)."""
    return TerraformSource(name, text), []


def directive_comments(text: str) -> list[int]:
    """Offsets of each HCL line comment (``#`` or ``//``, found by tree-sitter-hcl, so never
    inside a string or heredoc) that looks like a suppression directive."""
    from ..suppress import looks_like_directive
    from ..treesitter import CodePoints, parser

    data = text.encode("utf-8")
    code_points = CodePoints(text)
    found = []
    stack = [parser("tree_sitter_hcl").parse(data).root_node]
    while stack:
        node = stack.pop()
        if node.type == "comment":
            start = code_points(node.start_byte)
            if looks_like_directive(text, start):
                found.append(start)
            continue
        stack.extend(node.children)
    return sorted(found)


# ---------------------------------------------------------------------------------------------
# The syntax tree, reduced to blocks and attributes


@record(frozen=False, slots=False, eq=False)
class Attribute:
    name: str
    name_node: Any
    expr: Any  # the expression node, parentheses removed


@record(frozen=False, slots=False, eq=False)
class Block:
    type: str
    labels: tuple[str, ...]
    node: Any
    file: "HclFile"
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list["Block"] = field(default_factory=list)

    def children(self, block_type: str) -> list["Block"]:
        return [b for b in self.blocks if b.type == block_type]

    def dynamic(self, block_type: str) -> bool:
        return any(b.type == "dynamic" and b.labels == (block_type,) for b in self.blocks)

    @property
    def address(self) -> str:
        if self.type == "data":
            return "data." + ".".join(self.labels)
        return ".".join(self.labels)


class HclFile:
    """One parsed ``.tf`` file: its top-level blocks and offsets in code points."""

    def __init__(self, name: str, text: str) -> None:
        from ..treesitter import CodePoints, parser

        self.name = name
        self.text = text
        self.data = text.encode("utf-8")
        self.tree = parser("tree_sitter_hcl").parse(self.data)
        self.code_points = CodePoints(text)
        self.source = TerraformSource(name, text)
        self.problems: list[InputViolation] = []
        self.blocks = list(self._blocks(self.tree.root_node))
        if self.tree.root_node.has_error:
            self.problems.append(self._syntax_error())

    def _syntax_error(self) -> InputViolation:
        """Where tree-sitter-hcl first failed: an ERROR node, or a token it had to assume."""
        stack = [self.tree.root_node]
        while stack:
            node = stack.pop()
            if node.is_missing or node.type == "ERROR":
                start, end = self.range(node)
                what = f"missing {node.type!r}" if node.is_missing else "syntax error"
                return InputViolation(Problem.SYNTAX, f"Terraform {what}: the file does not parse as HCL",
                                      start, max(end, start + 1) if start < len(self.text) else start)
            stack.extend(reversed([c for c in node.children if c.has_error or c.is_missing]))
        return InputViolation(Problem.SYNTAX, "Terraform syntax error: the file does not parse as HCL", 0, 0)

    def range(self, node: Any) -> tuple[int, int]:
        return self.code_points(node.start_byte), self.code_points(node.end_byte)

    def node_text(self, node: Any) -> str:
        return self.data[node.start_byte:node.end_byte].decode("utf-8", "replace")

    def _blocks(self, root: Any) -> Iterator[Block]:
        body = next((c for c in root.named_children if c.type == "body"), None)
        if body is not None:
            yield from self._body(body)

    def _body(self, body: Any) -> Iterator[Block]:
        for child in body.named_children:
            if child.type == "block":
                yield self._block(child)

    def _block(self, node: Any) -> Block:
        named = node.named_children
        block_type = self.node_text(named[0]) if named else ""
        labels = []
        for child in named[1:]:
            if child.type == "string_lit":
                labels.append(string_value(self, child) or "")
            elif child.type == "identifier":
                labels.append(self.node_text(child))
        block = Block(block_type, tuple(labels), node, self)
        body = next((c for c in named if c.type == "body"), None)
        if body is not None:
            for child in body.named_children:
                if child.type == "attribute":
                    name_node = child.named_children[0]
                    expr = child.named_children[-1]
                    block.attributes[self.node_text(name_node)] = Attribute(
                        self.node_text(name_node), name_node, unwrap(expr))
                elif child.type == "block":
                    block.blocks.append(self._block(child))
        return block


def unwrap(node: Any) -> Any:
    """The expression inside ``expression`` wrappers and parentheses."""
    while node is not None and node.type == "expression" and node.named_child_count == 1:
        node = node.named_children[0]
    return node


_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def _unescape(raw: str, quoted: bool) -> str | None:
    """A template literal's value: HCL escapes (quoted strings only) and ``$${``/``%%{``."""
    out = []
    i = 0
    while i < len(raw):
        char = raw[i]
        if quoted and char == "\\" and i + 1 < len(raw):
            nxt = raw[i + 1]
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                i += 2
                continue
            size = 4 if nxt == "u" else 8 if nxt == "U" else 0
            digits = raw[i + 2:i + 2 + size]
            if size and len(digits) == size and all(c in "0123456789abcdefABCDEF" for c in digits):
                try:
                    out.append(chr(int(digits, 16)))
                except ValueError:
                    return None
                i += 2 + size
                continue
            return None
        if char in "$%" and raw.startswith(char * 2 + "{", i):
            out.append(char + "{")
            i += 3
            continue
        out.append(char)
        i += 1
    return "".join(out)


def string_value(file: HclFile, node: Any) -> str | None:
    """The value of a string without interpolations, or None."""
    node = unwrap(node)
    if node is None:
        return None
    if node.type == "literal_value":
        node = node.named_children[0]
    if node.type == "template_expr":
        node = node.named_children[0]
    if node.type not in ("string_lit", "quoted_template"):
        return None
    children = node.named_children
    if any(c.type not in ("quoted_template_start", "quoted_template_end", "template_literal") for c in children):
        return None  # an interpolation or a directive
    if len(children) < 2 or children[0].type != "quoted_template_start" or children[-1].type != "quoted_template_end":
        return None
    # Between the quotes, not the template_literal nodes: those leave out white space at
    # either end (" a " would read as "a").
    raw = file.data[children[0].end_byte:children[-1].start_byte].decode("utf-8", "replace")
    return _unescape(raw, quoted=True)


def reference(file: HclFile, node: Any) -> tuple[str, ...] | None:
    """``aws_iam_role.x[0].name`` as ("aws_iam_role", "x", "name"); None for anything else."""
    node = unwrap(node)
    if node is None or node.type != "expression":
        if node is not None and node.type == "variable_expr":
            return (file.node_text(node),)
        return None
    parts: list[str] = []
    for child in node.named_children:
        if child.type == "variable_expr":
            parts.append(file.node_text(child))
        elif child.type == "get_attr":
            parts.append(file.node_text(child.named_children[-1]))
        elif child.type == "splat":
            for inner in child.named_children:
                for attr in inner.named_children:
                    if attr.type == "get_attr":
                        parts.append(file.node_text(attr.named_children[-1]))
        elif child.type != "index":
            return None
    return tuple(parts) if parts else None


def function_call(file: HclFile, node: Any) -> tuple[str, list[Any]] | None:
    node = unwrap(node)
    if node is None or node.type != "function_call":
        return None
    name = file.node_text(node.named_children[0])
    arguments = next((c for c in node.named_children if c.type == "function_arguments"), None)
    args = [unwrap(c) for c in arguments.named_children if c.type == "expression"] if arguments else []
    return name, args


def list_elements(node: Any) -> list[Any] | None:
    """The element expressions of a tuple ``[...]``, or None when it is not one."""
    node = unwrap(node)
    if node is not None and node.type == "collection_value":
        node = node.named_children[0]
    if node is None or node.type != "tuple":
        return None
    return [unwrap(c) for c in node.named_children if c.type == "expression"]


# ---------------------------------------------------------------------------------------------
# Values with positions


class Values:
    """Turns HCL expressions into JSON-like values, recording where each was written."""

    def __init__(self, file: HclFile) -> None:
        self.file = file
        self.table = file.source.table

    def put(self, path: JsonPath, node: Any, key_node: Any = None) -> None:
        self.table.values[path] = self.file.range(node)
        if key_node is not None:
            self.table.keys[path] = self.file.range(key_node)

    def value(self, node: Any, path: JsonPath, key_node: Any = None) -> Any:
        node = unwrap(node)
        self.put(path, node, key_node)
        literal = self._literal(node)
        if literal is not _NOT_LITERAL:
            return literal
        elements = list_elements(node)
        if elements is not None:
            return [self.value(e, path + (i,)) for i, e in enumerate(elements)]
        obj = node.named_children[0] if node.type == "collection_value" else None
        if obj is not None and obj.type == "object":
            return self._object(obj, path)
        return unknown(self.file.node_text(node))

    def _literal(self, node: Any) -> Any:
        text = string_value(self.file, node)
        if text is not None:
            return text
        inner = node.named_children[0] if node.type == "literal_value" else None
        if inner is None:
            return _NOT_LITERAL
        raw = self.file.node_text(inner)
        if inner.type == "bool_lit":
            return raw == "true"
        if inner.type == "null_lit":
            return None
        if inner.type == "numeric_lit":
            try:
                return int(raw)
            except ValueError:
                try:
                    return float(raw)
                except ValueError:
                    return unknown(raw)
        return _NOT_LITERAL

    def _object(self, node: Any, path: JsonPath) -> Any:
        result: dict[str, Any] = {}
        for element in node.named_children:
            if element.type != "object_elem":
                continue
            expressions = [c for c in element.named_children if c.type == "expression"]
            if len(expressions) != 2:
                return unknown(self.file.node_text(node))
            key = self.key(expressions[0])
            if key is None:
                return unknown(self.file.node_text(node))
            result[key] = self.value(expressions[1], path + (key,), unwrap(expressions[0]))
        return result

    def key(self, node: Any) -> str | None:
        node = unwrap(node)
        if node.type == "expression" and node.named_child_count == 1 \
                and node.named_children[0].type == "variable_expr":
            node = node.named_children[0]
        if node.type == "variable_expr":
            return self.file.node_text(node)
        if node.type == "expression":  # a parenthesised or dotted expression: computed
            return None
        return string_value(self.file, node)


_NOT_LITERAL = object()


# ---------------------------------------------------------------------------------------------
# Documents


@record(frozen=False, slots=False, eq=False)
class Doc:
    """A policy document found in the directory (built into a PolicyDocument per file)."""

    origin: HclFile  # the .tf file whose expression holds or names it
    file: str
    source: Source
    base: JsonPath
    data: Any
    label: str
    kind: DocKind | None = None
    principals: list[PrincipalKey] = field(default_factory=list)
    partial: bool = False  # holds statements the linter cannot read
    resource_type: str | None = None  # for a resource policy: the Terraform type that holds it
    vpc_endpoint: bool = False

    def document(self, name: str) -> PolicyDocument:
        """The document, its file named as the linter names the .tf file it is in."""
        kind = self.kind or _kind_from_content(self.data)
        file = name if self.source is self.origin.source else self.file
        return make_document(file=file, source=self.source, base=self.base, data=self.data,
                             kind=kind, label=self.label, principals=tuple(self.principals),
                             container=CONTAINER, resource_type=self.resource_type,
                             vpc_endpoint=self.vpc_endpoint)


class Module:
    """The ``.tf`` files of one directory, their documents and principals."""

    def __init__(self, directory: str, files: list[HclFile]) -> None:
        self.directory = directory
        self.files = files
        self.docs: list[Doc] = []
        self.principals: dict[PrincipalKey, PrincipalInfo] = {}
        self.data_blocks: dict[str, Block] = {}
        self.data_docs: dict[str, Doc | None] = {}
        self._building: set[str] = set()
        self.resources: dict[str, Block] = {}
        self.policies: dict[str, list[Doc | None]] = {}  # aws_iam_policy address -> documents
        self.policy_users: list[tuple[PrincipalKey, str]] = []
        # A syntax error may hide a block that attaches more policies: nobody is complete then.
        self.parsed = not any(hcl.tree.root_node.has_error for hcl in files)
        for hcl in files:
            for block in hcl.blocks:
                if block.type == "data" and len(block.labels) == 2 and block.labels[0] == _POLICY_DOCUMENT:
                    self.data_blocks.setdefault(block.labels[1], block)
                elif block.type == "resource" and len(block.labels) == 2:
                    self.resources.setdefault(block.address, block)
        self._locate()

    # Principals ----------------------------------------------------------------------------

    def principal_id(self, address: str) -> PrincipalKey:
        """A principal of the module: the directory defines it, the address names it."""
        return PrincipalKey(CONTAINER, self.directory, address)

    def principal(self, address: str, label: str, complete: bool = True) -> PrincipalKey:
        principal_id = self.principal_id(address)
        complete = complete and self.parsed
        known = self.principals.get(principal_id)
        if known is not None:
            complete = known.complete and complete
            label = known.label
        self.principals[principal_id] = PrincipalInfo(principal_id, label, complete)
        return principal_id

    def incomplete(self, principal_id: PrincipalKey) -> None:
        known = self.principals.get(principal_id)
        if known is not None and known.complete:
            self.principals[principal_id] = known._replace(complete=False)

    def use(self, doc: Doc | None, principal_ids: tuple[PrincipalKey, ...]) -> None:
        for principal_id in principal_ids:
            if doc is None or doc.partial:
                self.incomplete(principal_id)
            if doc is not None and principal_id not in doc.principals:
                doc.principals.append(principal_id)

    # Locating --------------------------------------------------------------------------------

    def _locate(self) -> None:
        service_roles = self._amplify_service_roles()
        for address, block in self.resources.items():
            if block.labels[0] in HOLDERS:
                role_of = service_roles.get(address)
                self.principal(address, f"{address} (the service role of {role_of})" if role_of else address)
        for name in self.data_blocks:
            self.data_doc(name)
        for address, block in self.resources.items():
            kind = block.labels[0]
            if kind in HOLDERS:
                self._holder(block)
            elif kind == "aws_iam_policy":
                self.policies[address] = [self.policy(block, "policy", DocKind.IDENTITY, f"policy of {address}")]
            elif kind in INLINE:
                attribute, holder_type = INLINE[kind]
                targets = self.targets(block, attribute, holder_type)
                self.use(self.policy(block, "policy", DocKind.IDENTITY, f"{address}"), targets)
            elif kind in ATTACHMENTS:
                attribute, holder_type = ATTACHMENTS[kind]
                self._attachment(block, self.targets(block, attribute, holder_type))
            elif kind == "aws_iam_policy_attachment":
                found: list[PrincipalKey] = []
                for attribute, holder_type in MULTI_ATTACHMENT.items():
                    found.extend(self.targets(block, attribute, holder_type))
                self._attachment(block, tuple(found))
            elif kind in ("aws_iam_user_group_membership", "aws_iam_group_membership"):
                for attribute in ("user", "users"):
                    for target in self.targets(block, attribute, "aws_iam_user", outside=False):
                        self.incomplete(target)
            if kind in RESOURCE_POLICIES:
                attribute = RESOURCE_POLICIES[kind]
                if attribute in block.attributes:
                    endpoint = kind.startswith("aws_vpc_endpoint")
                    name = ENDPOINT_POLICY if endpoint else attribute
                    doc = self.policy(block, attribute, DocKind.RESOURCE, f"{name} of {address}")
                    if doc is not None and doc.resource_type is None:
                        doc.resource_type, doc.vpc_endpoint = kind, endpoint
        self._link()
        self._exported_holders()
        self._merged_kinds()
        self._handed_to_modules()

    def _exported_holders(self) -> None:
        """A role (user, group) whose name or ARN is an output of the module may be given more
        policies by whoever uses the module: incomplete."""
        for hcl in self.files:
            for block in hcl.blocks:
                if block.type != "output":
                    continue
                for holder_type, name in _HOLDER_REFERENCE.findall(hcl.node_text(block.node)):
                    address = f"{holder_type}.{name}"
                    if address in self.resources:
                        self.incomplete(self.principal_id(address))

    def _handed_to_modules(self) -> None:
        """A document used by no policy attribute here but given to a module is checked for
        its actions only: the module may fill in its resources, principals and conditions
        (terraform-aws-s3-bucket replaces ``_S3_BUCKET_ARN_`` placeholders), so those are unknown."""
        given: set[str] = set()
        for hcl in self.files:
            for block in hcl.blocks:
                if block.type == "module":
                    given.update(_DATA_REFERENCE.findall(hcl.node_text(block.node)))
        for name in given:
            doc = self.data_docs.get(name)
            if doc is None or doc.kind is not None or not isinstance(doc.data, dict):
                continue
            statements = doc.data.get("Statement")
            for statement in statements if isinstance(statements, list) else ():
                if isinstance(statement, dict):
                    for key in _FILLED_IN_BY_MODULES:
                        if key in statement:
                            statement[key] = unknown(f"{key} given to a module")
            doc.label = f"{doc.label} (given to a module)"

    def _amplify_service_roles(self) -> dict[str, str]:
        """Roles an ``aws_amplify_app`` names in ``iam_service_role_arn`` (as CloudFormation's
        AWS::Amplify::App IAMServiceRole): role address -> app address, for the labels."""
        found = {}
        for address, block in self.resources.items():
            attr = block.attributes.get("iam_service_role_arn") if block.labels[0] == "aws_amplify_app" else None
            role = self._holder_named(block.file, attr.expr, "aws_iam_role") if attr is not None else None
            if role is not None:
                found.setdefault(role, address)
        return found

    def _holder(self, block: Block) -> None:
        principal_id = self.principal_id(block.address)
        if block.labels[0] == "aws_iam_role" and "assume_role_policy" in block.attributes:
            self.policy(block, "assume_role_policy", DocKind.TRUST,
                        f"trust policy of {self.principals[principal_id].label}")
        for index, inline in enumerate(block.children("inline_policy")):
            if "policy" not in inline.attributes:
                continue
            name = string_value(block.file, inline.attributes["name"].expr) if "name" in inline.attributes else None
            label = f"inline policy {name!r} of {block.address}" if name else f"inline policy of {block.address}"
            self.use(self.policy(inline, "policy", DocKind.IDENTITY, label,
                                 base=(block.address, "inline_policy", index, "policy")), (principal_id,))
        if block.dynamic("inline_policy"):
            self.incomplete(principal_id)
        arns = block.attributes.get("managed_policy_arns")
        if arns is not None:
            elements = list_elements(arns.expr)
            if elements is None:
                self.incomplete(principal_id)
            for element in elements or ():
                self._use_policy(principal_id, self._policy_reference(block.file, element))

    def _attachment(self, block: Block, targets: tuple[PrincipalKey, ...]) -> None:
        arn = block.attributes.get("policy_arn")
        policy = self._policy_reference(block.file, arn.expr) if arn is not None else None
        for principal_id in targets:
            self._use_policy(principal_id, policy)

    def _policy_reference(self, file: HclFile, node: Any) -> str | None:
        parts = reference(file, node)
        if parts and len(parts) >= 2 and parts[0] == "aws_iam_policy":
            address = f"aws_iam_policy.{parts[1]}"
            return address if address in self.resources else None
        return None

    def _use_policy(self, principal_id: PrincipalKey, policy: str | None) -> None:
        """A policy of this directory extends the principal; anything else (an AWS managed
        policy ARN, a variable, a module output) makes it incomplete."""
        if policy is None:
            self.incomplete(principal_id)
        else:
            self.policy_users.append((principal_id, policy))

    def _link(self) -> None:
        for principal_id, policy in self.policy_users:
            for doc in self.policies.get(policy, []):
                self.use(doc, (principal_id,))
        attached = {policy for _, policy in self.policy_users}
        for address, docs in self.policies.items():
            if address in attached:
                continue
            # Attached to nothing here: judged on its own, as a policy file is.
            principal_id = self.principal(address, f"{address} (attached to nothing in this directory)")
            for doc in docs:
                self.use(doc, (principal_id,))

    def targets(self, block: Block, attribute: str, holder_type: str,
                outside: bool = True) -> tuple[PrincipalKey, ...]:
        """The principals an attribute (role, users, ...) names: by reference or by a literal
        name of a holder defined here; else one outside this directory (incomplete)."""
        attr = block.attributes.get(attribute)
        if attr is None:
            return ()
        elements = list_elements(attr.expr)
        nodes = elements if elements is not None else [attr.expr]
        found: list[PrincipalKey] = []
        for node in nodes:
            holder = self._holder_named(block.file, node, holder_type)
            if holder is not None:
                found.append(self.principal_id(holder))
            elif outside:
                text = block.file.node_text(node)
                found.append(self.principal(f"{holder_type} {text}", f"the {HOLDERS[holder_type]} {text} "
                                            "(not defined in this directory)", complete=False))
        return tuple(dict.fromkeys(found))

    def _holder_named(self, file: HclFile, node: Any, holder_type: str) -> str | None:
        parts = reference(file, node)
        if parts and len(parts) >= 2 and parts[0] == holder_type:
            address = f"{holder_type}.{parts[1]}"
            return address if address in self.resources else None
        name = string_value(file, node)
        if name is None:
            return None
        for address, holder in self.resources.items():
            if holder.labels[0] == holder_type and "name" in holder.attributes \
                    and string_value(holder.file, holder.attributes["name"].expr) == name:
                return address
        return None

    # Policy values ----------------------------------------------------------------------------

    def policy(self, block: Block, attribute: str, kind: DocKind, label: str,
               base: JsonPath | None = None) -> Doc | None:
        """The document an attribute holds, or None when it cannot be read."""
        attr = block.attributes.get(attribute)
        if attr is None:
            return None
        doc = self.expression_document(block.file, attr.expr, base or (block.address, attribute), label)
        if doc is not None and all(doc is not d for d in self.docs):
            self.docs.append(doc)
        if doc is not None:
            self._used_as(doc, kind, label)
        else:
            # one(data.aws_iam_policy_document.x[*].json), a conditional, try(...): the value is
            # unknown, but a document it names is of this kind.
            for name in _DATA_REFERENCE.findall(block.file.node_text(attr.expr)):
                used = self.data_doc(name)
                if used is not None:
                    self._used_as(used, kind, label)
        return doc

    @staticmethod
    def _used_as(doc: Doc, kind: DocKind, label: str) -> None:
        if doc.kind is None:
            doc.kind = kind
            if doc.label.startswith("data."):
                doc.label = f"{doc.label} ({label})"

    def _merged_kinds(self) -> None:
        """A document merged into another (source/override_policy_documents) is of its kind."""
        changed = True
        while changed:
            changed = False
            for name, block in self.data_blocks.items():
                doc = self.data_docs.get(name)
                if doc is None or doc.kind is None:
                    continue
                for attribute in _MERGED_ATTRIBUTES:
                    attr = block.attributes.get(attribute)
                    for other in _DATA_REFERENCE.findall(block.file.node_text(attr.expr)) if attr else ():
                        merged = self.data_docs.get(other)
                        if merged is not None and merged.kind is None:
                            self._used_as(merged, doc.kind, f"merged into {doc.base[0]}")
                            changed = True

    def expression_document(self, file: HclFile, node: Any, base: JsonPath, label: str) -> Doc | None:
        parts = reference(file, node)
        if parts is not None:
            if len(parts) == 4 and parts[:2] == ("data", _POLICY_DOCUMENT) and parts[3] in _DOCUMENT_ATTRIBUTES:
                return self.data_doc(parts[2])
            return None
        call = function_call(file, node)
        if call is not None:
            name, args = call
            if name == "jsonencode" and len(args) == 1:
                values = Values(file)
                data = values.value(args[0], base)
                if is_unknown(data):
                    return None
                doc = Doc(file, file.name, file.source, base, data, label)
                doc.partial = unknown_statements(data)
                return doc
            if name in ("file", "templatefile") and args:
                return self._file_document(file, args[0], base, label, templated=name == "templatefile")
            return None
        node = unwrap(node)
        if node is not None and node.type == "template_expr" and node.named_children[0].type == "heredoc_template":
            return self._heredoc_document(file, node.named_children[0], base, label)
        return None

    def _file_document(self, file: HclFile, node: Any, base: JsonPath, label: str, templated: bool) -> Doc | None:
        relative = _static_path(file, node)
        if relative is None:
            return None
        path = os.path.normpath(os.path.join(os.path.dirname(file.name), relative))
        try:
            with open(path, "rb") as handle:
                text = handle.read().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        if templated and ("%{" in text):
            return None  # template directives: the text is not JSON as written
        inner, problems = parse_json(path, text)
        if inner is None:
            return None
        data, partial = _template_values(inner.data, templated)
        doc = Doc(file, path, inner, (), data, f"{label} (from {relative})")
        doc.partial = partial
        return doc

    def _heredoc_document(self, file: HclFile, node: Any, base: JsonPath, label: str) -> Doc | None:
        identifiers = [c for c in node.named_children if c.type == "heredoc_identifier"]
        if len(identifiers) < 2:
            return None
        start_byte, end_byte = identifiers[0].end_byte, identifiers[-1].start_byte
        holes = [c for c in node.named_children if c.type in ("template_interpolation", "template_directive")]
        pieces = []
        last = start_byte
        for hole in holes:
            pieces.append(file.data[last:hole.start_byte].decode("utf-8", "replace"))
            pieces.append(_MASK * len(file.data[hole.start_byte:hole.end_byte].decode("utf-8", "replace")))
            last = hole.end_byte
        pieces.append(file.data[last:end_byte].decode("utf-8", "replace"))
        text = "".join(pieces)
        shift = file.code_points(start_byte)
        inner, problems = parse_json(file.name, text)
        if inner is None:
            if not holes and text.strip():
                # JSON as written that does not parse: the provider rejects it too.
                file.problems.extend(p._replace(start=p.start + shift, end=p.end + shift) for p in problems)
            return None
        file.problems.extend(p._replace(start=p.start + shift, end=p.end + shift) for p in problems)
        if not isinstance(inner.data, dict):
            return None
        file.source.parts.append((tuple(base), inner, shift))
        file.source.table.values[tuple(base)] = file.range(node)
        data, partial = _template_values(inner.data, True)
        doc = Doc(file, file.name, file.source, tuple(base), data, label)
        doc.partial = partial
        return doc

    # aws_iam_policy_document ----------------------------------------------------------------

    def data_doc(self, name: str) -> Doc | None:
        if name in self.data_docs:
            return self.data_docs[name]
        block = self.data_blocks.get(name)
        if block is None or name in self._building:
            return None
        self._building.add(name)
        doc = PolicyDocumentBlock(self, block).build()
        self._building.discard(name)
        self.data_docs[name] = doc
        return doc

    # Per file -------------------------------------------------------------------------------

    def located(self, name: str) -> Located:
        norm = os.path.normpath(name)
        docs = [d for d in self._all_docs() if os.path.normpath(d.origin.name) == norm]
        documents = tuple(d.document(name) for d in docs)
        wanted = {p for d in docs for p in d.principals}
        principals = tuple(info for pid, info in self.principals.items() if pid in wanted)
        hcl = next((f for f in self.files if os.path.normpath(f.name) == norm), None)
        problems = tuple(hcl.problems) if hcl is not None else ()
        reason = "" if documents else "no IAM policy document in this Terraform file"
        return Located(documents, principals, reason, problems)

    def _all_docs(self) -> list[Doc]:
        seen: dict[int, Doc] = {}
        for doc in [*self.data_docs.values(), *self.docs]:
            if doc is not None:
                seen.setdefault(id(doc), doc)
        return list(seen.values())


def _kind_from_content(data: Any) -> DocKind:
    """The kind of a document whose use is not seen here (an output, a module's input): from
    its content as for a policy file, except that a statement with a Principal and an action
    or Resource the text does not give could be a trust or a resource policy, whose grammars
    differ: UNKNOWN then (rules that need the kind stay quiet)."""
    kind = policy_kind(data)
    if kind is DocKind.IDENTITY:
        return kind
    statements = data.get("Statement") if isinstance(data, dict) else None
    for statement in statements if isinstance(statements, list) else ():
        if not isinstance(statement, dict) or not ("Principal" in statement or "NotPrincipal" in statement):
            continue
        actions = statement.get("Action", statement.get("NotAction"))
        entries = actions if isinstance(actions, list) else [actions]
        if any(not isinstance(a, str) for a in entries) or not ("Resource" in statement or "NotResource" in statement):
            return DocKind.UNKNOWN
    return kind


def _static_path(file: HclFile, node: Any) -> str | None:
    """``"x.json"`` or ``"${path.module}/x.json"``: a path known without a plan."""
    text = string_value(file, node)
    if text is not None:
        return text
    node = unwrap(node)
    if node is None or node.type != "template_expr":
        return None
    template = node.named_children[0]
    if template.type != "quoted_template":
        return None
    parts = [c for c in template.named_children if c.type not in ("quoted_template_start", "quoted_template_end")]
    if len(parts) == 2 and parts[0].type == "template_interpolation" and parts[1].type == "template_literal":
        inner = [c for c in parts[0].named_children if c.type == "expression"]
        rest = _unescape(file.node_text(parts[1]), quoted=True)
        if len(inner) == 1 and reference(file, inner[0]) == ("path", "module") and rest and rest.startswith("/"):
            return rest[1:]
    return None


def _template_values(data: Any, templated: bool) -> tuple[Any, bool]:
    """Strings of a template: one holding an interpolation (masked, or ``${`` in a template)
    becomes unknown; ``$${`` stands for ``${``. Also tells whether a statement is unknown."""
    partial = False

    def convert(value: Any) -> Any:
        nonlocal partial
        if isinstance(value, str):
            if _MASK in value or (templated and _has_interpolation(value)):
                return unknown(value.replace(_MASK, "?"))
            return value.replace("$${", "${").replace("%%{", "%{") if templated else value
        if isinstance(value, list):
            return [convert(v) for v in value]
        if isinstance(value, dict):
            return {convert_key(k): convert(v) for k, v in value.items()}
        return value

    def convert_key(key: str) -> str:
        nonlocal partial
        if _MASK in key or (templated and _has_interpolation(key)):
            partial = True
        return key

    result = convert(data)
    return result, partial or unknown_statements(result)


def unknown_statements(data: Any) -> bool:
    """Whether the document may hold statements the linter cannot read: Statement, a
    statement or its Effect is unknown (then what it grants or denies is unknown)."""
    statements = data.get("Statement") if isinstance(data, dict) else None
    if is_unknown(statements):
        return True
    for statement in statements if isinstance(statements, list) else [statements]:
        if is_unknown(statement) or (isinstance(statement, dict) and is_unknown(statement.get("Effect"))):
            return True
    return False


def _has_interpolation(text: str) -> bool:
    index = text.find("${")
    while index >= 0:
        if index == 0 or text[index - 1] != "$":
            return True
        index = text.find("${", index + 2)
    index = text.find("%{")
    while index >= 0:
        if index == 0 or text[index - 1] != "%":
            return True
        index = text.find("%{", index + 2)
    return False


class PolicyDocumentBlock:
    """One ``data "aws_iam_policy_document"`` turned into the JSON the provider renders."""

    def __init__(self, module: Module, block: Block) -> None:
        self.module = module
        self.block = block
        self.file = block.file
        self.values = Values(self.file)
        self.base: JsonPath = (block.address,)
        self.partial = False

    def build(self) -> Doc:
        block, base = self.block, self.base
        self.values.put(base, block.node)
        statements: list[tuple[str | None, Any, "_Origin"]] = []
        version = "2012-10-17"
        for attribute in ("source_policy_documents", "source_json"):
            version = self._merge_documents(block.attributes.get(attribute), statements, version)
        own = []
        for index, statement in enumerate(block.children("statement")):
            own.append(self._statement(statement, base + ("Statement", f"#{index}")))
        if block.dynamic("statement"):
            self.partial = True
            own.append((None, unknown("dynamic statement"), _Origin(self.file, None)))
        _merge(statements, own)
        for attribute in ("override_policy_documents", "override_json"):
            version = self._merge_documents(block.attributes.get(attribute), statements, version)
        data: dict[str, Any] = {}
        version_attr = block.attributes.get("version")
        if version_attr is not None:
            data["Version"] = self.values.value(version_attr.expr, base + ("Version",), version_attr.name_node)
        else:
            data["Version"] = version
        policy_id = block.attributes.get("policy_id")
        if policy_id is not None:
            data["Id"] = self.values.value(policy_id.expr, base + ("Id",), policy_id.name_node)
        data["Statement"] = []
        for index, (_, statement, origin) in enumerate(statements):
            data["Statement"].append(statement)
            origin.place(self.file, base + ("Statement", index))
        if block.children("statement"):
            self.values.put(base + ("Statement",), block.children("statement")[0].node,
                            block.children("statement")[0].node.named_children[0])
        doc = Doc(self.file, self.file.name, self.file.source, base, data, block.address)
        doc.partial = self.partial
        return doc

    def _merge_documents(self, attr: Attribute | None, statements: list, version: str) -> str:
        if attr is None:
            return version
        elements = list_elements(attr.expr)
        nodes = elements if elements is not None else [attr.expr]
        for node in nodes:
            parts = reference(self.file, node)
            other = None
            if parts and len(parts) == 4 and parts[:2] == ("data", _POLICY_DOCUMENT) \
                    and parts[3] in _DOCUMENT_ATTRIBUTES:
                other = self.module.data_doc(parts[2])
            if other is None or not isinstance(other.data, dict):
                self.partial = True
                _merge(statements, [(None, unknown(self.file.node_text(node)), _Origin(self.file, None))])
                continue
            self.partial = self.partial or other.partial
            other_version = other.data.get("Version")
            if isinstance(other_version, str) and other_version > version:
                version = other_version
            found = []
            for index, statement in enumerate(other.data.get("Statement") or []):
                sid = statement.get("Sid") if isinstance(statement, dict) else None
                found.append((sid if isinstance(sid, str) and sid else None, statement,
                              _Origin(other.origin, other.base + ("Statement", index))))
            _merge(statements, found)
        return version

    def _statement(self, block: Block, path: JsonPath) -> tuple[str | None, Any, "_Origin"]:
        values, attrs = self.values, block.attributes
        self.values.put(path, block.node)
        statement: dict[str, Any] = {}
        sid = None
        if "sid" in attrs:
            value = values.value(attrs["sid"].expr, path + ("Sid",), attrs["sid"].name_node)
            if value != "":
                statement["Sid"] = value
            sid = value if isinstance(value, str) and value else None
        if "effect" in attrs:
            statement["Effect"] = values.value(attrs["effect"].expr, path + ("Effect",), attrs["effect"].name_node)
            if not isinstance(statement["Effect"], str):
                self.partial = True
        else:
            statement["Effect"] = "Allow"
        for attribute, key in (("actions", "Action"), ("not_actions", "NotAction"),
                               ("resources", "Resource"), ("not_resources", "NotResource")):
            if attribute in attrs:
                value = values.value(attrs[attribute].expr, path + (key,), attrs[attribute].name_node)
                if value != []:
                    statement[key] = value
        for block_type, key in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
            principal = self._principals(block, block_type, path + (key,))
            if principal is not None:
                statement[key] = principal
        condition = self._conditions(block, path + ("Condition",))
        if condition is not None:
            statement["Condition"] = condition
        return sid, statement, _Origin(self.file, path)

    def _principals(self, block: Block, block_type: str, path: JsonPath) -> Any:
        blocks = block.children(block_type)
        if block.dynamic(block_type):
            self.values.put(path, block.node)
            return unknown(f"dynamic {block_type}")
        if not blocks:
            return None
        self.values.put(path, blocks[0].node, blocks[0].node.named_children[0])
        result: dict[str, Any] = {}
        counts: dict[str, int] = {}
        for principal in blocks:
            attrs = principal.attributes
            kind = string_value(self.file, attrs["type"].expr) if "type" in attrs else None
            identifiers = attrs.get("identifiers")
            if kind is None or identifiers is None:
                return unknown(self.file.node_text(principal.node))
            elements = list_elements(identifiers.expr)
            if kind == "*":
                self.values.put(path, identifiers.expr, blocks[0].node.named_children[0])
                return "*"
            if kind not in result:
                result[kind] = []
                counts[kind] = 0
                self.values.put(path + (kind,), identifiers.expr, attrs["type"].expr)
            if elements is None:
                result[kind] = unknown(self.file.node_text(identifiers.expr))
                continue
            if is_unknown(result[kind]):
                continue
            for element in elements:
                result[kind].append(self.values.value(element, path + (kind, counts[kind])))
                counts[kind] += 1
        return result

    def _conditions(self, block: Block, path: JsonPath) -> Any:
        blocks = block.children("condition")
        if block.dynamic("condition"):
            self.values.put(path, block.node)
            return unknown("dynamic condition")
        if not blocks:
            return None
        self.values.put(path, blocks[0].node, blocks[0].node.named_children[0])
        result: dict[str, Any] = {}
        for condition in blocks:
            attrs = condition.attributes
            test = string_value(self.file, attrs["test"].expr) if "test" in attrs else None
            variable = string_value(self.file, attrs["variable"].expr) if "variable" in attrs else None
            values = attrs.get("values")
            if test is None or variable is None or values is None:
                self.values.put(path, blocks[0].node, blocks[0].node.named_children[0])
                return unknown(self.file.node_text(condition.node))
            operator = result.setdefault(test, {})
            if path + (test,) not in self.values.table.keys:
                self.values.put(path + (test,), condition.node, attrs["test"].expr)
            elements = list_elements(values.expr)
            if elements is None:
                operator[variable] = unknown(self.file.node_text(values.expr))
                self.values.put(path + (test, variable), values.expr, attrs["variable"].expr)
                continue
            current = operator.setdefault(variable, [])
            if is_unknown(current):
                continue
            if path + (test, variable) not in self.values.table.values:
                self.values.put(path + (test, variable), values.expr, attrs["variable"].expr)
            for element in elements:
                current.append(self.values.value(element, path + (test, variable, len(current))))
        return result


class _Origin:
    """Where a statement's positions are: a path in a file's table, copied to its place in
    the merged document (within one file; from another file, the statement has none)."""

    def __init__(self, file: HclFile, path: JsonPath | None) -> None:
        self.file = file
        self.path = path

    def place(self, target: HclFile, path: JsonPath) -> None:
        if self.path is None or self.path == path or self.file is not target:
            return
        table = target.source.table
        cut = len(self.path)
        for store in (table.values, table.keys):
            for key in [k for k in store if k[:cut] == self.path]:
                store[path + key[cut:]] = store[key]
        for prefix, inner, shift in list(target.source.parts):
            if prefix[:cut] == self.path:
                target.source.parts.append((path + prefix[cut:], inner, shift))


def _merge(statements: list, new: list) -> None:
    """The provider's merge: a statement with a Sid replaces the one with the same Sid."""
    for sid, statement, origin in new:
        if sid is not None:
            for index, (existing, _, _) in enumerate(statements):
                if existing == sid:
                    statements[index] = (sid, statement, origin)
                    break
            else:
                statements.append((sid, statement, origin))
        else:
            statements.append((sid, statement, origin))


# ---------------------------------------------------------------------------------------------
# Entry points


def _directory(name: str) -> str:
    return os.path.normpath(os.path.dirname(name) or ".")


# The modules read in this process, by directory: (what the directory held, the module).
_MODULES: dict[str, tuple[tuple, Module]] = {}
_MODULES_KEPT = 8


def module_of(name: str, text: str) -> Module:
    """The module of the directory of ``name`` (whose text is ``text``), read once however
    many of its files are linted: kept while the directory lists the same .tf files, its
    modification time is unchanged, and the file reads the same (--fix may have edited it)."""
    directory = os.path.dirname(name)
    try:
        entries = os.listdir(directory or ".")
        stamp = os.stat(directory or ".").st_mtime_ns
    except OSError:
        return Module(_directory(name), [HclFile(name, text)])
    names = tuple(sorted(e for e in entries if is_terraform_name(e)))
    if os.path.basename(name) not in names:
        return Module(_directory(name), [HclFile(name, text)])  # not on disk as named: alone
    key = (names, stamp)
    norm = os.path.normpath(name)
    cached = _MODULES.get(_directory(name))
    if cached is not None and cached[0] == key \
            and next((f.text for f in cached[1].files if os.path.normpath(f.name) == norm), None) == text:
        return cached[1]
    files = []
    for entry in names:
        sibling = os.path.join(directory, entry)
        if os.path.normpath(sibling) == norm:
            content = text
        else:
            try:
                with open(sibling, "rb") as handle:
                    content = handle.read().decode("utf-8")
            except (OSError, UnicodeDecodeError):
                continue  # reported when that file itself is linted
        if recognise(content):
            files.append(HclFile(sibling, content))
    module = Module(_directory(name), files)
    if len(_MODULES) >= _MODULES_KEPT:
        _MODULES.pop(next(iter(_MODULES)))
    _MODULES[_directory(name)] = (key, module)
    return module


def locate(source: Source) -> Located:
    if not recognise(source.text):
        return Located(reason="no IAM in this Terraform file")
    return module_of(source.name, source.text).located(source.name)
