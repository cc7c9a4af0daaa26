"""The one shape every reader produces: a ``Source`` (the data, and where each value was
written), answered through a position table keyed by JSON path.

A reader of any syntax (JSON, YAML, TypeScript, HCL) supplies a ``Positions`` object: for
each JSON path of its data, the character offsets of the value (and, for a mapping member,
of its key) in the file's text. ``PositionTable`` is the plain one, filled in as a reader
goes; the JSON reader's compact table answers the same three questions.
"""
from __future__ import annotations


from .. import caching, limits
from ..model import JsonPath, Span
from .text import LineIndex, line_index

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any, Callable, Iterator, Protocol
else:
    Protocol = object  # the interface below is structural: nothing inherits from it

if TYPE_CHECKING:  # pragma: no cover - typing only
    from .yaml_reader import YamlScalar


class Positions(Protocol):
    """Where values and keys were written: ``(start, end)`` offsets, or None when unknown."""

    def value(self, path: JsonPath) -> tuple[int, int] | None: ...

    def key(self, path: JsonPath) -> tuple[int, int] | None: ...

    def resolve(self, path: JsonPath) -> JsonPath: ...


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


class Source:
    """One parsed text: the data and, lazily, where each value is.

    ``span(path, part)`` answers with the position of the value at ``path``
    (``part="value"``), of its key (``"key"``), or of the first character of the
    value (``"opening"``, used for "this mapping lacks X").

    Immutable: everything is given to the constructor (a subclass sets its own attributes
    before calling it); the position table, built on first use, is a cached property.
    """

    # An embedded.EmbeddedSource (a policy or template that was a string value) says True.
    is_embedded = False

    def __init__(self, name: str, text: str, fmt: str, data: Any,
                 table: Positions | None = None,
                 build_table: Callable[[], Positions] | None = None, *,
                 multi_document: bool = False, plain_json: bool = False,
                 yaml_scalars: "dict[JsonPath, YamlScalar] | None" = None) -> None:
        self.name = name
        self.text = text
        self.format = fmt
        self.data = data
        if table is not None:
            self.__dict__["table"] = table  # the cached property's value, known already
        self._build_table = build_table
        # A YAML stream of several documents: ``data`` is the list of them.
        self.multi_document = multi_document
        # JSON text that writes ``data`` as compact JSON would but for white space outside
        # strings: no escape, every number as Python writes it (json_reader.parse_json).
        self.plain_json = plain_json
        # How each YAML scalar was written (plain or quoted, resolved tag), for APL005.
        self.yaml_scalars: dict[JsonPath, YamlScalar] = yaml_scalars if yaml_scalars is not None else {}
        self._sealed = True

    def __setattr__(self, name: str, value: Any) -> None:
        if self.__dict__.get("_sealed"):
            raise AttributeError(f"a Source is immutable: cannot set {name!r}")
        object.__setattr__(self, name, value)

    @caching.cached_property
    def table(self) -> Positions:
        assert self._build_table is not None
        return self._build_table()

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
