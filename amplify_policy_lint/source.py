"""Turn a file's bytes into data plus a way to find where each value was written.

JSON is read twice at most: the C decoder first (fast, no positions), and the
position-recording reader below only when positions are needed (a finding) or the
fast read failed (to say exactly where and why). YAML is read once, from parser events,
into the same shape: plain data and a table from JSON path to character offsets.
"""
from __future__ import annotations

import bisect
import functools
import itertools
import json
import re
from array import array
from typing import Any, Callable, Iterator, NamedTuple

from . import limits
from .model import JsonPath, Span


class InputProblem(Exception):
    """A problem that stops a file from being read; carries the input rule and offset."""

    def __init__(self, rule_id: str, message: str, offset: int | None = None) -> None:
        super().__init__(message)
        self.rule_id = rule_id
        self.message = message
        self.offset = offset


class InputViolation(NamedTuple):
    """An input finding (APL001-APL004) placed by character offsets into the text."""

    rule_id: str
    message: str
    start: int
    end: int


# Where a value (and, for mapping members, its key) was written: character offsets,
# end exclusive. For aliased YAML content the table maps the alias use to its anchor.
# (The readers that report errors build this one; a JSON text that parsed gets the compact
# _JsonPositions below, which answers the same questions.)
class PositionTable:
    def __init__(self) -> None:
        self.values: dict[JsonPath, tuple[int, int]] = {}
        self.keys: dict[JsonPath, tuple[int, int]] = {}
        self.aliases: dict[JsonPath, JsonPath] = {}

    def value(self, path: JsonPath) -> tuple[int, int] | None:
        return self.values.get(path)

    def key(self, path: JsonPath) -> tuple[int, int] | None:
        return self.keys.get(path)

    def resolve(self, path: JsonPath) -> JsonPath:
        """``path`` rewritten through YAML aliases to the anchored node it points at."""
        return _resolve_alias(self, path)


class LineIndex:
    """Offsets to 1-based (line, column). Lines end at \\n, \\r\\n or \\r, as editors count them."""

    _BREAK = re.compile(r"\r\n|\r|\n")

    def __init__(self, text: str) -> None:
        if "\r" in text:
            self.starts = [0] + [m.end() for m in self._BREAK.finditer(text)]
        else:  # \n only (almost every file): the lengths of the lines, summed up (3x faster)
            self.starts = [0, *itertools.accumulate(len(line) + 1 for line in text.split("\n")[:-1])]
        self._text = text

    def line_col(self, offset: int) -> tuple[int, int]:
        text = self._text
        if 0 < offset < len(text) and text[offset] == "\n" and text[offset - 1] == "\r":
            offset -= 1  # between the two characters of a CRLF break: the break's own position
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def span(self, start: int, end: int) -> Span:
        line, column = self.line_col(start)
        end_line, end_column = self.line_col(max(end, start))
        return Span(line, column, end_line, end_column)



@functools.lru_cache(maxsize=2)
def line_index(text: str) -> LineIndex:
    """The line index of ``text``, built once however many stages place something in it (the
    reader's duplicate-key message, input findings, document findings, directives)."""
    return LineIndex(text)

class Source:
    """One parsed text: the data and, lazily, where each value is.

    ``span(path, part)`` answers with the position of the value at ``path``
    (``part="value"``), of its key (``"key"``), or of the first character of the
    value (``"opening"``, used for "this mapping lacks X").
    """

    def __init__(self, name: str, text: str, fmt: str, data: Any,
                 table: PositionTable | None = None,
                 build_table: Callable[[], PositionTable] | None = None) -> None:
        self.name = name
        self.text = text
        self.format = fmt
        self.data = data
        self._table = table
        self._build_table = build_table
        # A YAML stream of several documents: ``data`` is the list of them.
        self.multi_document = False
        # How each YAML scalar was written (plain or quoted, resolved tag), for APL005.
        self.yaml_scalars: dict[JsonPath, YamlScalar] = {}

    @property
    def table(self) -> PositionTable:
        if self._table is None:
            assert self._build_table is not None
            self._table = self._build_table()
        return self._table

    @property
    def lines(self) -> LineIndex:
        return line_index(self.text)

    def value_range(self, path: JsonPath, part: str = "value") -> tuple[int, int]:
        """Character offsets of the value (or key) at ``path``, or of its nearest ancestor."""
        table = self.table
        path = tuple(path)
        for _ in range(len(path) + 1):
            resolved = table.resolve(path)
            found = table.key(resolved) if part == "key" else table.value(resolved)
            if found is not None:
                return (found[0], found[0] + 1) if part == "opening" else found
            # Not recorded (a missing key, a merged value): report at the parent mapping's opening.
            path, part = path[:-1], "opening"
            if not path and table.value(()) is None:
                break
        return (0, min(1, len(self.text)))

    def roots(self) -> list[tuple[JsonPath, Any]]:
        """(base path, data) of each document in the text (a YAML stream may hold several)."""
        if self.multi_document:
            return [((i,), data) for i, data in enumerate(self.data)]
        return [((), self.data)]

    def raw(self, path: JsonPath) -> str:
        start, end = self.value_range(path)
        return self.text[start:end]

    def offset_span(self, start: int, end: int) -> Span:
        return self.lines.span(start, end)

    def span(self, path: JsonPath, part: str = "value") -> Span:
        return self.offset_span(*self.value_range(path, part))


def _resolve_alias(table: PositionTable, path: JsonPath) -> JsonPath:
    """Rewrite a path through YAML aliases to the anchored node it points at."""
    if not table.aliases:
        return path
    for _ in range(limits.MAX_DEPTH):
        for cut in range(len(path), 0, -1):
            target = table.aliases.get(path[:cut])
            if target is not None:
                path = target + path[cut:]
                break
        else:
            return path
    return path


# ---------------------------------------------------------------------------------------------
# Bytes to text


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")


def decode(data: bytes) -> str:
    """UTF-8 text with a leading BOM dropped; APL003 for anything else."""
    if data.startswith(_UTF32_BOMS):
        raise InputProblem("APL003", "file is UTF-32 encoded; policies must be UTF-8", 0)
    if data.startswith(_UTF16_BOMS):
        raise InputProblem("APL003", "file is UTF-16 encoded; policies must be UTF-8", 0)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    nul = data.find(b"\x00")
    if nul >= 0:
        text = data[:nul].decode("utf-8", "replace")
        raise InputProblem("APL003", "file contains a NUL byte (binary data?)", len(text))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        prefix = data[: exc.start].decode("utf-8", "replace")
        raise InputProblem(
            "APL003", f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x} at byte offset {exc.start})",
            len(prefix)) from None
    stray_bom = text.find("\ufeff")
    if stray_bom >= 0 and not _inside_string(text, stray_bom):
        raise InputProblem("APL003", "byte order mark (U+FEFF) in the middle of the file", stray_bom)
    return text


def _inside_string(text: str, offset: int) -> bool:
    """Whether ``offset`` sits inside a quoted string on its line (a BOM there is content)."""
    line_start = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1
    quotes = re.findall(r'(?<!\\)"', text[line_start:offset])
    return len(quotes) % 2 == 1


def decode_loosely(data: bytes) -> str:
    """Text for sniffing only (does the file look policy-bearing?); never fails."""
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # as decode() drops it: APL003 offsets count from after it
    return data.decode("utf-8", "replace")


# ---------------------------------------------------------------------------------------------
# JSON


class _Duplicate(Exception):
    pass


def _pairs_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _Duplicate
    return result


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def parse_json(name: str, text: str) -> tuple[Source | None, list[InputViolation]]:
    """Parse JSON text. Returns the source (None when unreadable) and input findings."""
    try:
        data = json.loads(text, object_pairs_hook=_pairs_without_duplicates,
                          parse_constant=_reject_constant)
    except (ValueError, _Duplicate, RecursionError):
        # The fast reader said no; the slow one says exactly where and why.
        pass
    else:
        # A text with no more brackets than the limit cannot nest deeper, nor a short text hold
        # a long string (both counted in C): the walk over the data is for the texts left.
        depth_matters = text.count("{") + text.count("[") > limits.MAX_DEPTH
        strings_matter = len(text) > limits.MAX_STRING_CHARS
        if (depth_matters or strings_matter) and _beyond_limits(data, depth_matters, strings_matter):
            # The position-recording reader refuses it too, and says where.
            return None, [_depth_violation_json(text)]
        return Source(name, text, "json", data, build_table=lambda: _JsonPositions(text, data)), []
    reader = _JsonReader(text)
    try:
        result = reader.read()
    except InputProblem as problem:
        offset = problem.offset if problem.offset is not None else 0
        return None, [InputViolation(problem.rule_id, problem.message, offset,
                                     min(offset + 1, len(text)) if text else 0)]
    return Source(name, text, "json", result.data, table=result.table), reader.duplicates


def _depth_violation_json(text: str) -> InputViolation:
    try:
        _JsonReader(text).read()
    except InputProblem as problem:
        offset = problem.offset or 0
        return InputViolation(problem.rule_id, problem.message, offset, offset + 1)
    return InputViolation("APL004", f"nesting deeper than {limits.MAX_DEPTH} levels", 0, 1)


def _beyond_limits(data: Any, depth_matters: bool, strings_matter: bool) -> bool:
    """Whether parsed data nests deeper than MAX_DEPTH (the root is level 1) or holds a key or
    string longer than MAX_STRING_CHARS, as _JsonReader counts them. One walk, a level at a
    time (cheaper per node than a stack of (value, depth) pairs)."""
    level, depth = [data], 1
    while level:
        below: list[Any] = []
        for value in level:
            if isinstance(value, dict):
                if depth_matters and depth > limits.MAX_DEPTH:
                    return True
                if strings_matter and any(len(key) > limits.MAX_STRING_CHARS for key in value):
                    return True
                below.extend(value.values())
            elif isinstance(value, list):
                if depth_matters and depth > limits.MAX_DEPTH:
                    return True
                below.extend(value)
            elif strings_matter and isinstance(value, str) and len(value) > limits.MAX_STRING_CHARS:
                return True
        level, depth = below, depth + 1
    return False


_WHITESPACE = re.compile(r"[ \t\n\r]*")
# "Unrolled" (plain run, then escape + plain run, ...): no nested quantifier, so an unterminated
# string fails in linear time (the former `(?:[^"\\]+|\\.)*` backtracked exponentially).
_STRING = re.compile(r'"[^"\\\x00-\x1f]*(?:(?:\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})[^"\\\x00-\x1f]*)*"')
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_LITERALS = {"true": True, "false": False, "null": None}
_NOT_JSON = {"NaN": "NaN", "Infinity": "Infinity", "-Infinity": "-Infinity",
             "undefined": "undefined"}


class _JsonPositions:
    """Where each value and member name of a JSON text that parsed was written, compactly.

    Built only when a finding needs a position. Nodes are numbered in the order their values
    start (the order of the text, and of the parsed data: the parser keeps member order, and
    a text with duplicate names never gets here), and five arrays of 32-bit offsets describe
    them: where the value starts and ends, where its member name starts and ends (-1 in a
    list), and the number of the first node after it. A path is found by walking the parsed
    data alongside: a child is reached by hopping over its elder siblings. About 20 bytes a
    node, where a table from path tuples to offset pairs took some 45 bytes per byte of text.

    The text is known to be valid JSON, so a token is a string, a bracket, or a run of
    number or literal characters, and commas, colons and whitespace only separate them.
    """

    __slots__ = ("_data", "_starts", "_ends", "_key_starts", "_key_ends", "_after")

    def __init__(self, text: str, data: Any) -> None:
        self._data = data
        self._starts, self._ends = array("i"), array("i")
        self._key_starts, self._key_ends = array("i"), array("i")
        self._after = array("i")
        self._read(text)

    def _read(self, text: str) -> None:
        starts, ends, key_starts, key_ends, after = (
            self._starts, self._ends, self._key_starts, self._key_ends, self._after)
        open_nodes: list[int] = []  # the containers being read, innermost last
        in_object: list[bool] = []
        name_start = name_end = -1  # the member name that the next value belongs to
        wants_name = False
        for match in _JSON_TOKEN.finditer(text):
            start, end = match.span()
            char = text[start]
            if wants_name:  # a member name ("}" of an empty object is handled below)
                if char == '"':
                    name_start, name_end, wants_name = start, end, False
                    continue
            if char == "}" or char == "]":
                node = open_nodes.pop()
                in_object.pop()
                ends[node], after[node] = end, len(starts)
            else:
                node = len(starts)
                starts.append(start)
                ends.append(end)
                key_starts.append(name_start)
                key_ends.append(name_end)
                after.append(node + 1)
                name_start = name_end = -1
                if char == "{" or char == "[":
                    open_nodes.append(node)
                    in_object.append(char == "{")
            if char == "{":
                wants_name = True
            elif char == "[":
                wants_name = False
            else:  # after a value, an object's next token is a member name (or its "}")
                wants_name = bool(in_object) and in_object[-1]

    def _node(self, path: JsonPath) -> int | None:
        node, value = 0, self._data
        after = self._after
        for part in path:
            child = node + 1
            if isinstance(value, dict):
                if not isinstance(part, str) or part not in value:
                    return None
                for name in value:
                    if name == part:
                        break
                    child = after[child]
            elif isinstance(value, list):
                if not isinstance(part, int) or not 0 <= part < len(value):
                    return None
                for _ in range(part):
                    child = after[child]
            else:
                return None
            node, value = child, value[part]
        return node if node < len(self._starts) else None

    def value(self, path: JsonPath) -> tuple[int, int] | None:
        node = self._node(path)
        return None if node is None else (self._starts[node], self._ends[node])

    def key(self, path: JsonPath) -> tuple[int, int] | None:
        node = self._node(path) if path else None
        if node is None or self._key_starts[node] < 0:
            return None
        return self._key_starts[node], self._key_ends[node]

    @staticmethod
    def resolve(path: JsonPath) -> JsonPath:
        return path  # JSON has no aliases


# A token of a valid JSON text (see _JsonPositions).
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\]]|[^\s,:{}\[\]"]+')


class _JsonResult(NamedTuple):
    data: Any
    table: PositionTable


class _JsonReader:
    """A JSON reader that records where every key and value was written.

    Iterative (an explicit stack), so nesting depth is a finding, never a RecursionError.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.table = PositionTable()
        self.duplicates: list[InputViolation] = []

    def read(self) -> _JsonResult:
        text = self.text
        pos = self._skip(0)
        if pos >= len(text):
            raise InputProblem("APL001", "file is empty", 0)
        # Each frame: [container, path, start offset, seen keys (dict) or None]
        stack: list[list[Any]] = []
        root_holder: list[Any] = []
        key: str | int | None = None
        key_range: tuple[int, int] | None = None
        while True:
            pos = self._skip(pos)
            if pos >= len(text):
                raise InputProblem("APL001", "unexpected end of file", len(text))
            # Expecting a value here.
            if stack:
                parent = stack[-1]
                path = parent[1] + (key,)
            else:
                path = ()
            char = text[pos]
            if char in "{[":
                if len(stack) >= limits.MAX_DEPTH:
                    raise InputProblem("APL004", f"nesting deeper than {limits.MAX_DEPTH} levels", pos)
                container: Any = {} if char == "{" else []
                self._attach(stack, root_holder, key, container, path, key_range, pos, None)
                stack.append([container, path, pos, {} if char == "{" else None])
                pos = self._skip(pos + 1)
                closing = "}" if char == "{" else "]"
                if pos < len(text) and text[pos] == closing:
                    pos = self._close(stack, pos)
                else:
                    if char == "{":
                        key, key_range, pos = self._member_key(pos, stack[-1])
                    else:
                        key = 0
                        key_range = None
                    continue
            else:
                value, end = self._scalar(pos)
                self._attach(stack, root_holder, key, value, path, key_range, pos, end)
                pos = end
            # After a value: a separator, a closing bracket, or the end.
            while True:
                pos = self._skip(pos)
                if not stack:
                    if pos < len(text):
                        raise InputProblem("APL001", "extra data after the JSON value", pos)
                    return _JsonResult(root_holder[0], self.table)
                frame = stack[-1]
                is_object = isinstance(frame[0], dict)
                closing = "}" if is_object else "]"
                if pos >= len(text):
                    raise InputProblem("APL001", f"unexpected end of file, expected ',' or '{closing}'",
                                       len(text))
                char = text[pos]
                if char == closing:
                    pos = self._close(stack, pos)
                    continue
                if char != ",":
                    what = "object member" if is_object else "array element"
                    raise InputProblem("APL001", f"expected ',' or '{closing}' after {what}", pos)
                comma, pos = pos, self._skip(pos + 1)
                if pos < len(text) and text[pos] == closing:
                    raise InputProblem("APL001", "trailing comma is not allowed in JSON", comma)
                if is_object:
                    key, key_range, pos = self._member_key(pos, frame)
                else:
                    key = len(frame[0])
                    key_range = None
                break

    def _skip(self, pos: int) -> int:
        end = _WHITESPACE.match(self.text, pos).end()
        if self.text.startswith(("//", "/*"), end):
            raise InputProblem("APL001", "comments are not allowed in JSON", end)
        return end

    def _close(self, stack: list[list[Any]], pos: int) -> int:
        container, path, start, _ = stack.pop()
        self.table.values[path] = (start, pos + 1)
        return pos + 1

    def _attach(self, stack, root_holder, key, value, path, key_range, start, end) -> None:
        if end is not None:
            self.table.values[path] = (start, end)
        if key_range is not None:
            self.table.keys[path] = key_range
        if not stack:
            root_holder.append(value)
        elif isinstance(stack[-1][0], dict):
            stack[-1][0][key] = value
        else:
            stack[-1][0].append(value)

    def _member_key(self, pos: int, frame: list[Any]) -> tuple[str, tuple[int, int], int]:
        text = self.text
        if pos >= len(text):
            raise InputProblem("APL001", "unexpected end of file, expected a property name", len(text))
        if text[pos] != '"':
            raise InputProblem("APL001", "expected a property name in double quotes", pos)
        key, end = self._string(pos)
        seen: dict[str, int] = frame[3]
        if key in seen:
            line, column = self._line_col(seen[key])
            if len(self.duplicates) <= limits.MAX_FINDINGS_PER_FILE:  # the linter reports the cut
                self.duplicates.append(InputViolation(
                    "APL002", f"duplicate key {key!r} (first defined at {line}:{column}); "
                              "only the last value is used", pos, end))
            # The parser keeps the last one; so do we, positions included.
            self.table.values.pop(frame[1] + (key,), None)
        seen[key] = pos
        colon = self._skip(end)
        if colon >= len(text) or text[colon] != ":":
            raise InputProblem("APL001", "expected ':' after property name", min(colon, len(text)))
        return key, (pos, end), colon + 1

    def _line_col(self, offset: int) -> tuple[int, int]:
        return line_index(self.text).line_col(offset)

    def _string(self, pos: int) -> tuple[str, int]:
        match = _STRING.match(self.text, pos)
        if match is None:
            raise InputProblem("APL001", *self._string_error(pos))
        end = match.end()
        token = match.group()
        value = json.loads(token) if "\\" in token else token[1:-1]  # decode escapes only where there are some
        if len(value) > limits.MAX_STRING_CHARS:  # the string's characters, as YAML counts them
            raise InputProblem("APL004", f"string longer than {limits.MAX_STRING_CHARS:,} characters", pos)
        return value, end

    def _string_error(self, pos: int) -> tuple[str, int]:
        text = self.text
        i = pos + 1
        while i < len(text):
            char = text[i]
            if char == '"':
                break
            if char == "\\":
                if text.startswith(("u",), i + 1):
                    if not re.match(r"[0-9a-fA-F]{4}", text[i + 2:i + 6]):
                        return "invalid \\u escape in string", i
                    i += 6
                    continue
                if i + 1 >= len(text) or text[i + 1] not in '"\\/bfnrt':
                    return "invalid escape in string", i
                i += 2
                continue
            if char < " ":
                if char in "\r\n":
                    return "unterminated string (line break inside a string)", pos
                return f"control character U+{ord(char):04X} in string", i
            i += 1
        return "unterminated string", pos

    def _scalar(self, pos: int) -> tuple[Any, int]:
        text = self.text
        char = text[pos]
        if char == '"':
            return self._string(pos)
        match = _NUMBER.match(text, pos)
        if match and match.end() > pos:
            token = match.group()
            end = match.end()
            if end < len(text) and (text[end].isalnum() or text[end] in "._"):
                raise InputProblem("APL001", f"invalid number {text[pos:end + 1]!r}", pos)
            if "." in token or "e" in token or "E" in token:
                return float(token), end
            return int(token) if len(token) <= 4300 else float(token), end
        word = re.match(r"-?[A-Za-z_][A-Za-z0-9_]*", text[pos:pos + 32])
        if word:
            token = word.group()
            if token in _LITERALS:
                return _LITERALS[token], pos + len(token)
            if token in _NOT_JSON:
                return self._reject(f"{token} is not valid JSON", pos)
            return self._reject(f"unexpected word {token!r}; strings must be in double quotes", pos)
        if char == "'":
            return self._reject("strings must use double quotes, not single quotes", pos)
        if char == "\ufeff":
            raise InputProblem("APL003", "byte order mark (U+FEFF) in the middle of the file", pos)
        if char in "}]":
            return self._reject(f"unexpected {char!r}, expected a value", pos)
        return self._reject(f"unexpected character {char!r}", pos)

    @staticmethod
    def _reject(message: str, pos: int) -> tuple[Any, int]:
        raise InputProblem("APL001", message, pos)


# ---------------------------------------------------------------------------------------------
# YAML


# CloudFormation's short forms. `!GetAtt a.b` is the one whose scalar form needs splitting.
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
        return None, [InputViolation(problem.rule_id, problem.message, offset,
                                     min(offset + 1, len(text)) if text else 0)]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        offset = _mark_offset(text, mark) if mark is not None else _reader_error_offset(text, exc)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context = getattr(exc, "context", None)
        message = f"{context}: {problem}" if context else str(problem)
        rule_id = "APL004" if "maximum nesting depth" in message else "APL001"
        return None, [InputViolation(rule_id, message, offset, min(offset + 1, len(text)))]
    if builder.documents == 0:
        return None, [InputViolation("APL001", "file is empty", 0, 0)]
    source = Source(name, text, "yaml", builder.root, table=builder.table)
    source.multi_document = builder.documents > 1
    source.yaml_scalars = builder.scalars
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
                    raise InputProblem("APL004", f"nesting deeper than {limits.MAX_DEPTH} levels", start)
                if stack and isinstance(stack[-1][0], dict) and stack[-1][3] is _NO_KEY:
                    raise InputProblem("APL001", "a mapping key must be a scalar", start)
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
                    raise InputProblem("APL001", f"unknown alias *{event.anchor}", start)
                self._aliases_used += 1
                self._expanded += anchored[2]
                if self._aliases_used > limits.MAX_YAML_ALIASES:
                    raise InputProblem("APL004", f"more than {limits.MAX_YAML_ALIASES:,} YAML aliases", start)
                if self._expanded > limits.MAX_YAML_EXPANSION:
                    raise InputProblem(
                        "APL004", f"YAML aliases expand to more than {limits.MAX_YAML_EXPANSION:,} "
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
                    self.violations.append(InputViolation(
                        "APL002", f"duplicate key {key!r} (first defined at {line}:{column}); "
                                  "only the last value is used", frame[4][0], frame[4][1]))
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
                raise InputProblem("APL001", "a merge key (<<) needs a mapping or a list of mappings", offset)
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
            "APL001", f"unsupported YAML tag {written or tag!r} (read as plain data; only standard "
                      "and CloudFormation tags are understood)", offset, offset + max(len(written), 1)))

    def _scalar(self, event, resolver, constructor, node_class, start) -> tuple[Any, str]:
        text = event.value
        if len(text) > limits.MAX_STRING_CHARS:
            raise InputProblem("APL004", f"string longer than {limits.MAX_STRING_CHARS:,} characters", start)
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


# ---------------------------------------------------------------------------------------------
# Dispatch


def parse(name: str, text: str, fmt: str) -> tuple[Source | None, list[InputViolation]]:
    """Parse ``text`` as ``fmt`` ('json' or 'yaml')."""
    if fmt == "json":
        return parse_json(name, text)
    return parse_yaml(name, text)


def iter_nodes(data: Any, path: JsonPath = (),
               prune: Callable[[Any], bool] | None = None) -> Iterator[tuple[JsonPath, Any]]:
    """Every (path, value) pair below ``data``, parents first; ``prune`` stops descent."""
    stack = [(path, data)]
    while stack:
        current, value = stack.pop()
        yield current, value
        if prune is not None and prune(value):
            continue
        if isinstance(value, dict):
            stack.extend((current + (k,), v) for k, v in reversed(list(value.items())))
        elif isinstance(value, list):
            stack.extend((current + (i,), v) for i, v in reversed(list(enumerate(value))))
