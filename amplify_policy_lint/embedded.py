"""Policies written as JSON strings inside a file, with positions in the outer file.

CloudFormation accepts ``PolicyDocument: '{"Statement": ...}'`` and Terraform plans carry
every policy as a JSON string. Such a string is parsed again with ``source.parse_json``
(a stack set's ``TemplateBody`` with ``source.parse_yaml``), and :class:`EmbeddedSource`
answers positions in the *outer* file: an inner character maps to the first outer
character of the escape sequence that encodes it (for ``\\"amplify:DeleteApp\\"`` inside
a JSON string, the backslash). Strings inside strings are mapped level by level, up to
``limits.MAX_EMBEDDED_DEPTH``.

The table from inner to outer offsets is built only when a position is asked for (a
finding). Strings in JSON files are mapped through their escapes; strings in YAML files
are mapped exactly for single- and double-quoted scalars and for literal and folded block
scalars; anything that cannot be mapped exactly (an explicit indentation indicator, a
scanner that disagrees with ours) falls back to the span of the whole string.
"""
from __future__ import annotations


from . import caching, limits
from .model import JsonPath
from .source import InputViolation, Problem, Source, parse_json

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any

# Offsets in the outer text of each inner character, plus one past the last one; or None
# when the string cannot be mapped character by character (then findings cover it whole).
OffsetMap = list[int] | None


class EmbeddedSource(Source):
    """A JSON (or YAML) text that was a string value at ``path`` of ``parent``.

    ``data`` is the inner document, ``inner_text`` the string; ``text`` is the *file's*
    text, so that ``text[start:end]`` of a ``value_range`` is what the file holds there
    (for a policy string in JSON, the token with its escapes). Paths given to
    ``value_range``, ``span`` and ``raw`` start with :attr:`prefix` (the path of the string
    from the root of the file's data, through every enclosing string), so that a document has
    ``base == prefix`` and its findings carry a path that says where the string was;
    positions are answered in the coordinates of the file, through every level of nesting.
    """

    is_embedded = True

    def __init__(self, parent: Source, path: JsonPath, inner: Source) -> None:
        self.inner_text = inner.text
        self.parent = parent
        self.path = tuple(path)
        self.prefix: JsonPath = (parent.prefix if isinstance(parent, EmbeddedSource) else ()) + self.path
        self.depth = embedding_depth(parent) + 1
        # How YAML scalars were written (a template given as a YAML string), by prefixed path.
        super().__init__(parent.name, root_source(parent).text, inner.format, inner.data,
                         build_table=lambda: inner.table, multi_document=inner.multi_document,
                         yaml_scalars={self.prefix + p: s for p, s in inner.yaml_scalars.items()})

    # Positions -----------------------------------------------------------------------------

    def local_range(self, path: JsonPath, part: str = "value") -> tuple[int, int]:
        """Offsets in the inner text of ``path``, relative to the inner document."""
        return Source.value_range(self, path, part)

    def value_range(self, path: JsonPath, part: str = "value") -> tuple[int, int]:
        path = tuple(path)
        cut = len(self.prefix)
        if path[:cut] != self.prefix:
            return self.parent.value_range(path, part)
        return self.to_file(*self.local_range(path[cut:], part))

    def raw(self, path: JsonPath) -> str:
        path = tuple(path)
        cut = len(self.prefix)
        if path[:cut] != self.prefix:
            return self.parent.raw(path)
        start, end = self.local_range(path[cut:])
        return self.inner_text[start:end]

    def to_file(self, start: int, end: int) -> tuple[int, int]:
        """Inner offsets ``start``-``end`` as offsets into the file's text."""
        outer_start, outer_end = self._to_parent(start, end)
        parent = self.parent
        if isinstance(parent, EmbeddedSource):
            return parent.to_file(outer_start, outer_end)
        return outer_start, outer_end

    @property
    def lines(self):  # type: ignore[override]
        return root_source(self).lines

    def _to_parent(self, start: int, end: int) -> tuple[int, int]:
        offsets = self.offsets
        if offsets is None:
            return self.outer_range
        last = len(offsets) - 1
        start, end = min(max(start, 0), last), min(max(end, start), last)
        return offsets[start], max(offsets[end], offsets[start] + (1 if end > start else 0))

    @caching.cached_property
    def outer_range(self) -> tuple[int, int]:
        """Where the string (quotes or block indicator included) is in the parent's text."""
        return _local_range(self.parent, self.path)

    @caching.cached_property
    def offsets(self) -> OffsetMap:
        """Built only when a position is asked for (a finding)."""
        return string_offsets(self.parent, self.path, self.inner_text)


def embedding_depth(source: Source) -> int:
    return source.depth if isinstance(source, EmbeddedSource) else 0


def root_source(source: Source) -> Source:
    while isinstance(source, EmbeddedSource):
        source = source.parent
    return source


def _local_range(source: Source, path: JsonPath) -> tuple[int, int]:
    """Offsets of ``path`` (relative to ``source``'s data) in ``source``'s own text."""
    if isinstance(source, EmbeddedSource):
        return source.local_range(path)
    return source.value_range(path)


def written(source: Source, path: JsonPath) -> str:
    """The text of the value at ``path`` (relative to ``source``'s data) as written in
    ``source``'s own text (for a YAML scalar, with its tag and quotes)."""
    start, end = _local_range(source, path)
    text = source.inner_text if isinstance(source, EmbeddedSource) else source.text
    return text[start:end]


def _file_range(source: Source, path: JsonPath) -> tuple[int, int]:
    if isinstance(source, EmbeddedSource):
        return source.to_file(*source.local_range(path))
    return source.value_range(path)


def embed(parent: Source, path: JsonPath, what: str = "policy string",
          fmt: str = "json") -> tuple[EmbeddedSource | None, list[InputViolation]]:
    """Parse the JSON (or, with ``fmt="yaml"``, YAML) string at ``path`` (relative to
    ``parent``'s data).

    Returns the embedded source (None when the string does not parse) and the input
    problems (syntax errors, duplicate keys, limits), placed by offsets into the *file's*
    text, ready for ``LineIndex(file text)``.
    """
    value = _value_at(parent.data, path)
    if not isinstance(value, str):
        raise TypeError(f"no string at {path!r}")
    depth = embedding_depth(parent) + 1
    if depth > limits.MAX_EMBEDDED_DEPTH:
        start, end = _file_range(parent, path)
        return None, [InputViolation(Problem.LIMIT, f"{what} nested in strings more than "
                                     f"{limits.MAX_EMBEDDED_DEPTH} levels deep", start, end)]
    if fmt == "yaml":
        from .source.yaml_reader import parse_yaml

        inner, problems = parse_yaml(parent.name, value)
    else:
        inner, problems = parse_json(parent.name, value)
    holder = inner if inner is not None else Source(parent.name, value, fmt, None)
    embedded = EmbeddedSource(parent, path, holder)
    mapped = []
    for problem in problems:
        start, end = embedded.to_file(problem.start, max(problem.end, problem.start))
        message = "is empty" if problem.message == "file is empty" else problem.message
        mapped.append(InputViolation(problem.kind, f"in the {what}: {message}", start, end))
    return (embedded if inner is not None else None), mapped


def _value_at(data: Any, path: JsonPath) -> Any:
    for part in path:
        data = data[part]
    return data


# ---------------------------------------------------------------------------------------------
# Inner offsets to outer offsets


def string_offsets(parent: Source, path: JsonPath, value: str) -> OffsetMap:
    """For each character of ``value`` (the string at ``path``), its offset in the parent's
    text, plus the offset just past the last one; None when no exact map exists."""
    start, end = _local_range(parent, path)
    text = parent.inner_text if isinstance(parent, EmbeddedSource) else parent.text
    if start >= end or start >= len(text):
        return None
    first = text[start]
    try:
        if parent.format == "json":
            return _json_offsets(text, start, end, value) if first == '"' else None
        if first in "\"'":
            return _yaml_quoted_offsets(text, start, end, value)
        if first in "|>":
            return _yaml_block_offsets(text, start, end, value)
        return _yaml_plain_offsets(text, start, end, value)
    except (IndexError, ValueError):  # a scanner that disagrees with ours: no exact map
        return None


def _json_offsets(text: str, start: int, end: int, value: str) -> OffsetMap:
    offsets: list[int] = []
    i, stop = start + 1, end - 1
    while i < stop:
        offsets.append(i)
        if text[i] != "\\":
            i += 1
            continue
        if text[i + 1] != "u":
            i += 2
            continue
        code = int(text[i + 2:i + 6], 16)
        if 0xD800 <= code < 0xDC00 and text[i + 6:i + 8] == "\\u" and \
                0xDC00 <= int(text[i + 8:i + 12], 16) < 0xE000:
            i += 12  # a surrogate pair is one character
        else:
            i += 6
    offsets.append(stop)
    return offsets if len(offsets) == len(value) + 1 else None


_BREAKS = "\r\n\x85\u2028\u2029"
_YAML_ESCAPES = {
    "0": "\0", "a": "\x07", "b": "\x08", "t": "\t", "\t": "\t", "n": "\n", "v": "\x0b",
    "f": "\x0c", "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
    "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029",
}
_YAML_CODES = {"x": 2, "u": 4, "U": 8}


def _yaml_quoted_offsets(text: str, start: int, end: int, value: str) -> OffsetMap:
    """Follow the YAML scanner (PyYAML's scan_flow_scalar) over a quoted flow scalar,
    recording where each character of the result came from; a folded line break comes
    from the break it replaces."""
    quote = text[start]
    double = quote == '"'
    out: list[tuple[str, int]] = []

    def line_break(i: int) -> tuple[str, int]:
        if text[i] == "\r":
            return "\n", i + (2 if text[i + 1:i + 2] == "\n" else 1)
        if text[i] in "\n\x85":
            return "\n", i + 1
        return text[i], i + 1

    def breaks(i: int) -> tuple[list[tuple[str, int]], int]:
        found = []
        while True:
            while text[i] in " \t":
                i += 1
            if text[i] not in _BREAKS:
                return found, i
            at = i
            char, i = line_break(i)
            found.append((char, at))

    def non_spaces(i: int) -> int:
        while True:
            j = i
            while text[j] not in "'\"\\\0 \t" + _BREAKS:
                j += 1
            out.extend((text[k], k) for k in range(i, j))
            i = j
            char = text[i]
            if not double and char == "'" and text[i + 1] == "'":
                out.append(("'", i))
                i += 2
            elif (double and char == "'") or (not double and char in '"\\'):
                out.append((char, i))
                i += 1
            elif double and char == "\\":
                escape = text[i + 1]
                if escape in _YAML_ESCAPES:
                    out.append((_YAML_ESCAPES[escape], i))
                    i += 2
                elif escape in _YAML_CODES:
                    width = _YAML_CODES[escape]
                    out.append((chr(int(text[i + 2:i + 2 + width], 16)), i))
                    i += 2 + width
                elif escape in _BREAKS:
                    _, i = line_break(i + 1)
                    found, i = breaks(i)
                    out.extend(found)
                else:
                    raise ValueError(f"unknown escape {escape!r}")
            else:
                return i

    def spaces(i: int) -> int:
        j = i
        while text[j] in " \t":
            j += 1
        if text[j] == "\0":
            raise ValueError("end of text in a quoted scalar")
        if text[j] not in _BREAKS:
            out.extend((text[k], k) for k in range(i, j))
            return j
        at = j
        char, j = line_break(j)
        found, j = breaks(j)
        if char != "\n":
            out.append((char, at))
        elif not found:
            out.append((" ", at))
        out.extend(found)
        return j

    i = non_spaces(start + 1)
    while text[i] != quote:
        i = spaces(i)
        i = non_spaces(i)
    if i >= end or "".join(c for c, _ in out) != value:
        return None
    return [at for _, at in out] + [i]


def _yaml_block_offsets(text: str, start: int, end: int, value: str) -> OffsetMap:
    """A literal (|) or folded (>) block scalar: each content line, less its indentation,
    is in the value in order; separators (line breaks, folding spaces) map to the break."""
    header_end = _line_end(text, start)
    header = text[start:header_end].split("#", 1)[0].strip()
    if any(c.isdigit() for c in header):
        return None  # explicit indentation: rare; the whole string is the answer
    lines = []  # (offset of the line, its text without the break)
    i = _after_break(text, header_end)
    while i < end:
        j = _line_end(text, i)
        lines.append((i, text[i:j]))
        i = _after_break(text, j)
    indent = next((len(line) - len(line.lstrip(" ")) for _, line in lines if line.strip(" ")), 0)
    offsets: list[int] = []
    q = 0
    # The line breaks since the last content, in order: the separators between two
    # content lines (a folding space, or one line break per break) come from them.
    pending = [start]
    content_end = start
    for line_start, line in lines:
        content = line[indent:] if len(line) > indent else ""
        if content:
            used = 0
            while not value.startswith(content, q):
                if q < len(value) and value[q] in "\n ":
                    offsets.append(pending[min(used, len(pending) - 1)])
                    used += 1
                    q += 1
                else:
                    return None
            offsets.extend(range(line_start + indent, line_start + indent + len(content)))
            q += len(content)
            content_end = line_start + len(line)
            pending = []
        pending.append(line_start + len(line))
    while q < len(value) and value[q] == "\n":
        offsets.append(content_end)
        q += 1
    if q != len(value):
        return None
    offsets.append(content_end)
    return offsets


def _yaml_plain_offsets(text: str, start: int, end: int, value: str) -> OffsetMap:
    """A plain scalar on one line is its own text; JSON rarely fits one, but it may."""
    raw = text[start:end]
    if raw == value:
        return list(range(start, end + 1))
    return None


def _line_end(text: str, i: int) -> int:
    while i < len(text) and text[i] not in "\r\n":
        i += 1
    return i


def _after_break(text: str, i: int) -> int:
    if text[i:i + 2] == "\r\n":
        return i + 2
    return i + 1 if i < len(text) else i
