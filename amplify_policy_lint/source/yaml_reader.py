"""YAML with positions, read once from parser events into plain data and a position table.

CloudFormation's short tags become their ``Fn::`` forms; no arbitrary Python object is ever
constructed; anchors, aliases and merge keys are bounded (limits.py).
"""
from __future__ import annotations

import re

from .. import limits
from ..model import JsonPath
from .core import PositionTable, Source
from .problems import InputProblem, InputViolation, Problem, duplicate_key
from .text import line_index
from ..records import NamedTuple

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any


CFN_SHORT_TAGS = {
    "!Ref": "Ref", "!Condition": "Condition",
    **{f"!{name}": f"Fn::{name}" for name in (
        "And", "Base64", "Cidr", "Equals", "FindInMap", "ForEach", "GetAtt", "GetAZs",
        "If", "ImportValue", "Join", "Length", "Not", "Or", "Select", "Split", "Sub",
        "ToJsonString", "Transform",
        # The functions of a template's Rules section.
        "Contains", "EachMemberEquals", "EachMemberIn", "RefAll", "ValueOf", "ValueOfAll")},
}

_YAML_STD = "tag:yaml.org,2002:"


class YamlScalar(NamedTuple):
    """How a YAML scalar was written: its resolved tag, and whether it was a plain scalar."""

    tag: str
    plain: bool


def parse_yaml(name: str, text: str) -> tuple[Source | None, list[InputViolation]]:
    import yaml  # lazily: only YAML files pay for it

    builder = _YamlBuilder(text)
    try:
        builder.build(yaml)
    except InputProblem as problem:
        offset = problem.offset or 0
        return None, [InputViolation(problem.kind, problem.message, offset,
                                     min(offset + 1, len(text)) if text else 0)]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        offset = _mark_offset(text, mark) if mark is not None else _reader_error_offset(text, exc)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context = getattr(exc, "context", None)
        message = f"{context}: {problem}" if context else str(problem)
        kind = Problem.LIMIT if "maximum nesting depth" in message else Problem.SYNTAX
        return None, [InputViolation(kind, message, offset, min(offset + 1, len(text)))]
    if builder.documents == 0:
        return None, [InputViolation(Problem.SYNTAX, "file is empty", 0, 0)]
    source = Source(name, text, "yaml", builder.root, table=builder.table,
                    multi_document=builder.documents > 1, yaml_scalars=builder.scalars)
    return source, builder.violations


def _reader_error_offset(text: str, exc: Any) -> int:
    """Where a ReaderError's character is (it has no mark). Its ``position`` counts bytes of
    the C reader's UTF-8 input, not code points, so the character itself is looked up: the
    reader stops at the first character it does not accept, which is its first occurrence."""
    character = getattr(exc, "character", None)
    if isinstance(character, int):
        found = text.find(chr(character))
        if found >= 0:
            return found
    return 0


def _mark_offset(text: str, mark: Any) -> int:
    """A parser mark as a character offset (both PyYAML readers count code points)."""
    if mark is None:
        return 0
    index = getattr(mark, "index", None)
    if isinstance(index, int) and 0 <= index <= len(text):
        return index
    lines = line_index(text)
    line, column = getattr(mark, "line", 0), getattr(mark, "column", 0)
    if line < len(lines.starts):
        return min(lines.starts[line] + column, len(text))
    return len(text)


class _YamlBuilder:
    """Builds plain data from parser events, with positions, limits and safe tags only."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.table = PositionTable()
        self.scalars: dict[JsonPath, YamlScalar] = {}
        self.violations: list[InputViolation] = []
        self.root: Any = None
        self.documents = 0
        self._anchors: dict[str, tuple[Any, JsonPath, int]] = {}
        self._aliases_used = 0
        self._expanded = 0

    def build(self, yaml: Any) -> None:
        from yaml.constructor import SafeConstructor
        from yaml.nodes import ScalarNode
        from yaml.resolver import Resolver

        loader = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
        resolver = Resolver()
        constructor = SafeConstructor()
        roots: list[Any] = []
        # Frame: [container, path, start, pending key or _NO_KEY, key range, seen keys, anchor, count]
        stack: list[list[Any]] = []
        events = yaml.parse(self.text, Loader=loader)
        for event in events:
            kind = type(event).__name__
            if kind in ("StreamStartEvent", "StreamEndEvent", "DocumentEndEvent"):
                continue
            if kind == "DocumentStartEvent":
                self.documents += 1
                self._anchors.clear()
                continue
            start = _mark_offset(self.text, event.start_mark)
            end = _mark_offset(self.text, event.end_mark)
            if kind in ("MappingStartEvent", "SequenceStartEvent"):
                if len(stack) >= limits.MAX_DEPTH:
                    raise InputProblem(Problem.LIMIT, f"nesting deeper than {limits.MAX_DEPTH} levels", start)
                if stack and isinstance(stack[-1][0], dict) and stack[-1][3] is _NO_KEY:
                    raise InputProblem(Problem.SYNTAX, "a mapping key must be a scalar", start)
                container: Any = {} if kind == "MappingStartEvent" else []
                outer = None
                if event.tag in CFN_SHORT_TAGS:
                    name = CFN_SHORT_TAGS[event.tag]
                    outer = self._place(stack, roots, {name: container}, start, None, event)
                    path = outer + (name,)
                else:
                    self._check_tag(event.tag, start)
                    path = self._place(stack, roots, container, start, None, event)
                stack.append([container, path, start, _NO_KEY, None, {}, event.anchor, 1, outer])
                continue
            if kind in ("MappingEndEvent", "SequenceEndEvent"):
                frame = stack.pop()
                container, path, begin = frame[0], frame[1], frame[2]
                self.table.values[path] = (begin, end)
                if frame[8] is not None:
                    self.table.values[frame[8]] = (begin, end)
                if frame[6]:
                    self._anchors[frame[6]] = (container, path, frame[7])
                if stack:
                    stack[-1][7] += frame[7]
                continue
            if kind == "AliasEvent":
                anchored = self._anchors.get(event.anchor)
                if anchored is None:
                    raise InputProblem(Problem.SYNTAX, f"unknown alias *{event.anchor}", start)
                self._aliases_used += 1
                self._expanded += anchored[2]
                if self._aliases_used > limits.MAX_YAML_ALIASES:
                    raise InputProblem(Problem.LIMIT, f"more than {limits.MAX_YAML_ALIASES:,} YAML aliases", start)
                if self._expanded > limits.MAX_YAML_EXPANSION:
                    raise InputProblem(
                        Problem.LIMIT, f"YAML aliases expand to more than {limits.MAX_YAML_EXPANSION:,} "
                                  "nodes (an alias bomb?)", start)
                if stack and isinstance(stack[-1][0], dict) and stack[-1][3] is _NO_KEY:
                    stack[-1][3], stack[-1][4] = str(anchored[0]), (start, end)
                    continue
                self._place(stack, roots, anchored[0], start, end, event, alias_of=anchored[1])
                if stack:
                    stack[-1][7] += anchored[2] - 1
                continue
            # ScalarEvent
            value, tag = self._scalar(event, resolver, constructor, ScalarNode, start)
            if stack and isinstance(stack[-1][0], dict) and stack[-1][3] is _NO_KEY:
                frame = stack[-1]
                frame[3] = "<<" if tag == _YAML_STD + "merge" else event.value
                frame[4] = (start, end)
                continue
            path = self._place(stack, roots, value, start, end, event)
            if isinstance(value, dict):  # a short form: its argument sits where the tag is
                self.table.values[path + tuple(value)] = (start, end)
            else:
                self.scalars[path] = YamlScalar(tag, bool(event.implicit[0]) and not event.style)
            if event.anchor:
                self._anchors[event.anchor] = (value, path, 1)
        if roots:
            self.root = roots[0] if len(roots) == 1 else roots

    def _place(self, stack, roots, value, start, end, event, alias_of: JsonPath | None = None) -> JsonPath:
        if not stack:
            path: JsonPath = () if not roots else (len(roots),)
            if len(roots) == 1 and path == (1,):
                # A second document: paths of every document carry its index from now on.
                self._reindex_first_document()
            roots.append(value)
        else:
            frame = stack[-1]
            container = frame[0]
            if isinstance(container, dict):
                key = frame[3]
                if key == "<<":
                    self._merge(container, value, frame[4][0])
                    frame[3] = _NO_KEY
                    return frame[1] + ("<<",)
                path = frame[1] + (key,)
                seen = frame[5]
                if key in seen and len(self.violations) <= limits.MAX_FINDINGS_PER_FILE:
                    line, column = line_index(self.text).line_col(seen[key])
                    self.violations.append(duplicate_key(key, line, column, frame[4][0], frame[4][1]))
                seen[key] = frame[4][0]
                container[key] = value
                self.table.keys[path] = frame[4]
                frame[3] = _NO_KEY
            else:
                path = frame[1] + (len(container),)
                container.append(value)
            frame[7] += 1
        if end is not None:
            self.table.values[path] = (start, end)
        if alias_of is not None:
            self.table.aliases[path] = alias_of
        return path

    def _reindex_first_document(self) -> None:
        """Once a second document appears, the first one's paths gain the prefix 0."""
        table = self.table
        table.values = {(0,) + p: r for p, r in table.values.items()}
        table.keys = {(0,) + p: r for p, r in table.keys.items()}
        table.aliases = {(0,) + p: (0,) + t for p, t in table.aliases.items()}
        self.scalars = {(0,) + p: s for p, s in self.scalars.items()}

    def _merge(self, container: dict, value: Any, offset: int) -> None:
        sources = value if isinstance(value, list) else [value]
        for source in sources:
            if not isinstance(source, dict):
                raise InputProblem(Problem.SYNTAX, "a merge key (<<) needs a mapping or a list of mappings", offset)
            for key, item in source.items():
                container.setdefault(key, item)

    def _check_tag(self, tag: str | None, offset: int) -> None:
        if tag is None or tag in ("!", _YAML_STD + "map", _YAML_STD + "seq", _YAML_STD + "omap",
                                  _YAML_STD + "set"):
            return
        if tag.startswith("!") and "::" in tag:
            return  # a template preprocessor's tag (Rain's !Rain::Embed): its output is the template
        written = re.match(r"\S*", self.text[offset:offset + 200]).group()
        self.violations.append(InputViolation(
            Problem.SYNTAX, f"unsupported YAML tag {written or tag!r} (read as plain data; only standard "
                      "and CloudFormation tags are understood)", offset, offset + max(len(written), 1)))

    def _scalar(self, event, resolver, constructor, node_class, start) -> tuple[Any, str]:
        text = event.value
        if len(text) > limits.MAX_STRING_CHARS:
            raise InputProblem(Problem.LIMIT, f"string longer than {limits.MAX_STRING_CHARS:,} characters", start)
        tag = event.tag
        if tag in CFN_SHORT_TAGS:
            return _short_form(tag, text), tag
        # Only the standard scalar tags are read as such; any other (!!python/name:os.system,
        # !custom) is reported and read as plain text, never constructed.
        if tag and tag != "!" and tag not in _SCALAR_TAGS:
            self._check_tag(tag, start)
            return text, _YAML_STD + "str"
        if not tag or tag == "!":
            tag = resolver.resolve(node_class, text, event.implicit) if tag != "!" else _YAML_STD + "str"
        if tag in (_YAML_STD + "str", _YAML_STD + "timestamp", _YAML_STD + "binary",
                   _YAML_STD + "value", _YAML_STD + "merge"):
            # Dates stay as written: CloudFormation reads `Version: 2012-10-17` as that string.
            return text, tag
        if tag == _YAML_STD + "null":
            return None, tag
        try:
            value = constructor.construct_object(node_class(tag, text))
        except Exception:  # noqa: BLE001 - an odd scalar is a string, never a crash
            return text, _YAML_STD + "str"
        if isinstance(value, float) and value != value:
            return text, tag  # NaN compares unequal to itself; keep the text
        return value, tag


_NO_KEY = object()
_SCALAR_TAGS = frozenset(_YAML_STD + name for name in (
    "str", "int", "float", "bool", "null", "timestamp", "binary", "value", "merge"))


def _short_form(tag: str, text: str) -> dict:
    name = CFN_SHORT_TAGS[tag]
    if name == "Fn::GetAtt":
        resource, _, attribute = text.partition(".")
        return {name: [resource, attribute]}
    return {name: text}
