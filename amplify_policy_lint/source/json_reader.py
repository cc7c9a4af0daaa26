"""JSON with positions.

JSON is read twice at most: the C decoder first (fast, no positions), and the
position-recording reader below only when positions are needed (a finding) or the fast read
failed (to say exactly where and why). NaN/Infinity and duplicate keys are rejected; limits
on depth and string length are applied alike by both.
"""
from __future__ import annotations

from .. import limits, regex
from ..fastjson import loads, string_at, value_at
from ..model import JsonPath
from .core import PositionTable, Source
from .problems import InputProblem, InputViolation, Problem, duplicate_key
from .text import line_index
from ..records import NamedTuple

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any


class _Duplicate(Exception):
    pass


def _pairs_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _Duplicate
    return result


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def _float(token: str, rewritten: list[str]) -> float:
    value = float(token)
    if repr(value) != token:
        rewritten.append(token)
    return value


def _int(token: str, rewritten: list[str]) -> int:
    if token == "-0":  # JSON writes no other integer two ways
        rewritten.append(token)
    return int(token)


def parse_json(name: str, text: str) -> tuple[Source | None, list[InputViolation]]:
    """Parse JSON text. Returns the source (None when unreadable) and input findings."""
    rewritten: list[str] = []  # numbers that Python writes otherwise (1E3, 1.50, -0)
    try:
        data = loads(text, object_pairs_hook=_pairs_without_duplicates, parse_constant=_reject_constant,
                     parse_float=lambda token: _float(token, rewritten), parse_int=lambda token: _int(token, rewritten))
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
        return Source(name, text, "json", data, build_table=lambda: _JsonPositions(text, data),
                      plain_json=not rewritten and "\\" not in text), []
    reader = _JsonReader(text)
    try:
        result = reader.read()
    except InputProblem as problem:
        offset = problem.offset if problem.offset is not None else 0
        return None, [InputViolation(problem.kind, problem.message, offset,
                                     min(offset + 1, len(text)) if text else 0)]
    return Source(name, text, "json", result.data, table=result.table), reader.duplicates


def _depth_violation_json(text: str) -> InputViolation:
    try:
        _JsonReader(text).read()
    except InputProblem as problem:
        offset = problem.offset or 0
        return InputViolation(problem.kind, problem.message, offset, offset + 1)
    return InputViolation(Problem.LIMIT, f"nesting deeper than {limits.MAX_DEPTH} levels", 0, 1)


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


_WHITESPACE = regex.compile(r"[ \t\n\r]*")
# "Unrolled" (plain run, then escape + plain run, ...): no nested quantifier, so an unterminated
# string fails in linear time (the former `(?:[^"\\]+|\\.)*` backtracked exponentially).
_STRING = regex.compile(r'"[^"\\\x00-\x1f]*(?:(?:\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})[^"\\\x00-\x1f]*)*"')
_NUMBER = regex.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_HEX4 = regex.compile(r"[0-9a-fA-F]{4}")
_WORD = regex.compile(r"-?[A-Za-z_][A-Za-z0-9_]*")
_LITERALS = {"true": True, "false": False, "null": None}
_NOT_JSON = {"NaN": "NaN", "Infinity": "Infinity", "-Infinity": "-Infinity",
             "undefined": "undefined"}


class _JsonPositions:
    """Where the values and member names of a JSON text that parsed were written, found on
    demand: only a finding needs a position, and most files have none or a few.

    A path is followed through the text from the root: in each container on the way, the
    members (or elements) before the one asked for are passed over by json's C scanner, which
    reads a value and says where it ends. What a container's pass found (each member's name
    and value offsets, each element's start) is kept with the point it stopped at, so later
    questions about the same container go on from there: the text is passed over about once
    however many findings a file has. The text is valid JSON without duplicate names (a text
    with any never gets here), and the parsed data says which names and indexes exist.
    """

    __slots__ = ("_data", "_text", "_containers", "_ends")

    def __init__(self, text: str, data: Any) -> None:
        self._data = data
        self._text = text
        # A container's start offset -> what its pass found so far: [found, resume, pending]:
        # found maps a member name to (name start, name end, value start), or lists element
        # starts; resume is where the pass goes on (after a whole member, or just inside the
        # opening bracket); pending is the start of the last value found, still to be passed
        # over before resuming (-1: none). Values are passed over only when the pass goes on.
        self._containers: dict[int, list[Any]] = {}
        self._ends: dict[int, int] = {}  # a value's start -> its end, once read

    def value(self, path: JsonPath) -> tuple[int, int] | None:
        found = self._find(path)
        if found is None:
            return None
        start = found[2]
        end = self._ends.get(start)
        if end is None:
            if not path:
                # The root of a valid JSON text is all of it but the white space around it.
                end = len(self._text.rstrip(_JSON_SPACE))
            else:
                end = value_at(self._text, start)[1]
            self._ends[start] = end
        return start, end

    def key(self, path: JsonPath) -> tuple[int, int] | None:
        if not path:
            return None
        found = self._find(path)
        if found is None or found[0] < 0:
            return None
        return found[0], found[1]

    @staticmethod
    def resolve(path: JsonPath) -> JsonPath:
        return path  # JSON has no aliases

    def _find(self, path: JsonPath) -> tuple[int, int, int] | None:
        """(name start, name end, value start) of the value at ``path`` (-1, -1 for the root
        and list elements), or None when the data has no such path."""
        text = self._text
        value = self._data
        start = len(text) - len(text.lstrip(_JSON_SPACE))
        found = (-1, -1, start)
        for part in path:
            if isinstance(value, dict):
                if not isinstance(part, str) or part not in value:
                    return None
                found = self._member(start, part)
            elif isinstance(value, list):
                if not isinstance(part, int) or not 0 <= part < len(value):
                    return None
                found = (-1, -1, self._element(start, part))
            else:
                return None
            value, start = value[part], found[2]
        return found

    def _member(self, container: int, name: str) -> tuple[int, int, int]:
        state = self._containers.get(container)
        if state is None:
            state = self._containers[container] = [{}, container + 1, -1]
        members, resume, pending = state
        known = members.get(name)
        if known is not None:
            return known
        text, skip = self._text, _WHITESPACE.match
        while True:  # the name is in the data, so the pass finds it before the "}"
            position = _next_item(text, resume, pending)
            member, name_end = string_at(text, position)
            value_start = skip(text, skip(text, name_end).end() + 1).end()  # past the ":"
            found = members[member] = (position, name_end, value_start)
            resume, pending = name_end, value_start
            if member == name:
                state[1], state[2] = resume, pending
                return found

    def _element(self, container: int, index: int) -> int:
        state = self._containers.get(container)
        if state is None:
            state = self._containers[container] = [[], container + 1, -1]
        starts, resume, pending = state
        if index < len(starts):
            return starts[index]
        while len(starts) <= index:  # the index is in the data, so the pass gets there
            position = _next_item(self._text, resume, pending)
            starts.append(position)
            resume, pending = position, position
        state[1], state[2] = resume, pending
        return starts[index]


def _next_item(text: str, resume: int, pending: int) -> int:
    """Where a container's next member or element starts: after the value that starts at
    ``pending`` (passed over in C; -1: none), else after ``resume``, then a comma."""
    skip = _WHITESPACE.match
    if pending >= 0:
        resume = value_at(text, pending)[1]
    position = skip(text, resume).end()
    if text[position] == ",":
        position = skip(text, position + 1).end()
    return position


_JSON_SPACE = " \t\n\r"


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
            raise InputProblem(Problem.SYNTAX, "file is empty", 0)
        # Each frame: [container, path, start offset, seen keys (dict) or None]
        stack: list[list[Any]] = []
        root_holder: list[Any] = []
        key: str | int | None = None
        key_range: tuple[int, int] | None = None
        while True:
            pos = self._skip(pos)
            if pos >= len(text):
                raise InputProblem(Problem.SYNTAX, "unexpected end of file", len(text))
            # Expecting a value here.
            if stack:
                parent = stack[-1]
                path = parent[1] + (key,)
            else:
                path = ()
            char = text[pos]
            if char in "{[":
                if len(stack) >= limits.MAX_DEPTH:
                    raise InputProblem(Problem.LIMIT, f"nesting deeper than {limits.MAX_DEPTH} levels", pos)
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
                        raise InputProblem(Problem.SYNTAX, "extra data after the JSON value", pos)
                    return _JsonResult(root_holder[0], self.table)
                frame = stack[-1]
                is_object = isinstance(frame[0], dict)
                closing = "}" if is_object else "]"
                if pos >= len(text):
                    raise InputProblem(Problem.SYNTAX, f"unexpected end of file, expected ',' or '{closing}'",
                                       len(text))
                char = text[pos]
                if char == closing:
                    pos = self._close(stack, pos)
                    continue
                if char != ",":
                    what = "object member" if is_object else "array element"
                    raise InputProblem(Problem.SYNTAX, f"expected ',' or '{closing}' after {what}", pos)
                comma, pos = pos, self._skip(pos + 1)
                if pos < len(text) and text[pos] == closing:
                    raise InputProblem(Problem.SYNTAX, "trailing comma is not allowed in JSON", comma)
                if is_object:
                    key, key_range, pos = self._member_key(pos, frame)
                else:
                    key = len(frame[0])
                    key_range = None
                break

    def _skip(self, pos: int) -> int:
        end = _WHITESPACE.match(self.text, pos).end()
        if self.text.startswith(("//", "/*"), end):
            raise InputProblem(Problem.SYNTAX, "comments are not allowed in JSON", end)
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
            raise InputProblem(Problem.SYNTAX, "unexpected end of file, expected a property name", len(text))
        if text[pos] != '"':
            raise InputProblem(Problem.SYNTAX, "expected a property name in double quotes", pos)
        key, end = self._string(pos)
        seen: dict[str, int] = frame[3]
        if key in seen:
            line, column = self._line_col(seen[key])
            if len(self.duplicates) <= limits.MAX_FINDINGS_PER_FILE:  # the linter reports the cut
                self.duplicates.append(duplicate_key(key, line, column, pos, end))
            # The parser keeps the last one; so do we, positions included.
            self.table.values.pop(frame[1] + (key,), None)
        seen[key] = pos
        colon = self._skip(end)
        if colon >= len(text) or text[colon] != ":":
            raise InputProblem(Problem.SYNTAX, "expected ':' after property name", min(colon, len(text)))
        return key, (pos, end), colon + 1

    def _line_col(self, offset: int) -> tuple[int, int]:
        return line_index(self.text).line_col(offset)

    def _string(self, pos: int) -> tuple[str, int]:
        match = _STRING.match(self.text, pos)
        if match is None:
            raise InputProblem(Problem.SYNTAX, *self._string_error(pos))
        end = match.end()
        token = match.group()
        value = loads(token) if "\\" in token else token[1:-1]  # decode escapes only where there are some
        if len(value) > limits.MAX_STRING_CHARS:  # the string's characters, as YAML counts them
            raise InputProblem(Problem.LIMIT, f"string longer than {limits.MAX_STRING_CHARS:,} characters", pos)
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
                    if not _HEX4.match(text[i + 2:i + 6]):
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
                raise InputProblem(Problem.SYNTAX, f"invalid number {text[pos:end + 1]!r}", pos)
            if "." in token or "e" in token or "E" in token:
                return float(token), end
            return int(token) if len(token) <= 4300 else float(token), end
        word = _WORD.match(text[pos:pos + 32])
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
            raise InputProblem(Problem.UNDECODABLE, "byte order mark (U+FEFF) in the middle of the file", pos)
        if char in "}]":
            return self._reject(f"unexpected {char!r}, expected a value", pos)
        return self._reject(f"unexpected character {char!r}", pos)

    @staticmethod
    def _reject(message: str, pos: int) -> tuple[Any, int]:
        raise InputProblem(Problem.SYNTAX, message, pos)
