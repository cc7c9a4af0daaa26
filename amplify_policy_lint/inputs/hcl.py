"""HCL as the Terraform reader needs it, from tree-sitter-hcl: blocks and attributes, the
values of expressions with where each was written (code point offsets), and the Source that
answers positions for a file's documents.

A value that only a plan knows (an interpolation, a reference, a function call) is
``{"Fn::Terraform": text}``: an intrinsic-like mapping, which every rule treats as unknown.
"""
from __future__ import annotations


from .. import caching
from ..model import JsonPath
from ..records import Record, field
from ..source import InputViolation, PositionTable, Problem, Source

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any, Iterator

UNKNOWN = "Fn::Terraform"


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


# ---------------------------------------------------------------------------------------------
# The syntax tree, reduced to blocks and attributes


class Attribute(Record, frozen=False, slots=False, eq=False):
    name: str
    name_node: Any
    expr: Any  # the expression node, parentheses removed


class Block(Record, frozen=False, slots=False, eq=False):
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


@caching.lru_cache(maxsize=1)
def syntax_tree(text: str) -> Any:
    """The tree-sitter-hcl tree of ``text``, kept for ``HclFile`` after the directive scan
    (``terraform_source.directive_comments``) asked for it: one parse per file."""
    from ..treesitter import parser

    return parser("tree_sitter_hcl").parse(text.encode("utf-8"))


class HclFile:
    """One parsed ``.tf`` file: its top-level blocks and offsets in code points."""

    def __init__(self, name: str, text: str) -> None:
        from ..treesitter import CodePoints

        self.name = name
        self.text = text
        self.data = text.encode("utf-8")
        self.tree = syntax_tree(text)
        self.code_points = CodePoints(text)
        self.source = TerraformSource(name, text)
        self.problems: list[InputViolation] = []
        self.blocks = list(self._blocks(self.tree.root_node))
        if self.tree.root_node.has_error:
            self.problems.append(self._syntax_error())

    def _syntax_error(self) -> InputViolation:
        """Where tree-sitter-hcl failed: the innermost ERROR node on the path to the first
        error (an outer one may span the whole block), or a token it had to assume."""
        found = None
        node = self.tree.root_node
        while True:
            child = next((c for c in node.children if c.has_error or c.is_missing), None)
            if child is None:
                break
            if child.is_missing or child.type == "ERROR":
                found = child
            node = child
        if found is None:
            return InputViolation(Problem.SYNTAX, "Terraform syntax error: the file does not parse as HCL", 0, 0)
        start, end = self.range(found)
        what = f"missing {found.type!r}" if found.is_missing else "syntax error"
        return InputViolation(Problem.SYNTAX, f"Terraform {what}: the file does not parse as HCL",
                              start, max(end, start + 1) if start < len(self.text) else start)

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


def unescape(raw: str, quoted: bool) -> str | None:
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
    return unescape(raw, quoted=True)


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
