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

from .. import regex
from ..model import JsonPath, PrincipalKey
from ..policy import DocKind
from ..source import InputViolation, Source, parse_json
from . import BY_NAME, Located, PrincipalInfo
from .common import ENDPOINT_POLICY
from .hcl import (Block, HclFile, TerraformSource, Values, function_call, is_unknown, list_elements, reference,
                  string_value, syntax_tree, unknown, unwrap, unescape)
from .terraform import ATTACHMENTS, HOLDERS, INLINE, MULTI_ATTACHMENT, RESOURCE_POLICIES
from .terraform_documents import (CONTAINER, DOCUMENT_ATTRIBUTES, MASK, POLICY_DOCUMENT, Doc, PolicyDocumentBlock,
                                  template_values, unknown_statements)

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any

# A .tf file that holds none of these holds no IAM: it is skipped after this search (the
# registry line in inputs/__init__.py holds them, for the linter's cheap test).
MARKERS = BY_NAME["terraform"].markers
# Comments that may hold a suppression directive (suppress.py).
LINE_COMMENTS = ("#", "//")
_DATA_REFERENCE = regex.compile(r"\bdata\.aws_iam_policy_document\.([A-Za-z_][A-Za-z0-9_-]*)")
_HOLDER_REFERENCE = regex.compile(r"\b(aws_iam_(?:role|user|group))\.([A-Za-z_][A-Za-z0-9_-]*)")
_MERGED_ATTRIBUTES = ("source_policy_documents", "override_policy_documents", "source_json", "override_json")
_FILLED_IN_BY_MODULES = ("Resource", "NotResource", "Principal", "NotPrincipal", "Condition")


def recognise(text: str) -> bool:
    """Whether a ``.tf`` text may hold IAM (a substring search, no parse)."""
    return any(marker in text for marker in MARKERS)


def is_terraform_name(name: str) -> bool:
    return name.endswith(".tf")


def read(name: str, text: str) -> tuple[Source | None, list[InputViolation]]:
    """What the linter holds for a ``.tf`` file before locating: the text. It is parsed with
    the other files of its directory when located (principals span them)."""
    return TerraformSource(name, text), []


def directive_comments(text: str) -> list[int]:
    """Offsets of each HCL line comment (``#`` or ``//``, found by tree-sitter-hcl, so never
    inside a string or heredoc) that looks like a suppression directive."""
    from ..suppress import looks_like_directive
    from ..treesitter import comment_starts

    return comment_starts(syntax_tree(text).root_node, text, looks_like_directive)


class Module:
    """The ``.tf`` files of one directory, their documents and principals."""

    def __init__(self, directory: str, files: list[HclFile]) -> None:
        self.directory = directory
        self.files = files
        self._by_name: dict[str, HclFile] | None = None
        self._docs_by_file: dict[str, list[Doc]] | None = None
        self.docs: list[Doc] = []
        self.principals: dict[PrincipalKey, PrincipalInfo] = {}
        self.data_blocks: dict[str, Block] = {}
        self.data_docs: dict[str, Doc | None] = {}
        self._building: set[str] = set()
        self.resources: dict[str, Block] = {}
        self.policies: dict[str, list[Doc | None]] = {}  # aws_iam_policy address -> documents
        self.policy_users: list[tuple[PrincipalKey, str]] = []
        self.locals: dict[str, tuple[HclFile, Any]] = {}  # name -> (file, expression)
        self.local_docs: dict[str, Doc | None] = {}
        # A syntax error may hide a block that attaches more policies: nobody is complete then.
        self.parsed = not any(hcl.tree.root_node.has_error for hcl in files)
        for hcl in files:
            for block in hcl.blocks:
                if block.type == "data" and len(block.labels) == 2 and block.labels[0] == POLICY_DOCUMENT:
                    self.data_blocks.setdefault(block.labels[1], block)
                elif block.type == "resource" and len(block.labels) == 2:
                    self.resources.setdefault(block.address, block)
                elif block.type == "locals":
                    for name, attr in block.attributes.items():
                        self.locals.setdefault(name, (hcl, attr.expr))
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
            if len(parts) == 4 and parts[:2] == ("data", POLICY_DOCUMENT) and parts[3] in DOCUMENT_ATTRIBUTES:
                return self.data_doc(parts[2])
            if len(parts) == 2 and parts[0] == "local":
                return self.local_doc(parts[1])
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
        data, partial = template_values(inner.data, templated)
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
            pieces.append(MASK * len(file.data[hole.start_byte:hole.end_byte].decode("utf-8", "replace")))
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
        data, partial = template_values(inner.data, True)
        doc = Doc(file, file.name, file.source, tuple(base), data, label)
        doc.partial = partial
        return doc

    def local_doc(self, name: str) -> Doc | None:
        """The document a local value holds (``locals { policy = jsonencode({...}) }``), read
        once however many attributes use it."""
        if name in self.local_docs:
            return self.local_docs[name]
        self.local_docs[name] = None  # while it is read: a local that names itself is unknown
        if name in self.locals:
            file, expr = self.locals[name]
            self.local_docs[name] = self.expression_document(file, expr, (f"local.{name}",), f"local.{name}")
        return self.local_docs[name]

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

    def file(self, name: str) -> HclFile | None:
        """The file of this directory named ``name`` (by its base name: one directory)."""
        if self._by_name is None:
            self._by_name = {os.path.basename(f.name): f for f in self.files}
        return self._by_name.get(os.path.basename(name))

    def located(self, name: str) -> Located:
        if self._docs_by_file is None:
            self._docs_by_file = {}
            for doc in self._all_docs():
                self._docs_by_file.setdefault(os.path.basename(doc.origin.name), []).append(doc)
        docs = self._docs_by_file.get(os.path.basename(name), [])
        documents = tuple(d.document(name) for d in docs)
        wanted = {p for d in docs for p in d.principals}
        principals = tuple(info for pid, info in self.principals.items() if pid in wanted)
        hcl = self.file(name)
        problems = tuple(hcl.problems) if hcl is not None else ()
        reason = "" if documents else "no IAM policy document in this Terraform file"
        return Located(documents, principals, reason, problems)

    def _all_docs(self) -> list[Doc]:
        seen: dict[int, Doc] = {}
        for doc in [*self.data_docs.values(), *self.docs]:
            if doc is not None:
                seen.setdefault(id(doc), doc)
        return list(seen.values())


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
        rest = unescape(file.node_text(parts[1]), quoted=True)
        if len(inner) == 1 and reference(file, inner[0]) == ("path", "module") and rest and rest.startswith("/"):
            return rest[1:]
    return None


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
    known = cached[1].file(name) if cached is not None and cached[0] == key else None
    if known is not None and known.text == text:
        return cached[1]
    # Read before its siblings: the directive scan's parse of it (hcl.syntax_tree) is still cached.
    own = HclFile(os.path.join(directory, os.path.basename(name)), text)
    files = []
    for entry in names:
        sibling = os.path.join(directory, entry)
        if os.path.normpath(sibling) == norm:
            if recognise(text):
                files.append(own)
            continue
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
