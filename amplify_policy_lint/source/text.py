"""Bytes to text: UTF-8 only (APL003 for anything else), and line/column arithmetic."""
from __future__ import annotations

import itertools

try:
    from _bisect import bisect_right  # what bisect re-exports, without its module (start-up)
except ImportError:  # pragma: no cover - an interpreter without the C accelerator
    from bisect import bisect_right

from .. import caching, regex
from ..model import Span
from .problems import InputProblem, Problem


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")


def decode(data: bytes) -> str:
    """UTF-8 text with a leading BOM dropped; APL003 for anything else."""
    if data.startswith(_UTF32_BOMS):
        raise InputProblem(Problem.UNDECODABLE, "file is UTF-32 encoded; policies must be UTF-8", 0)
    if data.startswith(_UTF16_BOMS):
        raise InputProblem(Problem.UNDECODABLE, "file is UTF-16 encoded; policies must be UTF-8", 0)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    nul = data.find(b"\x00")
    if nul >= 0:
        text = data[:nul].decode("utf-8", "replace")
        raise InputProblem(Problem.UNDECODABLE, "file contains a NUL byte (binary data?)", len(text))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        prefix = data[: exc.start].decode("utf-8", "replace")
        raise InputProblem(
            Problem.UNDECODABLE, f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x} at byte offset {exc.start})",
            len(prefix)) from None
    stray_bom = text.find("\ufeff")
    if stray_bom >= 0 and not _inside_string(text, stray_bom):
        raise InputProblem(Problem.UNDECODABLE, "byte order mark (U+FEFF) in the middle of the file", stray_bom)
    return text


_UNESCAPED_QUOTE = regex.compile(r'(?<!\\)"')


def _inside_string(text: str, offset: int) -> bool:
    """Whether ``offset`` sits inside a quoted string on its line (a BOM there is content)."""
    line_start = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1
    quotes = _UNESCAPED_QUOTE.findall(text[line_start:offset])
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


class LineIndex:
    """Offsets to 1-based (line, column). Lines end at \\n, \\r\\n or \\r, as editors count them."""

    _BREAK = regex.compile(r"\r\n|\r|\n")

    # Questions answered by counting line breaks before the list of line starts is built:
    # a finding or two in a long file (a size quota on a 20 MB policy) need no list.
    _COUNTED = 8

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts: list[int] | None = None
        self._counted = 0 if "\r" not in text else self._COUNTED  # (counting is for \n-only texts)

    @property
    def starts(self) -> list[int]:
        """The offset where each line starts."""
        if self._starts is None:
            text = self._text
            if "\r" in text:
                self._starts = [0] + [m.end() for m in self._BREAK.finditer(text)]
            else:  # \n only (almost every file): the lengths of the lines, summed up (3x faster)
                self._starts = [0, *itertools.accumulate(len(line) + 1 for line in text.split("\n")[:-1])]
        return self._starts

    def line_col(self, offset: int) -> tuple[int, int]:
        text = self._text
        if self._counted < self._COUNTED and self._starts is None and 0 <= offset <= len(text):
            self._counted += 1
            return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)
        if 0 < offset < len(text) and text[offset] == "\n" and text[offset - 1] == "\r":
            offset -= 1  # between the two characters of a CRLF break: the break's own position
        line = bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def span(self, start: int, end: int) -> Span:
        line, column = self.line_col(start)
        end_line, end_column = self.line_col(max(end, start))
        return Span(line, column, end_line, end_column)



@caching.lru_cache(maxsize=2)
def line_index(text: str) -> LineIndex:
    """The line index of ``text``, built once however many stages place something in it (the
    reader's duplicate-key message, input findings, document findings, directives)."""
    return LineIndex(text)
