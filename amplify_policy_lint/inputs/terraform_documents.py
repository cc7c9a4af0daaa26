"""Terraform policy documents: ``data "aws_iam_policy_document"`` rendered as the AWS provider
renders it (defaults Version 2012-10-17 and Effect Allow; ``source_policy_documents`` and
``override_policy_documents`` merged by Sid), the record of a document found in a module, and
what decides its kind when no use of it is seen."""
from __future__ import annotations


from ..model import JsonPath, PrincipalKey
from ..policy import DocKind, PolicyDocument, make_document
from ..records import Record, field
from ..source import Source
from .hcl import Attribute, Block, HclFile, Values, is_unknown, list_elements, reference, string_value, unknown
from .policy_file import policy_kind

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any

CONTAINER = "terraform"
POLICY_DOCUMENT = "aws_iam_policy_document"
DOCUMENT_ATTRIBUTES = ("json", "minified_json")
# Characters that stand for an interpolation inside heredoc JSON while it is parsed (one per
# code point of the interpolation, so offsets stay exact): a value holding one is unknown.
MASK = "\ue000"



class Doc(Record, frozen=False, slots=False, eq=False):
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
        kind = self.kind or kind_from_content(self.data)
        file = name if self.source is self.origin.source else self.file
        return make_document(file=file, source=self.source, base=self.base, data=self.data,
                             kind=kind, label=self.label, principals=tuple(self.principals),
                             container=CONTAINER, resource_type=self.resource_type,
                             vpc_endpoint=self.vpc_endpoint)


def kind_from_content(data: Any) -> DocKind:
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


def template_values(data: Any, templated: bool) -> tuple[Any, bool]:
    """Strings of a template: one holding an interpolation (masked, or ``${`` in a template)
    becomes unknown; ``$${`` stands for ``${``. Also tells whether a statement is unknown."""
    partial = False

    def convert(value: Any) -> Any:
        if isinstance(value, str):
            if MASK in value or (templated and has_interpolation(value)):
                return unknown(value.replace(MASK, "?"))
            return value.replace("$${", "${").replace("%%{", "%{") if templated else value
        if isinstance(value, list):
            return [convert(v) for v in value]
        if isinstance(value, dict):
            return {convert_key(k): convert(v) for k, v in value.items()}
        return value

    def convert_key(key: str) -> str:
        nonlocal partial
        if MASK in key or (templated and has_interpolation(key)):
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


def has_interpolation(text: str) -> bool:
    """Whether ``text`` holds ``${`` or ``%{`` not escaped as ``$${`` or ``%%{``."""
    for opener in ("${", "%{"):
        index = text.find(opener)
        while index >= 0:
            if index == 0 or text[index - 1] != opener[0]:
                return True
            index = text.find(opener, index + 2)
    return False


class PolicyDocumentBlock:
    """One ``data "aws_iam_policy_document"`` turned into the JSON the provider renders."""

    def __init__(self, module: Any, block: Block) -> None:  # module: terraform_source.Module
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
            if parts and len(parts) == 4 and parts[:2] == ("data", POLICY_DOCUMENT) \
                    and parts[3] in DOCUMENT_ATTRIBUTES:
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
