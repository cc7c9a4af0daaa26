"""What the tree-sitter readers (TypeScript, Terraform) share: one parser per grammar, made
on first use, and tree-sitter's byte offsets as the code point offsets every position uses.

Importing this module imports no tree-sitter: ``parser`` does, for files that need a parse.
"""
from __future__ import annotations

import bisect
import importlib

from . import caching

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any, Callable


@caching.lru_cache(maxsize=None)
def parser(module: str, function: str = "language") -> Any:
    """A ``tree_sitter.Parser`` for the grammar that ``module.function()`` returns
    (``parser("tree_sitter_typescript", "language_typescript")``), made once per process."""
    import tree_sitter

    grammar = getattr(importlib.import_module(module), function)()
    return tree_sitter.Parser(tree_sitter.Language(grammar))


def comment_starts(root: Any, text: str, accept: Callable[[str, int], bool]) -> list[int]:
    """Where each comment under ``root`` starts (code points into ``text``) that
    ``accept(text, start)`` takes, in order. The grammar finds the comments, so a comment
    marker inside a string or a heredoc is never taken for one."""
    code_points = CodePoints(text)
    found = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "comment":
            start = code_points(node.start_byte)
            if accept(text, start):
                found.append(start)
            continue
        stack.extend(node.children)
    return sorted(found)


class CodePoints:
    """Byte offsets into the UTF-8 encoding of ``text`` as offsets into ``text`` itself
    (tree-sitter counts bytes; lines and columns count code points).

    An ASCII text needs no table. Otherwise the byte offset where each non-ASCII character
    starts is kept, and an offset is moved back by the extra bytes of those before it.
    """

    __slots__ = ("_starts", "_extra")

    def __init__(self, text: str) -> None:
        self._starts: list[int] = []
        self._extra: list[int] = []  # extra bytes of the non-ASCII characters up to and including each
        if text.isascii():
            return
        extra = 0
        position = 0  # byte offset of the current character
        for char in text:
            size = _utf8_size(char)
            if size > 1:
                extra += size - 1
                self._starts.append(position)
                self._extra.append(extra)
            position += size

    def __call__(self, byte_offset: int) -> int:
        if not self._starts:
            return byte_offset
        index = bisect.bisect_left(self._starts, byte_offset) - 1
        return byte_offset - (self._extra[index] if index >= 0 else 0)


def _utf8_size(char: str) -> int:
    code = ord(char)
    if code < 0x80:
        return 1
    if code < 0x800:
        return 2
    if code < 0x10000:
        return 3
    return 4
